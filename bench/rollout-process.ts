/**
 * Roll-out benchmark child (started by bench/run.ts, `--only rollout`): the real core on a
 * throwaway data folder, a 1,000-row German extension list. Times the preview (read + check every
 * row) beside the floor (csv-parse alone on the same text), the confirm (1,000 phones pre-staged
 * with their jobs), the status the roll-out view loads, and filtering it by state and text.
 */
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { filterRolloutRows } from '../renderer/src/features/rollout/rolloutFilter.js';
import { fleetMac } from '../test/sim/fleet.js';
import { startBenchCore } from './lib/bench-core.js';
import { serveParent } from './lib/ipc.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const timed = <T>(fn: () => T): { ms: number; value: T } => {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
};

serveParent({
  async run({ rows }: { rows: number }) {
    const { core, stop } = await startBenchCore('rollout');
    try {
      const text = [
        'MAC-Adresse;Rufnummer;Anzeigename;Benutzername;Passwort',
        ...Array.from({ length: rows }, (_, i) => `${fleetMac(0x500001, i)};${10000 + i};Müller ${i};${10000 + i};pw${i}`),
      ].join('\r\n');
      const csv = Buffer.from(text, 'latin1');
      const floor = median(Array.from({ length: 5 }, () => timed(() => parse(csv.toString('latin1'), { delimiter: ';' })).ms));
      const preview = median(Array.from({ length: 5 }, () => timed(() => core.rollout.preview({ csv })).ms));
      const problems = core.rollout.preview({ csv }).problems.length;
      const confirm = timed(() => core.rollout.confirm({ csv })).ms;
      const status = median(Array.from({ length: 5 }, () => timed(() => core.rollout.status()).ms));
      const view = core.rollout.status();
      // What the view runs on a filter change (its own function): by state, then by text.
      const filter = median(
        Array.from(
          { length: 20 },
          (_, i) => timed(() => filterRolloutRows(filterRolloutRows(view.rows, i % 2 ? 'not-seen' : 'done', ''), 'all', String(i))).ms,
        ),
      );
      return {
        rows,
        problems,
        floorMs: floor,
        previewMs: preview,
        confirmMs: confirm,
        statusMs: status,
        filterMs: filter,
        statusRows: view.rows.length,
      };
    } finally {
      await stop();
    }
  },
});
