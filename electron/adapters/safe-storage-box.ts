import { safeStorage } from 'electron';
import type { SecretBox } from '../core/store/secrets.js';

/**
 * Seals secret item values with the OS credential store (Keychain, DPAPI, libsecret/kwallet).
 * Availability is checked per call because safeStorage only works after the app is ready.
 * The sync API matches the SecretBox contract; Electron marks it deprecated in favour of
 * encryptStringAsync/decryptStringAsync, which would need an async SecretBox.
 */
export function createSafeStorageBox(): SecretBox {
  return {
    encrypt(plain) {
      assertAvailable();
      return safeStorage.encryptString(plain);
    },
    decrypt(blob) {
      assertAvailable();
      return safeStorage.decryptString(blob);
    },
  };
}

/**
 * On Linux without a keyring Chromium falls back to `basic_text`: a fixed, publicly known key,
 * i.e. obfuscation only. Still usable, but worth telling the user about.
 */
export function isWeakSecretStorage(): boolean {
  return process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
}

function assertAvailable(): void {
  if (!safeStorage.isEncryptionAvailable()) {
    throw new Error('The operating system credential store is not available, so secrets cannot be stored');
  }
}
