import type { RolloutRowView, RolloutState } from '../../../../shared/rollout.js';

/**
 * The rows the roll-out view shows for a state filter and a search text (line, MAC, extension,
 * name, reason; case-insensitive). Pure, so `npm run bench` measures exactly what the view runs.
 */
export function filterRolloutRows(rows: readonly RolloutRowView[], state: RolloutState | 'all', query: string): RolloutRowView[] {
  const needle = query.trim().toLowerCase();
  return rows.filter((row) => (state === 'all' || row.state === state) && matches(row, needle));
}

function matches(row: RolloutRowView, needle: string): boolean {
  if (!needle) return true;
  return [String(row.line), row.mac ?? '', row.extension, row.displayName, row.reason ?? ''].some((v) => v.toLowerCase().includes(needle));
}
