/**
 * Firmware personality of a simulated phone, derived from the version string it reports
 * (`V3 R1.41.1`). The thresholds are the ones of wpi-protocol.md §12.
 */
export interface Firmware {
  major: number;
  release: number;
}

export function parseFirmware(version: string): Firmware | undefined {
  const m = /^\s*V\s*(\d+)\s*R\s*(\d+)/i.exec(version);
  return m ? { major: Number(m[1]), release: Number(m[2]) } : undefined;
}

function atLeast(fw: Firmware, major: number, release: number): boolean {
  return fw.major > major || (fw.major === major && fw.release >= release);
}

/** From V2R2 `local-changes` carries the changed items (p. 37, 40); older firmware sends only the flag. */
export const attachesLocalChanges = (fw: Firmware): boolean => atLeast(fw, 2, 2);

/** `send-solicited` in a CleanUp is honoured from V3R3 (p. 46). */
export const honoursSendSolicited = (fw: Firmware): boolean => atLeast(fw, 3, 3);

/**
 * V2R2 and older cannot read chunked responses (p. 12). We also let these phones default to the
 * legacy transport (`Connection: close`, one TLS connection per request) as the 2023 advisory's
 * capture shows, so a service that keys flows on the connection is caught.
 */
export const isLegacyFirmware = (fw: Firmware): boolean => !atLeast(fw, 2, 3);

/**
 * A deployment names the image version dotted (`3.5.12.0`, p. 57) while the phone reports
 * `V3 R5.12.0` (p. 38, 40). Already phone-style strings are accepted as they are.
 */
export function phoneVersionOf(swVersion: string): string | undefined {
  const trimmed = swVersion.trim();
  if (parseFirmware(trimmed)) return trimmed;
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?$/.exec(trimmed);
  if (!m) return undefined;
  return `V${m[1]} R${m[2]}.${m[3]}.${m[4] ?? '0'}`;
}
