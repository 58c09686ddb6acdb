import { defineConfig } from 'tsup';
// @ts-expect-error: a plain .mjs build helper, no types
import { externalPlatformImports, platformEntries } from './scripts/platform-imports.mjs';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      errors: 'src/errors.ts',
      'cbor/index': 'src/cbor/index.ts',
      'cose/index': 'src/cose/index.ts',
      'crypto/index': 'src/crypto/index.ts',
      'x509/index': 'src/x509/index.ts',
      'mdoc/index': 'src/mdoc/index.ts',
      'mdoc/verify-entry': 'src/mdoc/verify-entry.ts',
      'session/index': 'src/session/index.ts',
      'online/index': 'src/online/index.ts',
      'jpki/index': 'src/jpki/index.ts',
      // The platform variants behind package.json "imports" (scripts/platform-imports.mjs).
      ...platformEntries,
    },
    esbuildPlugins: [externalPlatformImports()],
    // import.meta.url in the CommonJS build (deflate-node.ts's createRequire).
    shims: true,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    target: 'es2022',
    outDir: 'dist',
  },
  {
    // Its own folder, so that its chunks (a bundle of its own) are never taken for the library's.
    entry: { main: 'src/cli/main.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist/cli',

    clean: false,
    sourcemap: true,
  },
]);
