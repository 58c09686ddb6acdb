// The npm registry this project's machines reach serves only the linux-x64 builds of
// packages that ship one binary package per platform (esbuild, rollup, biome, ...).
// `npm install` then leaves the other platforms' optional packages out of
// package-lock.json, and `npm ci` refuses the lock as out of sync. This script adds a
// lock entry, with its os/cpu/libc constraints, for each such optional package, so that
// `npm ci` sees it, finds it is not for this platform, and skips it without fetching.
//
// Run after changing dependencies: `npm install && node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['aix', 'android', 'darwin', 'freebsd', 'linux', 'netbsd', 'openbsd', 'openharmony', 'sunos', 'win32', 'wasi', 'cygwin'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 'riscv64', 's390x', 'loong64', 'mips64el', 'wasm32', 'armv7', 'ppc64le'];

function constraints(name) {
  const base = name.split('/').pop();
  const parts = base.split('-');
  const os = parts.find((p) => OS.includes(p) || p === 'win32');
  const cpu = parts.find((p) => CPU.includes(p)) ?? (base.includes('wasm') ? 'wasm32' : undefined);
  const out = {};
  if (os !== undefined) out.os = [os === 'wasi' ? 'wasi' : os];
  if (cpu !== undefined) out.cpu = [cpu === 'armv7' ? 'arm' : cpu];
  if (parts.includes('musl') || parts.includes('musleabihf')) out.libc = ['musl'];
  else if (parts.includes('gnu') || parts.includes('gnueabihf')) out.libc = ['glibc'];
  return out;
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [where, pkg] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key] !== undefined || packages[`${where}/node_modules/${dep}`] !== undefined) continue;
    const c = constraints(dep);
    // Platform packages only. One for this platform that the registry lacks (the native
    // accelerator of a dev tool, say) gets an entry too: npm ci tolerates a failed
    // optional package, but not a missing lock entry.
    if (c.os === undefined && c.cpu === undefined) continue;
    packages[key] = { version: range.replace(/^[\^~=]/, ''), dev: pkg.dev === true ? true : undefined, optional: true, ...c };
    if (packages[key].dev === undefined) delete packages[key].dev;
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: ${added} entries added`);
