import { describe, expect, it } from 'vitest';
import { escapeLogText } from '../../electron/core/log/escape.js';

describe('escapeLogText', () => {
  it('turns every control character and line separator into a visible escape', () => {
    expect(escapeLogText('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(escapeLogText('\u0000\u001b[2J\u007f\u0085')).toBe('\\x00\\x1b[2J\\x7f\\x85');
    expect(escapeLogText('x\u2028y\u2029z')).toBe('x\\u2028y\\u2029z');
  });

  it('doubles backslashes, so a typed "\\n" stays distinct from an escaped line break', () => {
    expect(escapeLogText('typed \\n')).toBe('typed \\\\n');
    expect(escapeLogText('typed \\n')).not.toBe(escapeLogText('typed \n'));
  });

  it('leaves ordinary text, umlauts and arrows alone', () => {
    const text = '00:1A:E8:12:34:56 (127.0.0.1): Empfang Süd → ok';
    expect(escapeLogText(text)).toBe(text);
  });
});
