// Sums vitest JSON reports into the one line CI reads: `N passed, N failed`.
// A stage that failed without a report (type errors, lint, build) counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const stagesAt = args.indexOf('--failed-stages');
const failedStages = stagesAt >= 0 ? args[stagesAt + 1].trim().split(/\s+/).filter(Boolean) : [];
const reports = (stagesAt >= 0 ? args.slice(0, stagesAt) : args).filter((f) => f.endsWith('.json'));

let passed = 0;
let failed = 0;
for (const file of reports) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numTodoTests ?? 0) + (report.numPendingTests ?? 0);
}
const reported = new Set(reports.filter((f) => existsSync(f)).map((f) => f.replace(/^.*\/|\.json$/g, '')));
for (const stage of failedStages) {
  if (!reported.has(stage)) {
    console.log(`stage failed: ${stage}`);
    failed += 1;
  }
}
if (failedStages.length) console.log(`failed stages: ${failedStages.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || failedStages.length > 0 ? 1 : 0);
