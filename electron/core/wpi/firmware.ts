/** Firmware facts from the version string a phone reports, e.g. `V3 R1.41.1` (wpi-protocol.md §12). */
export interface FirmwareVersion {
  major: number;
  release: number;
}

export function parseFirmware(version: string | undefined): FirmwareVersion | null {
  if (!version) return null;
  const m = /V\s*(\d+)\s*R\s*(\d+)/i.exec(version);
  if (!m) return null;
  return { major: Number(m[1]), release: Number(m[2]) };
}

function atLeast(v: FirmwareVersion | null, major: number, release: number): boolean {
  return v !== null && (v.major > major || (v.major === major && v.release >= release));
}

/** `send-solicited` in CleanUp is honoured from V3R3 (p. 46). */
export function supportsSendSolicited(version: string | undefined): boolean {
  return atLeast(parseFirmware(version), 3, 3);
}

/** From V2R2 `local-changes` carries the changed items (p. 37, 40). */
export function attachesLocalChanges(version: string | undefined): boolean {
  return atLeast(parseFirmware(version), 2, 2);
}

/** `V3 R5.12.0` and `3.5.12.0` name the same firmware (p. 57). */
export function sameVersion(reported: string | undefined | null, expected: string): boolean {
  if (!reported) return false;
  const digits = (s: string): string => (s.match(/\d+/g) ?? []).join('.');
  return digits(reported) === digits(expected);
}
