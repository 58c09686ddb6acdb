// `node bench/ab.mjs <other checkout> [--pairs=80] [--burst=300] [--real] [--backend=webcrypto|noble]` (both built): this
// build against another one, in one process, on the many-holder mDL workload of
// bench/traffic.mjs (512 holders, a new device key each time). For a change too small for the
// traffic benchmark to see on a shared machine: the two builds run in alternating bursts (the
// order swapped every pair), and what is reported is the median of the per-pair ratios, with
// their interquartile range, so that a slow stretch of the machine hits both sides of a pair.
//
// By default node:crypto's `verify` and `createPublicKey` are stubbed (each build gets its
// own backend over the same stub: every signature "verifies", every key import returns one
// fixed key), so what is timed is shomei's own work plus the hashing; `--real` times real
// verifications, and `--backend=webcrypto` or `--backend=noble` real verifications with that
// backend (each build's own). The other checkout is a git worktree of the commit to compare with, e.g.
//   git worktree add /tmp/base HEAD~3 && ln -s "$PWD/node_modules" /tmp/base/node_modules &&
//   (cd /tmp/base && npm run build) && node bench/ab.mjs /tmp/base
import * as nodeCrypto from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchMdlElements, benchPki, benchPortrait, HOLDERS } from './fixtures.mjs';
import { MDL, MDL_DISCLOSED, MDL_NS, trafficWorkload } from './traffic-workload.mjs';

const args = process.argv.slice(2);
const other = args.find((a) => !a.startsWith('--'));
const option = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const pairs = option('pairs', 80);
const burst = option('burst', 300);
const backendName = args.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'node';
const real = args.includes('--real') || backendName !== 'node';
if (other === undefined || !existsSync(resolve(other, 'dist/mdoc/index.js'))) {
  console.error('usage: node bench/ab.mjs <other checkout, built> [--pairs=80] [--burst=300] [--real] [--backend=webcrypto|noble]');
  process.exit(2);
}

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const list = await trafficWorkload({ docType: MDL, ns: MDL_NS, data: benchMdlElements(benchPortrait()), disclosed: MDL_DISCLOSED, issuers: [await benchPki(now)], holders: HOLDERS, now });

// One fixed device key for the stub's imports (a real one: the backends' own checks pass).
const raw = list[0].deviceRaw;
const b64u = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const fixedKey = nodeCrypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) }, format: 'jwk' });
const stubbed = new Proxy(nodeCrypto, {
  get(target, name) {
    if (name === 'verify') return () => true;
    if (name === 'createPublicKey') return () => fixedKey;
    return target[name];
  },
});

/** A build's `verifyDeviceResponse` with its own backend (node:crypto stubbed or real, WebCrypto, noble). */
async function load(root) {
  const { verifyDeviceResponse } = await import(pathToFileURL(resolve(root, 'dist/mdoc/index.js')).href);
  const crypto = await import(pathToFileURL(resolve(root, 'dist/crypto/index.js')).href);
  const backend =
    backendName === 'webcrypto' ? crypto.createWebCryptoBackend() : backendName === 'noble' ? crypto.nobleBackend : crypto.createNodeCryptoBackend(real ? nodeCrypto : stubbed);
  return { verifyDeviceResponse, backend };
}
const builds = { this: await load(resolve(import.meta.dirname, '..')), other: await load(other) };

/** µs per verification over `n` verifications, cycling through the holders. */
let next = 0;
async function time({ verifyDeviceResponse, backend }, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = list[next++ % list.length];
    const result = await verifyDeviceResponse(r.bytes, { trustAnchors: [r.anchor], sessionTranscript: r.transcript, now, backend });
    if (!result.valid) throw new Error('a benchmark response was refused');
  }
  return ((performance.now() - t0) * 1000) / n;
}

for (const build of Object.values(builds)) await time(build, 2 * burst);
const load0 = os.loadavg()[0];
const ratios = [];
const times = { this: [], other: [] };
for (let k = 0; k < pairs; k++) {
  const order = k % 2 === 0 ? ['other', 'this'] : ['this', 'other'];
  const pair = {};
  for (const name of order) pair[name] = await time(builds[name], burst);
  times.this.push(pair.this);
  times.other.push(pair.other);
  ratios.push(pair.this / pair.other);
}
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];
console.log(`${process.version}, ${backendName !== 'node' ? backendName : real ? 'real node:crypto' : 'node:crypto verify and key import stubbed'}, ${pairs} pairs of ${burst} verifications, load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`);
console.log(`this build ${quantile(times.this, 0.5).toFixed(1)} µs, ${other} ${quantile(times.other, 0.5).toFixed(1)} µs per verification (medians)`);
console.log(`this / other: median ${quantile(ratios, 0.5).toFixed(3)}, interquartile ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}`);
