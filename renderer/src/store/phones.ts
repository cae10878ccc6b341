import { PHONES_PAGE_MAX } from '../../../shared/api.js';
import type { JobView, PhoneSummary } from '../../../shared/model.js';
import type { SliceCreator } from './types.js';

export interface PhonesSlice {
  /** Keyed by MAC; replaced entry by entry from `phone.updated`. */
  phones: Record<string, PhoneSummary>;
  phonesLoaded: boolean;
  loadPhones(): Promise<void>;
  upsertPhone(phone: PhoneSummary): void;
  /** Drops a phone the core forgot (`phone.forgotten`). */
  removePhone(mac: string): void;
  adoptPhones(macs: string[]): Promise<number>;
  /** Removes the phones and all their data in the core; returns how many existed. */
  forgetPhones(macs: string[]): Promise<number>;
  /** Asks phones to call in now (contact-me); returns one outcome per phone. */
  contactPhones(macs: string[]): Promise<{ mac: string; outcome: string; detail: string }[]>;
  /** The technician vouches for a phone whose identity changed; false when nothing was held. */
  confirmIdentity(mac: string): Promise<boolean>;
  /** Phones behind NAT poll instead of waiting for contact-me; 0 switches polling off. Queues write jobs. */
  setPolling(macs: string[], intervalSeconds: number): Promise<JobView[]>;
}

export const createPhonesSlice: SliceCreator<PhonesSlice> = (api) => (set, get) => ({
  phones: {},
  phonesLoaded: false,

  async loadPhones() {
    // The list comes in pages (PHONES_PAGE_MAX); a short page is the last one.
    const all: PhoneSummary[] = [];
    for (;;) {
      const afterMac = all.at(-1)?.mac;
      const page = await api.call('phones.list', { limit: PHONES_PAGE_MAX, ...(afterMac ? { afterMac } : {}) });
      all.push(...page);
      if (page.length < PHONES_PAGE_MAX) break;
    }
    set({ phones: Object.fromEntries(all.map((phone) => [phone.mac, phone])), phonesLoaded: true });
  },

  upsertPhone(phone) {
    set((state) => ({ phones: { ...state.phones, [phone.mac]: phone } }));
  },

  removePhone(mac) {
    set((state) => {
      if (!(mac in state.phones)) return state;
      const phones = { ...state.phones };
      delete phones[mac];
      return { phones };
    });
  },

  async forgetPhones(macs) {
    const { forgotten } = await api.call('phones.forget', { macs });
    for (const mac of macs) get().removePhone(mac);
    return forgotten;
  },

  async adoptPhones(macs) {
    const { adopted } = await api.call('phones.adopt', { macs });
    return adopted;
  },

  async contactPhones(macs) {
    const { results } = await api.call('phones.contact', { macs });
    return results;
  },

  async confirmIdentity(mac) {
    const { confirmed } = await api.call('phones.confirmIdentity', { mac });
    return confirmed;
  },

  async setPolling(macs, intervalSeconds) {
    const { jobs } = await api.call('phones.setPolling', { macs, intervalSeconds });
    for (const job of jobs) get().upsertJob(job);
    return jobs;
  },
});
