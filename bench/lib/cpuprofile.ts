/** Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function and per package. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: { name: string; where: string; selfMs: number; share: number }[];
  groups: { group: string; selfMs: number; share: number }[];
}

/** Coarse owner of a frame: an npm package, a Node subsystem, our own code, or V8. */
function groupOf(url: string, name: string): string {
  if (!url) {
    if (name === '(garbage collector)') return 'GC';
    if (name === '(idle)') return 'idle';
    if (name === '(program)') return 'V8/native (program)';
    return `native ${name || '(anonymous)'}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  if (url.startsWith('node:internal/tls') || url.startsWith('node:tls') || url.includes('_tls_')) return 'node: tls';
  if (url.startsWith('node:internal/crypto') || url.startsWith('node:crypto')) return 'node: crypto';
  if (url.startsWith('node:_http') || url.startsWith('node:http') || url.startsWith('node:https')) return 'node: http';
  if (url.startsWith('node:internal/streams') || url.startsWith('node:stream')) return 'node: streams';
  if (url.startsWith('node:net') || url.startsWith('node:internal/net')) return 'node: net';
  if (url.startsWith('node:')) return 'node: other';
  const own = /\/(electron\/core\/[^/]+|shared|bench|test\/sim)\//.exec(url);
  if (own) return own[1] ?? url;
  return url;
}

export function summarizeProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const groups = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const short = url.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\//, '');
    const key = `${functionName}|${url}|${lineNumber}`;
    // Lines of .ts files are those of tsx's transpiled output, not the source: name the file only.
    const where = !url ? '' : /\.tsx?$/.test(short) ? short : `${short}:${lineNumber + 1}`;
    const entry = fn.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const group = groupOf(url, functionName);
    groups.set(group, (groups.get(group) ?? 0) + us);
  }
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: f.us / total })),
    groups: [...groups.entries()].sort((a, b) => b[1] - a[1]).map(([group, us]) => ({ group, selfMs: us / 1000, share: us / total })),
  };
}
