import { createServer, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTACT_ME_PORT, sendContactMe } from '../../electron/core/discovery/contact-me.js';

/**
 * Contact-me goes to the phone's port 8085: "the service MUST use 8085 as destination port"
 * (wpi-protocol.md §3.2, §4.1, p. 12, 14). A contact-me-uri without a port must not fall back to
 * HTTP's 80, where the phone's web interface (WBM) answers instead. Loopback 127.0.86.x only.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function phoneOn(host: string, port: number): Promise<IncomingMessage[]> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => res.writeHead(204, { Server: 'DlsClient', 'Content-Type': 'text/html', 'Content-Length': '0' }).end());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return seen;
}

describe('contact-me destination port', () => {
  it('a contact-me-uri without a port goes to 8085, not 80', async () => {
    expect(CONTACT_ME_PORT).toBe(8085);
    const seen = await phoneOn('127.0.86.1', CONTACT_ME_PORT);
    const result = await sendContactMe({
      phoneIp: '127.0.86.1',
      uri: 'http://127.0.86.1/contact_dls.html/ContactDLS',
      dlsPort: 18443,
      timeoutMs: 2000,
    });
    expect(result.outcome).toBe('acknowledged');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('/contact_dls.html/ContactDLS');
    expect(seen[0]?.headers.host).toBe(`127.0.86.1:${CONTACT_ME_PORT}`);
  });

  it('an explicit port in the contact-me-uri is used as the phone reported it', async () => {
    const seen = await phoneOn('127.0.86.2', 18085);
    const result = await sendContactMe({
      phoneIp: '127.0.86.2',
      uri: 'http://127.0.86.2:18085/contact_dls.html/ContactDLS',
      dlsPort: 18443,
    });
    expect(result.outcome).toBe('acknowledged');
    expect(seen).toHaveLength(1);
  });
});
