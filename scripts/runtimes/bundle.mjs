// Bundles test/runtimes/bundle-entry.mjs with the built ESM package and @noble/* into
// one classic script (an IIFE, no imports, no exports, no `import()`) for QuickJS and hermesc.
// Usage: node scripts/runtimes/bundle.mjs <out-dir>; writes <out-dir>/smoke.bundle.js.
import { join, resolve } from 'node:path';
import { build } from 'tsup';

export async function bundleSmoke(outDir) {
  const root = resolve(import.meta.dirname, '..', '..');
  await build({
    config: false,
    entry: { 'smoke.bundle': join(root, 'test/runtimes/bundle-entry.mjs') },
    format: ['iife'],
    platform: 'neutral',
    target: 'es2020',
    noExternal: [/.*/],
    outDir,
    outExtension: () => ({ js: '.js' }),
    dts: false,
    sourcemap: false,
    minify: false,
    splitting: false,
    clean: false,
    silent: true,
    // Lower `import(x)` as React Native's bundler does: Hermes does not parse it. The two
    // in shomei load Node-only modules (the PC/SC addon, node:net for vpcd), which such an
    // engine cannot load anyway; lowered, they fail when called, not when parsed.
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'dynamic-import': false };
    },
  });
  return join(outDir, 'smoke.bundle.js');
}

if (process.argv[1] === import.meta.filename) console.log(await bundleSmoke(resolve(process.argv[2] ?? 'test-output/runtimes')));
