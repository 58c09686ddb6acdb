import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...(process.env.SHOMEI_SLOW ? [] : ['test/slow/**']), ...(process.env.BROWSER_TESTS ? [] : ['test/browser/**'])],
    testTimeout: 30_000,
    reporters: ['default'],
  },
});
