import { defineConfig } from 'vitest/config';

/** End-to-end tests: the real backend in browser mode, driven in Debian's Chromium. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    // The backend under test inherits it: no connection leaves the loopback.
    env: { FIELDSTAGE_LOOPBACK_ONLY: '1' },
    // One browser and one backend per file; files run one after another on 2 cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/e2e/support/global-setup.ts'],
  },
});
