/**
 * `phones.list` as the renderer calls it (renderer/src/store/phones.ts: pages of PHONES_PAGE_MAX
 * with `afterMac` until a short page), timed through the core's own handlers, beside the floor:
 * a plain `SELECT *` of the same rows on a second connection to the same database file.
 */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Core } from '../../electron/core/app/core.js';
import { PHONES_PAGE_MAX } from '../../shared/api.js';
import type { PhoneSummary } from '../../shared/model.js';
import { distribution, type Distribution } from './stats.js';

export interface ListCase {
  name: string;
  rows: number;
  handler: Distribution;
  floor: Distribution;
}

export interface ListTiming {
  phones: number;
  calls: number;
  warmup: number;
  cases: ListCase[];
}

async function time(fn: () => unknown, warmup: number, calls: number): Promise<Distribution> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return distribution(samples);
}

/** Every page, as the renderer loads the table. */
async function wholeList(core: Core): Promise<PhoneSummary[]> {
  const all: PhoneSummary[] = [];
  for (;;) {
    const afterMac = all.at(-1)?.mac;
    const page = await core.handlers['phones.list']({ limit: PHONES_PAGE_MAX, ...(afterMac ? { afterMac } : {}) });
    all.push(...page);
    if (page.length < PHONES_PAGE_MAX) return all;
  }
}

export async function timePhonesList(core: Core, dbFile: string, warmup: number, calls: number): Promise<ListTiming> {
  const firstPage = (): Promise<PhoneSummary[]> => core.handlers['phones.list']({ limit: PHONES_PAGE_MAX });
  const rowsFirst = (await firstPage()).length;
  const rowsAll = (await wholeList(core)).length;
  const db = new Database(dbFile, { readonly: true });
  try {
    const selectPage = db.prepare('SELECT * FROM phones ORDER BY mac LIMIT ?');
    const selectAll = db.prepare('SELECT * FROM phones ORDER BY mac');
    return {
      phones: rowsAll,
      calls,
      warmup,
      cases: [
        {
          name: `first page (limit ${PHONES_PAGE_MAX})`,
          rows: rowsFirst,
          handler: await time(firstPage, warmup, calls),
          floor: await time(() => selectPage.all(PHONES_PAGE_MAX), warmup, calls),
        },
        {
          name: 'whole list, paged as the renderer does',
          rows: rowsAll,
          handler: await time(() => wholeList(core), warmup, calls),
          floor: await time(() => selectAll.all(), warmup, calls),
        },
      ],
    };
  } finally {
    db.close();
  }
}
