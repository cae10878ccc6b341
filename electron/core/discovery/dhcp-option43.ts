/**
 * DHCP option 43 for OpenStage / OpenScape Desk Phone IP (spec diagnostics-certs-dhcp.md §3).
 *
 * The phone sends option 60 = `OptiIpPhone` and reads option 43 as TLV sub-options:
 * 1 = vendor name `Siemens`, 2 = VLAN ID (4 bytes big-endian), 3 = `sdlp://<host>:<port>`,
 * 4 = DLS host name (optional), then 255 = end. The end marker is optional per the spec, but the
 * byte-exact example that worked on real phones ends with it, so we always add it.
 */
import { isIpv4 } from './ipv4.js';

export interface Option43Input {
  /** DLS address as the phone should use it: IPv4 or host name. */
  host: string;
  /** DLS port (Default Mode listener); the phones' documented default is 18443. */
  port?: number;
  /** Voice VLAN (sub-option 2). Leave out on the DHCP server of the voice VLAN itself (§3.3). */
  vlanId?: number;
  /** DLS host name (sub-option 4); the spec does not explain how it interacts with sub-option 3. */
  hostnameSubOption?: string;
}

export interface Option43 {
  bytes: Uint8Array;
  /** Lower-case hex without separators (`0107…ff`): switch CLIs, MikroTik `0x…`. */
  hex: string;
  /** Lower-case colon hex (`01:07:…:ff`): ISC dhcpd `vendor-encapsulated-options`. */
  colonHex: string;
  /** The DLS URL carried in sub-option 3. */
  url: string;
}

export const DEFAULT_DLS_PORT = 18443;
/** Option 60 the phones send; DHCP servers match on it. */
export const PHONE_VENDOR_CLASS = 'OptiIpPhone';
const VENDOR_NAME = 'Siemens';
const END = 255;
/** One DHCP option carries at most 255 bytes; phones are not known to reassemble split options. */
const MAX_LENGTH = 255;

export class Option43Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Option43Error';
  }
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function checkHost(host: string, what: string): void {
  if (host === '') throw new Option43Error(`${what} is empty`);
  if (host.includes(':')) {
    throw new Option43Error(`${what} "${host}": IPv6 addresses are not supported in the sdlp:// URL; use an IPv4 address or a host name`);
  }
  // All-numeric names are meant as IPv4 addresses; a typo like 192.168.1.300 must not pass as a host name.
  if (/^[\d.]+$/.test(host)) {
    if (!isIpv4(host)) throw new Option43Error(`${what} "${host}" is not a valid IPv4 address`);
    return;
  }
  if (host.length > 253 || !host.split('.').every((label) => HOST_LABEL.test(label))) {
    throw new Option43Error(`${what} "${host}" is not a valid host name (letters, digits, '-' and '.' only)`);
  }
}

