/**
 * Certificates as the UI and the API see them: what a technician checks before deploying, and
 * the warnings for what phones or customers trip over. Pure, so the renderer can recheck the
 * warnings for the slot the technician picks.
 */

/** Where a stored certificate came from. */
export type CertificateOrigin = 'imported' | 'local-ca' | 'secure-server' | 'phone-client';

/** The file format it was imported from (generated ones are 'generated'). */
export type CertificateSourceFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs12' | 'generated';

export interface CertificateDetails {
  subject: string;
  issuer: string;
  /** Epoch ms. */
  notBefore: number;
  notAfter: number;
  serial: string;
  /** SHA-256 over the DER, colon-separated upper-case hex. */
  sha256: string;
  keyType: string;
  /** RSA/DSA modulus bits; undefined for curves. */
  keyBits?: number;
  curve?: string;
  keyUsage: string[];
  /** OIDs resolved to names where known (serverAuth, clientAuth, …). */
  extKeyUsage: string[];
  isCa: boolean;
  selfSigned: boolean;
  derBytes: number;
}

export type CertificateWarningCode =
  'expired' | 'expires-soon' | 'not-yet-valid' | 'weak-key' | 'large-der' | 'chain-incomplete' | 'wrong-eku' | 'not-ca' | 'no-key';

export interface CertificateWarning {
  code: CertificateWarningCode;
  /** Which certificate of the chain (0 = the leaf). */
  position: number;
  /** Numbers or names the message needs (days, bits, bytes, the missing EKU). */
  value?: string;
}

export interface CertificateView {
  id: string;
  name: string;
  origin: CertificateOrigin;
  format: CertificateSourceFormat;
  createdAt: number;
  hasKey: boolean;
  /** Phone client certificates: the MAC they are bound to. */
  mac: string | null;
  revokedAt: number | null;
  /** Leaf first, then the chain as imported. */
  certificates: CertificateDetails[];
  /** The chain reaches a self-signed root (using the record's own chain and the other stored certificates). */
  chainComplete: boolean;
  warnings: CertificateWarning[];
}

/** Warnings start this many days before a certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;
/** Below this an RSA key is weak (and refused by OpenStage for 802.1X). */
export const MIN_RSA_BITS = 2048;
/** The Unify wiki's limit for one certificate sent through the DLS (≈ 7 kB). */
export const MAX_PHONE_DER_BYTES = 7000;

const DAY_MS = 86_400_000;

export function daysLeft(details: CertificateDetails, now: number): number {
  return Math.floor((details.notAfter - now) / DAY_MS);
}

/** Warnings that hold whatever slot the certificate goes to. */
export function certificateWarnings(
  certificates: readonly CertificateDetails[],
  chainComplete: boolean,
  now: number,
): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  certificates.forEach((c, position) => {
    if (c.notAfter < now) warnings.push({ code: 'expired', position });
    else if (daysLeft(c, now) < EXPIRY_WARNING_DAYS) warnings.push({ code: 'expires-soon', position, value: String(daysLeft(c, now)) });
    if (c.notBefore > now) warnings.push({ code: 'not-yet-valid', position });
    if ((c.keyType === 'rsa' || c.keyType === 'rsa-pss' || c.keyType === 'dsa') && c.keyBits !== undefined && c.keyBits < MIN_RSA_BITS) {
      warnings.push({ code: 'weak-key', position, value: String(c.keyBits) });
    }
    if (c.derBytes > MAX_PHONE_DER_BYTES) warnings.push({ code: 'large-der', position, value: String(c.derBytes) });
  });
  if (!chainComplete) warnings.push({ code: 'chain-incomplete', position: certificates.length - 1 });
  return warnings;
}

/** What a deployment slot needs of a certificate. */
export interface SlotRequirement {
  /** The slot carries certificate + private key (PKCS#12). */
  needsKey: boolean;
  /** The slot holds a CA that must be marked CA:TRUE. */
  needsCa: boolean;
  /** Extended key usage the leaf must allow (absent EKU allows everything). */
  eku?: 'serverAuth' | 'clientAuth';
}

/** Warnings for putting `view` into a slot with `requirement`. */
export function slotWarnings(view: Pick<CertificateView, 'certificates' | 'hasKey'>, requirement: SlotRequirement): CertificateWarning[] {
  const leaf = view.certificates[0];
  if (!leaf) return [];
  const warnings: CertificateWarning[] = [];
  if (requirement.needsKey && !view.hasKey) warnings.push({ code: 'no-key', position: 0 });
  if (requirement.needsCa && !leaf.isCa) warnings.push({ code: 'not-ca', position: 0 });
  if (requirement.eku && leaf.extKeyUsage.length > 0 && !leaf.extKeyUsage.includes(requirement.eku)) {
    warnings.push({ code: 'wrong-eku', position: 0, value: requirement.eku });
  }
  return warnings;
}

/**
 * Where a certificate goes on the phone (files-and-certificates.md §3). `expert`: the technician
 * names the item (SIP-TLS CA, 802.1X, file-download CA, … have no documented item names).
 */
export const CERTIFICATE_SLOTS = ['wbm-server-certificate', 'dls-server-ca', 'dls-client-certificate', 'expert'] as const;
export type CertificateSlot = (typeof CERTIFICATE_SLOTS)[number];

/** How the certificate travels in the item text: PEM (certificates only) or Base64 PKCS#12 (with the key). */
export type CertificateItemFormat = 'pem' | 'pkcs12';

/** The known slots' formats: PKCS#12 for certificate + key (guide p60), PEM for CAs (p64). */
export const SLOT_FORMATS: Readonly<Record<Exclude<CertificateSlot, 'expert'>, CertificateItemFormat>> = {
  'wbm-server-certificate': 'pkcs12',
  'dls-server-ca': 'pem',
  'dls-client-certificate': 'pkcs12',
};

/**
 * The item a slot's installation is read back from: `<item>-info`. Documented only for
 * `wbm-server-certificate` (guide p59–60); for the other items the same suffix is assumed.
 */
export const CERTIFICATE_INFO_SUFFIX = '-info';
export const DOCUMENTED_INFO_ITEMS: ReadonlySet<string> = new Set(['wbm-server-certificate-info']);

/** How the phone's `…-info` answer compares with what was sent (the info format is undocumented). */
export type InfoComparison = 'matches' | 'not-comparable' | 'nothing-reported' | 'not-read';

/** What Fieldstage deployed into one slot of a phone and what the phone last reported for it. */
export interface DeployedCertificateView {
  /** The item written, e.g. `dls-server-ca` with index 0. */
  item: string;
  index?: number;
  jobId: string;
  certificateId: string;
  certificateName: string;
  sha256: string;
  serial: string;
  subject: string;
  deployedAt: number;
  infoItem: string;
  /** The phone's `…-info` value as it came (raw), or null when it was not read. */
  reported: string | null;
  comparison: InfoComparison;
}

/**
 * The job's own record of what it deploys, kept with its items but never sent to the phone: the
 * certificate's identity for the read-back comparison and for the phone page.
 */
export const CERTIFICATE_META_ITEM = 'x-fieldstage-deployment';

export interface CertificateDeployment {
  certificateId: string;
  certificateName: string;
  item: string;
  index?: number;
  infoItem: string;
  subject: string;
  /** Upper-case hex without separators. */
  serial: string;
  sha256: string;
  sha1: string;
}
