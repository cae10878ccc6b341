import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The backend serves dist/renderer: build it once if this run has not (npm test builds first). */
export default function setup(): void {
  if (!existsSync('dist/renderer/index.html')) {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.config.ts'], { stdio: 'inherit' });
  }
}
