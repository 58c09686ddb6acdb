// `npm run bench:workers` (after `npm run build`): verification across cores with the
// worker pool of examples/worker-pool/ against one thread, in one process, interleaved
// rounds, medians. 512 holders (a new device key every response), 2 issuers, mDL.
//
// Each contender keeps 32 verifications in flight for the round's duration:
// - main thread: verifyDeviceResponse on the main thread (node:crypto backend);
// - pool of N: the same through VerifierPool with N workers (1, 2, and 3 for context).
// Beside the rate, each row reports the CPU the process used (cores: CPU time / wall time,
// all threads), the CPU time per verification (all threads), and the main thread's own CPU
// time per verification (Linux /proc, 10 ms ticks): on a shared machine the rate depends on
// what the other processes leave, the CPU per verification much less.
//
// `--quick`: 3 rounds of 500 ms. `--rounds N`, `--ms N`.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { EncodedCbor, encode, FullDate } from 'shomei';
import { defaultBackend, publicKeyOf } from 'shomei/crypto';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } from 'shomei/mdoc';
import { VerifierPool } from '../examples/worker-pool/pool.mjs';
import { benchPki, benchPortrait, DAY, HOLDERS } from './fixtures.mjs';
import { fmt } from './harness.mjs';

const IN_FLIGHT = 32;
const quick = process.argv.includes('--quick');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const ROUNDS = arg('--rounds', quick ? 3 : 7);
const MS = arg('--ms', quick ? 500 : 1000);
const WARMUP_MS = quick ? 1000 : 2000;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const backend = defaultBackend();

const issuers = [await benchPki(now), await benchPki(now)];
const data = { family_name: 'Yamada', given_name: 'Taro', birth_date: FullDate.of(1990, 4, 1), issue_date: FullDate.of(2025, 4, 1), expiry_date: FullDate.of(2030, 4, 1), issuing_country: 'JP', issuing_authority: 'TMPD', document_number: '123456789012', portrait: benchPortrait(), age_over_18: true };
const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false, birth_date: false, issuing_country: false, portrait: false, age_over_18: false } } }]);
const responses = [];
for (let i = 0; i < HOLDERS; i++) {
  const { dsKey, ds } = issuers[i % 2];
  const deviceKey = await backend.generateKeyPair('P-256');
  const issuerSigned = await issueMdoc({ docType: MDL, nameSpaces: { [NS]: data }, deviceKey: publicKeyOf(deviceKey), validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) }, issuer: { signer: dsKey, certificates: [ds.der] } });
  const transcript = EncodedCbor.wrap(encode([null, null, ['OpenID4VPHandover', Uint8Array.of(i >> 8, i & 255)]]), null).tagged;
  responses.push({ bytes: encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned, deviceKey }], request, sessionTranscript: transcript })), transcript });
}
const trustAnchors = issuers.map((p) => p.iaca.der);

/** The main thread's CPU time in ms (Linux: /proc/self/task/<pid>/stat, 10 ms ticks), or NaN. */
function mainThreadCpuMs() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return Number.NaN;
  }
}

/** Keep IN_FLIGHT verifications going for `ms`: rate, cores used, CPU µs per verification (process, main thread). */
async function run(verify, ms) {
  let next = 0;
  let done = 0;
  const end = performance.now() + ms;
  const lane = async () => {
    while (performance.now() < end) {
      const r = responses[next++ % HOLDERS];
      const result = await verify(r.bytes, r.transcript);
      if (!result.valid) throw new Error('a benchmark response did not verify');
      done++;
    }
  };
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { ops: (done * 1000) / wall, cores: cpuMs / wall, cpuUs: (cpuMs * 1000) / done, mainUs: ((mainThreadCpuMs() - main0) * 1000) / done };
}

const SIZES = [1, 2, 3];
const pools = Object.fromEntries(SIZES.map((n) => [n, new VerifierPool({ trustAnchors, size: n })]));
const contenders = {
  'main thread': (bytes, transcript) => verifyDeviceResponse(bytes, { trustAnchors, sessionTranscript: transcript }),
  ...Object.fromEntries(SIZES.map((n) => [`pool of ${n} worker${n > 1 ? 's' : ''}`, (bytes, transcript) => pools[n].verify(bytes, transcript)])),
};
const samples = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]));
const load0 = os.loadavg();
// Warm-up: each worker imports shomei and its JIT warms up on its own share of the jobs, so a
// pool of N needs about N times the main thread's warm-up (short warm-ups measured the pools
// 20-40 % low, with V8's compiler threads still busy).
for (const [name, fn] of Object.entries(contenders)) await run(fn, WARMUP_MS * (name === 'main thread' ? 1 : Number(name.split(' ')[2])));
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(contenders)) samples[name].push(await run(fn, MS));
await Promise.all(Object.values(pools).map((p) => p.close()));
const load1 = os.loadavg();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(
  Object.entries(samples).map(([n, xs]) => [n, Object.fromEntries(['ops', 'cores', 'cpuUs', 'mainUs'].map((k) => [k, median(xs.map((x) => x[k]))]))]),
);
const loads = (l) => l.map((x) => x.toFixed(1)).join(' / ');
console.log(`# Worker pool\n\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} (available parallelism ${os.availableParallelism()}), Node ${process.version}, ${new Date().toISOString()}, load average ${loads(load0)} before, ${loads(load1)} after`);
console.log(`${HOLDERS} holders, 2 issuers, ${IN_FLIGHT} in flight, backend ${backend.name}; medians of ${ROUNDS} interleaved rounds of ${MS} ms.\n`);
console.log('| contender | median | vs main thread | cores used | CPU µs / verification | main thread CPU µs / verification |');
console.log('|---|---:|---:|---:|---:|---:|');
const main = results['main thread'];
for (const [name, r] of Object.entries(results)) {
  console.log(`| ${name} | ${fmt(r.ops)} | ${(r.ops / main.ops).toFixed(2)}× | ${r.cores.toFixed(2)} | ${r.cpuUs.toFixed(0)} | ${r.mainUs.toFixed(0)} |`);
}
const two = results['pool of 2 workers'];
const scaling = two.ops / main.ops;
console.log(`\nFloor: pool ≥ 1.7× a single thread: ${scaling.toFixed(2)}× (${scaling >= 1.7 ? 'met' : '**not met**'}); 2 workers / 1 worker: ${(two.ops / results['pool of 1 worker'].ops).toFixed(2)}×.`);
// What the CPU costs measured here give on two whole cores, if nothing else ran: the main
// thread is bound by its own CPU per verification (its GC and compiler threads run beside
// it), the pool of 2 by all its threads' CPU shared over both cores.
const capacityMain = 1e6 / main.mainUs;
const capacityPool = 2e6 / two.cpuUs;
console.log(
  `CPU-bound on two otherwise idle cores: main thread ${fmt(capacityMain)} (1 core / ${main.mainUs.toFixed(0)} µs), pool of 2 ${fmt(capacityPool)} (2 cores / ${two.cpuUs.toFixed(0)} µs): ${(capacityPool / capacityMain).toFixed(2)}×. This process used ${main.cores.toFixed(2)}–${Math.max(...Object.values(results).map((r) => r.cores)).toFixed(2)} cores: the rest went to other processes.`,
);
