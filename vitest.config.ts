import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Broker suites share loopback servers; a little parallelism keeps them fast without
    // starving a 2-core machine.
    maxWorkers: 2,
  },
});