function checkInteger(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Option43Error(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

function tlv(code: number, data: Uint8Array, what: string): number[] {
  if (data.length > MAX_LENGTH) {
    throw new Option43Error(`sub-option ${code} (${what}) is ${data.length} bytes; a sub-option holds at most ${MAX_LENGTH}`);
  }
  return [code, data.length, ...data];
}

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

export function buildOption43(input: Option43Input): Option43 {
  const host = input.host.trim();
  const port = input.port ?? DEFAULT_DLS_PORT;
  checkHost(host, 'DLS host');
  checkInteger(port, 1, 65535, 'DLS port');
  const url = `sdlp://${host}:${port}`;

  const out = tlv(1, ascii(VENDOR_NAME), 'vendor name');
  if (input.vlanId !== undefined) {
    checkInteger(input.vlanId, 1, 4094, 'VLAN ID');
    out.push(...tlv(2, vlanBytes(input.vlanId), 'VLAN ID'));
  }
  out.push(...tlv(3, ascii(url), 'DLS URL'));
  if (input.hostnameSubOption !== undefined) {
    const name = input.hostnameSubOption.trim();
    checkHost(name, 'DLS host name (sub-option 4)');
    out.push(...tlv(4, ascii(name), 'DLS host name'));
  }
  out.push(END);
  if (out.length > MAX_LENGTH) {
    throw new Option43Error(`option 43 would be ${out.length} bytes; a DHCP option holds at most ${MAX_LENGTH} (shorten the host name)`);
  }

  const bytes = Uint8Array.from(out);
  const pairs = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
  return { bytes, hex: pairs.join(''), colonHex: pairs.join(':'), url };
}

/** Sub-option 2 value: 4 bytes, big-endian (VLAN 1245 → 00 00 04 dd). */
function vlanBytes(vlanId: number): Uint8Array {
  return Uint8Array.of(0, 0, vlanId >> 8, vlanId & 255);
}

export interface SnippetInput extends Option43Input {
  /** Windows DHCP scope ID (e.g. `192.168.1.0`); a placeholder is written when unknown. */
  windowsScopeId?: string;
  /** MikroTik DHCP server name; a placeholder is written when unknown. */
  mikrotikServer?: string;
}

/** Optional free-text snippet parameter: a placeholder when absent, validated so pasted commands stay intact. */
function snippetParam(value: string | undefined, placeholder: string, valid: (s: string) => boolean, message: string): string {
  const text = value?.trim();
  if (!text) return placeholder;
  if (!valid(text)) throw new Option43Error(`${message}, got "${text}"`);
  return text;
}

export interface DhcpSnippets {
  iscDhcpd: string;
  dnsmasq: string;
  windowsNetsh: string;
  windowsPowerShell: string;
  mikrotik: string;
}

/**
 * Ready-to-paste configuration for the customer's DHCP server (§3.4). Every variant answers
 * only clients whose option 60 is `OptiIpPhone`, so PCs on the same scope are not affected.
 */
export function dhcpSnippets(input: SnippetInput): DhcpSnippets {
  const option = buildOption43(input);
  const { url } = option;
  const vlan = input.vlanId;
  const hostName = input.hostnameSubOption?.trim();
  const scope = snippetParam(
    input.windowsScopeId,
    '<scope-id>',
    isIpv4,
    'Windows scope ID must be an IPv4 network address like 192.168.1.0',
  );
  const server = snippetParam(
    input.mikrotikServer,
    '<dhcp-server>',
    (s) => /^[\w.-]+$/.test(s),
    'MikroTik DHCP server name may hold only letters, digits, "_", "-" and "."',
  );
  const lines = (...rows: (string | false)[]): string => rows.filter((r) => r !== false).join('\n') + '\n';
  const vlanHex = vlan === undefined ? '' : Array.from(vlanBytes(vlan), (b) => b.toString(16).padStart(2, '0')).join(':');

  const iscDhcpd = lines(
    `option space ${PHONE_VENDOR_CLASS};`,
    `option ${PHONE_VENDOR_CLASS}.vendor-name code 1 = string;`,
    `option ${PHONE_VENDOR_CLASS}.vlan-id     code 2 = unsigned integer 32;`,
    `option ${PHONE_VENDOR_CLASS}.dls-url     code 3 = string;`,
    `option ${PHONE_VENDOR_CLASS}.dls-host    code 4 = string;`,
    '',
    `class "${PHONE_VENDOR_CLASS}" {`,
    `  match if option vendor-class-identifier = "${PHONE_VENDOR_CLASS}";`,
    `  vendor-option-space ${PHONE_VENDOR_CLASS};`,
    `  option ${PHONE_VENDOR_CLASS}.vendor-name "${VENDOR_NAME}";`,
    vlan !== undefined && `  option ${PHONE_VENDOR_CLASS}.vlan-id ${vlan};          # not on the DHCP server of the voice VLAN itself`,
    `  option ${PHONE_VENDOR_CLASS}.dls-url "${url}";`,
    hostName !== undefined && `  option ${PHONE_VENDOR_CLASS}.dls-host "${hostName}";`,
    '}',
    '',
    `# Raw alternative (any ISC version): in the class, replace the vendor-option-space and`,
    `# OptiIpPhone.* option lines with`,
    `#   option vendor-encapsulated-options ${option.colonHex};`,
  );

  // dnsmasq encapsulates `vendor:<class>` options into option 43 itself and appends the end marker.
  const dnsmasq = lines(
    `dhcp-option=vendor:${PHONE_VENDOR_CLASS},1,"${VENDOR_NAME}"`,
    vlan !== undefined && `dhcp-option=vendor:${PHONE_VENDOR_CLASS},2,${vlanHex}`,
    `dhcp-option=vendor:${PHONE_VENDOR_CLASS},3,"${url}"`,
    hostName !== undefined && `dhcp-option=vendor:${PHONE_VENDOR_CLASS},4,"${hostName}"`,
  );

  // The published netsh script declares the VLAN as 4 BYTE values, which as written only covers
  // VLAN IDs up to 255; a DWORD is sent as the same 4 big-endian bytes and covers 1..4094.
  const classHex = Array.from(ascii(PHONE_VENDOR_CLASS), (b) => b.toString(16).padStart(2, '0')).join('');
  const vendor = `vendor="${PHONE_VENDOR_CLASS}"`;
  const windowsNetsh = lines(
    `netsh dhcp server add class "${PHONE_VENDOR_CLASS}" "Unify OptiIpPhone VoIP Options" ${classHex} 1 b`,
    `netsh dhcp server add optiondef 1 "HardwareCode" STRING 0 ${vendor} comment="Vendor name" ${VENDOR_NAME}`,
    vlan !== undefined && `netsh dhcp server add optiondef 2 "VLAN ID" DWORD 0 ${vendor} comment="VoIP VLAN ID" 0`,
    `netsh dhcp server add optiondef 3 "DLS Server" STRING 0 ${vendor} comment="DLS Server" ${url}`,
    hostName !== undefined && `netsh dhcp server add optiondef 4 "DLS Host Name" STRING 0 ${vendor} comment="DLS host name" ${hostName}`,
    `netsh dhcp server scope ${scope} set optionvalue 1 STRING ${vendor} ${VENDOR_NAME}`,
    vlan !== undefined && `netsh dhcp server scope ${scope} set optionvalue 2 DWORD ${vendor} ${vlan}`,
    `netsh dhcp server scope ${scope} set optionvalue 3 STRING ${vendor} ${url}`,
    hostName !== undefined && `netsh dhcp server scope ${scope} set optionvalue 4 STRING ${vendor} ${hostName}`,
  );

  const psClass = `-VendorClass "${PHONE_VENDOR_CLASS}"`;
  const windowsPowerShell = lines(
    `Add-DhcpServerv4Class -Name "${PHONE_VENDOR_CLASS}" -Type Vendor -Data "${PHONE_VENDOR_CLASS}" -Description "Unify OpenStage phones"`,
    `Add-DhcpServerv4OptionDefinition ${psClass} -OptionId 1 -Name "Vendor name" -Type String`,
    vlan !== undefined && `Add-DhcpServerv4OptionDefinition ${psClass} -OptionId 2 -Name "VLAN ID" -Type DWord`,
    `Add-DhcpServerv4OptionDefinition ${psClass} -OptionId 3 -Name "DLS Server" -Type String`,
    hostName !== undefined && `Add-DhcpServerv4OptionDefinition ${psClass} -OptionId 4 -Name "DLS Host Name" -Type String`,
    `Set-DhcpServerv4OptionValue -ScopeId ${scope} ${psClass} -OptionId 1 -Value "${VENDOR_NAME}"`,
    vlan !== undefined && `Set-DhcpServerv4OptionValue -ScopeId ${scope} ${psClass} -OptionId 2 -Value ${vlan}`,
    `Set-DhcpServerv4OptionValue -ScopeId ${scope} ${psClass} -OptionId 3 -Value "${url}"`,
    hostName !== undefined && `Set-DhcpServerv4OptionValue -ScopeId ${scope} ${psClass} -OptionId 4 -Value "${hostName}"`,
  );

  const mikrotik = lines(
    `/ip dhcp-server option add name=openstage-43 code=43 value=0x${option.hex}`,
    `/ip dhcp-server option sets add name=openstage options=openstage-43`,
    `# RouterOS 7: send it only to the phones (option 60 = ${PHONE_VENDOR_CLASS})`,
    `/ip dhcp-server matcher add name=openstage server=${server} code=60 value="${PHONE_VENDOR_CLASS}" option-set=openstage`,
    `# RouterOS 6 has no matcher: attach the option set to the phones' network or DHCP server instead`,
  );

  return { iscDhcpd, dnsmasq, windowsNetsh, windowsPowerShell, mikrotik };
}
