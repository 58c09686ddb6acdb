#!/usr/bin/env node
// After `tsup` (run by `npm run build`): regroup the ESM dist into fewer files, so that a cold
// `import()` of a subpath reads, resolves and compiles a few modules instead of a dozen or more
// (Node's ESM loader costs about 1 ms a file; issue 11's cold-import floor).
//
// esbuild's code splitting makes one chunk per set of entry points that share code; with 11
// subpath entries, `shomei/mdoc/verify` loaded 13 files. Rollup re-bundles those files with
// `manualChunks`, grouping each module by the first of these static import closures it is in:
//   base   – what `shomei/cbor` or `shomei/errors` loads (errors, internal, CBOR);
//   verify – what `shomei/mdoc/verify` loads;
//   mdoc   – what `shomei/mdoc` loads;
// the rest stays as Rollup splits it (by entry set), and code behind an `import()` (noble, CRL
// processing, status-list checking, private-key arithmetic) stays in chunks of its own.
// A group is closed under static imports of the groups before it, so no cycle between groups;
// each module still exists once, so every class is one class across all subpaths.
// Sourcemaps are chained through tsup's, so they still point at src/. CommonJS is left as is.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transform } from 'esbuild';
import { rollup } from 'rollup';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The ESM files of every subpath export and `#` import: name (path in dist without `.js`) → file. */
const input = {};
const collect = (target) => {
  if (typeof target === 'string') {
    if (target.endsWith('.js')) input[relative(dist, join(root, target)).slice(0, -3)] = join(root, target);
  } else if (target !== null && typeof target === 'object') for (const t of Object.values(target)) collect(t);
};
collect(pkg.exports);
collect(pkg.imports);
/**
 * The groups, in order: each takes, of the static closure of its entries, what no earlier group
 * took. The node:crypto backend goes with verification (Node's `defaultBackend()` returns it)
 * and Node's `deflateZlib` with the mdoc entry point: each `#` import is then a small facade.
 */
const GROUPS = [
  ['base', ['cbor/index', 'errors']],
  ['verify', ['mdoc/verify-entry', 'crypto/node-backend']],
  ['mdoc', ['mdoc/index', 'mdoc/status/deflate-node']],
];
for (const [, names] of GROUPS) for (const n of names) if (!input[n]) throw new Error(`rechunk: no ESM entry ${n} in package.json exports`);

let groupOf;
const MINIFY = process.env.SHOMEI_RECHUNK_MINIFY !== '0';
/** Each module's group, from the static import graph Rollup has parsed. */
function groups(getModuleInfo) {
  const map = new Map();
  for (const [group, names] of GROUPS) {
    const stack = names.map((n) => input[n]);
    const seen = new Set();
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id)) continue;
      seen.add(id);
      const info = getModuleInfo(id);
      if (!info || info.isExternal) continue;
      if (!map.has(id)) map.set(id, group);
      stack.push(...info.importedIds);
    }
  }
  return map;
}

const loaded = new Set();
const bundle = await rollup({
  input,
  treeshake: false,
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  onwarn(w, warn) {
    if (w.code === 'CIRCULAR_DEPENDENCY') return;
    warn(w);
  },
  plugins: [
    {
      name: 'tsup-dist-with-sourcemaps',
      load(id) {
        loaded.add(id);
        const code = readFileSync(id, 'utf8');
        let map;
        try {
          map = readFileSync(`${id}.map`, 'utf8');
        } catch {
          map = undefined;
        }
        return { code, map };
      },
      // Whitespace-only minification, and every non-ASCII character escaped (`\u2026`): Node
      // then decodes each file on its fast ASCII path and V8 keeps it as a one-byte string.
      // Names and syntax are left as they are (stack traces and sourcemaps stay readable).
      async renderChunk(code) {
        const r = await transform(code, { loader: 'js', minifyWhitespace: MINIFY, charset: 'ascii', sourcemap: 'external', target: 'esnext', legalComments: 'none' });
        return { code: r.code, map: r.map };
      },
    },
  ],
});
// Written beside dist/ (same depth), so the sourcemaps' relative paths to src/ hold once moved in.
const out = mkdtempSync(join(root, '.rechunk-'));
try {
  const { output } = await bundle.write({
    dir: out,
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    // A group keeps its name; esbuild's chunk names lose their old hash.
    chunkFileNames: (chunk) => `${chunk.name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].js`,
    hoistTransitiveImports: false,
    manualChunks(id, { getModuleInfo }) {
      groupOf ??= groups(getModuleInfo);
      return groupOf.get(id);
    },
  });
  await bundle.close();
  // The new files replace the ESM files Rollup read (never the CommonJS, the types or the CLI).
  for (const id of loaded) {
    rmSync(id, { force: true });
    rmSync(`${id}.map`, { force: true });
  }
  const move = (dir) => {
    for (const name of readdirSync(dir)) {
      const from = join(dir, name);
      const to = join(dist, relative(out, from));
      if (statSync(from).isDirectory()) move(from);
      else {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      }
    }
  };
  move(out);
  const chunks = output.filter((o) => o.type === 'chunk');
  console.log(`rechunk: ${loaded.size} ESM files → ${chunks.length} (${chunks.filter((c) => !c.isEntry).length} shared or lazy chunks)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
