import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/catalogue.js';
import { readExtensionList } from '../../electron/core/rollout/extension-list.js';
import { planRows, resolveTemplate } from '../../electron/core/rollout/plan.js';

describe('extension-list reader', () => {
  it('reads UTF-8 with BOM, commas and quoted fields with the delimiter and line breaks inside', () => {
    const list = readExtensionList(
      '\uFEFFMAC,Extension,Display name\r\n001AE8000001,100,"Smith, Anna"\r\n\r\n001ae8000002,101,"Two\nlines"\r\n002,102,Late',
    );
    expect(list.encoding).toBe('utf-8');
    expect(list.delimiter).toBe(',');
    expect(list.columns.map((c) => c.key)).toEqual(['mac', 'extension', 'display_name']);
    expect(list.rows.map((r) => [r.line, r.values.display_name])).toEqual([
      [2, 'Smith, Anna'],
      [5, 'Two\nlines'],
      [6, 'Late'],
    ]);
  });

  it('reads Windows-1252 with semicolons (German Excel) and tabs, and keeps extra columns by key', () => {
    const german = readExtensionList(Buffer.from('Rufnummer;Anzeigename;Raum Nr.\n100;Jörg Weiß;B 2.01\n', 'latin1'));
    expect(german.encoding).toBe('windows-1252');
    expect(german.delimiter).toBe(';');
    expect(german.rows[0]?.values).toEqual({ extension: '100', display_name: 'Jörg Weiß', raum_nr: 'B 2.01' });
    const tabs = readExtensionList('Extension\tName\n100\tA\n');
    expect(tabs.delimiter).toBe('\t');
    expect(tabs.rows[0]?.values).toEqual({ extension: '100', display_name: 'A' });
  });

  it('names what it cannot read: no header, unclosed quote, too many fields, two columns for one key', () => {
    expect(readExtensionList('').problems[0]?.message).toMatch(/no header line/);
    expect(readExtensionList('Extension\n"100\n').problems[0]?.message).toMatch(/not a readable CSV file/);
    expect(readExtensionList('Extension;Name\n100;A;extra\n').problems).toEqual([
      { line: 2, column: null, message: '3 fields, the header has 2' },
    ]);
    expect(readExtensionList('Extension;Rufnummer\n1;2').problems[0]?.message).toMatch(/both mean extension/);
  });

  it('plans rows: MAC spellings normalised, secrets masked in the preview, items checked', () => {
    const list = readExtensionList('MAC;Rufnummer;Passwort\n00-1a-e8-00-00-01;100;geheim\n001A.E800.0002;101;x');
    const { rows, problems } = planRows(list, null);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.mac)).toEqual(['00:1A:E8:00:00:01', '00:1A:E8:00:00:02']);
    expect(JSON.stringify(rows)).not.toContain('geheim');
    expect(rows[0]?.items).toEqual([
      { name: 'e164', value: '100' },
      { name: 'sip-pwd', value: SECRET_MASK },
    ]);
  });

  it('resolves variables and reports the missing ones', () => {
    expect(resolveTemplate('{{ display_name }} ({{extension}})', { display_name: 'Eva', extension: '1' })).toEqual({
      value: 'Eva (1)',
      missing: [],
    });
    expect(resolveTemplate('{{nope}}', {})).toEqual({ value: '{{nope}}', missing: ['nope'] });
  });
});
