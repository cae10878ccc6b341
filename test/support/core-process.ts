/**
 * The core in a child process (node + tsx, `core-process-entry.ts`), so a test can `kill -9` it
 * mid-burst and start it again on the same data folder and port, as after a power cut.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../electron/core/store/index.js';
import { createKeyFileSecretBox } from '../../electron/core/store/secrets.js';

const ENTRY = fileURLToPath(new URL('./core-process-entry.ts', import.meta.url));

export interface CoreProcessOptions {
  dataDir: string;
  /** Fixed, so the restarted core listens where the phones already call. */
  port: number;
  adoptAll?: boolean;
  contactMe?: boolean;
  /** Waiting for READY longer than this fails the start. */
  readyWithinMs?: number;
}

export interface CoreProcess {
  readonly pid: number;
  readonly port: number;
  /** stderr lines (warnings of the core). */
  readonly stderr: string[];
  /** Resolves with the exit code / signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no cleanup, no flush, nothing. */
  kill9(): Promise<void>;
  /** SIGTERM: the core stops its listeners and closes the database. */
  stop(): Promise<void>;
}

export async function startCoreProcess(options: CoreProcessOptions): Promise<CoreProcess> {
  const config = JSON.stringify({
    dataDir: options.dataDir,
    port: options.port,
    adoptAll: options.adoptAll ?? true,
    contactMe: options.contactMe ?? false,
  });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ENTRY, config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const stderr: string[] = [];
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`core process not ready within ${options.readyWithinMs ?? 20_000} ms: ${stderr.slice(-5).join(' | ')}`));
    }, options.readyWithinMs ?? 20_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const m = /READY (\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`core process exited before READY (code ${code}, signal ${signal}): ${stderr.slice(-5).join(' | ')}`));
    });
  });

  return {
    pid: child.pid ?? -1,
    port,
    stderr,
    exited,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A free TCP port on 127.0.0.1 (closed again at once; the child binds it moments later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The core's database, opened in this process (only while no core process has it open for writing). */
export function openStore(dataDir: string): Store {
  return Store.open(join(dataDir, 'fieldstage.db'), { secrets: createKeyFileSecretBox(join(dataDir, 'secret.key')) });
}
