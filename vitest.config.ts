import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // CLI tests start node + tsx per call (~1 s on the 2-core CI machine).
    testTimeout: 60_000,
  },
});
