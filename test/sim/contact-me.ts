/**
 * The phone's plain-HTTP contact-me listener (wpi-protocol.md §4): the only thing a phone serves.
 * It acknowledges exactly like firmware does (p. 15) and leaves the decision whether to call back
 * to the phone.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

export const CONTACT_ME_PATH = '/contact_dls.html/ContactDLS';
export const DEFAULT_CONTACT_ME_PORT = 8085;

export interface ContactMeRequest {
  method: string;
  contactMe: boolean;
  /** Where the service wants the callback (p. 14); absent = the configured service. */
  dlsIpAddr?: string;
  dlsIpPort?: number;
}

/** `acknowledge` answers 204; `drop` closes the socket unanswered (a phone that is rebooting). */
export type ContactMeVerdict = 'acknowledge' | 'drop';

/**
 * Called once per contact-me; `answered` settles when the 204 has been written, so a callback
 * can start after the acknowledgement, as on the real phone.
 */
export type ContactMeHandler = (request: ContactMeRequest, answered: Promise<void>) => ContactMeVerdict;

export interface ContactMeListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The form is tiny (`ContactMe=true&dls_ip_addr=…&dls_ip_port=…`); anything bigger is abuse. */
const MAX_FORM_BYTES = 4096;

const ACK_HEADERS = { Server: 'DlsClient', 'Content-Type': 'text/html', 'Content-Length': '0' };

export async function listenForContactMe(host: string, port: number, handler: ContactMeHandler): Promise<ContactMeListener> {
  const server = http.createServer((req, res) => void serve(req, res, handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: ContactMeHandler): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://phone');
  if (url.pathname !== CONTACT_ME_PATH) return end(res, 404);
  if (req.method !== 'POST' && req.method !== 'GET') return end(res, 405);
  const body = await readForm(req);
  if (body === undefined) {
    req.socket.destroy();
    return;
  }
  // GET carries the fields in the query (S-4); POST in a form body. Merge both, body wins.
  const fields = new URLSearchParams(url.search);
  for (const [k, v] of new URLSearchParams(body)) fields.set(k, v);

  const answered = new Promise<void>((resolve) => res.once('close', resolve));
  const verdict = handler(parseFields(req.method, fields), answered);
  if (verdict === 'drop') {
    req.socket.destroy();
    return;
  }
  res.sendDate = false; // the guide's acknowledgement (p. 15) has no Date header
  res.writeHead(204, ACK_HEADERS);
  res.end();
}

function parseFields(method: string, fields: URLSearchParams): ContactMeRequest {
  const request: ContactMeRequest = { method, contactMe: fields.get('ContactMe')?.trim().toLowerCase() === 'true' };
  const addr = fields.get('dls_ip_addr')?.trim();
  if (addr) request.dlsIpAddr = addr;
  const port = Number(fields.get('dls_ip_port')?.trim());
  if (Number.isInteger(port) && port > 0 && port < 65536) request.dlsIpPort = port;
  return request;
}

function readForm(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_FORM_BYTES) resolve(undefined);
    });
    req.on('end', () => resolve(body));
    req.on('error', () => resolve(undefined));
  });
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status, { Server: 'DlsClient', 'Content-Length': '0' });
  res.end();
}
