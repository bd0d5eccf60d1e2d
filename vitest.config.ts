import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The CPU worker pool already uses every core; running test files in parallel only thrashes.
    fileParallelism: false,
  },
});
