/**
 * Parent/child plumbing for the benchmark: every measured party (server, fleet, browser driver,
 * codec loop) runs in its own Node process, started with tsx, and is driven by small request /
 * response messages over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Handler = (args: never) => unknown;
type Handlers = Record<string, Handler>;

interface Request {
  id: number;
  cmd: string;
  args: unknown;
}

type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Child side: answers the parent's requests with these handlers; `exit` ends the process. */
export function serveParent(handlers: Handlers): void {
  if (!process.send) throw new Error('this script is started by bench/run.ts (it needs an IPC channel)');
  process.on('message', (raw: Request) => {
    void (async () => {
      let reply: Response;
      try {
        const handler = handlers[raw.cmd];
        if (!handler) throw new Error(`unknown command ${raw.cmd}`);
        reply = { id: raw.id, ok: true, result: await handler(raw.args as never) };
      } catch (error) {
        reply = { id: raw.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      process.send?.(reply);
      if (raw.cmd === 'exit') setImmediate(() => process.exit(0));
    })();
  });
  process.on('disconnect', () => process.exit(0));
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Parent side: one benchmark child process. */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<number | null>;
  readonly stderr: string[] = [];

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    proc.on('message', (raw: Response) => {
      const waiter = this.pending.get(raw.id);
      if (!waiter) return;
      this.pending.delete(raw.id);
      if (raw.ok) waiter.resolve(raw.result);
      else waiter.reject(new Error(`${name}: ${raw.error}`));
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stderr.push(text);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${text}`);
    });
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (process.env.BENCH_VERBOSE) process.stdout.write(`[${name}] ${chunk.toString('utf8')}`);
    });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code) => {
        for (const waiter of this.pending.values())
          waiter.reject(new Error(`${name} exited (code ${code}) before answering; stderr: ${this.stderr.join('').slice(-2000)}`));
        this.pending.clear();
        resolve(code);
      });
    });
  }

  static start(name: string, script: string, args: string[] = [], options: ChildOptions = {}): BenchChild {
    const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
    const proc = fork(path, args, {
      execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    return new BenchChild(name, proc);
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  call<T>(cmd: string, args: unknown = {}, timeoutMs = 180_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, cmd, args } satisfies Request);
    });
  }

  /** Asks the child to exit (it flushes e.g. a CPU profile); kills it if it does not within the grace time. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await this.call('exit', {}, graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
