#!/usr/bin/env node
// The package as npm users get it: `npm pack` (prepack builds dist/), install the tarball
// into a fresh project, then for every subpath export
//   - type-check an import under moduleResolution bundler, nodenext (ESM and CJS files)
//     and the legacy node (node10, through typesVersions);
//   - import it as ESM and require it as CommonJS, and find its exports;
//   - find each class exported by several subpaths to be one class in all of them;
// check that bundlers resolve the package's `#` imports by condition (browser: no node:crypto),
// and check that the README's relative links resolve inside node_modules/shomei and that
// the `shomei` bin starts. Exits 1 on the first failure. `npm run test:package`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'shomei' : `shomei/${k.slice(2)}`));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'shomei-package-'));
const keep = process.env.SHOMEI_KEEP_PACKAGE_TEST === '1';

function run(cmd, args, cwd, what) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    console.error(`FAIL ${what}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    process.exit(1);
  }
}

try {
  // 1. Pack a copy of the working tree without dist/, as a fresh clone has it (prepack must
  // build), and install the tarball into an empty project.
  const clone = join(work, 'clone');
  const tracked = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root, 'git ls-files').split('\0');
  for (const f of tracked.filter((f) => f !== '' && existsSync(join(root, f)) && lstatSync(join(root, f)).isFile())) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(join(root, f), join(clone, f));
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const packOut = run('npm', ['pack', '--json', '--pack-destination', work], clone, 'npm pack');
  // The build's own output comes first; npm's JSON report is the last thing printed.
  const packed = JSON.parse(packOut.slice(packOut.search(/^\[\s*\{/m)));
  const tarball = join(work, packed[0].filename);
  const shipped = new Set(packed[0].files.map((f) => f.path));
  for (const must of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/cli/main.js', 'docs/verifier.md', 'README.md', 'LICENSE']) {
    if (!shipped.has(must)) {
      console.error(`FAIL the tarball lacks ${must}`);
      process.exit(1);
    }
  }
  console.log(`ok   npm pack: ${packed[0].filename}, ${shipped.size} files`);

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app, 'npm install of the tarball');
  console.log('ok   installed into a fresh project');

  // 2. Types, under each moduleResolution.
  const names = subpaths.map((s, i) => [s, `m${i}`]);
  const esm = `${names.map(([s, n]) => `import * as ${n} from '${s}';`).join('\n')}\nexport const all: object[] = [${names.map(([, n]) => n).join(', ')}];\n`;
  const cjs = `${names.map(([s, n]) => `import ${n} = require('${s}');`).join('\n')}\nexport const all: object[] = [${names.map(([, n]) => n).join(', ')}];\n`;
  // Every subpath also names one of its exports, so a module that resolves to `any` or to nothing fails.
  const probes = {
    shomei: 'decode',
    'shomei/cbor': 'decode',
    'shomei/cose': 'signCoseSign1',
    'shomei/crypto': 'defaultBackend',
    'shomei/x509': 'parseCertificate',
    'shomei/mdoc': 'verifyDeviceResponse',
    'shomei/mdoc/verify': 'verifyDeviceResponse',
    'shomei/session': 'ReaderSession',
    'shomei/online': 'createDcApiRequest',
    'shomei/jpki': 'MyNumberCard',
    'shomei/errors': 'ShomeiError',
  };
  const probe = names.map(([s, n]) => (probes[s] ? `export const p_${n}: unknown = ${n}.${probes[s]};` : '')).join('\n');
  const base = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false };
  const setups = [
    { name: 'bundler', options: { module: 'ESNext', moduleResolution: 'Bundler' }, files: { 'check.ts': esm + probe } },
    { name: 'nodenext', options: { module: 'NodeNext', moduleResolution: 'NodeNext' }, files: { 'check.ts': esm + probe, 'check-cjs.cts': cjs + probe } },
    { name: 'node (node10)', options: { module: 'CommonJS', moduleResolution: 'node' }, files: { 'check.ts': esm + probe } },
  ];
  for (const setup of setups) {
    const dir = join(app, `types-${setup.name.replace(/\W+/g, '')}`);
    mkdirSync(dir);
    for (const [f, text] of Object.entries(setup.files)) writeFileSync(join(dir, f), text);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...base, ...setup.options }, files: Object.keys(setup.files) }, null, 2));
    run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], dir, `types under moduleResolution ${setup.name}`);
    console.log(`ok   types of ${subpaths.length} subpaths under moduleResolution ${setup.name}`);
  }

  // 3. Runtime: ESM import and CJS require of every subpath.
  const list = JSON.stringify(subpaths);
  const check = `if (Object.keys(m).length === 0) throw new Error(s + ': no exports');`;
  run(process.execPath, ['--input-type=module', '-e', `for (const s of ${list}) { const m = await import(s); ${check} }`], app, 'ESM import');
  console.log(`ok   ESM import of ${subpaths.length} subpaths`);
  run(process.execPath, ['--input-type=commonjs', '-e', `for (const s of ${list}) { const m = require(s); ${check} }`], app, 'CommonJS require');
  console.log(`ok   CommonJS require of ${subpaths.length} subpaths`);

  // One copy of everything across subpaths (the ESM dist is regrouped after tsup, see
  // scripts/rechunk-esm.mjs): a class exported by several subpaths is the same class in each, so
  // an error thrown through one is `instanceof` the class from another; and the package's own
  // `#` imports resolve under Node (the node:crypto backend; deflateZlib loading fflate itself).
  const same = `const seen = new Map(); for (const s of ${list}) for (const [k, v] of Object.entries(m[s])) { if (typeof v !== 'function' || !/^class\\b/.test(Function.prototype.toString.call(v))) continue; if (seen.has(k) && seen.get(k)[1] !== v) throw new Error(k + ': a different value in ' + s + ' and ' + seen.get(k)[0]); seen.set(k, [s, v]); }
    if (!(new m['shomei/mdoc'].MdocError('ERR_MDOC_STRUCTURE', 'x') instanceof m['shomei/errors'].ShomeiError)) throw new Error('MdocError from shomei/mdoc is not a ShomeiError of shomei/errors');
    if (m['shomei/crypto'].defaultBackend().name !== 'node') throw new Error('defaultBackend() is not the node:crypto backend');
    const z = m['shomei/mdoc'].deflateZlib(new Uint8Array(1000)); if (z.length !== 16 || z[0] !== 0x78) throw new Error('deflateZlib');
    const one = new Uint8Array(32); one[31] = 1; const g = m['shomei/crypto'].ecPrivateKeyFromScalar('P-256', one);
    if (Buffer.from(g.x).toString('hex') !== '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296') throw new Error('#key-derive: 1·G is not the P-256 generator');`;
  run(process.execPath, ['--input-type=module', '-e', `const m = {}; for (const s of ${list}) m[s] = await import(s); ${same}`], app, 'ESM: one copy across subpaths');
  run(process.execPath, ['--input-type=commonjs', '-e', `const m = {}; for (const s of ${list}) m[s] = require(s); ${same}`], app, 'CommonJS: one copy across subpaths');
  console.log('ok   one copy of every class across subpaths, #imports resolve (ESM and CommonJS)');

  // A bundler resolves the package's `#` imports by condition: for the browser, no node:crypto
  // backend and @noble/curves for private keys; a bundle (the `module` condition) imports fflate
  // statically for deflateZlib; a bundle for Node derives private keys with node:crypto.
  const { build } = await import('esbuild');
  const bundled = async (platform, contents) => {
    const r = await build({ stdin: { contents, resolveDir: app, loader: 'js' }, bundle: true, write: false, metafile: true, format: 'esm', platform, outdir: join(app, 'out'), absWorkingDir: app, logLevel: 'error' });
    const inputs = Object.keys(r.metafile.inputs).map((p) => p.replace(/^.*node_modules\//, ''));
    return Object.assign(inputs, { code: r.outputFiles.map((f) => f.text).join('\n') });
  };
  const browser = await bundled('browser', "export { verifyDeviceResponse } from 'shomei/mdoc/verify';");
  // The backend's code shares a dist chunk with verification (Node loads it with it): the bundler leaves it out.
  if (!browser.includes('shomei/dist/crypto/node-absent.js') || browser.some((p) => p.includes('node-backend')) || browser.code.includes('getBuiltinModule')) {
    console.error(`FAIL a browser bundle of shomei/mdoc/verify carries the node:crypto backend:\n${browser.join('\n')}`);
    process.exit(1);
  }
  const server = await bundled('node', "export { deflateZlib } from 'shomei/mdoc';");
  if (!server.includes('shomei/dist/mdoc/status/deflate.js') || !server.some((p) => p.startsWith('fflate/'))) {
    console.error(`FAIL a bundle of shomei/mdoc for Node does not carry fflate for deflateZlib:\n${server.join('\n')}`);
    process.exit(1);
  }
  // Private keys: the public half from @noble/curves in a browser bundle, from node:crypto in a bundle for Node.
  const keysBrowser = await bundled('browser', "export { decodeCoseKey } from 'shomei/cose';");
  const keysNode = await bundled('node', "export { decodeCoseKey } from 'shomei/cose';");
  if (!keysBrowser.includes('shomei/dist/crypto/derive-noble.js') || keysBrowser.includes('shomei/dist/crypto/derive-node.js')) {
    console.error(`FAIL a browser bundle of decodeCoseKey does not derive keys with @noble/curves:\n${keysBrowser.join('\n')}`);
    process.exit(1);
  }
  if (!keysNode.includes('shomei/dist/crypto/derive-node.js') || keysNode.includes('shomei/dist/crypto/derive-noble.js')) {
    console.error(`FAIL a bundle of decodeCoseKey for Node does not derive keys with node:crypto:\n${keysNode.join('\n')}`);
    process.exit(1);
  }
  console.log('ok   bundlers: no node:crypto backend for the browser, fflate bundled for deflateZlib, private keys derived by noble (browser) or node:crypto (Node)');

  // 4. The README's guide links work in node_modules; the bin starts.
  const installed = join(app, 'node_modules/shomei');
  const readme = readFileSync(join(installed, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, target] of readme.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    if (!existsSync(join(installed, target))) {
      console.error(`FAIL README link ${target} does not resolve in node_modules/shomei`);
      process.exit(1);
    }
  }
  console.log('ok   README links resolve in node_modules/shomei');
  run(process.execPath, [join(installed, pkg.bin.shomei), 'help'], app, 'the shomei bin');
  console.log('ok   the shomei bin runs');
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
