import { describe, expect, it } from 'vitest';
import { buildOption43, dhcpSnippets, Option43Error } from '../../electron/core/discovery/dhcp-option43.js';

const hexOf = (text: string): string => Buffer.from(text, 'ascii').toString('hex');

describe('buildOption43', () => {
  it('matches the spec example byte for byte', () => {
    const o = buildOption43({ host: '192.168.2.19' });
    expect(o.hex).toBe('01075369656d656e73031973646c703a2f2f3139322e3136382e322e31393a3138343433ff');
    expect(o.url).toBe('sdlp://192.168.2.19:18443');
    expect(Buffer.from(o.bytes).toString('hex')).toBe(o.hex);
    expect(o.colonHex).toBe(o.hex.match(/../g)?.join(':'));
  });

  it('encodes sub-option 3 as in the CP manual worked example (25 = 0x19 bytes)', () => {
    const o = buildOption43({ host: '192.168.2.19' });
    const sub3 = '03 19 73 64 6C 70 3A 2F 2F 31 39 32 2E 31 36 38 2E 32 2E 31 39 3A 31 38 34 34 33'.replace(/ /g, '').toLowerCase();
    expect(o.hex).toContain(sub3);
  });

  it('puts the VLAN in sub-option 2 as 4 big-endian bytes, in the order the tested ISC dhcpd sent', () => {
    const o = buildOption43({ host: '10.99.0.1', vlanId: 101 });
    expect(o.hex).toBe('01075369656d656e73020400000065031673646c703a2f2f31302e39392e302e313a3138343433ff');
    expect(buildOption43({ host: '10.0.0.1', vlanId: 20 }).hex).toContain('020400000014');
    expect(buildOption43({ host: '10.0.0.1', vlanId: 1245 }).hex).toContain('0204000004dd');
  });

  it('uses the given port and host names, and adds sub-option 4 after the URL', () => {
    const o = buildOption43({ host: 'dls.example.local', port: 18444, hostnameSubOption: 'dls.example.local' });
    expect(o.url).toBe('sdlp://dls.example.local:18444');
    const url = hexOf('sdlp://dls.example.local:18444');
    const name = hexOf('dls.example.local');
    expect(o.hex).toBe(`01075369656d656e73031e${url}0411${name}ff`);
  });

  it('refuses bad ports, VLANs and hosts with clear messages', () => {
    expect(() => buildOption43({ host: '10.0.0.1', port: 0 })).toThrow(/DLS port must be a whole number from 1 to 65535/);
    expect(() => buildOption43({ host: '10.0.0.1', port: 65536 })).toThrow(Option43Error);
    expect(() => buildOption43({ host: '10.0.0.1', port: 18443.5 })).toThrow(/DLS port/);
    expect(() => buildOption43({ host: '10.0.0.1', vlanId: 0 })).toThrow(/VLAN ID must be a whole number from 1 to 4094/);
    expect(() => buildOption43({ host: '10.0.0.1', vlanId: 4095 })).toThrow(/VLAN ID/);
    expect(() => buildOption43({ host: '192.168.1.300' })).toThrow(/not a valid IPv4 address/);
    expect(() => buildOption43({ host: '' })).toThrow(/empty/);
    expect(() => buildOption43({ host: 'bad_host' })).toThrow(/not a valid host name/);
    expect(() => buildOption43({ host: 'fe80::1' })).toThrow(/IPv6/);
    expect(() => buildOption43({ host: '10.0.0.1', hostnameSubOption: 'has space' })).toThrow(/sub-option 4/);
  });

  it('refuses a sub-option longer than 255 bytes', () => {
    const host = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(58)].join('.');
    expect(host).toHaveLength(250);
    expect(() => buildOption43({ host })).toThrow(/sub-option 3 \(DLS URL\) is 263 bytes; a sub-option holds at most 255/);
  });

  it('refuses an option 43 longer than one DHCP option can carry', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(56)}`;
    expect(() => buildOption43({ host, hostnameSubOption: host })).toThrow(/option 43 would be 267 bytes/);
  });
});

describe('dhcpSnippets', () => {
  const input = { host: '10.99.0.1', vlanId: 101, windowsScopeId: '10.99.0.0', mikrotikServer: 'dhcp1' };
  const s = dhcpSnippets(input);
  const { hex, colonHex } = buildOption43(input);

  it('ISC dhcpd: class on OptiIpPhone with vendor name, VLAN, URL and the raw hex', () => {
    expect(s.iscDhcpd).toContain('match if option vendor-class-identifier = "OptiIpPhone";');
    expect(s.iscDhcpd).toContain('option OptiIpPhone.vendor-name "Siemens";');
    expect(s.iscDhcpd).toContain('option OptiIpPhone.vlan-id 101;');
    expect(s.iscDhcpd).toContain('option OptiIpPhone.dls-url "sdlp://10.99.0.1:18443";');
    expect(s.iscDhcpd).toContain(`option vendor-encapsulated-options ${colonHex};`);
  });

  it('dnsmasq: the three tested vendor:OptiIpPhone lines', () => {
    expect(s.dnsmasq).toBe(
      'dhcp-option=vendor:OptiIpPhone,1,"Siemens"\n' +
        'dhcp-option=vendor:OptiIpPhone,2,00:00:00:65\n' +
        'dhcp-option=vendor:OptiIpPhone,3,"sdlp://10.99.0.1:18443"\n',
    );
  });

  it('Windows netsh: vendor class by hex, definitions and scope values', () => {
    expect(s.windowsNetsh).toContain(
      'netsh dhcp server add class "OptiIpPhone" "Unify OptiIpPhone VoIP Options" 4f707469497050686f6e65 1 b',
    );
    expect(s.windowsNetsh).toContain('netsh dhcp server scope 10.99.0.0 set optionvalue 1 STRING vendor="OptiIpPhone" Siemens');
    expect(s.windowsNetsh).toContain('netsh dhcp server scope 10.99.0.0 set optionvalue 2 DWORD vendor="OptiIpPhone" 101');
    expect(s.windowsNetsh).toContain(
      'netsh dhcp server scope 10.99.0.0 set optionvalue 3 STRING vendor="OptiIpPhone" sdlp://10.99.0.1:18443',
    );
  });

  it('Windows PowerShell: class, definitions and scope values', () => {
    expect(s.windowsPowerShell).toContain('Add-DhcpServerv4Class -Name "OptiIpPhone" -Type Vendor -Data "OptiIpPhone"');
    expect(s.windowsPowerShell).toContain('-VendorClass "OptiIpPhone" -OptionId 2 -Name "VLAN ID" -Type DWord');
    expect(s.windowsPowerShell).toContain(
      'Set-DhcpServerv4OptionValue -ScopeId 10.99.0.0 -VendorClass "OptiIpPhone" -OptionId 2 -Value 101',
    );
    expect(s.windowsPowerShell).toContain(
      'Set-DhcpServerv4OptionValue -ScopeId 10.99.0.0 -VendorClass "OptiIpPhone" -OptionId 3 -Value "sdlp://10.99.0.1:18443"',
    );
  });

  it('MikroTik: raw option 43 in 0x form, matched on option 60', () => {
    expect(s.mikrotik).toContain(`/ip dhcp-server option add name=openstage-43 code=43 value=0x${hex}`);
    expect(s.mikrotik).toContain(
      '/ip dhcp-server matcher add name=openstage server=dhcp1 code=60 value="OptiIpPhone" option-set=openstage',
    );
  });

  it('leaves VLAN lines out without a VLAN, adds host-name lines with one, and uses placeholders when unknown', () => {
    const plain = dhcpSnippets({ host: 'dls.lan', hostnameSubOption: 'dls.lan' });
    expect(plain.iscDhcpd).not.toMatch(/vlan-id \d/);
    expect(plain.dnsmasq).not.toContain(',2,');
    expect(plain.windowsNetsh).not.toMatch(/VLAN|optionvalue 2/);
    expect(plain.windowsPowerShell).not.toMatch(/VLAN|OptionId 2/);
    expect(plain.mikrotik).not.toContain('0204');
    expect(plain.iscDhcpd).toContain('option OptiIpPhone.dls-host "dls.lan";');
    expect(plain.dnsmasq).toContain('dhcp-option=vendor:OptiIpPhone,4,"dls.lan"');
    expect(plain.windowsNetsh).toContain('scope <scope-id> set optionvalue 4 STRING vendor="OptiIpPhone" dls.lan');
    expect(plain.windowsPowerShell).toContain('-OptionId 4 -Value "dls.lan"');
    expect(plain.mikrotik).toContain('server=<dhcp-server>');
    expect(plain.mikrotik).toContain(`value=0x${buildOption43({ host: 'dls.lan', hostnameSubOption: 'dls.lan' }).hex}`);
  });

  it('refuses snippet parameters that would break the pasted command', () => {
    expect(() => dhcpSnippets({ host: '10.0.0.1', windowsScopeId: '10.0.0' })).toThrow(/scope ID/);
    expect(() => dhcpSnippets({ host: '10.0.0.1', mikrotikServer: 'a b' })).toThrow(/MikroTik/);
    expect(() => dhcpSnippets({ host: '10.0.0.1', vlanId: 5000 })).toThrow(/VLAN ID/);
  });
});
