/**
 * The simulated phone's certificate slots (files-and-certificates.md §3): certificates go in
 * with WriteItems, never show in ReadAllItems, and are checked by reading `<item>-info`.
 * What the phone keeps is parsed like a phone would: PEM text, or Base64 PKCS#12 (node-forge,
 * the phone PKCS#12 carries no password).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { itemKey, type ItemStatus, type WpiItem } from '../../shared/protocol.js';

/** Items the simulator treats as certificate slots; tests may add expert names per phone. */
export const SIM_CERTIFICATE_ITEMS: readonly string[] = ['wbm-server-certificate', 'dls-client-certificate', 'dls-server-ca'];
export const INFO_SUFFIX = '-info';
/** The password the simulator opens PKCS#12 items with (the service's PHONE_PKCS12_PASSWORD). */
export const SIM_PKCS12_PASSWORD = '';
/** What `wbm-server-certificate-info` says before anything was deployed (the Unify default certificate). */
export const FACTORY_WBM_INFO = 'Subject: CN=OpenStage, O=Unify; Issuer: CN=OpenStage, O=Unify; Serial: 01; Valid to: 2038-01-19';

export interface StoredCertificate {
  name: string;
  index?: number;
  /** Leaf first. */
  chain: X509Certificate[];
  /** PKCS#8 PEM, for items that came with their key. */
  keyPem?: string;
}

export class SimCertificates {
  private readonly slots = new Map<string, StoredCertificate>();
  private readonly names: ReadonlySet<string>;

  constructor(extraItems: readonly string[] = []) {
    this.names = new Set([...SIM_CERTIFICATE_ITEMS, ...extraItems]);
  }

  isCertificateItem(name: string): boolean {
    return this.names.has(name);
  }

  isInfoItem(name: string): boolean {
    return name.endsWith(INFO_SUFFIX) && this.names.has(name.slice(0, -INFO_SUFFIX.length));
  }

  /** Stores a written certificate; an unreadable one is refused like the phone refuses a bad file. */
  write(item: WpiItem): ItemStatus | undefined {
    const parsed = parseCertificateText(item.value);
    if (!parsed) return 'failed';
    this.slots.set(itemKey(item), { name: item.name, ...(item.index === undefined ? {} : { index: item.index }), ...parsed });
    return undefined;
  }

  get(name: string, index?: number): StoredCertificate | undefined {
    return this.slots.get(itemKey({ name, index }));
  }

  /** Every index of one item (e.g. the dls-server-ca list). */
  all(name: string): StoredCertificate[] {
    return [...this.slots.values()].filter((c) => c.name === name);
  }

  /** The `…-info` value: the simulator's own plain-text format (the real one is undocumented). */
  info(infoName: string, index?: number): string {
    const name = infoName.slice(0, -INFO_SUFFIX.length);
    const stored = this.get(name, index);
    if (!stored) return name === 'wbm-server-certificate' ? FACTORY_WBM_INFO : '';
    return describeCertificate(stored.chain[0] as X509Certificate);
  }

  /** Factory reset: every deployed certificate is gone. */
  clear(): void {
    this.slots.clear();
  }
}

export function describeCertificate(cert: X509Certificate): string {
  const line = (dn: string): string => dn.split('\n').join(', ');
  return `Subject: ${line(cert.subject)}; Issuer: ${line(cert.issuer)}; Serial: ${cert.serialNumber}; Valid to: ${new Date(cert.validTo).toISOString().slice(0, 10)}`;
}

function parseCertificateText(text: string): Omit<StoredCertificate, 'name' | 'index'> | null {
  try {
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      return pems.length ? { chain: pems.map((pem) => new X509Certificate(pem)) } : null;
    }
    const der = forge.util.decode64(text.replace(/\s+/g, ''));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), true, SIM_PKCS12_PASSWORD);
    const chain: X509Certificate[] = [];
    let keyPem: string | undefined;
    for (const bag of p12.safeContents.flatMap((c) => c.safeBags)) {
      if (bag.cert) chain.push(new X509Certificate(forge.pki.certificateToPem(bag.cert)));
      if (bag.key) keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)));
    }
    if (!chain.length || !keyPem) return null;
    // The key's certificate first, whatever the bag order.
    const key = createPrivateKey(keyPem);
    chain.sort((a, b) => Number(b.checkPrivateKey(key)) - Number(a.checkPrivateKey(key)));
    return { chain, keyPem };
  } catch {
    return null;
  }
}
