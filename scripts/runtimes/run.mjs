// `npm run test:runtimes`: the end-to-end smoke (test/runtimes/smoke.mjs) on every
// runtime shomei claims, one after another, each in its own process:
//
//   node-esm   Node, the ESM build (dist/*.js)
//   node-cjs   Node, the CommonJS build (dist/*.cjs), then both builds in one process
//              recognising each other's errors
//   nodeNN-esm, nodeNN-cjs
//              the same two on each other supported Node line (22, 24, 26: the pinned
//              releases of scripts/node-lines.mjs, fetched from the npm registry on first use)
//   deno       Deno (npm package `deno`), the ESM build
//   bun        Bun (npm package `bun`), the ESM build
//   chromium   headless Chromium (Debian's), the ESM build through an import map
//   quickjs    QuickJS (quickjs-emscripten), one bundled script, nothing from the host
//              but crypto.getRandomValues: shomei's own UTF-8 codec and the noble backend
//   hermes     hermesc (npm package `hermes-compiler`) compiles that same bundle to
//              Hermes bytecode: a syntax check only, the bytecode is not run
//
// A runtime passes only when its process exits 0 and prints its `SMOKE PASS` line. One
// line per runtime, then `N passed, N failed`; exit 1 when any failed. Nothing is
// skipped: a runtime that cannot start here fails. Needs a build (the npm script builds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NODE_LINES, nodeBinary } from '../node-lines.mjs';
import { bundleSmoke } from './bundle.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'test-output', 'runtimes');
const BIN = join(ROOT, 'node_modules', '.bin');
const TIMEOUT_MS = 5 * 60_000;

function hermesc() {
  const dir = { linux: 'linux64-bin', darwin: 'osx-bin', win32: 'win64-bin' }[process.platform];
  return join(ROOT, 'node_modules', 'hermes-compiler', 'hermesc', dir ?? `no-hermesc-for-${process.platform}`, process.platform === 'win32' ? 'hermesc.exe' : 'hermesc');
}

const node = process.execPath;
const bundle = join(OUT, 'smoke.bundle.js');
const bytecode = join(OUT, 'smoke.hbc');

/** The ESM and CommonJS smokes on the Node binary `bin` (a function: the other lines' binaries are fetched when their turn comes). */
const nodeSmokes = (prefix, bin) => [
  [`${prefix}-esm`, bin, ['test/runtimes/main.mjs', `${prefix}-esm`], (out) => out.includes('#key-derive → derive-node.js')],
  [`${prefix}-cjs`, bin, ['test/runtimes/main.cjs', `${prefix}-cjs`], (out) => out.includes(`SMOKE PASS ${prefix}-cjs dual`)],
];

/** [name, command (or a function giving it), args, extra check of the output]; `SMOKE PASS <name>` is always required. */
const RUNTIMES = [
  ...nodeSmokes('node', () => node),
  ...Object.keys(NODE_LINES).flatMap((line) => nodeSmokes(`node${line}`, () => nodeBinary(line))),
  ['deno', join(BIN, 'deno'), ['run', '--no-prompt', '--no-remote', 'test/runtimes/main.mjs', 'deno'], (out) => out.includes('#key-derive → derive-noble.js')],
  ['bun', join(BIN, 'bun'), ['test/runtimes/main.mjs', 'bun'], (out) => out.includes('#key-derive → derive-noble.js')],
  ['chromium', node, ['scripts/runtimes/chromium.mjs']],
  ['quickjs', node, ['scripts/runtimes/quickjs.mjs', bundle]],
  ['hermes', hermesc(), ['-emit-binary', `-out=${bytecode}`, bundle], () => existsSync(bytecode) && statSync(bytecode).size > 0],
];

if (!existsSync(join(ROOT, 'dist', 'index.js')) || !existsSync(join(ROOT, 'dist', 'index.cjs'))) {
  console.log('runtimes: no build in dist/ (run `npm run build` first, or `npm run test:runtimes`, which builds)');
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
await bundleSmoke(OUT);

const results = [];
for (const [name, commandOf, args, extra] of RUNTIMES) {
  const started = performance.now();
  let command;
  try {
    command = typeof commandOf === 'function' ? commandOf() : commandOf;
  } catch (e) {
    console.log(`    ${name}| ${e.message}`);
    console.log(`FAIL ${name.padEnd(10)}   (no binary)`);
    results.push(false);
    continue;
  }
  const r = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // hermesc prints no PASS line of its own: its exit status and the bytecode file say it.
  const printedPass = name === 'hermes' || output.includes(`SMOKE PASS ${name}`);
  const ok = r.error === undefined && r.status === 0 && printedPass && (extra === undefined || extra(output));
  const why = r.error !== undefined ? r.error.message : r.status !== 0 ? `exit ${r.status ?? r.signal}` : !printedPass ? 'no SMOKE PASS line' : 'output check failed';
  for (const line of output.split('\n').filter((l) => l.trim() !== '' && (!ok || !/warning:|^\s/.test(l) || l.startsWith('  ok')))) {
    console.log(`    ${name}| ${line}`);
  }
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name.padEnd(10)} ${seconds.padStart(6)} s${ok ? '' : `  (${why})`}`);
  results.push(ok);
}
const passed = results.filter(Boolean).length;
console.log(`runtimes: ${passed} passed, ${results.length - passed} failed`);
process.exitCode = passed === results.length ? 0 : 1;
