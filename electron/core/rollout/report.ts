import type { RolloutRowView, RolloutState, RolloutStatus } from '../../../shared/rollout.js';

/** What the report shows of a phone besides its row: from the certificate and tracing features. */
export interface ReportFacts {
  e164: string | null;
  certificates: string[];
  tracingOn: boolean;
}

export interface ReportInput {
  status: RolloutStatus;
  facts: (mac: string) => ReportFacts;
  site: string;
  technician: string;
  at: number;
  language: 'en' | 'de';
}

const TEXT = {
  en: {
    title: 'Hand-over report',
    site: 'Site',
    technician: 'Technician',
    date: 'Date',
    summary: 'Summary',
    phones: 'Phones',
    line: 'Line',
    mac: 'MAC',
    model: 'Model',
    firmware: 'Firmware',
    number: 'Number',
    name: 'Display name',
    ip: 'IP address',
    state: 'State',
    changed: 'Last change',
    refused: 'Items refused / note',
    certificates: 'Certificates deployed',
    tracing: 'Tracing left on',
    yes: 'yes',
    no: 'no',
    tracingWarning: 'Tracing is still on for {count} phone(s): switch it off before leaving.',
    states: {
      unassigned: 'no phone yet',
      'not-seen': 'not seen yet',
      'waiting-adoption': 'waiting to be adopted',
      provisioning: 'provisioning',
      done: 'done',
      attention: 'needs attention',
    },
  },
  de: {
    title: 'Übergabeprotokoll',
    site: 'Standort',
    technician: 'Techniker',
    date: 'Datum',
    summary: 'Zusammenfassung',
    phones: 'Telefone',
    line: 'Zeile',
    mac: 'MAC',
    model: 'Modell',
    firmware: 'Firmware',
    number: 'Rufnummer',
    name: 'Anzeigename',
    ip: 'IP-Adresse',
    state: 'Zustand',
    changed: 'Letzte Änderung',
    refused: 'Abgelehnte Parameter / Hinweis',
    certificates: 'Verteilte Zertifikate',
    tracing: 'Tracing noch an',
    yes: 'ja',
    no: 'nein',
    tracingWarning: 'Bei {count} Telefon(en) ist das Tracing noch an: vor dem Gehen ausschalten.',
    states: {
      unassigned: 'noch kein Telefon',
      'not-seen': 'noch nicht gesehen',
      'waiting-adoption': 'wartet auf Übernahme',
      provisioning: 'wird eingerichtet',
      done: 'fertig',
      attention: 'braucht Aufmerksamkeit',
    },
  },
} as const satisfies Record<'en' | 'de', Record<string, unknown> & { states: Record<RolloutState, string> }>;

interface ReportLine {
  row: RolloutRowView;
  facts: ReportFacts | null;
}

function lines(input: ReportInput): ReportLine[] {
  return input.status.rows.map((row) => ({ row, facts: row.mac ? input.facts(row.mac) : null }));
}

function cells(line: ReportLine, input: ReportInput): string[] {
  const text = TEXT[input.language];
  const { row, facts } = line;
  return [
    String(row.line),
    row.mac ?? '',
    row.model ?? '',
    row.softwareVersion ?? '',
    facts?.e164 ?? row.extension,
    row.displayName,
    row.ip ?? '',
    text.states[row.state],
    new Date(row.updatedAt).toISOString(),
    row.reason ?? '',
    facts?.certificates.join(', ') ?? '',
    facts?.tracingOn ? text.yes : text.no,
  ];
}

function headers(input: ReportInput): string[] {
  const t = TEXT[input.language];
  return [t.line, t.mac, t.model, t.firmware, t.number, t.name, t.ip, t.state, t.changed, t.refused, t.certificates, t.tracing];
}

