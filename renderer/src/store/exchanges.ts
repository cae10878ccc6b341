import type { ExchangeSummary, ExchangeView } from '../../../shared/model.js';
import type { SliceCreator } from './types.js';

/**
 * Phones call in every few minutes all day long; keep only the newest summaries so a long day
 * does not grow the renderer without bound (older ones are one `exchanges.list` away).
 */
export const MAX_KEPT_EXCHANGES = 2000;

export interface ExchangesSlice {
  exchanges: Record<number, ExchangeSummary>;
  /** Full documents, fetched when an exchange is opened. */
  exchangeDetails: Record<number, ExchangeView>;
  loadExchanges(mac?: string): Promise<void>;
  loadExchangeDetail(id: number): Promise<ExchangeView>;
  upsertExchange(exchange: ExchangeSummary): void;
}

function newestOnly(exchanges: Record<number, ExchangeSummary>): Record<number, ExchangeSummary> {
  const ids = Object.keys(exchanges).map(Number);
  if (ids.length <= MAX_KEPT_EXCHANGES) return exchanges;
  const keep = ids.sort((a, b) => b - a).slice(0, MAX_KEPT_EXCHANGES);
  return Object.fromEntries(keep.map((id) => [id, exchanges[id]!]));
}

export const createExchangesSlice: SliceCreator<ExchangesSlice> = (api) => (set, get) => ({
  exchanges: {},
  exchangeDetails: {},

  async loadExchanges(mac) {
    const list = await api.call('exchanges.list', mac === undefined ? {} : { mac });
    set((state) => ({
      exchanges: newestOnly({ ...state.exchanges, ...Object.fromEntries(list.map((e) => [e.id, e])) }),
    }));
  },

  async loadExchangeDetail(id) {
    const cached = get().exchangeDetails[id];
    if (cached) return cached;
    const detail = await api.call('exchanges.get', { id });
    set((state) => ({ exchangeDetails: { ...state.exchangeDetails, [id]: detail } }));
    return detail;
  },

  upsertExchange(exchange) {
    set((state) => ({ exchanges: newestOnly({ ...state.exchanges, [exchange.id]: exchange }) }));
  },
});
