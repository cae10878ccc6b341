import type { Db } from './database.js';

/** The web certificate fingerprint first seen per phone (trust on first use). */
export class WbmPinsRepo {
  readonly #get;
  readonly #pin;
  readonly #forget;

  constructor(db: Db) {
    this.#get = db.prepare<[string], { fingerprint: string }>('SELECT fingerprint FROM wbm_pins WHERE mac = ?');
    this.#pin = db.prepare<{ mac: string; fingerprint: string; at: number }>(
      'INSERT INTO wbm_pins (mac, fingerprint, pinned_at) VALUES (@mac, @fingerprint, @at) ON CONFLICT (mac) DO NOTHING',
    );
    this.#forget = db.prepare<[string]>('DELETE FROM wbm_pins WHERE mac = ?');
  }

  get(mac: string): string | null {
    return this.#get.get(mac)?.fingerprint ?? null;
  }

  /** Keeps the first fingerprint; a later one never replaces it (only `forget` does). */
  pin(mac: string, fingerprint: string, at: number): void {
    this.#pin.run({ mac, fingerprint, at });
  }

  /** The technician trusts the phone's new certificate: the next download pins what it sees. */
  forget(mac: string): boolean {
    return this.#forget.run(mac).changes > 0;
  }
}