/** The report as CSV (`;`, as German Excel opens it; UTF-8 with BOM so umlauts survive Excel). */
export function reportCsv(input: ReportInput): string {
  const rows = [headers(input), ...lines(input).map((l) => cells(l, input))];
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/** One A4 HTML page set with print CSS: a summary first, then a table of every phone. */
export function reportHtml(input: ReportInput): string {
  const t = TEXT[input.language];
  const all = lines(input);
  const { counts } = input.status;
  const tracing = all.filter((l) => l.facts?.tracingOn).length;
  const date = new Date(input.at).toISOString().slice(0, 16).replace('T', ' ');
  const summary = (Object.keys(t.states) as RolloutState[])
    .filter((s) => counts[s] > 0)
    .map((s) => `<li>${escapeHtml(t.states[s])}: <b>${counts[s]}</b></li>`)
    .join('');
  const table = all
    .map(
      (l) =>
        `<tr class="${l.row.state}">${cells(l, input)
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${input.language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${t.title} – ${input.site}`)}</title>
<style>
  @page { size: A4 landscape; margin: 12mm; }
  body { font: 9pt/1.35 system-ui, sans-serif; color: #111; }
  h1 { font-size: 16pt; margin: 0 0 4mm; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 0 0 4mm; }
  dt { font-weight: 600; }
  .summary { page-break-after: always; }
  .warning { border: 1px solid #c60; padding: 2mm; color: #c60; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 0.2mm solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  tr.attention td { background: #fdecea; }
</style>
</head>
<body>
<section class="summary">
<h1>${escapeHtml(t.title)}</h1>
<dl>
<dt>${escapeHtml(t.site)}</dt><dd>${escapeHtml(input.site)}</dd>
<dt>${escapeHtml(t.technician)}</dt><dd>${escapeHtml(input.technician)}</dd>
<dt>${escapeHtml(t.date)}</dt><dd>${escapeHtml(date)} UTC</dd>
<dt>${escapeHtml(t.phones)}</dt><dd>${all.length} (${input.status.percent} % ${escapeHtml(t.states.done)})</dd>
</dl>
<h2>${escapeHtml(t.summary)}</h2>
<ul>${summary}</ul>
${tracing ? `<p class="warning">${escapeHtml(t.tracingWarning.replace('{count}', String(tracing)))}</p>` : ''}
</section>
<table>
<thead><tr>${headers(input)
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join('')}</tr></thead>
<tbody>
${table}
</tbody>
</table>
</body>
</html>
`;
}

/**
 * The list as it stands, in the form it was imported (round trip): one column per key the rows
 * have, known columns first under their English names, a MAC the bench gave a row filled in.
 * Passwords are included only when asked for (the file then holds secrets in clear).
 */
export function listCsv(rows: readonly { mac: string | null; values: Readonly<Record<string, string>> }[], withPasswords: boolean): string {
  const known = ['mac', 'extension', 'display_name', 'sip_user', 'sip_password', 'model'];
  const keys = [...new Set([...known, ...rows.flatMap((r) => Object.keys(r.values))])].filter(
    (k) => (withPasswords || k !== 'sip_password') && (known.includes(k) ? rows.some((r) => (k === 'mac' ? r.mac : r.values[k])) : true),
  );
  const lines = [keys, ...rows.map((r) => keys.map((k) => (k === 'mac' ? (r.mac ?? '') : (r.values[k] ?? ''))))];
  return `\uFEFF${lines.map((l) => l.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/** A list to fill in for a profile: the known columns plus every variable the profile uses, one example row. */
export function sampleCsv(profileItems: readonly { value: string }[]): string {
  const known = ['mac', 'extension', 'display_name', 'sip_user', 'sip_password'];
  const used = profileItems.flatMap((i) => [...i.value.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? ''));
  const extra = [...new Set(used)].filter((k) => k && !known.includes(k) && k !== 'mac' && k !== 'model');
  const example: Record<string, string> = {
    mac: '00:1A:E8:00:00:01',
    extension: '100',
    display_name: 'Anna Example',
    sip_user: '100',
    sip_password: 'secret',
  };
  const header = [...known, ...extra];
  return `\uFEFF${[header, header.map((k) => example[k] ?? '')].map((l) => l.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/** Quoted where needed; a leading = + - @ is defused so a spreadsheet shows it as text, never runs it. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
