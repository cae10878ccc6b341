import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Renderer build (root `renderer/`, output `dist/renderer`, relative base so the same files load from
 * `file://` in Electron and from the loopback UI server in browser mode) and the repo-wide Vitest setup.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Mantine alone is ~500 kB minified; the app is loaded from disk, so one chunk is fine.
    chunkSizeWarningLimit: 2000,
  },
  test: {
    // The Vite root is `renderer/`; tests live beside it, so every project resolves from the repo root.
    root: repoRoot,
    // tsconfig.json lists `vitest/globals`; Testing Library's automatic cleanup also relies on them.
    globals: true,
    // No test may reach another machine: the egress guard refuses non-loopback destinations.
    env: { FIELDSTAGE_LOOPBACK_ONLY: '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          root: repoRoot,
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'component',
          root: repoRoot,
          environment: 'happy-dom',
          include: ['test/component/**/*.test.{ts,tsx}'],
          setupFiles: ['test/component/setup.ts'],
        },
      },
    ],
  },
});
