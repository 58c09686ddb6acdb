// `npm run bench:browser` (after `npm run build`; Debian's chromium, driven by playwright-core):
// the many-holder verification of bench/traffic.mjs in a real browser, where WebCrypto is the
// default backend. shomei's verify-only entry (src/mdoc/verify-entry.ts) is bundled by
// esbuild for the browser and served on 127.0.0.1 (a secure context) with the workload: 512
// holders (bench/fixtures.mjs), 2 issuers, mDL, 5 elements disclosed. In the page, beside it,
// "limit (WebCrypto)" does only the cryptography a verification cannot avoid with the page's
// own crypto.subtle, as concurrent as the data allows: import the device key (new each time),
// verify the IssuerAuth signature (DS key imported once) and the deviceSignature, and hash the
// disclosed items. Medians of interleaved rounds (bench/harness.mjs, run in the page).
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { benchMdlElements, benchPki, HOLDERS } from './fixtures.mjs';
import { fmt } from './harness.mjs';
import { MDL, MDL_DISCLOSED, MDL_NS, trafficWorkload } from './traffic-workload.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium)`);
const quick = process.argv.includes('--quick');
const root = resolve(import.meta.dirname, '..');
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

// ---- The workload, made on Node ----
const issuers = [await benchPki(now), await benchPki(now)];
const list = await trafficWorkload({ docType: MDL, ns: MDL_NS, data: benchMdlElements(), disclosed: MDL_DISCLOSED, issuers, holders: HOLDERS, now });
const b64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const job = {
  now: now.toISOString(),
  anchors: issuers.map((i) => b64(i.iaca.der)),
  // As bench/traffic.mjs: 3,000 warm-up calls each (bounded in time), and more shorter rounds for the paired ratio.
  timing: quick ? { rounds: 7, ms: 150, warmup: 200, warmupCalls: 3000, warmupMaxMs: 3000 } : { rounds: 15, ms: 200, warmup: 400, warmupCalls: 3000, warmupMaxMs: 6000 },
  responses: list.map((r, i) => ({
    anchor: i % issuers.length,
    bytes: b64(r.bytes),
    transcript: b64(r.transcript),
    dsRaw: b64(r.dsRaw),
    deviceRaw: b64(r.deviceRaw),
    issuerTbs: b64(r.issuerTbs),
    issuerSig: b64(r.issuerSig),
    deviceTbs: b64(r.deviceTbs),
    deviceSig: b64(r.deviceSig),
    items: r.items.map(b64),
  })),
};

// ---- The page's script ----
const PAGE_SCRIPT = `
import { verifyDeviceResponse } from './src/mdoc/verify-entry.ts';
import { compare, pairedRatio } from './bench/harness.mjs';

const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const subtle = crypto.subtle;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };

globalThis.runBench = async (job) => {
  const now = new Date(job.now);
  const anchors = job.anchors.map(bytes);
  const list = job.responses.map((r) => ({ ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? bytes(v) : v])), items: r.items.map(bytes) }));
  const cycling = (fn) => { let i = 0; return () => fn(list[i++ % list.length]); };
  const dsKeys = new Map();
  async function limit(r) {
    const id = r.dsRaw.join(',');
    let ds = dsKeys.get(id);
    if (ds === undefined) dsKeys.set(id, (ds = await subtle.importKey('raw', r.dsRaw, P256, false, ['verify'])));
    const [a, b] = await Promise.all([
      subtle.verify(ES256, ds, r.issuerSig, r.issuerTbs),
      subtle.importKey('raw', r.deviceRaw, P256, false, ['verify']).then((device) => subtle.verify(ES256, device, r.deviceSig, r.deviceTbs)),
      ...r.items.map((item) => subtle.digest('SHA-256', item)),
    ]);
    if (!(a && b)) throw new Error('limit: a signature did not verify');
  }
  async function shomei(r) {
    const result = await verifyDeviceResponse(r.bytes, { trustAnchors: [anchors[r.anchor]], sessionTranscript: r.transcript, now });
    if (!result.valid) throw new Error('shomei rejected a benchmark response');
  }
  for (let i = 0; i < 3; i++) await Promise.all([shomei(list[i]), limit(list[i])]);
  const samples = {};
  const results = await compare({ 'shomei (WebCrypto)': cycling(shomei), 'limit (WebCrypto)': cycling(limit) }, { ...job.timing, samples });
  return { results, paired: pairedRatio(samples, 'shomei (WebCrypto)', 'limit (WebCrypto)') };
};
`;
const bundle = await build({
  stdin: { contents: PAGE_SCRIPT, resolveDir: root, loader: 'js', sourcefile: 'browser-bench.js' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'error',
});
const script = bundle.outputFiles[0].text;

// ---- Serve and run ----
const PAGE = '<!doctype html><meta charset="utf-8"><title>shomei verification benchmark</title><link rel="icon" href="data:,"><script type="module" src="/bench.js"></script>';
const server = createServer((req, res) => {
  if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  if (req.url === '/bench.js') return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
  res.writeHead(404).end();
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
  const { results, paired } = await page.evaluate((j) => globalThis.runBench(j), job);
  const shomei = results['shomei (WebCrypto)'];
  const limit = results['limit (WebCrypto)'];
  console.log(`# Verification in Chromium (WebCrypto)\n`);
  console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Chromium ${browser.version()}, ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  console.log(`mDL DeviceResponse ${list[0].bytes.length.toLocaleString('en')} bytes, ${HOLDERS} holders (a new device key every time), 2 issuers; medians of ${job.timing.rounds} interleaved rounds of ${job.timing.ms} ms after ${job.timing.warmupCalls} warm-up calls each; % of the limit is the median of the per-round ratios.\n`);
  console.log('| contender | median | % of the limit |\n|---|---:|---:|');
  console.log(`| shomei (WebCrypto) | ${fmt(shomei)} | ${(100 * paired).toFixed(0)} % |`);
  console.log(`| limit (WebCrypto) | ${fmt(limit)} | |`);
} finally {
  await browser.close();
  server.close();
}
