import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Store } from '../store/index.js';
import type { ExchangeRecord } from '../store/types.js';
import { itemView, jobView, phoneSummary } from '../app/views.js';
import { traceFolder } from '../traces/downloads.js';

/** Without a window: the last day (a technician's visit). */
export const BUNDLE_DEFAULT_WINDOW_MS = 24 * 3_600_000;
/** Exchanges per phone in one bundle at most (the newest of the window). */
export const MAX_BUNDLE_EXCHANGES = 5_000;
/** Bytes of trace files in one bundle at most; older downloads are left out beyond it (README says so). */
export const MAX_BUNDLE_TRACE_BYTES = 512 * 1024 * 1024;

export interface BundleRequest {
  macs: readonly string[];
  from?: number;
  to?: number;
  /** The protocol log alone: no summary, items, jobs or trace files. */
  logOnly?: boolean;
}

export interface BundleContext {
  store: Store;
  dataDir: string;
  now: number;
  appVersion: string;
}

export interface Bundle {
  name: string;
  bytes: Uint8Array;
  /** Per phone: what went in. */
  contents: { mac: string; exchanges: number; traceFiles: number; jobs: number; items: number }[];
}

/**
 * One zip for one or more phones (research-notes §1.3 step 7): per phone its summary, current
 * items (secrets masked, as the store lists them), job history, the exchange log of the window
 * as individual XML files (masked when logged) and its downloaded trace files; a README and a
 * manifest.json at the top. fflate's synchronous zip: a bundle of a few trace files is quick.
 */
export function buildBundle(request: BundleRequest, ctx: BundleContext): Bundle {
  const { store, now } = ctx;
  const to = request.to ?? now;
  const from = request.from ?? to - BUNDLE_DEFAULT_WINDOW_MS;
  const files: Zippable = {};
  const contents: Bundle['contents'] = [];
  const notes: string[] = [];
  let traceBytes = 0;
  for (const mac of request.macs) {
    const phone = store.phones.get(mac);
    if (!phone) continue;
    const dir = mac.replace(/:/g, '');
    const items = request.logOnly ? [] : store.inventory.list(mac).map(itemView);
    const jobs = request.logOnly ? [] : store.jobs.listForPhone(mac).map(jobView);
    if (!request.logOnly) {
      files[`${dir}/summary.json`] = json(phoneSummary(store, phone, now));
      files[`${dir}/items.json`] = json(items);
      files[`${dir}/jobs.json`] = json(jobs);
    }
    const exchanges = exchangesIn(store, mac, from, to);
    for (const e of exchanges) {
      const stem = `${dir}/exchanges/${String(e.id).padStart(8, '0')}-${new Date(e.at).toISOString().replace(/[:.]/g, '-')}`;
      files[`${stem}-request.xml`] = strToU8(e.requestXml);
      files[`${stem}-response.xml`] = strToU8(e.responseXml);
    }
    let traceFiles = 0;
    for (const download of request.logOnly ? [] : traceDownloads(ctx.dataDir, mac, from, to)) {
      for (const name of readdirSync(download.path).filter((n) => !n.endsWith('.part'))) {
        const content = readFileSync(join(download.path, name));
        if (traceBytes + content.length > MAX_BUNDLE_TRACE_BYTES) {
          notes.push(`${mac}: trace file ${download.name}/${name} left out (bundle limit of ${MAX_BUNDLE_TRACE_BYTES} bytes)`);
          continue;
        }
        traceBytes += content.length;
        // Trace files are text and compress well; already compressed ones would not gain.
        files[`${dir}/traces/${download.name}/${name}`] = [content, { level: 6 }];
        traceFiles += 1;
      }
    }
    contents.push({ mac, exchanges: exchanges.length, traceFiles, jobs: jobs.length, items: items.length });
  }
  const taken = new Date(now).toISOString();
  files['manifest.json'] = json({
    app: 'Fieldstage',
    version: ctx.appVersion,
    takenAt: taken,
    window: { from, to },
    phones: contents,
    notes,
  });
  files['README.txt'] = strToU8(readme(taken, from, to, ctx.appVersion, contents, notes));
  const name = `fieldstage-${request.logOnly ? 'protocol-log' : 'diagnostics'}-${contents.length === 1 ? (contents[0]?.mac ?? '').replace(/:/g, '') : `${contents.length}-phones`}-${taken.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.zip`;
  return { name, bytes: zipSync(files, { level: 6, mtime: new Date(now) }), contents };
}

function exchangesIn(store: Store, mac: string, from: number, to: number): ExchangeRecord[] {
  const found: ExchangeRecord[] = [];
  let beforeId: number | undefined;
  // Newest first, page by page, until the window's start or the limit.
  for (;;) {
    const page = store.exchanges.list({ mac, limit: 500, ...(beforeId === undefined ? {} : { beforeId }) });
    for (const e of page) {
      if (e.at > to) continue;
      if (e.at < from || found.length >= MAX_BUNDLE_EXCHANGES) return found.reverse();
      found.push(e);
    }
    if (page.length < 500) return found.reverse();
    beforeId = page[page.length - 1]?.id;
  }
}

/** The phone's download folders made within the window (by the UTC time in their name), newest first. */
function traceDownloads(dataDir: string, mac: string, from: number, to: number): { name: string; path: string }[] {
  const folder = traceFolder(dataDir, mac);
  if (!existsSync(folder)) return [];
  const start = Math.floor(from / 1000) * 1000;
  return readdirSync(folder)
    .map((name) => ({ name, path: join(folder, name), at: downloadTime(name) }))
    .filter((d) => d.at !== null && d.at >= start && d.at <= to && statSync(d.path).isDirectory())
    .sort((a, b) => (a.name < b.name ? 1 : -1));
}

/** `20261203T143501Z-1a2b3c4d` → its time; null for anything else. */
function downloadTime(name: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : null;
}

function json(value: unknown): Uint8Array {
  return strToU8(`${JSON.stringify(value, null, 2)}\n`);
}

function readme(taken: string, from: number, to: number, version: string, contents: Bundle['contents'], notes: string[]): string {
  const lines = [
    'Fieldstage diagnostic bundle',
    '',
    `Taken ${taken} by Fieldstage ${version}.`,
    `Protocol log window: ${new Date(from).toISOString()} to ${new Date(to).toISOString()}.`,
    '',
    'Per phone (folder named by its MAC address):',
    '  summary.json         the phone as Fieldstage knows it (identity, state, tracing)',
    '  items.json           its current items; secret values are masked (******)',
    '  jobs.json            every job Fieldstage keeps for it, with results and reasons',
    '  exchanges/           the WPI protocol log of the window, one XML file per message (secrets masked)',
    '  traces/<download>/   trace files downloaded from its web interface in the window',
    '',
    ...contents.map((c) => `${c.mac}: ${c.items} items, ${c.jobs} jobs, ${c.exchanges} exchanges, ${c.traceFiles} trace files`),
    ...(notes.length ? ['', 'Left out:', ...notes.map((n) => `  ${n}`)] : []),
    '',
  ];
  return lines.join('\n');
}
