/** What else the machine was doing: system-wide busy CPU from /proc/stat (Linux), to tell a clean run from a noisy one. */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSnapshot {
  busyMs: number;
  at: number;
}

export function cpuSnapshot(): CpuSnapshot | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return { busyMs: (busy * 1000) / TICKS_PER_SECOND, at: performance.now() };
  } catch {
    return null;
  }
}

/** CPU-ms all processes used between two snapshots. */
export function busyBetween(a: CpuSnapshot | null, b: CpuSnapshot | null): number | null {
  return a && b ? b.busyMs - a.busyMs : null;
}

export function load1(): number {
  return loadavg()[0] ?? NaN;
}
