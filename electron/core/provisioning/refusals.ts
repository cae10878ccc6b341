import type { IncomingHttpHeaders } from 'node:http';
import type { ExchangeSummary } from '../../../shared/model.js';
import type { Store } from '../store/index.js';

/** A request the phone listener refused at HTTP level (400/408/413/415/417), before any WPI. */
export interface HttpRefusal {
  peer: string;
  status: number;
  /** Why, e.g. `FST_ERR_CTP_BODY_TOO_LARGE` or `ERR_HTTP_REQUEST_TIMEOUT`. */
  reason: string;
  /** Null when the request line itself could not be read (broken HTTP). */
  method: string | null;
  path: string | null;
  headers: IncomingHttpHeaders | null;
  sessionId: string | null;
}

/** The request as far as it is stored for a refusal: request line and a few headers, never the body. */
export const MAX_REFUSAL_REQUEST_CHARS = 2048;
/** Headers that explain a refusal; cookies and anything else a client sends are left out. */
const LOGGED_HEADERS = ['host', 'content-type', 'content-length', 'transfer-encoding', 'expect', 'connection', 'user-agent'];
const PATH_CHARS = 200;
const HEADER_CHARS = 200;

/** What is kept of the refused request: bounded, control characters shown as \xNN. */
export function refusalRequestText(refusal: HttpRefusal): string {
  const lines = [
    refusal.method === null ? '(request line not readable)' : `${refusal.method} ${(refusal.path ?? '').slice(0, PATH_CHARS)}`,
    ...LOGGED_HEADERS.flatMap((name) => {
      const value = refusal.headers?.[name];
      return value === undefined ? [] : [`${name}: ${String(value).slice(0, HEADER_CHARS)}`];
    }),
  ];
  return visible(lines.join('\n')).slice(0, MAX_REFUSAL_REQUEST_CHARS);
}

/**
 * Puts a refusal into the exchange log (peer, status, reason, the bounded request), as one unit
 * of the store's group commit; resolves once committed, so the answer goes out only after it.
 */
export async function recordRefusal(store: Store, refusal: HttpRefusal, mac: string | null, at: number): Promise<ExchangeSummary> {
  const summary = {
    mac,
    peer: refusal.peer,
    at,
    durationMs: 0,
    reason: null,
    action: null,
    httpStatus: refusal.status,
    note: `refused with HTTP ${refusal.status} (${visible(refusal.reason).slice(0, HEADER_CHARS)})`,
  };
  const id = await store.write(() =>
    store.exchanges.append({ ...summary, requestXml: refusalRequestText(refusal), responseXml: `HTTP ${refusal.status}` }),
  );
  return { ...summary, id };
}

function visible(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
