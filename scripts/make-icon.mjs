// Draws assets/icon.png (512×512 RGBA): a desk phone (handset, display, 3×4 keypad) on a blue
// rounded square. Plain zlib so the icon needs no image dependency; rerun after changing it:
//   node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;

/** Signed distance from (x, y) to a rounded rectangle centred at (cx, cy); negative inside. */
function roundedRect(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Pixel coverage from a distance: a one-pixel ramp gives anti-aliased edges. */
const coverage = (distance) => Math.min(1, Math.max(0, 0.5 - distance));

const keys = [];
for (let row = 0; row < 4; row++) for (let col = 0; col < 3; col++) keys.push([236 + col * 64, 262 + row * 38]);

function pixel(x, y) {
  const background = coverage(roundedRect(x, y, 256, 256, 240, 240, 96));
  if (background === 0) return [0, 0, 0, 0];
  // Vertical gradient from a lighter to a deeper blue.
  const t = y / SIZE;
  let rgb = [0x2f + (0x0b - 0x2f) * t, 0x81 + (0x3d - 0x81) * t, 0xf7 + (0x91 - 0xf7) * t];
  const body = coverage(roundedRect(x, y, 256, 272, 200, 150, 36));
  const handset = coverage(roundedRect(x, y, 112, 272, 34, 124, 30));
  const display = coverage(roundedRect(x, y, 300, 184, 108, 40, 10));
  const key = Math.max(...keys.map(([kx, ky]) => coverage(roundedRect(x, y, kx, ky, 24, 12, 6))));
  const white = [0xff, 0xff, 0xff];
  const ink = [0x12, 0x3a, 0x7a];
  const mix = (a, b, amount) => a.map((v, i) => v + (b[i] - v) * amount);
  rgb = mix(rgb, white, body);
  rgb = mix(rgb, ink, Math.max(handset, display, key) * body);
  return [...rgb.map(Math.round), Math.round(background * 255)];
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) raw.set(pixel(x + 0.5, y + 0.5), row + 1 + x * 4);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const target = new URL('../assets/icon.png', import.meta.url);
writeFileSync(target, png);
console.log(`wrote ${target.pathname} (${png.length} bytes)`);
