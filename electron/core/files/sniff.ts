import type { FileFormat } from '../../../shared/model.js';

/** What the first bytes of a file say about it; the extension is never consulted. */
export interface Sniffed {
  format: FileFormat | null;
  width?: number;
  height?: number;
  /** BMP colour depth (OpenStage 40 logos are black and white: 1 bit). */
  bitsPerPixel?: number;
  /** WAV format chunk. */
  audio?: { pcm: boolean; channels: number; sampleRate: number; bitsPerSample: number };
}

/** Bytes read from the start of a file for sniffing; a JPEG's frame header usually sits well inside. */
export const SNIFF_BYTES = 64 * 1024;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `head` is the first SNIFF_BYTES (or fewer, for a short file). Firmware is recognised elsewhere (by its header). */
export function sniff(head: Buffer): Sniffed {
  if (head.length >= 24 && head.subarray(0, 8).equals(PNG) && head.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { format: 'jpeg', ...jpegSize(head) };
  if (head.length >= 30 && head.toString('latin1', 0, 2) === 'BM') {
    return { format: 'bmp', width: head.readInt32LE(18), height: Math.abs(head.readInt32LE(22)), bitsPerPixel: head.readUInt16LE(28) };
  }
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') {
    const audio = wavFormat(head);
    return audio ? { format: 'wav', audio } : { format: 'wav' };
  }
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'MThd') return { format: 'midi' };
  if (isMp3(head)) return { format: 'mp3' };
  if (isText(head)) return { format: 'text' };
  return { format: null };
}

/** Width and height from the first start-of-frame marker (SOF0–SOF15 except DHT, JPG, DAC). */
function jpegSize(buf: Buffer): { width?: number; height?: number } {
  let at = 2;
  while (at + 9 < buf.length) {
    if (buf[at] !== 0xff) return {};
    const marker = buf[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = buf.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buf.readUInt16BE(at + 5), width: buf.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return {};
}

function wavFormat(buf: Buffer): Sniffed['audio'] | undefined {
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('latin1', at, at + 4);
    const length = buf.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= buf.length) {
      return {
        pcm: buf.readUInt16LE(at + 8) === 1,
        channels: buf.readUInt16LE(at + 10),
        sampleRate: buf.readUInt32LE(at + 12),
        bitsPerSample: buf.readUInt16LE(at + 22),
      };
    }
    at += 8 + length + (length % 2);
  }
  return undefined;
}

/** An ID3v2 tag, or an MPEG audio frame sync with a valid layer and bit-rate index. */
function isMp3(buf: Buffer): boolean {
  if (buf.length >= 3 && buf.toString('latin1', 0, 3) === 'ID3') return true;
  if (buf.length < 4) return false;
  const [b0, b1, b2] = [buf[0] ?? 0, buf[1] ?? 0, buf[2] ?? 0];
  return b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0 && (b2 & 0xf0) !== 0xf0;
}

/** UTF-8 text without NUL or other control characters than tab, CR, LF, FF. */
function isText(buf: Buffer): boolean {
  if (buf.length === 0) return false;
  // A multi-byte character cut off at the end of the sniffed window is not an error.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  const body = buf.length === SNIFF_BYTES ? text.replace(/\uFFFD{1,3}$/, '') : text;
  return !body.includes('\uFFFD') && !/[\0-\x08\x0b\x0e-\x1f\x7f]/.test(body);
}
