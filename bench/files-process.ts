/**
 * File-server benchmark children (started by bench/run.ts, `--only files`). Argument `server`:
 * serves one image either through Fieldstage's FileServer (`fieldstage`) or through a plain
 * node:https static handler (`plain`, the floor: open, stat, pipe), and samples its own RSS.
 * Argument `client`: N phones on their own loopback addresses fetch the image at once.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { FileServer, filePath } from '../electron/core/files/file-server.js';
import type { FileRecord } from '../electron/core/store/index.js';
import { makeFirmwareImage } from '../test/sim/firmware-image.js';
import { serveParent } from './lib/ipc.js';

const role = process.argv[2];

if (role === 'server') {
  let dir = '';
  let stop: () => Promise<void> = async () => undefined;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | null = null;
  serveParent({
    async start({ kind, sizeMB }: { kind: 'fieldstage' | 'plain'; sizeMB: number }) {
      dir = mkdtempSync(join(tmpdir(), 'fieldstage-bench-files-'));
      const image = makeFirmwareImage({ size: sizeMB * 1024 * 1024, seed: 3 });
      const sha256 = createHash('sha256').update(image).digest('hex');
      writeFileSync(join(dir, sha256), image);
      const pems = await generate([{ name: 'commonName', value: 'bench' }], { keySize: 2048, algorithm: 'sha256' });
      const record: FileRecord = {
        id: 'bench',
        sha256,
        name: 'bench.img',
        kind: 'FIRMWARE',
        format: 'firmware',
        size: image.length,
        serveToken: 'AAAAAAAAAAAAAAAAAAAAAA',
        details: { checks: [] },
        addedAt: 0,
      };
      if (kind === 'fieldstage') {
        const server = new FileServer({
          lookup: (token) => (token === record.serveToken ? record : undefined),
          contentPath: () => join(dir, sha256),
          now: Date.now,
          onDownload: () => undefined,
        });
        const [bound] = await server.start({
          bindAddresses: ['127.0.0.1'],
          port: 0,
          tls: { key: pems.private, cert: pems.cert, legacy: false },
        });
        stop = () => server.stop();
        return { port: bound?.port, path: filePath(record), size: image.length, sha256 };
      }
      const path = join(dir, sha256);
      const server: Server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
        res.writeHead(200, { 'content-length': String(statSync(path).size), 'content-type': 'application/octet-stream' });
        createReadStream(path).pipe(res);
      });
      await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, resolve));
      stop = () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : 0, path: '/bench.img', size: image.length, sha256 };
    },
    measureStart() {
      peakRss = process.memoryUsage.rss();
      sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
      return { rssMB: peakRss / 2 ** 20 };
    },
    measureStop() {
      if (sampler) clearInterval(sampler);
      return { peakRssMB: Math.max(peakRss, process.memoryUsage.rss()) / 2 ** 20 };
    },
    async exit() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
} else if (role === 'client') {
  serveParent({
    async fetchAll({ port, path, phones, size }: { port: number; path: string; phones: number; size: number }) {
      const t0 = performance.now();
      const results = await Promise.all(
        Array.from(
          { length: phones },
          (_, i) =>
            new Promise<{ bytes: number; ok: boolean }>((resolve) => {
              // One loopback address per phone, as on a site.
              const localAddress = `127.0.70.${1 + (i % 250)}`;
              const req = request({ host: '127.0.0.1', port, path, localAddress, rejectUnauthorized: false, agent: false }, (res) => {
                let bytes = 0;
                res.on('data', (chunk: Buffer) => (bytes += chunk.length));
                res.on('end', () => resolve({ bytes, ok: res.statusCode === 200 && bytes === size }));
                res.on('error', () => resolve({ bytes, ok: false }));
              });
              req.on('error', () => resolve({ bytes: 0, ok: false }));
              req.end();
            }),
        ),
      );
      const wallMs = performance.now() - t0;
      const bytes = results.reduce((sum, r) => sum + r.bytes, 0);
      return { wallMs, bytes, complete: results.filter((r) => r.ok).length, mbPerS: bytes / 2 ** 20 / (wallMs / 1000) };
    },
    exit() {
      return undefined;
    },
  });
} else {
  throw new Error('usage: files-process.ts server|client');
}
