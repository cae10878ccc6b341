import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * XSD validation with xmllint (apt package `libxml2-utils`), the validator the spec names
 * (../shared/spec/xml-schema-facts.md). All documents of one call go to a single xmllint
 * process, so validating a few hundred messages costs one process start.
 */

export const XSD_PATH = resolve(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/wpi.xsd');

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages for this document (parser and schema errors), file names stripped. */
  errors: string[];
}

/** Documents per xmllint process: keeps the argument list far below any OS limit. */
const CHUNK = 400;

let checked = false;

/** A RAM disk when there is one: on some CI file systems writing 1,000 small files takes a second. */
function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

function ensureXmllint(): void {
  if (checked) return;
  const probe = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'xmllint is not installed; it is required to validate WPI messages against the XSD. ' +
        'Install it with: apt-get update && apt-get install -y libxml2-utils',
    );
  }
  checked = true;
}

export function validateAgainstXsd(xml: string): XsdResult;
export function validateAgainstXsd(xml: readonly string[]): XsdResult[];
export function validateAgainstXsd(xml: string | readonly string[]): XsdResult | XsdResult[] {
  if (typeof xml === 'string') return validateMany([xml])[0] as XsdResult;
  return validateMany(xml);
}

function validateMany(docs: readonly string[]): XsdResult[] {
  if (docs.length === 0) return [];
  ensureXmllint();
  // Identical documents (e.g. a run of GetNextFragment with one nonce) are validated once.
  const unique = [...new Set(docs)];
  const dir = mkdtempSync(join(scratchRoot(), 'wpi-xsd-'));
  try {
    const files = unique.map((doc, i) => {
      const file = join(dir, `doc-${String(i).padStart(6, '0')}.xml`);
      writeFileSync(file, doc, 'utf8');
      return file;
    });
    const results: XsdResult[] = [];
    for (let start = 0; start < files.length; start += CHUNK) {
      results.push(...runChunk(files.slice(start, start + CHUNK)));
    }
    const byDoc = new Map(unique.map((doc, i) => [doc, results[i] as XsdResult]));
    return docs.map((doc) => {
      const r = byDoc.get(doc) as XsdResult;
      return { valid: r.valid, errors: [...r.errors] };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChunk(files: readonly string[]): XsdResult[] {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD_PATH, ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  const byFile = new Map<string, XsdResult>(files.map((f) => [f, { valid: false, errors: [] }]));
  const verdict = new Set<string>();
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const file = files.find((f) => line.startsWith(f));
    if (!file) {
      // Continuation lines (source excerpt, caret) belong to the last reported error.
      continue;
    }
    const result = byFile.get(file) as XsdResult;
    const rest = line.slice(file.length);
    if (rest === ' validates') {
      result.valid = true;
      verdict.add(file);
    } else if (rest === ' fails to validate' || rest.startsWith(' fails to validate')) {
      verdict.add(file);
    } else {
      result.errors.push(`${basename(file)}${rest}`);
    }
  }
  for (const file of files) {
    const result = byFile.get(file) as XsdResult;
    if (!verdict.has(file)) {
      // No verdict at all: xmllint could not even parse the document (or crashed).
      result.valid = false;
      if (result.errors.length === 0)
        result.errors.push(`${basename(file)}: no verdict from xmllint (exit ${run.status}): ${output.slice(0, 500)}`);
    } else if (result.errors.length > 0) {
      result.valid = false;
    }
  }
  return files.map((f) => byFile.get(f) as XsdResult);
}

/** Root element's local name, for checks the XSD cannot make (it accepts both roots). */
export function rootLocalName(xml: string): string | null {
  const m = /^(?:\s*<\?[^>]*\?>)?(?:\s*<!--[\s\S]*?-->)*\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(xml);
  return m?.[1] ?? null;
}

/**
 * Validates messages the service sends: each must be a `DLSMessage` and valid against the XSD.
 * Returns one line per problem (empty when everything is fine), ready for `expect(...).toEqual([])`.
 */
export function problemsOfSentMessages(xml: readonly string[]): string[] {
  const results = validateAgainstXsd(xml);
  const problems: string[] = [];
  results.forEach((result, i) => {
    const doc = xml[i] as string;
    const root = rootLocalName(doc);
    if (root !== 'DLSMessage') problems.push(`message ${i}: root is ${root ?? 'missing'}, expected DLSMessage: ${doc.slice(0, 300)}`);
    if (!result.valid) problems.push(`message ${i} is not valid: ${result.errors.join(' | ')}\n${doc.slice(0, 600)}`);
  });
  return problems;
}
