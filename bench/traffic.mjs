// `npm run bench:traffic` (after `npm run build`): verification as a server sees it, shomei
// on each backend beside @auth0/mdl and @owf/mdoc and beside the limit of its own
// primitives, all in one process, in interleaved rounds, medians reported:
//
// - many holders: 512 holders (bench/fixtures.mjs), each with its own device key and credential, from 2 issuers
//   (one IACA → DS chain each); every verification takes the next response, so the device
//   key is new to the verifier every time (what real traffic looks like);
// - one holder: one response verified again and again (the device key always known);
// - My Number Card: 512 holders of an `org.iso.23220.1.jp.mnc` document (7 elements, 5
//   disclosed, a 10 KiB portrait) from one issuer;
// - 50 anchors: the many-holder mDL workload with 50 trust anchors on each call (the two
//   issuers' IACAs among 48 others, as from a VICAL; constrained entries, and DER), beside the
//   one-anchor rate;
// - revocation: the My Number Card workload with its IACA's CRL from a CrlCache, required.
//
// "limit (X)" does only the cryptography a verification cannot avoid, with engine X's
// primitives on the same bytes (bench/limits.mjs). "% of limit" = shomei's rate / the
// limit's, taken in each round (the two run back to back) and the median of those reported.
//
// `node bench/traffic.mjs --quick` runs fewer, shorter rounds; `--only=node` only the
// contenders whose names contain `node` (then no floors are computed); `--ab` times 300
// sequential verifications per contender, three times over, without the harness;
// `--ceiling` only the many-holder mDL workload, with node:crypto and WebCrypto, each limit
// beside the bare reader of bench/limits.mjs (the least any verifier can do) and shomei.
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Verifier as Auth0Verifier } from '@auth0/mdl';
import { Verifier as OwfVerifier } from '@owf/mdoc';
import { nobleBackend, nodeCryptoBackend, webCryptoBackend } from 'shomei/crypto';
import { verifyDeviceResponse } from 'shomei/mdoc';
import { buildCrl, CrlCache, derToPem } from 'shomei/x509';
import { owfContext } from '../test/interop/owf-context.mjs';
import { benchMdlElements, benchPki, benchPortrait, HOLDERS } from './fixtures.mjs';
import { compare, fmt, pairedRatio } from './harness.mjs';
import { bareNode, bareWebCrypto, limitNoble, limitNode, limitWebCrypto } from './limits.mjs';
import { MDL, MDL_DISCLOSED, MDL_NS as NS, trafficWorkload } from './traffic-workload.mjs';

const quick = process.argv.includes('--quick');
const MNC = 'org.iso.23220.1.jp.mnc';
const MNC_NS = 'org.iso.23220.1.jp';
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const nodeBackend = nodeCryptoBackend();
if (nodeBackend === undefined) throw new Error('node:crypto backend not available');

const portrait = benchPortrait();
const MDL_DATA = benchMdlElements(portrait);
const MNC_DATA = {
  full_name_unicode: '番号　花子',
  resident_address_unicode: '東京都千代田区霞が関１−２−３',
  local_gov_code_unicode: '13101',
  individual_number_unicode: '123456789018',
  portrait,
  sex_unicode: '女',
  birth_date_unicode: '1971年9月1日',
};
const MNC_DISCLOSED = ['full_name_unicode', 'individual_number_unicode', 'portrait', 'birth_date_unicode', 'resident_address_unicode'];

/** Round-robin over `list`: each call of the returned function takes the next element. */
function cycling(list, fn) {
  let i = 0;
  return () => fn(list[i++ % list.length]);
}

async function shomeiVerify(r, backend, trustAnchors = [r.anchor], extra = {}) {
  const result = await verifyDeviceResponse(r.bytes, { trustAnchors, sessionTranscript: r.transcript, now, ...(backend ? { backend } : {}), ...extra });
  if (!result.valid) throw new Error(`shomei (${backend?.name}) rejected a benchmark response: ${JSON.stringify(result.checks.filter((c) => c.status === 'failed'))}`);
}

