import type { ItemResult } from '../../../../shared/jobs.js';
import type { Action, WpiItem } from '../../../../shared/protocol.js';
import { splitForPhone } from '../../wpi/split.js';
import { JobRequestError } from '../job-requests.js';
import type { JobStep, Outcome, StepPlan } from '../kind.js';

/** Render for kinds whose stored items are sent as they are. */
export const asStored = (items: WpiItem[]): WpiItem[] => items;

/** Check for kinds that take no items. */
export function noItems(kind: string): (items: readonly WpiItem[]) => void {
  return (items) => {
    if (items.length) throw new JobRequestError(`${kind} takes no items`);
  };
}

/** The first of `items` split by the phone's maxItems (p. 28), or null when there is nothing to send. */
export function batched(action: Action, phase: string, items: WpiItem[], maxItems: number, results: ItemResult[] = []): StepPlan | null {
  const batches = splitForPhone(items, maxItems);
  return batches.length ? { action, phase, batches, batch: 0, results } : null;
}

/**
 * The next batch of the step, or null after the last. Batches still to come are split again if
 * the phone announced a lower maxItems since they were planned; the ones sent stay as they were.
 */
export function nextBatch(step: JobStep, results: ItemResult[], maxItems: number): StepPlan | null {
  const from = step.batch + 1;
  if (from >= step.batches.length) return null;
  const rest = step.batches.slice(from);
  const batches =
    maxItems <= 0 || rest.every((b) => b.length <= maxItems)
      ? step.batches
      : [...step.batches.slice(0, from), ...splitForPhone(rest.flat(), maxItems)];
  return { action: step.action, phase: step.phase, batches, batch: from, results };
}

export function value(items: readonly WpiItem[], name: string): string | undefined {
  return items.find((i) => i.name === name)?.value;
}

export function itemRef(item: { name: string; index?: number }): { name: string; index?: number } {
  return item.index === undefined ? { name: item.name } : { name: item.name, index: item.index };
}

export function refKey(item: { name: string; index?: number }): string {
  return `${item.name}#${item.index ?? ''}`;
}

export function readResult(item: WpiItem): ItemResult {
  return { ...itemRef(item), value: item.value, status: item.status ?? 'accepted' };
}

/** A refused step: the job fails with the phone's status and what it reported. */
export function refused(jobId: string, what: string, status: string, items: WpiItem[]): Outcome {
  return { effects: [{ type: 'job-failed', jobId, reason: `phone refused ${what} (${status})`, results: items.map(readResult) }] };
}
