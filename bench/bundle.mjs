// `npm run bench:bundle` (after `npm run build`): what a browser loads to verify an ES256
// DeviceResponse with `import { verifyDeviceResponse } from 'shomei/mdoc/verify'` (or, with
// `--subpath=shomei/mdoc`, from the whole mdoc entry point) and nothing else.
//
// 1. esbuild bundles that import for the browser (minified ESM) with code splitting, from the
//    built package (dist/, as an application bundles it: the floor), and again from the
//    TypeScript sources so that the metafile names source files (the breakdown). The initial
//    chunks are the entry and what it imports statically; the rest load only through `import()`.
// 2. The split bundle is run in a fresh Node process as a browser would run it: the node:crypto
//    backend is hidden (no `process.getBuiltinModule`), so `defaultBackend()` is WebCrypto, and
//    each chunk records that it was evaluated. It verifies an ES256 DeviceResponse (IACA → DS,
//    P-256 device key, 10 elements with a 10 KiB portrait, 5 disclosed) and must find it valid.
//    Everything it evaluated is what an ES256 verification loads (the floor counts that), each
//    chunk gzipped on its own (level 9) and summed, with the metafile's breakdown by input.
// 3. The same import bundled by Vite (Rollup), both ways, for comparison: esbuild puts a module that is
//    both reachable from the entry (say through an unused re-export of `shomei/mdoc`) and
//    loaded by `import()` into a chunk the entry loads; Rollup loads it only when imported.
// 4. Cold `import()` on Node of every subpath the package exports, and of a
//    one-line module (the ESM loader's own cost, the floor's baseline): 11 rounds of fresh
//    processes, the subpaths interleaved in each round, the import timed inside each process (wall
//    and CPU time); and the files each import loads (a loader hook, in a separate process).
// 5. A cold start: fresh processes import `shomei/mdoc/verify`, `shomei/mdoc` or `shomei` and
//    verify the response twice (the import, the first verification, the second).
//    `--no-cold` skips 4 and 5 (`npm run bench:bundle` measures them once).
// 6. With `--node-lines`: the cold import of `shomei/mdoc/verify`, `shomei/mdoc`, `shomei` and
//    the one-line module on this Node and on each other supported line (scripts/node-lines.mjs),
//    all interleaved in each round; then the same on Node 22 and later with a warm
//    NODE_COMPILE_CACHE (compiled code kept on disk by a first process).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { EncodedCbor, encode } from 'shomei';
import { publicKeyOf, webCryptoBackend } from 'shomei/crypto';
import { buildDeviceRequest, buildDeviceResponse, decodeIssuerSigned, encodeDeviceResponse, encodeIssuerSigned, issueMdoc } from 'shomei/mdoc';
import { NODE_LINES, nodeBinary } from '../scripts/node-lines.mjs';
import { browserPlatformImports, viteBrowserPlatformImports } from '../scripts/platform-imports.mjs';
import { benchMdlElements, benchPki, DAY } from './fixtures.mjs';

const root = resolve(import.meta.dirname, '..');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
// `--subpath=shomei/mdoc` measures the whole mdoc entry point; the default is the verify-only one.
const SUBPATH = process.argv.find((a) => a.startsWith('--subpath='))?.slice(10) ?? 'shomei/mdoc/verify';
const SOURCES = { 'shomei/mdoc': './src/mdoc/index.ts', 'shomei/mdoc/verify': './src/mdoc/verify-entry.ts' };
if (!(SUBPATH in SOURCES)) throw new Error(`--subpath must be one of ${Object.keys(SOURCES).join(', ')}`);
const ENTRY = `import { verifyDeviceResponse } from '${SOURCES[SUBPATH]}';\nglobalThis.verify = verifyDeviceResponse;\n`;

/** The group an input of the metafile is reported under: a package folder, or a shomei source file / area. */
function group(path) {
  const m = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\/(.*)/.exec(path);
  if (m) return `${m[1]}/${m[2].split('/').slice(0, -1).join('/') || '.'}`;
  return path.replace(/^src\/(mdoc\/doctypes|mdoc\/status|x509\/profiles|[^/]+)\/(?:[^/]+\/)*([^/]+)$/, (_, area, file) => (area.includes('/') ? `shomei src/${area}/` : `shomei src/${area}/${file}`));
}

