import { describe, expect, it } from 'vitest';
import { classify, FileRefusal, modelRefusal, PIC_MAX_BYTES, RINGTONE_MAX_BYTES } from '../../electron/core/files/checks.js';
import { FIRMWARE_HEADER_LAYOUT, readFirmwareHeader } from '../../electron/core/files/firmware-header.js';
import { parseRange } from '../../electron/core/files/ranges.js';
import { sniff } from '../../electron/core/files/sniff.js';
import type { FileKind } from '../../shared/model.js';
import { makeFirmwareImage } from '../sim/firmware-image.js';
import { bmp, jpeg, ldapTemplate, png, wav } from '../support/media-samples.js';

function header(image: Buffer) {
  return readFirmwareHeader(
    image.subarray(0, FIRMWARE_HEADER_LAYOUT.headBytes),
    image.subarray(-FIRMWARE_HEADER_LAYOUT.trailerFromEnd),
    image.length,
  );
}

function check(content: Buffer, wanted?: FileKind) {
  return classify(content.length, sniff(content), header(content), wanted);
}

function refusal(content: Buffer, wanted?: FileKind): string {
  try {
    check(content, wanted);
  } catch (error) {
    if (error instanceof FileRefusal) return error.rule;
    throw error;
  }
  throw new Error('not refused');
}

describe('content sniffing (magic bytes, never the name)', () => {
  it('recognises images with their pixel size, WAV with its format, text', () => {
    expect(sniff(png(240, 70))).toMatchObject({ format: 'png', width: 240, height: 70 });
    expect(sniff(jpeg(640, 480))).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    expect(sniff(bmp(144, 32, 1))).toMatchObject({ format: 'bmp', width: 144, height: 32, bitsPerPixel: 1 });
    expect(sniff(wav({ sampleRate: 44100, channels: 2 }))).toMatchObject({
      format: 'wav',
      audio: { pcm: true, sampleRate: 44100, channels: 2, bitsPerSample: 16 },
    });
    expect(sniff(Buffer.from('MThd\0\0\0\x06'))).toMatchObject({ format: 'midi' });
    expect(sniff(Buffer.from('ID3\x04\0\0'))).toMatchObject({ format: 'mp3' });
    expect(sniff(ldapTemplate())).toMatchObject({ format: 'text' });
    expect(sniff(Buffer.from([0, 1, 2, 3, 0xff, 0xfe]))).toEqual({ format: null });
  });
});

