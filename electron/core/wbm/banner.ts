import type { Egress } from '../egress/egress.js';
import { wbmRequest } from './http.js';
import { bannerModel, WBM_BANNER_PATH } from './pages.js';

/** The model probe is a side show of a sweep: a phone that does not answer quickly has no model. */
export const WBM_BANNER_TIMEOUT_MS = 3_000;
const WBM_BANNER_MAX_BYTES = 64 * 1024;

/**
 * The unauthenticated model probe (`/main_banner.cmd`, research-notes §1.2): the model string, or
 * null when the page does not answer or holds none. Nothing secret is sent, so any certificate is
 * taken here; pinning is for the logged-in download.
 */
export async function probeModel(egress: Egress, host: string, port: number): Promise<string | null> {
  try {
    const url = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}${WBM_BANNER_PATH}`);
    const response = await wbmRequest(egress, {
      url,
      timeoutMs: WBM_BANNER_TIMEOUT_MS,
      maxBytes: WBM_BANNER_MAX_BYTES,
      what: 'the model banner',
      checkCertificate: () => undefined,
    });
    return response.status === 200 ? bannerModel(response.body.toString('latin1')) : null;
  } catch {
    return null;
  }
}
