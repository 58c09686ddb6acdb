// The package's platform variants: an import in src/ that the build turns into one of the
// package's own `#` imports (package.json "imports"), which Node, Deno, Bun and bundlers
// resolve by condition. src/ keeps plain relative imports (what tests and the type checker see,
// the Node variant for the node:crypto backend, the bundler variant for DEFLATE).
//
//   #crypto-node-backend  `browser`: no node:crypto backend in a browser bundle
//                         (src/crypto/node-absent.ts); else the real one (src/crypto/node.ts).
//   #status-deflate       `module` (bundlers) and default: fflate imported statically
//                         (src/mdoc/status/deflate.ts); `node` (Node, Deno, Bun without a
//                         bundler): fflate required on the first call (deflate-node.ts).
//
// Used by tsup.config.ts (the imports stay external `#` imports in dist/), scripts/rechunk-esm.mjs,
// and the bundle measurements (bench/bundle.mjs, test/mdoc/bundle.test.ts), which bundle src/ as
// a browser bundler resolves the package.
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Each `#` import: the src imports it replaces, its dist entries, and the file a browser bundle gets. */
export const PLATFORM_IMPORTS = [
  {
    name: '#crypto-node-backend',
    from: [['src/crypto/default.ts', './node.js']],
    entries: { 'crypto/node-backend': 'src/crypto/node.ts', 'crypto/node-absent': 'src/crypto/node-absent.ts' },
    browser: 'src/crypto/node-absent.ts',
  },
  {
    name: '#status-deflate',
    from: [
      ['src/mdoc/status/index.ts', './deflate.js'],
      ['src/mdoc/status/build.ts', './deflate.js'],
    ],
    entries: { 'mdoc/status/deflate': 'src/mdoc/status/deflate.ts', 'mdoc/status/deflate-node': 'src/mdoc/status/deflate-node.ts' },
    browser: 'src/mdoc/status/deflate.ts',
  },
];

function matching(args) {
  const importer = args.importer.replaceAll('\\', '/');
  return PLATFORM_IMPORTS.find((p) => p.from.some(([file, spec]) => spec === args.path && importer.endsWith(`/${file}`)));
}

/** The dist entries of every variant (for tsup's `entry`). */
export const platformEntries = Object.assign({}, ...PLATFORM_IMPORTS.map((p) => p.entries));

/** esbuild plugin (tsup): each import above becomes the external `#` import. */
export function externalPlatformImports() {
  return {
    name: 'shomei-platform-imports',
    setup(build) {
      build.onResolve({ filter: /^\.\/(node|deflate)\.js$/ }, (args) => {
        const p = matching(args);
        return p ? { path: p.name, external: true } : undefined;
      });
    },
  };
}

/** esbuild plugin: bundling src/, each import above resolves as the package's `browser` condition resolves it. */
export function browserPlatformImports() {
  return {
    name: 'shomei-platform-imports-browser',
    setup(build) {
      build.onResolve({ filter: /^\.\/(node|deflate)\.js$/ }, (args) => {
        const p = matching(args);
        return p ? { path: resolve(root, p.browser) } : undefined;
      });
    },
  };
}

/** The same for Vite (Rollup): bundling src/, the `browser` variants. */
export function viteBrowserPlatformImports() {
  return {
    name: 'shomei-platform-imports-browser',
    enforce: 'pre',
    resolveId(source, importer) {
      const p = importer === undefined ? undefined : matching({ path: source, importer });
      return p ? resolve(root, p.browser) : null;
    },
  };
}
