import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: process.env.SHOMEI_SLOW ? [] : ['test/slow/**'],
    testTimeout: 30_000,
    reporters: ['default'],
  },
});