const owf = owfContext({ digestIdsBelow2p31: true });
const pems = new Map();
function pemOf(iaca) {
  if (!pems.has(iaca)) pems.set(iaca, derToPem(iaca.der));
  return pems.get(iaca);
}

/** `--only=node,limit` keeps the contenders whose names contain one of these words. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

function contenders(list, { peers }) {
  const all = allContenders(list, { peers });
  if (only === undefined) return all;
  return Object.fromEntries(Object.entries(all).filter(([name]) => only.some((w) => name.includes(w))));
}

function allContenders(list, { peers }) {
  const c = {
    'shomei (node)': cycling(list, (r) => shomeiVerify(r, nodeBackend)),
    'limit (node)': cycling(list, limitNode),
    'shomei (webcrypto)': cycling(list, (r) => shomeiVerify(r, webCryptoBackend)),
    'limit (webcrypto)': cycling(list, limitWebCrypto),
    'shomei (noble)': cycling(list, (r) => shomeiVerify(r, nobleBackend)),
    'limit (noble)': cycling(list, limitNoble),
  };
  if (peers) {
    c['@auth0/mdl 3.0.1'] = cycling(list, (r) => new Auth0Verifier([pemOf(r.anchor)]).verify(r.bytes, { encodedSessionTranscript: r.transcript }));
    c['@owf/mdoc 0.6.0 (node:crypto context)'] = cycling(list, (r) =>
      OwfVerifier.verifyDeviceResponse({ deviceResponse: r.bytes, sessionTranscript: r.transcript, trustedCertificates: [r.anchor.der], now }, owf),
    );
  }
  return c;
}

/**
 * One comparison's table. "% of its limit" is the median of the per-round ratios (harness.mjs's
 * `pairedRatio`: each shomei contender runs next to its limit in every round); "vs shomei
 * (node)" is a ratio of medians.
 */
function table(title, { results, samples }) {
  const lines = [`\n### ${title}\n`, '| contender | median | vs shomei (node) | % of its limit |', '|---|---:|---:|---:|'];
  const base = results['shomei (node)'];
  for (const [name, ops] of Object.entries(results)) {
    const engine = /^shomei \((\w+)\)/.exec(name)?.[1];
    const limit = engine === undefined ? undefined : results[`limit (${engine})`];
    // Without shomei (node) (`--only=noble`, say) the ratio column stays empty.
    const ratio = base === undefined ? '' : `${(ops / base).toFixed(2)}×`;
    lines.push(`| ${name} | ${fmt(ops)} | ${ratio} | ${limit === undefined ? '' : `${(100 * pairedRatio(samples, name, `limit (${engine})`)).toFixed(0)} %`} |`);
  }
  console.log(lines.join('\n'));
}

// ---- Fixtures ----

const issuers = [await benchPki(now), await benchPki(now)];
const mdl = await trafficWorkload({ docType: MDL, ns: NS, data: MDL_DATA, disclosed: MDL_DISCLOSED, issuers, holders: HOLDERS, now });
const mnc = await trafficWorkload({ docType: MNC, ns: MNC_NS, data: MNC_DATA, disclosed: MNC_DISCLOSED, issuers: issuers.slice(0, 1), holders: HOLDERS, now });

if (process.argv.includes('--ab')) {
  for (let round = 0; round < 3; round++) {
    for (const [name, fn] of Object.entries(contenders(mdl, { peers: false }))) {
      const t = performance.now();
      for (let i = 0; i < 300; i++) await fn();
      console.log(name, (((performance.now() - t) / 300) * 1000).toFixed(0), 'µs');
    }
  }
  process.exit(0);
}

