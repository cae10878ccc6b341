import type { Store } from '../store/index.js';

/** What forgetting a phone needs besides the database: its open interaction in memory. */
export interface ForgetDeps {
  store: Store;
  /** Drops the phone's open flow, if any (the service's flows). */
  dropFlow: (mac: string) => void;
  /** Tells the UI the phone is gone. */
  forgotten: (mac: string) => void;
}

/**
 * Removes phones and everything known about them (row, inventory, jobs, protocol log) in one
 * transaction, then their open interactions. Returns the MACs that existed.
 */
export function forgetPhones(deps: ForgetDeps, macs: readonly string[]): string[] {
  const { store } = deps;
  const gone = store.transaction(() =>
    macs.filter((mac) => {
      store.jobs.deleteForPhone(mac);
      store.exchanges.deleteForPhone(mac);
      return store.phones.delete(mac);
    }),
  );
  for (const mac of macs) deps.dropFlow(mac);
  for (const mac of gone) deps.forgotten(mac);
  return gone;
}

export interface QuarantineLimits {
  maxPhones: number;
  expireMs: number;
}

/** Forgets quarantined phones seen last before `now - expireMs` and the least recently seen beyond `maxPhones`. */
export function trimQuarantine(deps: ForgetDeps, limits: QuarantineLimits, now: number): string[] {
  const macs = deps.store.phones.quarantinedToForget(limits.maxPhones, now - limits.expireMs);
  return macs.length ? forgetPhones(deps, macs) : [];
}