// ---- The ES256 response to verify ----
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const { dsKey, deviceKey, iaca, ds } = await benchPki(now);
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const data = benchMdlElements();
const validity = { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) };
const issued = encodeIssuerSigned(await issueMdoc({ docType: MDL, nameSpaces: { [NS]: data }, deviceKey: publicKeyOf(deviceKey), validity, issuer: { signer: dsKey, certificates: [ds.der] }, backend: webCryptoBackend }));
const transcript = EncodedCbor.wrap(encode([null, null, ['OpenID4VPHandover', new Uint8Array(32).fill(0x5a)]]), null).tagged;
const DISCLOSED = ['family_name', 'birth_date', 'issuing_country', 'portrait', 'age_over_18'];
const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: Object.fromEntries(DISCLOSED.map((e) => [e, false])) } }]);
const response = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: decodeIssuerSigned(issued), deviceKey }], request, sessionTranscript: transcript, backend: webCryptoBackend }));

const hex = (b) => Buffer.from(b).toString('hex');

/**
 * Bundle `entry` with esbuild (split) and run it as a browser would (step 2); then the same with
 * Vite. Prints the sizes; with `breakdown`, the metafile's bytes by input.
 */
async function measure(title, entry, { plugins = [], vitePlugins = [], breakdown = false } = {}) {
  // ---- 1. esbuild, split ----
  const outdir = mkdtempSync(join(tmpdir(), 'shomei-bundle-'));
  try {
    const result = await build({
      stdin: { contents: entry, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
      bundle: true, splitting: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
      outdir, write: true, metafile: true, absWorkingDir: root, nodePaths: [join(root, 'node_modules')], logLevel: 'error', entryNames: 'entry',
      plugins,
    });
    const outputs = new Map(Object.entries(result.metafile.outputs).map(([p, o]) => [basename(p), { ...o, file: resolve(root, p) }]));
    const sizes = new Map([...outputs].map(([name, o]) => [name, { min: o.bytes, gz: gz(readFileSync(o.file)) }]));
    // Initial: the entry and its static imports, transitively.
    const initial = new Set();
    const walk = (name) => {
      if (initial.has(name)) return;
      initial.add(name);
      for (const i of outputs.get(name).imports) if (i.kind === 'import-statement') walk(basename(i.path));
    };
    walk('entry.js');

    // 2. Run it: each chunk records its evaluation (an appended statement; sizes were read before).
    for (const [name, o] of outputs) appendFileSync(o.file, `\n(globalThis.__chunks ??= []).push(${JSON.stringify(name)});\n`);
    const job = join(outdir, 'job.json');
    writeFileSync(job, JSON.stringify({ response: hex(response), iaca: hex(iaca.der), transcript: hex(transcript), now: now.toISOString() }));
    const runner = `
      const job = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(job)}, 'utf8'));
      const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));
      process.getBuiltinModule = undefined; // as in a browser: no node:crypto, so WebCrypto
      import(${JSON.stringify(pathToFileURL(join(outdir, 'entry.js')).href)}).then(async () => {
        const r = await globalThis.verify(bytes(job.response), { trustAnchors: [bytes(job.iaca)], sessionTranscript: bytes(job.transcript), now: new Date(job.now) });
        console.log(JSON.stringify({ valid: r.valid, failed: [...r.checks, ...r.documents.flatMap((d) => d.checks)].filter((c) => c.status === 'failed').map((c) => c.id), chunks: globalThis.__chunks }));
      });`;
    const run = JSON.parse(execFileSync(process.execPath, ['-e', runner], { encoding: 'utf8' }));
    if (!run.valid) throw new Error(`the ES256 verification in the bundle failed: ${run.failed.join(', ')}`);
    const loaded = new Set(run.chunks);
    const sum = (names, key) => [...names].reduce((n, c) => n + sizes.get(c)[key], 0);
    const all = [...outputs.keys()];
    const ok = sum(loaded, 'gz') <= 45 * 1024;
    console.log(`# ${title}\n`);
    console.log(`esbuild ${(await import('esbuild')).version}, code splitting, ${all.length} chunks (each gzipped on its own, level 9):\n`);
    console.log('| chunks | count | minified | gzipped |\n|---|---:|---:|---:|');
    console.log(`| initial (entry + static imports) | ${initial.size} | ${kb(sum(initial, 'min'))} | ${kb(sum(initial, 'gz'))} |`);
    console.log(`| **loaded by an ES256 verify** | ${loaded.size} | ${kb(sum(loaded, 'min'))} | **${kb(sum(loaded, 'gz'))}** |`);
    console.log(`| all | ${all.length} | ${kb(sum(all, 'min'))} | ${kb(sum(all, 'gz'))} |`);
    console.log(`\nfloor ≤ 45 KB gzipped for what an ES256 verify loads: ${ok ? 'met' : '**not met**'}`);
    const lazy = all.filter((c) => !loaded.has(c));
    console.log(`\nNot loaded by an ES256 verify: ${lazy.map((c) => `${outputs.get(c).entryPoint ? relative(root, resolve(root, outputs.get(c).entryPoint)) : c} (${kb(sizes.get(c).gz)})`).join(', ') || 'none'}`);

    if (breakdown) {
      // Breakdown of what is loaded, by input (minified bytes before gzip).
      const groups = new Map();
      for (const c of loaded) {
        for (const [path, { bytesInOutput }] of Object.entries(outputs.get(c).inputs)) groups.set(group(path), (groups.get(group(path)) ?? 0) + bytesInOutput);
      }
      console.log('\n| loaded input (minified, before gzip) | bytes |\n|---|---:|');
      for (const [g, n] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`| ${g} | ${n.toLocaleString('en')} |`);
    }

    // ---- 3. Vite (Rollup), for comparison ----
    const { build: viteBuild } = await import('vite');
    const viteEntry = join(root, '.bundle-entry.ts');
    writeFileSync(viteEntry, entry.replace('globalThis.verify', '(globalThis as { verify?: unknown }).verify'));
    let vite;
    try {
      vite = await viteBuild({ root, configFile: false, logLevel: 'silent', plugins: vitePlugins, build: { write: false, minify: 'esbuild', target: 'es2022', modulePreload: false, rollupOptions: { input: viteEntry, preserveEntrySignatures: 'allow-extension' } } });
    } finally {
      rmSync(viteEntry);
    }
    const chunks = (Array.isArray(vite) ? vite[0] : vite).output.filter((o) => o.type === 'chunk');
    // A dynamic chunk loads when esbuild's run loaded the chunk of the same module.
    const loadedModules = new Set([...loaded].map((c) => outputs.get(c).entryPoint).filter(Boolean).map((p) => resolve(root, p)));
    const viteLoaded = new Set();
    const viteWalk = (c) => {
      if (viteLoaded.has(c)) return;
      viteLoaded.add(c);
      for (const i of c.imports) viteWalk(chunks.find((x) => x.fileName === i));
      for (const i of c.dynamicImports) {
        const d = chunks.find((x) => x.fileName === i);
        if (d?.facadeModuleId && loadedModules.has(d.facadeModuleId)) viteWalk(d);
      }
    };
    viteWalk(chunks.find((c) => c.isEntry));
    const viteGz = [...viteLoaded].reduce((n, c) => n + gz(c.code), 0);
    console.log(`\nVite ${(await import('vite')).version} (Rollup), same import, ${chunks.length} chunks: an ES256 verify loads ${viteLoaded.size} chunk(s), ${kb(viteGz)} gzipped; not loaded: ${chunks
      .filter((c) => !viteLoaded.has(c))
      .map((c) => `${c.facadeModuleId ? relative(root, c.facadeModuleId) : c.fileName} (${kb(gz(c.code))})`)
      .join(', ')}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

// The package as an application bundles it (dist/, through package.json "exports" and its
// `browser` condition): what the floor counts.
await measure(`Verify-only browser bundle of the package (ES256 DeviceResponse, WebCrypto): \`import { verifyDeviceResponse } from '${SUBPATH}'\``, `import { verifyDeviceResponse } from '${SUBPATH}';\nglobalThis.verify = verifyDeviceResponse;\n`);
// The same from the TypeScript sources (the browser variants of the `#` imports), so that the
// metafile names source files: the breakdown. Finer module boundaries, so more and smaller chunks.
await measure(`The same from src/, by source file: \`import { verifyDeviceResponse } from '${SOURCES[SUBPATH]}'\``, ENTRY, { plugins: [browserPlatformImports()], vitePlugins: [viteBrowserPlatformImports()], breakdown: true });

// ---- 4. Cold import on Node: fresh processes ----
if (!process.argv.includes('--no-cold')) {
  // Every subpath the package exports (the floor is `shomei/mdoc`'s).
  const exported = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports).filter((k) => k.startsWith('.') && !k.endsWith('.json'));
  const COLD = exported.map((k) => (k === '.' ? 'shomei' : `shomei/${k.slice(2)}`));
  const scratch = mkdtempSync(join(tmpdir(), 'shomei-cold-'));
  try {
    const trivial = join(scratch, 'one-line.mjs');
    writeFileSync(trivial, 'export const one = 1;\n');
    const specs = [...COLD, pathToFileURL(trivial).href];
    // Wall time, and the process's CPU time over the import (less sensitive to waiting for a core
    // on a shared machine), in a fresh process of the Node binary `node`.
    const coldImport = (node, spec, env = process.env) => {
      const out = execFileSync(node, ['--input-type=module', '-e', `const c = process.cpuUsage(); const t = performance.now(); await import('${spec}'); const w = performance.now() - t; const u = process.cpuUsage(c); console.log(w, (u.user + u.system) / 1000);`], { cwd: root, encoding: 'utf8', env });
      return out.trim().split(' ').map(Number);
    };
    const times = new Map(specs.map((s) => [s, { walls: [], cpus: [] }]));
    const load0 = (await import('node:os')).loadavg()[0];
    for (let i = 0; i < 11; i++) {
      for (const spec of specs) {
        const [w, c] = coldImport(process.execPath, spec);
        times.get(spec).walls.push(w);
        times.get(spec).cpus.push(c);
      }
    }
    const load1 = (await import('node:os')).loadavg()[0];
    // The files each import loads: a load hook (in its own process: hooks slow the loader down).
    const hooks = join(scratch, 'hooks.mjs');
    writeFileSync(hooks, "export async function load(url, context, next) { const r = await next(url, context); if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + ' ' + (r.source?.length ?? 0) + '\\n'); return r; }\n");
    const register = join(scratch, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const files = (spec) => {
      const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', `await import('${spec}');`], { cwd: root, encoding: 'utf8' });
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.split(' '));
      return { count: loaded.length, bytes: loaded.reduce((n, l) => n + Number(l[2]), 0), deps: loaded.filter((l) => l[1].includes('/node_modules/')).length };
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const range = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
    console.log(`\n# Cold import on Node ${process.version} (load average ${load0.toFixed(1)} → ${load1.toFixed(1)}; 11 fresh processes each, interleaved)\n`);
    console.log('| `await import(…)` | wall, median (range) | CPU, median | files loaded (of them in node_modules) | source loaded |\n|---|---:|---:|---:|---:|');
    for (const spec of specs) {
      const { walls, cpus } = times.get(spec);
      const f = spec === specs.at(-1) ? { count: 1, bytes: 22, deps: 0 } : files(spec);
      const name = spec === specs.at(-1) ? 'a one-line module (baseline)' : `\`${spec}\``;
      console.log(`| ${name} | ${median(walls).toFixed(1)} ms (${range(walls)}) | ${median(cpus).toFixed(1)} ms | ${f.count} (${f.deps}) | ${kb(f.bytes)} |`);
    }
    const mdoc = median(times.get('shomei/mdoc').walls);
    console.log(`\nfloor ≤ 25 ms for \`shomei/mdoc\`: ${mdoc <= 25 ? 'met' : '**not met**'}; above the one-line module: \`shomei/mdoc/verify\` ${(median(times.get('shomei/mdoc/verify').walls) - median(times.get(specs.at(-1)).walls)).toFixed(1)} ms, \`shomei/mdoc\` ${(mdoc - median(times.get(specs.at(-1)).walls)).toFixed(1)} ms`);

    if (process.argv.includes('--node-lines')) {
      const nodes = [[process.version.slice(1), process.execPath], ...Object.entries(NODE_LINES).map(([line, version]) => [version, nodeBinary(line)])];
      const LINE_SPECS = ['shomei/mdoc/verify', 'shomei/mdoc', 'shomei', pathToFileURL(trivial).href];
      const walls = new Map(nodes.flatMap(([v]) => LINE_SPECS.map((s) => [`${v} ${s}`, []])));
      for (let i = 0; i < 11; i++) {
        for (const [v, node] of nodes) for (const spec of LINE_SPECS) walls.get(`${v} ${spec}`).push(coldImport(node, spec)[0]);
      }
      console.log('\n# Cold import on each supported Node line (11 fresh processes each, all interleaved; wall, median)\n');
      console.log('| Node | `shomei/mdoc/verify` | `shomei/mdoc` | `shomei` | a one-line module |\n|---|---:|---:|---:|---:|');
      for (const [v] of nodes) console.log(`| ${v} | ${LINE_SPECS.map((s) => `${median(walls.get(`${v} ${s}`)).toFixed(1)} ms`).join(' | ')} |`);

      // From Node 22.1 on, NODE_COMPILE_CACHE names a folder where Node keeps V8's compiled code
      // (module.enableCompileCache): the same imports once a first process has filled it, as a
      // serverless image or container built with a warm cache starts.
      const cached = nodes.filter(([v]) => Number(v.split('.')[0]) >= 22);
      const env = { ...process.env, NODE_COMPILE_CACHE: join(scratch, 'compile-cache') };
      for (const [, node] of cached) for (const spec of LINE_SPECS) coldImport(node, spec, env);
      const warm = new Map(cached.flatMap(([v]) => LINE_SPECS.map((s) => [`${v} ${s}`, []])));
      for (let i = 0; i < 11; i++) {
        for (const [v, node] of cached) for (const spec of LINE_SPECS) warm.get(`${v} ${spec}`).push(coldImport(node, spec, env)[0]);
      }
      console.log('\n# The same with a warm NODE_COMPILE_CACHE (Node 22.1 and later; 11 fresh processes each, interleaved; wall, median)\n');
      console.log('| Node | `shomei/mdoc/verify` | `shomei/mdoc` | `shomei` | a one-line module |\n|---|---:|---:|---:|---:|');
      for (const [v] of cached) console.log(`| ${v} | ${LINE_SPECS.map((s) => `${median(warm.get(`${v} ${s}`)).toFixed(1)} ms`).join(' | ')} |`);
    }

    // A cold start as a serverless verifier has it: a fresh process imports and verifies the
    // ES256 response once (node:crypto backend; V8 compiles each function on its first call, and
    // node:crypto loads its own modules on first use), then once more (what a warm process pays).
    const job = join(scratch, 'job.json');
    writeFileSync(job, JSON.stringify({ response: hex(response), iaca: hex(iaca.der), transcript: hex(transcript), now: now.toISOString() }));
    const FIRST = ['shomei/mdoc/verify', 'shomei/mdoc', 'shomei'];
    const first = new Map(FIRST.map((s) => [s, { imp: [], one: [], two: [] }]));
    for (let i = 0; i < 11; i++) {
      for (const spec of FIRST) {
        const code = `const job = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(job)}, 'utf8')); const b = (h) => new Uint8Array(Buffer.from(h, 'hex')); const o = { trustAnchors: [b(job.iaca)], sessionTranscript: b(job.transcript), now: new Date(job.now) };
          const t0 = performance.now(); const { verifyDeviceResponse } = await import('${spec}'); const t1 = performance.now();
          const r1 = await verifyDeviceResponse(b(job.response), o); const t2 = performance.now(); const r2 = await verifyDeviceResponse(b(job.response), o); const t3 = performance.now();
          if (!r1.valid || !r2.valid) throw new Error('not valid'); console.log(t1 - t0, t2 - t1, t3 - t2);`;
        const [a, b, c] = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }).trim().split(' ').map(Number);
        const t = first.get(spec);
        t.imp.push(a);
        t.one.push(b);
        t.two.push(c);
      }
    }
    console.log('\n# Cold start: import, then the first verification (fresh processes, 11 each, interleaved)\n');
    console.log('| entry point | import | first `verifyDeviceResponse` | import + first | the second verification |\n|---|---:|---:|---:|---:|');
    for (const spec of FIRST) {
      const t = first.get(spec);
      const total = t.imp.map((x, i) => x + t.one[i]);
      console.log(`| \`${spec}\` | ${median(t.imp).toFixed(1)} ms | ${median(t.one).toFixed(1)} ms | ${median(total).toFixed(1)} ms | ${median(t.two).toFixed(2)} ms |`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
