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
//   #key-derive           `node` (Node; `deno` and `bun` are matched first and get the default):
//                         a private key's public half from node:crypto (src/crypto/derive-node.ts);
//                         default and `browser`: from @noble/curves (src/crypto/derive-noble.ts).
//
// Used by tsup.config.ts (the imports stay external `#` imports in dist/), scripts/rechunk-esm.mjs,
// and the bundle measurements (bench/bundle.mjs, test/mdoc/bundle.test.ts), which bundle src/ as
// a browser bundler resolves the package.
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Each `#` import: the src imports it replaces, its dist entries, and the files a browser bundle and Node get. */
export const PLATFORM_IMPORTS = [
  {
    name: '#crypto-node-backend',
    from: [['src/crypto/default.ts', './node.js']],
    entries: { 'crypto/node-backend': 'src/crypto/node.ts', 'crypto/node-absent': 'src/crypto/node-absent.ts' },
    browser: 'src/crypto/node-absent.ts',
    node: 'src/crypto/node.ts',
  },
  {
    name: '#status-deflate',
    from: [
      ['src/mdoc/status/index.ts', './deflate.js'],
      ['src/mdoc/status/build.ts', './deflate.js'],
    ],
    entries: { 'mdoc/status/deflate': 'src/mdoc/status/deflate.ts', 'mdoc/status/deflate-node': 'src/mdoc/status/deflate-node.ts' },
    browser: 'src/mdoc/status/deflate.ts',
    node: 'src/mdoc/status/deflate-node.ts',
  },
  {
    name: '#key-derive',
    from: [['src/crypto/key-from-secret.ts', './derive-node.js']],
    entries: { 'crypto/derive-node': 'src/crypto/derive-node.ts', 'crypto/derive-noble': 'src/crypto/derive-noble.ts' },
    browser: 'src/crypto/derive-noble.ts',
    node: 'src/crypto/derive-node.ts',
  },
];

/** The src specifiers some `from` above names (derived, so a new `#` import needs no edit here). */
const PLATFORM_SPECIFIERS = new RegExp(`^(${[...new Set(PLATFORM_IMPORTS.flatMap((p) => p.from.map(([, spec]) => spec.replaceAll('.', '\\.'))))].join('|')})$`);

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
      build.onResolve({ filter: PLATFORM_SPECIFIERS }, (args) => {
        const p = matching(args);
        return p ? { path: p.name, external: true } : undefined;
      });
    },
  };
}

/** esbuild plugin: bundling src/, each import above resolves to its `variant` file ('browser' or 'node'). */
function resolvedPlatformImports(variant) {
  return {
    name: `shomei-platform-imports-${variant}`,
    setup(build) {
      build.onResolve({ filter: PLATFORM_SPECIFIERS }, (args) => {
        const p = matching(args);
        return p ? { path: resolve(root, p[variant]) } : undefined;
      });
    },
  };
}

/** esbuild plugin: bundling src/, each import above resolves as the package's `browser` condition resolves it. */
export const browserPlatformImports = () => resolvedPlatformImports('browser');

/** esbuild plugin: bundling src/, each import above resolves as Node resolves the package (`node` condition). */
export const nodePlatformImports = () => resolvedPlatformImports('node');

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
