/**
 * Fills a data folder with a site's database before the server child opens it (bench/lib/prefill.ts),
 * in its own process: the server then starts on a settled database (closed, WAL checkpointed), as
 * Fieldstage does on a technician's laptop, and its RSS carries nothing of the filling.
 */
import { openBenchCore } from './lib/bench-core.js';
import { serveParent } from './lib/ipc.js';
import { prefillStore, type PrefillRange } from './lib/prefill.js';

serveParent({
  async fill({ dataDir, range }: { dataDir: string; range: PrefillRange }) {
    const cpu0 = process.cpuUsage();
    // Never started: no listeners, no reacher; only the store is used.
    const core = await openBenchCore(dataDir, {
      sendContactMe: () => Promise.resolve({ outcome: 'other', detail: 'bench: the prefill sends nothing' }),
    });
    const result = await prefillStore(core.store, range);
    await core.stop();
    const cpu = process.cpuUsage(cpu0);
    return { ...result, pid: process.pid, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  },
  exit: () => ({ ok: true }),
});
