import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * `npm run build`: main (ESM; dependencies stay external and ship from node_modules in the
 * asar, which native better-sqlite3 needs anyway), preload (CommonJS: sandboxed preloads cannot
 * be ES modules) and the renderer with the same React plugin, root and relative base as the
 * plain Vite build in vite.config.ts, so Electron and browser mode load the same page.
 */
export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'dist/electron/main'),
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve(root, 'electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'dist/electron/preload'),
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'dist/renderer'),
      emptyOutDir: true,
      // electron-vite leaves the renderer unminified by default; match the browser-mode build.
      minify: true,
      chunkSizeWarningLimit: 2000,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
