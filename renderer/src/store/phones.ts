import type { PhoneSummary } from '../../../shared/model.js';
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
}

export const createPhonesSlice: SliceCreator<PhonesSlice> = (api) => (set) => ({
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
});
