/** A byte range to serve, both ends inclusive (RFC 9110 §14). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header for a file of `size` bytes. Returns null to serve the whole file (no
 * header, a unit other than bytes, bad syntax or several ranges: RFC 9110 lets a server ignore
 * those) and 'unsatisfiable' for a range that starts at or beyond the end (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const m = /^bytes=[ \t]*(\d{0,20})-(\d{0,20})[ \t]*$/.exec(header);
  if (!m) return null;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return null;
  if (first === '') {
    // Suffix range: the last n bytes.
    const n = Number(last);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) return null;
  // Huge or past-the-end last positions are clamped (an explicit RFC rule), never trusted.
  return { start, end: Math.min(end, size - 1) };
}
