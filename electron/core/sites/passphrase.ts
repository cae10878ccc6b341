import { randomBytes, scrypt } from 'node:crypto';
import { createKeySecretBox, type SecretBox } from '../store/secrets.js';

/**
 * The key a site export's secrets are sealed with: scrypt over the technician's passphrase.
 * N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt is N = 2^17 with p = 1 for logins; an
 * export is opened rarely, but the parameters travel in the manifest, so they can be raised).
 */
export const SITE_KDF = { algorithm: 'scrypt', N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltBytes: 16 } as const;
/** Memory scrypt may use: 128 · N · r bytes plus headroom. */
const SCRYPT_MAX_MEMORY = 128 * SITE_KDF.N * SITE_KDF.r * 2;
/** The largest work factor an imported manifest may ask for (hostile files). */
export const MAX_IMPORT_KDF_N = 2 ** 20;

export interface KdfParams {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  keyLength: number;
  salt: string;
}

export function newKdfParams(): KdfParams {
  const { saltBytes: _saltBytes, ...params } = SITE_KDF;
  return { ...params, salt: randomBytes(SITE_KDF.saltBytes).toString('base64') };
}

export async function passphraseBox(passphrase: string, params: KdfParams): Promise<SecretBox> {
  if (params.algorithm !== 'scrypt' || params.keyLength !== 32 || params.N > MAX_IMPORT_KDF_N || params.r > 32 || params.p > 16) {
    throw new Error('the site file asks for key derivation parameters this app does not take');
  }
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(params.salt, 'base64'),
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: Math.max(SCRYPT_MAX_MEMORY, 128 * params.N * params.r * 2) },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    ),
  );
  return createKeySecretBox(key);
}

/**
 * Stands in for a box in an export without passphrase: what it "seals" is only the non-secret
 * rest of sealed JSON (format byte 0, then the text), so the importing laptop can seal it with its
 * own box. Never used for a secret.
 */
export const CLEAR_EXPORT_BOX: SecretBox = {
  encrypt: (plain) => Buffer.concat([Buffer.of(0), Buffer.from(plain, 'utf8')]),
  decrypt: (blob) => {
    if (blob[0] !== 0) throw new Error('a value in this site file is sealed, but the file says it holds no secrets');
    return blob.subarray(1).toString('utf8');
  },
};
