// `npm start`: the Electron app when an Electron binary can run here, otherwise browser mode
// (`npm run serve`, which prints `READY <url>`). Every failure ends in a one-line message and a
// non-zero exit code, never a stack trace.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `require('electron')` downloads the binary on first use; allow for that, but not forever
// (offline machines fail DNS fast, a firewall that drops packets would otherwise hang us).
const PROBE_TIMEOUT_MS = 60_000;
const MARKER = 'ELECTRON_PATH=';

/** Runs a command with inherited stdio; resolves with its exit code, forwarding Ctrl+C/SIGTERM. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** npm as the one that runs this script (npm_execpath), so it also works where npm is npm.cmd. */
function npm(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli) return run(process.execPath, [npmCli, ...args]);
  return run('npm', args, { shell: process.platform === 'win32' });
}

/**
 * Path of a runnable Electron binary, or null. Probed in a child process of its own process
 * group: electron's index.js may start a download in a grandchild, which a timeout must end too.
 */
function probeElectron() {
  return new Promise((resolve) => {
    // The path follows a marker: a first-run download prints progress to the same stdout.
    const child = spawn(process.execPath, ['-e', `process.stdout.write('\\n${MARKER}' + require('electron'))`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: process.platform !== 'win32',
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    const notice = setTimeout(() => console.log('Looking for the Electron binary (the first run downloads it)…'), 3000);
    const timer = setTimeout(() => {
      try {
        if (process.platform === 'win32') child.kill();
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, PROBE_TIMEOUT_MS);
    child.on('error', () => {
      clearTimeout(notice);
      clearTimeout(timer);
      resolve(null);
    });
    child.on('exit', (code) => {
      clearTimeout(notice);
      clearTimeout(timer);
      const at = out.lastIndexOf(MARKER);
      if (code !== 0 || at < 0) return resolve(null);
      const path = out.slice(at + MARKER.length).trim();
      try {
        accessSync(path, constants.X_OK);
        resolve(path);
      } catch {
        resolve(null);
      }
    });
  });
}

async function main() {
  const electron = await probeElectron();
  if (!electron) {
    console.log('Electron binary not available on this machine: starting browser mode');
    return npm(['run', '-s', 'serve']);
  }
  const built = await npm(['run', '-s', 'build']);
  if (built !== 0) {
    console.error('Build failed; not starting Electron.');
    return built;
  }
  return run(electron, ['.']);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
