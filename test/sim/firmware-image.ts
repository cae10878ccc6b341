/**
 * Test firmware images in the layout Fieldstage assumes (FIRMWARE_HEADER_LAYOUT, research-notes
 * §3.3): model at 0x20, then the version after NUL padding, and a trailer 0x128 bytes before the
 * end with the device type, two bytes, and the firmware type. `broken` makes the variants the
 * checks must catch. The body is filler from a seeded generator, so images differ by content.
 */
import { FIRMWARE_HEADER_LAYOUT } from '../../electron/core/files/firmware-header.js';

export interface TestImageOptions {
  model?: string;
  /** Phone-style, e.g. `V3 R5.12.0`. */
  version?: string;
  deviceType?: string;
  swType?: string;
  /** Total size in bytes; at least 4 kB for a valid image. */
  size?: number;
  seed?: number;
  broken?: 'no-model' | 'bad-version' | 'bad-sw-type' | 'no-trailer';
}

export function makeFirmwareImage(options: TestImageOptions = {}): Buffer {
  const {
    model = 'OpenStage 60',
    version = 'V3 R5.12.0',
    deviceType = model,
    swType = 'Siemens SIP',
    size = 64 * 1024,
    seed = 1,
    broken,
  } = options;
  const image = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    // xorshift32: cheap filler that does not compress to nothing.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    image.writeUInt32LE(state >>> 0, i);
  }
  image.write('OPERA_BIND\0', 0, 'latin1');
  const head = Buffer.alloc(FIRMWARE_HEADER_LAYOUT.headBytes - FIRMWARE_HEADER_LAYOUT.modelOffset);
  if (broken !== 'no-model') {
    head.write(`${model}\0`, 0, 'latin1');
    head.write(`${broken === 'bad-version' ? 'release 5' : version}\0`, 0x40, 'latin1');
  }
  head.copy(image, FIRMWARE_HEADER_LAYOUT.modelOffset);
  if (broken !== 'no-trailer') {
    const trailer = Buffer.alloc(FIRMWARE_HEADER_LAYOUT.trailerFromEnd);
    trailer.write(`${deviceType}\0`, 0, 'latin1');
    const typeAt = deviceType.length + 1 + FIRMWARE_HEADER_LAYOUT.trailerGap;
    trailer.write(`${broken === 'bad-sw-type' ? 'Acme OS' : swType}\0`, typeAt, 'latin1');
    trailer.copy(image, size - trailer.length);
  } else {
    image.fill(0xff, size - FIRMWARE_HEADER_LAYOUT.trailerFromEnd);
  }
  return image;
}