// Sanity: every contender accepts every response before anything is timed.
for (const [name, fn] of Object.entries(contenders(mdl, { peers: true }))) {
  for (let i = 0; i < 3; i++) {
    try {
      await fn();
    } catch (e) {
      throw new Error(`${name} fails on the benchmark responses: ${e.message}`);
    }
  }
}
let mncPeers = true;
for (const [name, fn] of Object.entries(contenders(mnc, { peers: true }))) {
  try {
    await fn();
  } catch (e) {
    if (name.startsWith('shomei') || name.startsWith('limit')) throw e;
    mncPeers = false;
    console.log(`(${name} does not verify the My Number Card responses: ${e.message.slice(0, 120)}; left out of that table)`);
  }
}

console.log(`# Verification traffic\n\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
console.log(`mDL DeviceResponse ${mdl[0].bytes.length.toLocaleString('en')} bytes; My Number Card ${mnc[0].bytes.length.toLocaleString('en')} bytes; ${HOLDERS} holders each.`);

// `--gc`: a full GC before each measurement. Off by default: measured here, it cut shomei's
// rate to about half and the limits' not at all (a forced full GC costs the allocating
// contender that follows it more than the garbage it clears).
let gc;
if (process.argv.includes('--gc')) {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc');
}
// Each contender is warmed up for 3,000 calls (at most 3 s, 6 s in a full run) before the
// rounds: shomei reaches its steady speed after about 2,000 verifications (see harness.mjs's
// `warm`); a time-only warm-up of 400 ms measured it partly unoptimized.
const options = quick ? { rounds: 7, ms: 150, warmup: 200, warmupCalls: 3000, warmupMaxMs: 3000, gc } : { rounds: 15, ms: 200, warmup: 400, warmupCalls: 3000, warmupMaxMs: 6000, gc };
/** `compare` with the per-round rates kept, for the paired "% of its limit". */
async function run(contenders) {
  const samples = {};
  return { results: await compare(contenders, { ...options, samples }), samples };
}

if (process.argv.includes('--ceiling')) {
  // Each bare reader sits between its limit and shomei in every round: both ratios are paired.
  const contendersCeiling = {};
  for (const [engine, limit, bare, backend] of [
    ['node', limitNode, bareNode, nodeBackend],
    ['webcrypto', limitWebCrypto, bareWebCrypto, webCryptoBackend],
  ]) {
    contendersCeiling[`limit (${engine})`] = cycling(mdl, limit);
    contendersCeiling[`bare reader (${engine})`] = cycling(mdl, bare);
    contendersCeiling[`shomei (${engine})`] = cycling(mdl, (r) => shomeiVerify(r, backend));
  }
  for (const fn of Object.values(contendersCeiling)) await fn();
  const { results, samples } = await run(contendersCeiling);
  const lines = [`\n### The ceiling: mDL, ${HOLDERS} holders, 2 issuers\n`, '| contender | median | % of its limit | % of the bare reader |', '|---|---:|---:|---:|'];
  for (const [name, ops] of Object.entries(results)) {
    const engine = /\((\w+)\)$/.exec(name)[1];
    const pct = (other) => (name === other ? '' : `${(100 * pairedRatio(samples, name, other)).toFixed(0)} %`);
    lines.push(`| ${name} | ${fmt(ops)} | ${pct(`limit (${engine})`)} | ${name.startsWith('shomei') ? pct(`bare reader (${engine})`) : ''} |`);
  }
  console.log(lines.join('\n'));
  process.exit(0);
}

const manyRun = await run(contenders(mdl, { peers: true }));
const many = manyRun.results;
table(`mDL, ${HOLDERS} holders (a new device key every time), 2 issuers`, manyRun);
const singleRun = await run(contenders(mdl.slice(0, 1), { peers: true }));
table('mDL, one holder (the same response every time)', singleRun);
table(`My Number Card, ${HOLDERS} holders, 1 issuer`, await run(contenders(mnc, { peers: mncPeers })));