describe('import checks', () => {
  it('takes the likeliest kind per format and the one asked for when it fits', () => {
    expect(check(png(240, 70)).kind).toBe('LOGO');
    expect(check(wav()).kind).toBe('RINGTONE');
    expect(check(wav({ size: RINGTONE_MAX_BYTES + 1 })).kind).toBe('MOH');
    expect(check(ldapTemplate()).kind).toBe('LDAP');
    expect(check(makeFirmwareImage()).kind).toBe('FIRMWARE');
    expect(check(jpeg(640, 480), 'SCREENSAVER')).toEqual({ kind: 'SCREENSAVER', format: 'jpeg', checks: [] });
  });

  it('refuses what no phone stores, naming the rule', () => {
    expect(refusal(Buffer.alloc(0))).toBe('empty');
    expect(refusal(Buffer.from([0, 1, 2, 3]))).toBe('unknown-format');
    expect(refusal(png(100, 100), 'FIRMWARE')).toBe('not-firmware');
    expect(refusal(makeFirmwareImage({ broken: 'no-model' }), 'FIRMWARE')).toBe('not-firmware');
    expect(refusal(wav(), 'LOGO')).toBe('format');
    expect(refusal(bmp(144, 32, 1), 'PIC')).toBe('format');
    expect(refusal(png(100, 100, PIC_MAX_BYTES + 1), 'PIC')).toBe('max-size');
    expect(refusal(jpeg(640, 480, PIC_MAX_BYTES + 1), 'SCREENSAVER')).toBe('max-size');
    expect(refusal(wav({ size: RINGTONE_MAX_BYTES + 1 }), 'RINGTONE')).toBe('max-size');
    expect(check(png(100, 100, PIC_MAX_BYTES), 'PIC').kind).toBe('PIC');
  });

  it('warns about what a phone may show badly', () => {
    expect(check(png(300, 100)).checks.map((c) => c.rule)).toEqual(['logo-size']);
    expect(check(png(480, 142)).checks).toEqual([]);
    expect(check(bmp(144, 32, 8)).checks.map((c) => c.rule)).toEqual(['logo-colours']);
    expect(check(jpeg(800, 480), 'SCREENSAVER').checks.map((c) => c.rule)).toEqual(['aspect']);
    expect(check(wav({ sampleRate: 44100, channels: 2 })).checks.map((c) => c.rule)).toEqual(['audio-format', 'mono']);
    expect(check(makeFirmwareImage({ broken: 'bad-version' })).checks.map((c) => c.rule)).toEqual(['header-layout']);
  });

  it('knows which models take which formats', () => {
    expect(modelRefusal('LOGO', 'png', 'OpenStage 40')).toMatch(/BMP/);
    expect(modelRefusal('LOGO', 'bmp', 'OpenStage 40')).toBeNull();
    expect(modelRefusal('LOGO', 'bmp', 'OpenStage 80')).toMatch(/not BMP/);
    expect(modelRefusal('LOGO', 'png', 'OpenStage 15')).toMatch(/no custom logo/);
    expect(modelRefusal('PIC', 'png', 'OpenStage 40')).toMatch(/60\/80/);
    expect(modelRefusal('RINGTONE', 'mp3', 'OpenStage 40')).toMatch(/MP3/);
    expect(modelRefusal('RINGTONE', 'mp3', 'OpenStage 60')).toBeNull();
    expect(modelRefusal('LOGO', 'png', 'Desk Phone of another make')).toBeNull();
  });
});

describe('firmware header', () => {
  it('reads model, version, device type and firmware type; the dotted version for file-sw-version', () => {
    expect(header(makeFirmwareImage({ model: 'OpenStage 40', version: 'V3 R5.12.0', swType: 'Siemens HFA' }))).toEqual({
      model: 'OpenStage 40',
      version: 'V3 R5.12.0',
      swVersion: '3.5.12.0',
      deviceType: 'OpenStage 40',
      swType: 'Siemens HFA',
      problems: [],
    });
  });

  it('says which part of the assumed layout did not parse', () => {
    expect(header(makeFirmwareImage({ broken: 'no-model' }))).toBeNull();
    expect(header(png(10, 10))).toBeNull();
    const badVersion = header(makeFirmwareImage({ broken: 'bad-version' }));
    expect(badVersion).toMatchObject({ model: 'OpenStage 60', version: null, swVersion: null, swType: 'Siemens SIP' });
    expect(badVersion?.problems.join()).toMatch(/no version/);
    expect(header(makeFirmwareImage({ broken: 'bad-sw-type' }))).toMatchObject({ swType: null, deviceType: 'OpenStage 60' });
    expect(header(makeFirmwareImage({ broken: 'no-trailer' }))).toMatchObject({ deviceType: null, swType: null, version: 'V3 R5.12.0' });
    expect(header(makeFirmwareImage({ size: 600 }))?.problems.join()).toMatch(/too short/);
    expect(header(makeFirmwareImage({ version: 'V1.2 R4.9.0' }))).toMatchObject({ swVersion: '1.4.9.0' });
  });
});

describe('Range header', () => {
  it('serves ranges, clamps huge ends, refuses ranges past the end, ignores what it may ignore', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-99999999999999999999', 100)).toEqual({ start: 10, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=99999999999999999999-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange('bytes=-', 100)).toBeNull();
  });
});
