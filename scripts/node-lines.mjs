// The Node release lines shomei supports beside the machine's own Node 20 (the `engines`
// minimum): 22 and 24 (long-term support) and 26 (current). Each is pinned to one release,
// fetched on first use from the npm registry as the `node-<os>-<arch>` package that ships
// the official binary (the registry verifies its integrity), and kept in
// node_modules/.cache/shomei-node-lines/<version>/.
//
//   node scripts/node-lines.mjs test               the vitest suite on each line (`npm run test:node-lines`)
//   node scripts/node-lines.mjs path 24            print the binary of line 24, fetching it first if needed
//   node scripts/node-lines.mjs exec 24 file args  run `node file args` on line 24 (a benchmark, say)
//
// scripts/runtimes/run.mjs runs the end-to-end smoke on each line with `nodeBinary`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Line → the pinned release. */
export const NODE_LINES = { 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' };

/** The npm package with this machine's official Node binary, or undefined where none is published. */
function binaryPackage() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  const arch = ['x64', 'arm64'].includes(process.arch) ? process.arch : undefined;
  return os === undefined || arch === undefined ? undefined : `node-${os}-${arch}`;
}

/**
 * The path of the `node` binary of `line` (22, 24 or 26), fetched into the cache if it is not
 * there yet. Throws, saying why, when the line is unknown, this platform has no binary package,
 * or the fetch fails.
 */
export function nodeBinary(line) {
  const version = NODE_LINES[line];
  if (version === undefined) throw new Error(`node-lines: no pinned release for line ${line} (known: ${Object.keys(NODE_LINES).join(', ')})`);
  const pkg = binaryPackage();
  if (pkg === undefined) throw new Error(`node-lines: the npm registry has no Node binary package for ${process.platform}-${process.arch}`);
  const dir = join(ROOT, 'node_modules', '.cache', 'shomei-node-lines', version);
  const bin = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    // npm_execpath is npm's own script when this runs under `npm run`; otherwise npm from PATH.
    const npm = process.env.npm_execpath;
    const [command, prefix] = npm?.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
    const args = [...prefix, 'install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', `${pkg}@${version}`];
    const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' && command === 'npm' });
    if (r.status !== 0 || !existsSync(bin)) throw new Error(`node-lines: fetching ${pkg}@${version} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim()}`);
  }
  const printed = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (printed !== `v${version}`) throw new Error(`node-lines: ${bin} says ${printed}, expected v${version}`);
  return bin;
}

/** The environment for a child on `bin`: its folder first on PATH, so that a test spawning `node` by name gets the same line. */
export function lineEnv(bin) {
  return { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}` };
}

/** Runs the vitest suite on every line, one after the other; one PASS/FAIL line each. */
function testAllLines() {
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  let failed = 0;
  for (const line of Object.keys(NODE_LINES)) {
    const started = performance.now();
    let ok = false;
    let why = '';
    try {
      const bin = nodeBinary(line);
      console.log(`node-lines: Node ${NODE_LINES[line]}: vitest run`);
      const r = spawnSync(bin, [vitest, 'run', '--reporter=dot'], { cwd: ROOT, stdio: 'inherit', env: lineEnv(bin) });
      ok = r.status === 0;
      why = r.error?.message ?? `exit ${r.status ?? r.signal}`;
    } catch (e) {
      why = e.message;
    }
    if (!ok) failed++;
    console.log(`${ok ? 'PASS' : 'FAIL'} node ${NODE_LINES[line]} ${((performance.now() - started) / 1000).toFixed(1)} s${ok ? '' : `  (${why})`}`);
  }
  console.log(`node-lines: ${Object.keys(NODE_LINES).length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [command, line, ...rest] = process.argv.slice(2);
  if (command === 'test') {
    process.exitCode = testAllLines();
  } else if (command === 'path' && line !== undefined) {
    console.log(nodeBinary(line));
  } else if (command === 'exec' && line !== undefined && rest.length > 0) {
    const bin = nodeBinary(line);
    process.exitCode = spawnSync(bin, rest, { stdio: 'inherit', env: lineEnv(bin) }).status ?? 1;
  } else {
    console.error('usage: node scripts/node-lines.mjs test | path <line> | exec <line> <file> [args…]');
    process.exitCode = 2;
  }
}
