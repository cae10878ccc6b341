import type { AppInfo, NetworkInterfaceView } from '../../../shared/model.js';
import type { SliceCreator } from './types.js';

export interface SystemSlice {
  appInfo: AppInfo | null;
  interfaces: NetworkInterfaceView[];
  loadAppInfo(): Promise<void>;
  loadInterfaces(): Promise<void>;
  regenerateCertificate(): Promise<string>;
}

export const createSystemSlice: SliceCreator<SystemSlice> = (api) => (set) => ({
  appInfo: null,
  interfaces: [],

  async loadAppInfo() {
    set({ appInfo: await api.call('app.info', {}) });
  },

  async loadInterfaces() {
    set({ interfaces: await api.call('discovery.interfaces', {}) });
  },

  async regenerateCertificate() {
    const { fingerprint } = await api.call('certificate.regenerate', {});
    set((state) => ({ appInfo: state.appInfo && { ...state.appInfo, certificateFingerprint: fingerprint } }));
    return fingerprint;
  },
});
