import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteView } from '../../../shared/sites.js';
import { PRIVATE_FILE_MODE } from '../app/private-files.js';

/** The laptop-wide list of sites, in `<root>/sites.json` (written atomically: temp file, fsync, rename). */
export const REGISTRY_FILE = 'sites.json';
const REGISTRY_FORMAT = 1;

export interface SiteRecord {
  id: string;
  name: string;
  createdAt: number;
  archivedAt: number | null;
  lastOpenedAt: number | null;
}

interface RegistryFile {
  format: number;
  /** The site the app opens at its next start ("tomorrow it opens where it was left"). */
  openId: string | null;
  sites: SiteRecord[];
}

/** A site call that cannot be done as asked; `statusCode` is what the API answers. */
export class SiteError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'SiteError';
  }
}

export function newSiteId(): string {
  return randomBytes(8).toString('hex');
}

export class SiteRegistry {
  readonly #file: string;
  #data: RegistryFile;

  private constructor(file: string, data: RegistryFile) {
    this.#file = file;
    this.#data = data;
  }

  /** null when the root has no registry yet (a fresh install or one from before sites). */
  static load(root: string): SiteRegistry | null {
    const file = join(root, REGISTRY_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const data = JSON.parse(text) as RegistryFile;
    if (data.format !== REGISTRY_FORMAT || !Array.isArray(data.sites)) throw new Error(`${file} is not a site list this app can read`);
    return new SiteRegistry(file, data);
  }

  static create(root: string, sites: SiteRecord[]): SiteRegistry {
    const registry = new SiteRegistry(join(root, REGISTRY_FILE), { format: REGISTRY_FORMAT, openId: null, sites });
    registry.#save();
    return registry;
  }

  list(): SiteRecord[] {
    return this.#data.sites.map((s) => ({ ...s }));
  }

  get openId(): string | null {
    return this.#data.openId;
  }

  get(id: string): SiteRecord {
    const site = this.#data.sites.find((s) => s.id === id);
    if (!site) throw new SiteError(404, `no site ${id}`);
    return { ...site };
  }

  view(id: string): SiteView {
    return { ...this.get(id), open: this.#data.openId === id };
  }

  /** `name`, or `name (2)`, `name (3)` … when another site has it already. */
  freeName(name: string, except?: string): string {
    const taken = new Set(this.#data.sites.filter((s) => s.id !== except).map((s) => s.name.toLowerCase()));
    if (!taken.has(name.toLowerCase())) return name;
    for (let n = 2; ; n++) if (!taken.has(`${name} (${n})`.toLowerCase())) return `${name} (${n})`;
  }

  add(site: SiteRecord): void {
    this.#change((d) => d.sites.push(site));
  }

  update(id: string, patch: Partial<Omit<SiteRecord, 'id'>>): void {
    this.get(id);
    this.#change((d) => {
      d.sites = d.sites.map((s) => (s.id === id ? { ...s, ...patch } : s));
    });
  }

  setOpen(id: string, at: number): void {
    this.get(id);
    this.#change((d) => {
      d.openId = id;
      d.sites = d.sites.map((s) => (s.id === id ? { ...s, lastOpenedAt: at } : s));
    });
  }

  /** Applied only once it is on disk: a failed write leaves memory and file as they were. */
  #change(fn: (data: RegistryFile) => void): void {
    const next = structuredClone(this.#data);
    fn(next);
    const previous = this.#data;
    this.#data = next;
    try {
      this.#save();
    } catch (error) {
      this.#data = previous;
      throw error;
    }
  }

  #save(): void {
    const temp = `${this.#file}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', PRIVATE_FILE_MODE);
    try {
      writeSync(fd, JSON.stringify(this.#data, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.#file);
  }
}
