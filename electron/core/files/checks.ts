import type { FileCheck, FileFormat, FileKind } from '../../../shared/model.js';
import type { FirmwareHeader } from './firmware-header.js';
import type { Sniffed } from './sniff.js';

/**
 * The limits the guide and the admin manuals give per file type and model
 * (files-and-certificates.md §2, research-notes §3.2). What a phone would refuse is a
 * `FileRefusal` naming the rule; what it may show badly is a warning.
 */

/** Largest file the library takes (issue 8: firmware images run to a few hundred MB). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/**
 * "300 kB" for picture clips and screensavers, "1 MB" for ringtones: read as decimal units, the
 * stricter reading, since a phone that counts in decimal would silently not store the file.
 */
export const PIC_MAX_BYTES = 300_000;
export const RINGTONE_MAX_BYTES = 1_000_000;

export const FORMATS_BY_KIND: Record<FileKind, readonly FileFormat[]> = {
  LOGO: ['jpeg', 'png', 'bmp'],
  PIC: ['jpeg', 'png'],
  SCREENSAVER: ['jpeg', 'png'],
  RINGTONE: ['wav', 'midi', 'mp3'],
  MOH: ['wav', 'midi', 'mp3'],
  LDAP: ['text'],
  FIRMWARE: ['firmware'],
};

/** Ideal logo sizes per model; OS80 has two published heights (research-notes §3.2). */
export const LOGO_SIZES: readonly { model: string; width: number; height: number }[] = [
  { model: 'OpenStage 40', width: 144, height: 32 },
  { model: 'OpenStage 60', width: 240, height: 70 },
  { model: 'OpenStage 80', width: 480, height: 148 },
  { model: 'OpenStage 80', width: 480, height: 142 },
];

export class FileRefusal extends Error {
  readonly statusCode = 422;
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileRefusal';
  }
}

export interface Classified {
  kind: FileKind;
  format: FileFormat;
  checks: FileCheck[];
}

const FORMAT_NAMES: Record<FileFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  bmp: 'BMP',
  wav: 'WAV',
  midi: 'MIDI',
  mp3: 'MP3',
  text: 'text',
  firmware: 'a phone firmware image',
};

const kb = (bytes: number): string => `${Math.round(bytes / 1000)} kB`;

/**
 * Decides the kind (the one asked for, else the likeliest for the format) and runs the import
 * checks. Throws FileRefusal for what no phone would store.
 */
