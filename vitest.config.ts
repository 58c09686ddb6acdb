import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...(process.env.SHOMEI_SLOW ? [] : ['test/slow/**']), ...(process.env.BROWSER_TESTS ? [] : ['test/browser/**'])],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 30_000,
    reporters: ['default'],
  },
});
