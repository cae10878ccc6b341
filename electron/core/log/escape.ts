/**
 * Log lines carry phone input (device ids, nonces, item values, URLs). A line break or terminal
 * escape in that input would forge log lines or rewrite the technician's terminal, so every line
 * passes through here once, at the log sink: control characters (C0, DEL, C1) and the Unicode
 * line and paragraph separators become visible escapes, and the backslash is doubled so an
 * escape can never be mistaken for one the phone typed.
 */
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g;

export function escapeLogText(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? escapeCode(c.charCodeAt(0)));
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