export function classify(size: number, sniffed: Sniffed, firmware: FirmwareHeader | null, wanted?: FileKind): Classified {
  if (size === 0) throw new FileRefusal('empty', 'The file is empty.');
  if (size > MAX_IMPORT_BYTES) throw new FileRefusal('too-large', `Files over ${MAX_IMPORT_BYTES / 1024 / 1024} MB are not taken.`);
  const format: FileFormat | null = firmware ? 'firmware' : sniffed.format;
  if (wanted === 'FIRMWARE' && !firmware) {
    throw new FileRefusal(
      'not-firmware',
      'This is not a phone firmware image: there is no OpenStage/OpenScape model string in its header.',
    );
  }
  if (format === null) {
    throw new FileRefusal(
      'unknown-format',
      'The content is none of the formats phones take (JPEG, PNG, BMP, WAV, MIDI, MP3, text, firmware).',
    );
  }
  const kind = wanted ?? defaultKind(format, size);
  if (!FORMATS_BY_KIND[kind].includes(format)) {
    const allowed = FORMATS_BY_KIND[kind].map((f) => FORMAT_NAMES[f]).join(', ');
    throw new FileRefusal('format', `A ${kind} file must be ${allowed}; this one is ${FORMAT_NAMES[format]}.`);
  }
  const checks: FileCheck[] = [];
  const warn = (rule: string, message: string): void => {
    checks.push({ level: 'warning', rule, message });
  };
  switch (kind) {
    case 'PIC':
    case 'SCREENSAVER':
      if (size > PIC_MAX_BYTES) {
        throw new FileRefusal(
          'max-size',
          `A ${kind} may be at most ${kb(PIC_MAX_BYTES)}; this one is ${kb(size)}. The phone would not store it.`,
        );
      }
      if (kind === 'SCREENSAVER' && sniffed.width && sniffed.height && sniffed.width * 3 !== sniffed.height * 4) {
        warn(
          'aspect',
          `Screensaver images should be 4:3 (OpenStage 60: 320×240, 80: 640×480); this one is ${sniffed.width}×${sniffed.height}.`,
        );
      }
      break;
    case 'LOGO':
      if (sniffed.width && sniffed.height && !LOGO_SIZES.some((s) => s.width === sniffed.width && s.height === sniffed.height)) {
        warn(
          'logo-size',
          `The logo is ${sniffed.width}×${sniffed.height}; phones show other sizes skewed. Ideal: OpenStage 40 144×32, 60 240×70, 80 480×148 (or 480×142).`,
        );
      }
      if (format === 'bmp' && sniffed.bitsPerPixel !== 1) {
        warn('logo-colours', `OpenStage 40 logos are black-and-white BMPs; this one has ${sniffed.bitsPerPixel ?? '?'} bits per pixel.`);
      }
      break;
    case 'RINGTONE':
    case 'MOH':
      if (kind === 'RINGTONE' && size > RINGTONE_MAX_BYTES) {
        throw new FileRefusal('max-size', `A ringtone may be at most ${kb(RINGTONE_MAX_BYTES)}; this one is ${kb(size)}.`);
      }
      if (format === 'wav' && sniffed.audio) {
        const a = sniffed.audio;
        if (!a.pcm || a.sampleRate !== 8000 || a.bitsPerSample !== 16) {
          warn(
            'audio-format',
            `Recommended WAV: PCM, 8 kHz, 16 bit; this one is ${a.pcm ? 'PCM' : 'not PCM'}, ${a.sampleRate} Hz, ${a.bitsPerSample} bit.`,
          );
        }
        if (a.channels !== 1) warn('mono', `Mono is recommended; this file has ${a.channels} channels.`);
      }
      break;
    case 'FIRMWARE':
      for (const problem of firmware?.problems ?? []) warn('header-layout', `Header: ${problem}. Check the image before deploying it.`);
      break;
    case 'LDAP':
      break;
  }
  return { kind, format, checks };
}

function defaultKind(format: FileFormat, size: number): FileKind {
  switch (format) {
    case 'firmware':
      return 'FIRMWARE';
    case 'text':
      return 'LDAP';
    case 'wav':
    case 'midi':
    case 'mp3':
      return size <= RINGTONE_MAX_BYTES ? 'RINGTONE' : 'MOH';
    default:
      return 'LOGO';
  }
}

/** The number in `OpenStage 60`, or null for a model we hold no media rules for. */
function modelNumber(model: string | null): number | null {
  const m = /^OpenStage (\d+)/.exec(model ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Why a phone of `model` would refuse this file (formats per model, guide p. 178), or null.
 * An unknown model is not refused: the guide's table does not cover it.
 */
export function modelRefusal(kind: FileKind, format: FileFormat, model: string | null): string | null {
  const n = modelNumber(model);
  if (n === null) return null;
  const big = n === 60 || n === 80;
  switch (kind) {
    case 'PIC':
    case 'SCREENSAVER':
      return big ? null : `${model} does not show ${kind === 'PIC' ? 'picture clips' : 'screensavers'} (OpenStage 60/80 only).`;
    case 'LOGO':
      if (n === 40) return format === 'bmp' ? null : `${model} takes black-and-white BMP logos only.`;
      if (big) return format === 'bmp' ? `${model} takes JPEG or PNG logos, not BMP.` : null;
      return `${model} has no custom logo (OpenStage 40/60/80 only).`;
    case 'RINGTONE':
    case 'MOH':
      return format === 'mp3' && !big ? `${model} does not play MP3 (OpenStage 60/80 only).` : null;
    default:
      return null;
  }
}
