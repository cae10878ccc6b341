import type { JobView, PhoneSummary } from '../../../shared/model.js';
import type { SliceCreator } from './types.js';

export interface PhonesSlice {
  /** Keyed by MAC; replaced entry by entry from `phone.updated`. */
  phones: Record<string, PhoneSummary>;
  phonesLoaded: boolean;
  loadPhones(): Promise<void>;
  upsertPhone(phone: PhoneSummary): void;
  adoptPhones(macs: string[]): Promise<number>;
  /** Asks phones to call in now (contact-me); returns one outcome per phone. */
  contactPhones(macs: string[]): Promise<{ mac: string; outcome: string; detail: string }[]>;
  /** Phones behind NAT poll instead of waiting for contact-me; 0 switches polling off. Queues write jobs. */
  setPolling(macs: string[], intervalSeconds: number): Promise<JobView[]>;
}

export const createPhonesSlice: SliceCreator<PhonesSlice> = (api) => (set, get) => ({
  phones: {},
  phonesLoaded: false,

  async loadPhones() {
    const list = await api.call('phones.list', {});
    set({ phones: Object.fromEntries(list.map((phone) => [phone.mac, phone])), phonesLoaded: true });
  },

  upsertPhone(phone) {
    set((state) => ({ phones: { ...state.phones, [phone.mac]: phone } }));
  },

  async adoptPhones(macs) {
    const { adopted } = await api.call('phones.adopt', { macs });
    return adopted;
  },

  async contactPhones(macs) {
    const { results } = await api.call('phones.contact', { macs });
    return results;
  },

  async setPolling(macs, intervalSeconds) {
    const { jobs } = await api.call('phones.setPolling', { macs, intervalSeconds });
    for (const job of jobs) get().upsertJob(job);
    return jobs;
  },
});
