import { parse } from 'csv-parse/sync';
import type { RolloutColumn, RolloutPreview, RolloutProblem } from '../../../shared/rollout.js';

/** Largest extension list taken: far above a site's 300 phones, small enough to parse in one go. */
export const MAX_EXTENSION_LIST_BYTES = 5 * 1024 * 1024;

/**
 * Header names (lower case, spaces/underscores/dashes removed) mapped to the known columns, in
 * English and German as Excel exports of customers' lists write them.
 */
export const COLUMN_ALIASES: Record<string, RolloutColumn> = {
  mac: 'mac',
  macaddress: 'mac',
  macadresse: 'mac',
  hardwareadresse: 'mac',
  extension: 'extension',
  ext: 'extension',
  number: 'extension',
  phonenumber: 'extension',
  e164: 'extension',
  nebenstelle: 'extension',
  rufnummer: 'extension',
  durchwahl: 'extension',
  nummer: 'extension',
  displayname: 'display_name',
  name: 'display_name',
  anzeigename: 'display_name',
  sipuser: 'sip_user',
  sipuserid: 'sip_user',
  username: 'sip_user',
  user: 'sip_user',
  benutzer: 'sip_user',
  benutzername: 'sip_user',
  sippassword: 'sip_password',
  sippwd: 'sip_password',
  password: 'sip_password',
  passwort: 'sip_password',
  kennwort: 'sip_password',
  model: 'model',
  modell: 'model',
  typ: 'model',
  type: 'model',
};

export interface ExtensionList {
  encoding: RolloutPreview['encoding'];
  delimiter: string;
  columns: { header: string; key: string }[];
  rows: { line: number; values: Record<string, string> }[];
  problems: RolloutProblem[];
}

/**
 * Reads a customer's extension list: UTF-8 (with or without BOM) or, when the bytes are not
 * UTF-8, Windows-1252 as German Excel saves it; `,` `;` or tab, whichever the header line uses;
 * quoted fields. `mapping` overrides the header → key mapping for headers the aliases miss.
 */
export function readExtensionList(input: Buffer | string, mapping: Record<string, string> = {}): ExtensionList {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > MAX_EXTENSION_LIST_BYTES) {
    return empty([{ line: 0, column: null, message: `the file is larger than ${MAX_EXTENSION_LIST_BYTES / 1024 / 1024} MB` }]);
  }
  const { text, encoding } = decode(bytes);
  const delimiter = sniffDelimiter(text);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines : 0;
    return { ...empty([{ line, column: null, message: `not a readable CSV file: ${(error as Error).message}` }]), encoding, delimiter };
  }
  const [first, ...body] = parsed;
  const header = first?.record;
  if (!header || header.every((h) => !h))
    return { ...empty([{ line: 1, column: null, message: 'the file has no header line' }]), encoding, delimiter };

  const problems: RolloutProblem[] = [];
  const columns = header.map((raw, i) => {
    const headerText = raw || `column ${i + 1}`;
    const key = mapping[headerText] ?? COLUMN_ALIASES[compact(headerText)] ?? keyOf(headerText);
    return { header: headerText, key };
  });
  const seen = new Map<string, string>();
  for (const c of columns) {
    const other = seen.get(c.key);
    if (other !== undefined) problems.push({ line: 1, column: c.header, message: `"${c.header}" and "${other}" both mean ${c.key}` });
    seen.set(c.key, c.header);
  }
  if (!seen.has('extension')) problems.push({ line: 1, column: null, message: 'no extension column (e.g. "Extension" or "Rufnummer")' });

  const rows = body.map(({ record, info }) => {
    const values: Record<string, string> = {};
    columns.forEach((c, j) => (values[c.key] = record[j] ?? ''));
    // The line the record ends on: the file line for every record without a line break in a field.
    const line = info.lines;
    if (record.length > columns.length && record.slice(columns.length).some((v) => v)) {
      problems.push({ line, column: null, message: `${record.length} fields, the header has ${columns.length}` });
    }
    return { line, values };
  });
  return { encoding, delimiter, columns, rows, problems };
}

function empty(problems: RolloutProblem[]): ExtensionList {
  return { encoding: 'utf-8', delimiter: ',', columns: [], rows: [], problems };
}

/** UTF-8 when the bytes are valid UTF-8 (a BOM included), else Windows-1252. */
function decode(bytes: Buffer): { text: string; encoding: ExtensionList['encoding'] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** The delimiter the header line uses most, outside quotes. */
function sniffDelimiter(text: string): string {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => ({ d, n: unquoted.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0] && counts[0].n > 0 ? counts[0].d : ',';
}

const compact = (header: string): string => header.toLowerCase().replace(/[\s_.\-/]+/g, '');

/** An extra column's key for `{{key}}`: lower case, words joined by `_`, ASCII letters and digits. */
function keyOf(header: string): string {
  const key = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return key || 'column';
}
