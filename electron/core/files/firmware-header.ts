import type { FirmwareHeaderView } from '../../../shared/model.js';

/**
 * The firmware image layout we assume (research-notes §3.3, from the open-source dlsir tool at
 * commit 547a1f6, where only OpenStage 40 images were tried): a NUL-terminated model string at
 * `modelOffset`, NUL padding, the NUL-terminated version; a trailer `trailerFromEnd` bytes before
 * the end with the NUL-terminated device type, `trailerGap` bytes, then the firmware type.
 * Unverified on real images of other models, so a mismatch is reported, not guessed around.
 */
export const FIRMWARE_HEADER_LAYOUT = {
  name: 'dlsir-547a1f6',
  modelOffset: 0x20,
  /** Bytes read from the start; the model and version strings must end inside them. */
  headBytes: 512,
  trailerFromEnd: 0x128,
  trailerGap: 2,
  modelPattern: /^Open(Stage|Scape)\b[ -~]{0,60}$/,
  versionPattern: /^V(\d+)(?:\.(\d+))? R(\d+)\.(\d+)\.(\d+)$/,
  swTypes: ['Siemens SIP', 'Siemens HFA'],
} as const;

export interface FirmwareHeader extends FirmwareHeaderView {
  /** Why a field is null; empty when the whole header parsed. */
  problems: string[];
}

/**
 * Reads the header fields from the first `headBytes` and the last `trailerFromEnd` bytes.
 * Returns null when the file does not even carry a model string where an image has one: that is
 * not a phone image. Otherwise every field that parsed, and a problem per field that did not.
 */
export function readFirmwareHeader(head: Buffer, tail: Buffer, size: number): FirmwareHeader | null {
  const layout = FIRMWARE_HEADER_LAYOUT;
  const model = cString(head, layout.modelOffset);
  if (model === null || !layout.modelPattern.test(model.text)) return null;

  const problems: string[] = [];
  let version: string | null = null;
  let swVersion: string | null = null;
  let at = model.end;
  while (at < head.length && head[at] === 0) at += 1;
  const versionText = cString(head, at);
  const match = versionText ? layout.versionPattern.exec(versionText.text) : null;
  if (match) {
    version = match[0];
    // `file-sw-version` is dotted (guide p. 57: V1 R4.9.0 → 1.4.9.0); a minor V part has no known dotted form.
    swVersion = `${match[1]}.${match[3]}.${match[4]}.${match[5]}`;
    if (match[2] !== undefined) problems.push(`version ${match[0]} has a minor part; ${swVersion} is assumed for file-sw-version`);
  } else {
    problems.push(`no version matching "V<n> R<n>.<n>.<n>" after the model string (layout ${layout.name})`);
  }

  let deviceType: string | null = null;
  let swType: string | null = null;
  if (size < layout.trailerFromEnd + layout.headBytes || tail.length < layout.trailerFromEnd) {
    problems.push(`the file is too short for the trailer at end − 0x${layout.trailerFromEnd.toString(16)} (layout ${layout.name})`);
  } else {
    const trailer = tail.subarray(tail.length - layout.trailerFromEnd);
    const device = cString(trailer, 0);
    const type = device ? cString(trailer, device.end + layout.trailerGap) : null;
    if (device && device.text.length > 0 && isPrintable(device.text)) deviceType = device.text;
    else problems.push(`no device type at end − 0x${layout.trailerFromEnd.toString(16)} (layout ${layout.name})`);
    if (type && (layout.swTypes as readonly string[]).includes(type.text)) swType = type.text;
    else problems.push(`firmware type is not one of ${layout.swTypes.join(', ')} (layout ${layout.name})`);
  }
  return { model: model.text, version, swVersion, deviceType, swType, problems };
}

/** The NUL-terminated string at `offset`, or null when no NUL ends it inside `buf`. */
function cString(buf: Buffer, offset: number): { text: string; end: number } | null {
  if (offset >= buf.length) return null;
  const nul = buf.indexOf(0, offset);
  if (nul < 0) return null;
  return { text: buf.toString('latin1', offset, nul), end: nul + 1 };
}

function isPrintable(text: string): boolean {
  return /^[ -~]{1,64}$/.test(text);
}
