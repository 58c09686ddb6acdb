import { defineConfig } from 'tsup';

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
    },
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
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist',
    
    clean: false,
    sourcemap: true,
  },
]);
