// Site tests, run by scripts/run-tests.mjs when /usr/bin/chromium exists:
//  - site:  pure modules of the site (progress storage, scenario parsing, graph layout, ...), in Node;
//  - e2e:   the BUILT site under a sub-path, served by `astro preview`, driven by playwright-core + Debian chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'site', include: ['tests/browser/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'e2e',
          include: ['tests/browser/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/browser/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