// A verifier that trusts a VICAL's worth of IACAs, passed on every call: the two issuers' among
// 48 others, as constrained entries (docTypes, source) the way `vicalTrustAnchors` gives them,
// and as plain DER bytes.
const iacas = [...(await Promise.all(Array.from({ length: 48 }, () => benchPki(now)))).map((p) => p.iaca), ...issuers.map((p) => p.iaca)];
const vical = iacas.map((certificate) => ({ certificate, docTypes: [MDL], source: 'bench VICAL' }));
const ders = iacas.map((c) => c.der);
const anchorsTable = {
  'shomei (node)': cycling(mdl, (r) => shomeiVerify(r, nodeBackend)),
  'shomei (node), 50 anchors': cycling(mdl, (r) => shomeiVerify(r, nodeBackend, vical)),
  'shomei (node), 50 DER anchors': cycling(mdl, (r) => shomeiVerify(r, nodeBackend, ders)),
  'limit (node)': cycling(mdl, limitNode),
};
if (only === undefined || only.some((w) => 'shomei (node), 50 anchors'.includes(w))) {
  table(`mDL, ${HOLDERS} holders, 2 issuers, trusted among 50 anchors`, await run(anchorsTable));
}

// A verifier that checks revocation, as a production one does: the My Number Card workload
// with the IACA's CRL (10,000 entries, none of them a benchmark DS) from a shared CrlCache,
// required, beside the same verifications without revocation.
const revocationIssuer = issuers[0];
const crl = await buildCrl({
  issuer: revocationIssuer.iaca,
  signer: revocationIssuer.iacaKey,
  thisUpdate: new Date(now.getTime() - 3_600_000),
  nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
  revoked: Array.from({ length: 10_000 }, (_, i) => ({ serialNumber: BigInt(i + 1), revocationDate: now, reason: 1 })),
});
const crlCache = new CrlCache({ fetch: async () => crl.der, now: () => now.getTime() });
const revocationTable = {
  'shomei (node)': cycling(mnc, (r) => shomeiVerify(r, nodeBackend)),
  'shomei (node), revocation (CrlCache)': cycling(mnc, (r) => shomeiVerify(r, nodeBackend, [r.anchor], { crlCache, requireRevocationCheck: true })),
  'limit (node)': cycling(mnc, limitNode),
};
if (only === undefined || only.some((w) => 'shomei (node), revocation'.includes(w))) {
  table(`My Number Card, ${HOLDERS} holders, revocation checked against a 10,000-entry CRL`, await run(revocationTable));
}

if (only !== undefined) process.exit(0);
const fastestPeer = Math.max(many['@auth0/mdl 3.0.1'], many['@owf/mdoc 0.6.0 (node:crypto context)']);
const pct = (engine) => pairedRatio(manyRun.samples, `shomei (${engine})`, `limit (${engine})`);
const mark = (ok) => (ok ? 'met' : '**not met**');
console.log('\n### Floors (mDL, many holders)\n');
console.log('| floor | measured | |');
console.log('|---|---:|---|');
console.log(`| node:crypto backend ≥ 80 % of its limit | ${(100 * pct('node')).toFixed(0)} % | ${mark(pct('node') >= 0.8)} |`);
console.log(`| node:crypto backend ≥ 7× the fastest peer | ${(many['shomei (node)'] / fastestPeer).toFixed(2)}× | ${mark(many['shomei (node)'] >= 7 * fastestPeer)} |`);
console.log(`| WebCrypto backend ≥ 75 % of its limit | ${(100 * pct('webcrypto')).toFixed(0)} % | ${mark(pct('webcrypto') >= 0.75)} |`);
console.log(`| noble ≥ 85 % of its limit | ${(100 * pct('noble')).toFixed(0)} % | ${mark(pct('noble') >= 0.85)} |`);
console.log(`\nmany holders / one holder (shomei node): ${(many['shomei (node)'] / singleRun.results['shomei (node)']).toFixed(2)}×`);
