import type { X509Certificate } from 'node:crypto';
import {
  CERTIFICATE_INFO_SUFFIX,
  CERTIFICATE_META_ITEM,
  SLOT_FORMATS,
  type CertificateDeployment,
  type CertificateItemFormat,
  type CertificateSlot,
} from '../../../shared/certificates.js';
import { catalogueItem } from '../../../shared/catalogue.js';
import type { WpiItem } from '../../../shared/protocol.js';
import { validateItemRef } from '../../../shared/validation.js';
import { JobRequestError } from '../jobs/job-requests.js';
import type { CertificateRecord } from '../store/index.js';
import { isLoggedAsSecret } from '../store/index.js';
import type { CertificateLibrary } from './library.js';
import { buildPhonePkcs12 } from './pkcs12.js';

/** `dls-server-ca` is indexed (0, 1, …); the guide shows no upper bound, so ten CAs are assumed enough. */
export const MAX_DLS_SERVER_CA_INDEX = 9;

export interface DeploymentRequest {
  certificateId: string;
  slot: CertificateSlot;
  /** `dls-server-ca` and expert items: which index (default: none, or 0 for `dls-server-ca`). */
  slotIndex?: number | undefined;
  /** Expert slot: the item the technician names and the format it takes. */
  itemName?: string | undefined;
  itemFormat?: CertificateItemFormat | undefined;
}

/**
 * The stored items of a certificate job: the one item the phone gets (PKCS#12 built here in the
 * conservative format, or PEM) and the job's record of what it deploys (never sent). Keys leave
 * the library only into a PKCS#12 item whose name is sealed in the store and masked in every log.
 */
export function deploymentItems(library: CertificateLibrary, request: DeploymentRequest): WpiItem[] {
  const record = library.record(request.certificateId);
  if (record.revokedAt !== null) throw new JobRequestError(`certificate "${record.name}" is revoked`);
  const { name, index, format } = target(request);
  const certificates = library.certificates(record);
  const leaf = certificates[0] as X509Certificate;
  const value = format === 'pkcs12' ? pkcs12Of(library, record, certificates, name) : leaf.toString().trim();
  const meta: CertificateDeployment = {
    certificateId: record.id,
    certificateName: record.name,
    item: name,
    ...(index === undefined ? {} : { index }),
    infoItem: `${name}${CERTIFICATE_INFO_SUFFIX}`,
    subject: leaf.subject.replace(/\n/g, ', '),
    serial: leaf.serialNumber.toUpperCase(),
    sha256: leaf.fingerprint256,
    sha1: leaf.fingerprint,
  };
  return [
    { name, ...(index === undefined ? {} : { index }), value },
    { name: CERTIFICATE_META_ITEM, value: JSON.stringify(meta) },
  ];
}

function target(request: DeploymentRequest): { name: string; index?: number; format: CertificateItemFormat } {
  if (request.slot !== 'expert') {
    if (request.itemName !== undefined || request.itemFormat !== undefined) {
      throw new JobRequestError('item name and format are only given for the expert slot');
    }
    if (request.slot === 'dls-server-ca') {
      const index = request.slotIndex ?? 0;
      if (index > MAX_DLS_SERVER_CA_INDEX) throw new JobRequestError(`dls-server-ca index must be 0 to ${MAX_DLS_SERVER_CA_INDEX}`);
      return { name: request.slot, index, format: SLOT_FORMATS[request.slot] };
    }
    if (request.slotIndex !== undefined) throw new JobRequestError(`${request.slot} has no index`);
    return { name: request.slot, format: SLOT_FORMATS[request.slot] };
  }
  const name = request.itemName?.trim() ?? '';
  if (!name) throw new JobRequestError('the expert slot needs the item name');
  const refusal = validateItemRef({ name, ...(request.slotIndex === undefined ? {} : { index: request.slotIndex }) });
  if (refusal) throw new JobRequestError(`item name refused: ${refusal}`);
  const known = catalogueItem(name);
  if (known && known.category !== 'certificates') throw new JobRequestError(`${name} is not a certificate item`);
  const format = request.itemFormat ?? 'pem';
  // A key must never travel in an item the logs would show: only names that are masked and sealed.
  if (format === 'pkcs12' && !isLoggedAsSecret(name)) {
    throw new JobRequestError(`${name} would show the private key in the logs: name an item ending in -certificate or -cert`);
  }
  return { name, ...(request.slotIndex === undefined ? {} : { index: request.slotIndex }), format };
}

function pkcs12Of(library: CertificateLibrary, record: CertificateRecord, certificates: X509Certificate[], item: string): string {
  const keyPem = library.privateKeyPem(record);
  if (!keyPem) throw new JobRequestError(`${item} needs a certificate with its private key; "${record.name}" has none`);
  return buildPhonePkcs12(keyPem, certificates, record.name);
}
