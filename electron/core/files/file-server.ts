import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { Transform, pipeline } from 'node:stream';
import type { FileDownloadView } from '../../../shared/model.js';
import { phoneTlsOptions } from '../provisioning/tls-options.js';
import type { FileRecord } from '../store/index.js';
import { parseRange } from './ranges.js';

/** A phone that takes no bytes for this long is dropped (slow readers must not pin a connection forever). */
export const FILE_SERVER_IDLE_TIMEOUT_MS = 60_000;
/** Connections held at once; a site of phones fetching firmware stays well under it. */
export const FILE_SERVER_MAX_CONNECTIONS = 2_000;
/** Read size from disk and, so, the granularity of back-pressure per download. */
export const FILE_SERVER_CHUNK_BYTES = 256 * 1024;
/** A download reports progress about this many times (and at least every 16 MB). */
const PROGRESS_STEPS = 50;
const PROGRESS_MAX_STEP_BYTES = 16 * 1024 * 1024;

/**
 * The URL path of a library file; the token is the only secret, the name is for people and
 * WBM-style base URLs. A job's URL carries the job id as well, so each download is credited to
 * its job exactly, even when many phones share one NAT address.
 */
export function filePath(record: Pick<FileRecord, 'serveToken' | 'name'>, jobId?: string): string {
  return `/files/${record.serveToken}/${jobId === undefined ? '' : `${encodeURIComponent(jobId)}/`}${encodeURIComponent(record.name)}`;
}

/** `/files/<token>[/<job id>]/<name>`: a second segment before the name is the job's id. */
const PATH = /^\/files\/([A-Za-z0-9_-]{22})(?:(?:\/([A-Za-z0-9_-]{1,64}))?\/[^/?#]*)?(?:\?.*)?$/;

export interface FileServerOptions {
  lookup: (serveToken: string) => FileRecord | undefined;
  contentPath: (record: FileRecord) => string;
  now: () => number;
  /** Progress while a download runs and once at its end (state `complete` or `incomplete`). */
  onDownload: (download: FileDownloadView, record: FileRecord) => void;
  idleTimeoutMs?: number;
}

export interface FileServerConfig {
  /** Empty = all interfaces. */
  bindAddresses: string[];
  port: number;
  tls: { key: string; cert: string; legacy: boolean };
}

/**
 * Fieldstage's own HTTPS file server: hands phones library files, read-only, by secret path.
 * Plain node:https rather than fastify: it does one thing, and a download is a stream from disk
 * with back-pressure (memory stays flat however many phones fetch at once).
 */
export class FileServer {
  readonly #o: FileServerOptions;
  #servers: Server[] = [];
  #bound: { address: string; port: number }[] = [];

  constructor(options: FileServerOptions) {
    this.#o = options;
  }

  async start(config: FileServerConfig): Promise<{ address: string; port: number }[]> {
    await this.stop();
    const hosts = config.bindAddresses.length ? config.bindAddresses : ['0.0.0.0'];
    try {
      for (const host of hosts) {
        const server = createServer(phoneTlsOptions(config.tls.key, config.tls.cert, config.tls.legacy), (req, res) =>
          this.#serve(req, res),
        );
        server.timeout = this.#o.idleTimeoutMs ?? FILE_SERVER_IDLE_TIMEOUT_MS;
        server.keepAliveTimeout = 5_000;
        server.headersTimeout = 20_000;
        server.maxConnections = FILE_SERVER_MAX_CONNECTIONS;
        // A TLS handshake that fails (old phone, wrong TLS setting) must not bring anything down.
        server.on('tlsClientError', () => undefined);
        server.on('clientError', (_error, socket) => socket.destroy());
        this.#servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port: config.port, backlog: 1024 }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        const address = server.address();
        this.#bound.push({ address: host, port: typeof address === 'object' && address ? address.port : config.port });
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this.listening();
  }

  listening(): { address: string; port: number }[] {
    return [...this.#bound];
  }

  async stop(): Promise<void> {
    const servers = this.#servers;
    this.#servers = [];
    this.#bound = [];
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return plain(res, 405, 'Method not allowed');
    }
    const [, token, jobId] = PATH.exec(req.url ?? '') ?? [];
    const record = token ? this.#o.lookup(token) : undefined;
    if (!record) return plain(res, 404, 'Not found');
    void this.#send(req, res, record, jobId).catch(() => {
      if (!res.headersSent) plain(res, 500, 'File unavailable');
      else res.destroy();
    });
  }

  async #send(req: IncomingMessage, res: ServerResponse, record: FileRecord, jobId: string | undefined): Promise<void> {
    // O_NOFOLLOW: the library holds regular files only; a symlink put there is not followed out.
    const handle = await open(this.#o.contentPath(record), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size !== record.size) {
      await handle.close();
      throw new Error('library content does not match its record');
    }
    const etag = `"${record.sha256}"`;
    const ifRange = req.headers['if-range'];
    const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, record.size) : null;
    if (range === 'unsatisfiable') {
      await handle.close();
      res.setHeader('content-range', `bytes */${record.size}`);
      return plain(res, 416, 'Range not satisfiable');
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? record.size - 1;
    const expected = end - start + 1;
    res.statusCode = range ? 206 : 200;
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(expected));
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('etag', etag);
    if (range) res.setHeader('content-range', `bytes ${start}-${end}/${record.size}`);
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }

    const download: FileDownloadView = {
      id: randomBytes(8).toString('hex'),
      fileId: record.id,
      ...(jobId === undefined ? {} : { jobId }),
      peer: peerAddress(req),
      bytes: 0,
      expected,
      startedAt: this.#o.now(),
      durationMs: 0,
      state: 'running',
    };
    const step = Math.min(PROGRESS_MAX_STEP_BYTES, Math.max(FILE_SERVER_CHUNK_BYTES, Math.ceil(expected / PROGRESS_STEPS)));
    let nextReport = step;
    const report = (state: FileDownloadView['state']): void => {
      download.state = state;
      download.durationMs = this.#o.now() - download.startedAt;
      this.#o.onDownload({ ...download }, record);
    };
    report('running');
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        download.bytes += chunk.length;
        if (download.bytes >= nextReport && download.bytes < expected) {
          nextReport = download.bytes + step;
          report('running');
        }
        callback(null, chunk);
      },
    });
    const body = handle.createReadStream({ start, end, highWaterMark: FILE_SERVER_CHUNK_BYTES, autoClose: true });
    // `finish` means every byte went to the socket; a close before it is a phone that gave up.
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      report(res.writableFinished && download.bytes === expected ? 'complete' : 'incomplete');
    };
    res.once('finish', settle);
    res.once('close', settle);
    pipeline(body, counter, res, () => settle());
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`);
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('content-length', String(body.length));
  res.end(body);
}

/** The phone's IPv4 address without the IPv4-mapped IPv6 prefix dual-stack sockets add. */
export function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
