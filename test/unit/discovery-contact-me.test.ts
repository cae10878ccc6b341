import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contactMeUri, sendContactMe, type ContactMeResult } from '../../electron/core/discovery/contact-me.js';

// Loopback only: every request in this file goes to 127.0.0.x.

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
  remoteAddress: string | undefined;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function fakeServer(handle: (res: ServerResponse) => void, host = '127.0.0.1'): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body, remoteAddress: req.socket.remoteAddress });
      handle(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, seen };
}

async function tcpServer(onConnection: (socket: Socket) => void): Promise<number> {
  const server: TcpServer = createTcpServer(onConnection);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

const phoneAnswer = (res: ServerResponse): void => {
  res.writeHead(204, { Server: 'DlsClient', 'Content-Type': 'text/html', 'Content-Length': '0' });
  res.end();
};

describe('sendContactMe', () => {
  it('builds the default contact-me URI from the phone address', () => {
    expect(contactMeUri('10.0.0.21')).toBe('http://10.0.0.21:8085/contact_dls.html/ContactDLS');
  });

  it('POSTs the form body with our socket address and reports a phone acknowledgement', async () => {
    const phone = await fakeServer(phoneAnswer);
    const result = await sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', phone.port), dlsPort: 18443 });

    expect(result).toEqual({
      outcome: 'acknowledged',
      status: 204,
      server: 'DlsClient',
      localAddress: '127.0.0.1',
      detail: expect.stringContaining('phone acknowledged'),
    });
    expect(phone.seen).toHaveLength(1);
    const [req] = phone.seen;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/contact_dls.html/ContactDLS');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(req?.headers.connection).toBe('close');
    expect(req?.headers.host).toBe(`127.0.0.1:${phone.port}`);
    expect(req?.body).toBe('ContactMe=true&dls_ip_addr=127.0.0.1&dls_ip_port=18443');
    expect(req?.headers['content-length']).toBe(String(req?.body.length));
  });

  it('binds to the given local address and announces that address as the callback target', async () => {
    const phone = await fakeServer(phoneAnswer);
    const result = await sendContactMe({
      phoneIp: '127.0.0.1',
      uri: contactMeUri('127.0.0.1', phone.port),
      dlsPort: 9999,
      localAddress: '127.0.0.2',
    });
    expect(result.localAddress).toBe('127.0.0.2');
    expect(phone.seen[0]?.remoteAddress).toBe('127.0.0.2');
    expect(phone.seen[0]?.body).toBe('ContactMe=true&dls_ip_addr=127.0.0.2&dls_ip_port=9999');
  });

  it('reports another web server as other, with status and Server header', async () => {
    const web = await fakeServer((res) => {
      res.writeHead(200, { Server: 'nginx', 'Content-Type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const result = await sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', web.port), dlsPort: 18443 });
    expect(result).toMatchObject({ outcome: 'other', status: 200, server: 'nginx' });
    expect(result.detail).toMatch(/HTTP 200 OK \(Server: nginx\)/);
  });

  it('a 204 from something that is not a DlsClient is acknowledged but flagged', async () => {
    const web = await fakeServer((res) => {
      res.writeHead(204);
      res.end();
    });
    const result = await sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', web.port), dlsPort: 18443 });
    expect(result.outcome).toBe('acknowledged');
    expect(result.server).toBeUndefined();
    expect(result.detail).toMatch(/not recognised as an OpenStage/);
  });

  it('reports a closed port as refused', async () => {
    const port = await tcpServer(() => undefined);
    await closers.pop()?.();
    const result = await sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', port), dlsPort: 18443 });
    expect(result.outcome).toBe('refused');
    expect(result.localAddress).toBeUndefined();
  });

  it('gives up on a listener that never answers, exactly at the timeout', async () => {
    // Timers are faked, sockets are real: the request reaches the listener, then the test moves time.
    let received!: () => void;
    const reached = new Promise<void>((resolve) => (received = resolve));
    const port = await tcpServer((socket) => socket.once('data', () => received()));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let result: ContactMeResult | undefined;
      const pending = sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', port), dlsPort: 18443, timeoutMs: 200 });
      void pending.then((r) => (result = r));
      await reached;
      await vi.advanceTimersByTimeAsync(199);
      expect(result).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(result).toMatchObject({ outcome: 'no-answer', localAddress: '127.0.0.1' });
      expect(result?.detail).toMatch(/no HTTP answer within 200 ms/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('settles on time with the status when the body never ends', async () => {
    const web = await fakeServer((res) => {
      res.writeHead(200, { Server: 'slow', 'Content-Length': '100' });
      res.write('partial');
    });
    const result = await sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', web.port), dlsPort: 18443, timeoutMs: 200 });
    expect(result).toMatchObject({ outcome: 'other', status: 200, server: 'slow' });
  });

  it('reports a listener that does not speak HTTP as other', async () => {
    const port = await tcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const result = await sendContactMe({ phoneIp: '127.0.0.1', uri: contactMeUri('127.0.0.1', port), dlsPort: 18443 });
    expect(result.outcome).toBe('other');
    expect(result.detail).toMatch(/connected to 127\.0\.0\.1:\d+, but the exchange failed/);
  });

  it('never throws on bad input', async () => {
    await expect(sendContactMe({ phoneIp: '127.0.0.1', dlsPort: 0 })).resolves.toMatchObject({
      outcome: 'other',
      detail: 'invalid DLS port 0',
    });
    await expect(sendContactMe({ phoneIp: 'not an ip', dlsPort: 18443 })).resolves.toMatchObject({ outcome: 'other' });
    await expect(sendContactMe({ phoneIp: '127.0.0.1', uri: 'https://127.0.0.1/x', dlsPort: 18443 })).resolves.toMatchObject({
      outcome: 'other',
      detail: expect.stringContaining('not plain http'),
    });
    await expect(sendContactMe({ phoneIp: '127.0.0.1', dlsPort: 18443, localAddress: 'eth0' })).resolves.toMatchObject({
      outcome: 'other',
    });
  });
});
