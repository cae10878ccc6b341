import { randomBytes } from 'node:crypto';

/** How long a browser-mode bundle waits to be fetched. */
export const BUNDLE_KEEP_MS = 10 * 60_000;
/** Bundles kept at once; the oldest goes first (each may be large). */
export const MAX_KEPT_BUNDLES = 4;

interface Kept {
  name: string;
  bytes: Uint8Array;
  until: number;
}

/** Browser mode: built bundles waiting for the renderer to fetch them (by an unguessable id). */
export class KeptBundles {
  readonly #kept = new Map<string, Kept>();

  constructor(private readonly now: () => number) {}

  keep(name: string, bytes: Uint8Array): string {
    this.#expire();
    while (this.#kept.size >= MAX_KEPT_BUNDLES) {
      const oldest = this.#kept.keys().next().value;
      if (oldest === undefined) break;
      this.#kept.delete(oldest);
    }
    const id = randomBytes(16).toString('hex');
    this.#kept.set(id, { name, bytes, until: this.now() + BUNDLE_KEEP_MS });
    return id;
  }

  get(id: string): { name: string; bytes: Uint8Array } | null {
    this.#expire();
    const kept = this.#kept.get(id);
    return kept ? { name: kept.name, bytes: kept.bytes } : null;
  }

  #expire(): void {
    const now = this.now();
    for (const [id, kept] of this.#kept) if (kept.until <= now) this.#kept.delete(id);
  }
}
