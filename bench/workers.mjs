// `npm run bench:workers` (after `npm run build`): verification across cores with the
// worker pool of examples/worker-pool/ against one thread, in one process, interleaved
// rounds, medians. 256 holders (a new device key almost every response), 2 issuers, mDL.
//
// Each contender keeps 32 verifications in flight for the round's duration:
// - main thread: verifyDeviceResponse on the main thread (node:crypto backend);
// - pool of N: the same through VerifierPool with N workers.
import os from 'node:os';
import { EncodedCbor, encode, FullDate } from 'shomei';
import { defaultBackend, publicKeyOf } from 'shomei/crypto';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } from 'shomei/mdoc';
import { VerifierPool } from '../examples/worker-pool/pool.mjs';
import { benchPki, benchPortrait, DAY } from './fixtures.mjs';
import { fmt } from './harness.mjs';

const HOLDERS = 256;
const IN_FLIGHT = 32;
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const MS = quick ? 500 : 1000;
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

/** Keep IN_FLIGHT verifications going for `ms`; verifications per second. */
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
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return (done * 1000) / (performance.now() - start);
}

const pools = { 1: new VerifierPool({ trustAnchors, size: 1 }), 2: new VerifierPool({ trustAnchors, size: 2 }) };
const contenders = {
  'main thread': (bytes, transcript) => verifyDeviceResponse(bytes, { trustAnchors, sessionTranscript: transcript }),
  'pool of 1 worker': (bytes, transcript) => pools[1].verify(bytes, transcript),
  'pool of 2 workers': (bytes, transcript) => pools[2].verify(bytes, transcript),
};
const samples = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]));
for (const fn of Object.values(contenders)) await run(fn, 500); // warm-up (workers import shomei)
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(contenders)) samples[name].push(await run(fn, MS));
await Promise.all(Object.values(pools).map((p) => p.close()));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.entries(samples).map(([n, xs]) => [n, median(xs)]));
console.log(`# Worker pool\n\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} (available parallelism ${os.availableParallelism()}), Node ${process.version}, ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
console.log(`${HOLDERS} holders, 2 issuers, ${IN_FLIGHT} in flight, backend ${backend.name}; medians of ${ROUNDS} interleaved rounds of ${MS} ms.\n`);
console.log('| contender | median | vs main thread |');
console.log('|---|---:|---:|');
for (const [name, ops] of Object.entries(results)) console.log(`| ${name} | ${fmt(ops)} | ${(ops / results['main thread']).toFixed(2)}× |`);
const scaling = results['pool of 2 workers'] / results['main thread'];
console.log(`\nFloor: pool ≥ 1.7× a single thread: ${scaling.toFixed(2)}× (${scaling >= 1.7 ? 'met' : '**not met**'}); 2 workers / 1 worker: ${(results['pool of 2 workers'] / results['pool of 1 worker']).toFixed(2)}×.`);
