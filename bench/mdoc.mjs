// `node bench/mdoc.mjs` (after `npm run build`): an mdoc end to end, shomei side by side
// with @auth0/mdl and @owf/mdoc in one process, on the same inputs:
//
//   one mDL, 10 elements (a 10 KiB portrait among them), 5 disclosed, deviceSignature,
//   an IACA → document signer chain (ES256 / P-256 throughout), an OpenID4VP-style
//   SessionTranscript.
//
// - verify: every verifier gets the same DeviceResponse bytes (built by shomei; both peers
//   accept it, see test/interop) and the same IACA as its trust anchor;
// - issue: each library signs the same 10 elements with the same DS key and encodes the
//   stored credential;
// - build DeviceResponse: each library answers for the same 5 elements from its own
//   stored credential (in memory) with a deviceSignature, and encodes the response.
//
// Then memory: RSS and heap after 10,000 shomei verifications (WebCrypto).
//
// `node --cpu-prof bench/mdoc.mjs --loop 5000 [webcrypto|noble] [verify|issue|present]`
// runs only 5,000 of one shomei operation (default: WebCrypto verify), for a CPU profile.
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeviceResponse as Auth0DeviceResponse, Verifier as Auth0Verifier, Document, MDoc } from '@auth0/mdl';
import { CoseKey, DateOnly, DeviceKey, Holder, Issuer, DeviceRequest as OwfDeviceRequest, Verifier as OwfVerifier, SignatureAlgorithm } from '@owf/mdoc';
import { EncodedCbor, encode, FullDate, keyToJwk } from 'shomei';
import { nobleBackend, publicKeyOf, webCryptoBackend } from 'shomei/crypto';
import {
  buildDeviceRequest,
  buildDeviceResponse,
  decodeIssuerSigned,
  encodeDeviceRequest,
  encodeDeviceResponse,
  encodeIssuerSigned,
  issueMdoc,
  verifyDeviceResponse,
} from 'shomei/mdoc';
import { derToPem } from 'shomei/x509';
import { owfContext } from '../test/interop/owf-context.mjs';
import { benchPki, benchPortrait, DAY } from './fixtures.mjs';
import { compare, fmt, report } from './harness.mjs';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const validity = { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) };

// ---- The PKI, keys and data (shared by every library) ----

const { dsKey, deviceKey, iaca, ds } = await benchPki(now);
const iacaPem = derToPem(iaca.der);
const dsPem = derToPem(ds.der);

const portrait = benchPortrait();
const DATES = { birth_date: '1990-04-01', issue_date: '2025-04-01', expiry_date: '2030-04-01' };
const OTHERS = {
  family_name: 'Yamada',
  given_name: 'Taro',
  issuing_country: 'JP',
  issuing_authority: 'Tokyo Metropolitan Police',
  document_number: '123456789012',
  portrait,
  age_over_18: true,
};
const withDates = (wrap) => ({ ...OTHERS, ...Object.fromEntries(Object.entries(DATES).map(([k, v]) => [k, wrap(v)])) });
const shomeiData = withDates((d) => FullDate.of(...d.split('-').map(Number)));
const DISCLOSED = ['family_name', 'birth_date', 'issuing_country', 'portrait', 'age_over_18'];

const transcript = EncodedCbor.wrap(encode([null, null, ['OpenID4VPHandover', new Uint8Array(32).fill(0x5a)]]), null).tagged;
const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: Object.fromEntries(DISCLOSED.map((e) => [e, false])) } }]);

// auth0 takes JWKs (with a kid, so that it writes a bstr kid rather than `undefined`) and PEM.
const auth0DsJwk = { ...keyToJwk(dsKey), kid: 'ds-1' };
const auth0DeviceJwk = { ...keyToJwk(deviceKey), kid: 'dev-1' };
const auth0Pd = {
  id: 'bench',
  input_descriptors: [
    {
      id: MDL,
      format: { mso_mdoc: { alg: ['ES256'] } },
      constraints: { limit_disclosure: 'required', fields: DISCLOSED.map((e) => ({ path: [`$['${NS}']['${e}']`], intent_to_retain: false })) },
    },
  ],
};

// owf: its context (node:crypto, real chain validation), CoseKeys, its own DeviceRequest.
const owf = owfContext({ digestIdsBelow2p31: true });
const owfDsKey = CoseKey.fromJwk(keyToJwk(dsKey));
const owfDeviceKey = CoseKey.fromJwk({ ...keyToJwk(deviceKey), alg: 'ES256' });
const owfRequest = OwfDeviceRequest.decode(encodeDeviceRequest(request));

// ---- The operations ----

const issue = {
  shomei: (backend) => async () =>
    encodeIssuerSigned(
      await issueMdoc({ docType: MDL, nameSpaces: { [NS]: shomeiData }, deviceKey: publicKeyOf(deviceKey), validity, issuer: { signer: dsKey, certificates: [ds.der] }, backend }),
    ),
  auth0: async () => {
    const doc = await new Document(MDL)
      .addIssuerNameSpace(NS, withDates((d) => d))
      .useDigestAlgorithm('SHA-256')
      .addValidityInfo(validity)
      .addDeviceKeyInfo({ deviceKey: keyToJwk(publicKeyOf(deviceKey)) })
      .sign({ issuerPrivateKey: auth0DsJwk, issuerCertificate: dsPem, alg: 'ES256' });
    return new MDoc([doc]).encode();
  },
  owf: async () => {
    const issued = await new Issuer(MDL, owf).addIssuerNamespace(NS, withDates((d) => new DateOnly(d))).sign({
      signingKey: owfDsKey,
      certificates: [ds.der],
      algorithm: SignatureAlgorithm.ES256,
      digestAlgorithm: 'SHA-256',
      deviceKeyInfo: { deviceKey: DeviceKey.fromJwk(keyToJwk(publicKeyOf(deviceKey))) },
      validityInfo: validity,
    });
    return issued.encode();
  },
};

// What each holder keeps in memory: its own decoded credential.
const shomeiHeld = decodeIssuerSigned(await issue.shomei(webCryptoBackend)());
const auth0Held = new MDoc([
  await new Document(MDL)
    .addIssuerNameSpace(NS, withDates((d) => d))
    .addValidityInfo(validity)
    .addDeviceKeyInfo({ deviceKey: keyToJwk(publicKeyOf(deviceKey)) })
    .sign({ issuerPrivateKey: auth0DsJwk, issuerCertificate: dsPem, alg: 'ES256' }),
]);
const owfHeld = await new Issuer(MDL, owf).addIssuerNamespace(NS, withDates((d) => new DateOnly(d))).sign({
  signingKey: owfDsKey,
  certificates: [ds.der],
  algorithm: SignatureAlgorithm.ES256,
  digestAlgorithm: 'SHA-256',
  deviceKeyInfo: { deviceKey: DeviceKey.fromJwk(keyToJwk(publicKeyOf(deviceKey))) },
  validityInfo: validity,
});

const present = {
  shomei: (backend) => async () =>
    encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: shomeiHeld, deviceKey }], request, sessionTranscript: transcript, backend })),
  auth0: async () =>
    (
      await Auth0DeviceResponse.from(auth0Held)
        .usingPresentationDefinition(auth0Pd)
        .usingSessionTranscriptBytes(Buffer.from(transcript))
        .authenticateWithSignature(auth0DeviceJwk, 'ES256')
        .sign()
    ).encode(),
  owf: async () =>
    (
      await Holder.createDeviceResponseForDeviceRequest(
        { deviceRequest: owfRequest, sessionTranscript: transcript, issuerSigned: [owfHeld], signature: { signingKey: owfDeviceKey } },
        owf,
      )
    ).encode(),
};

// The one DeviceResponse every verifier gets.
const response = await present.shomei(webCryptoBackend)();

const verify = {
  shomei: (backend) => async () => {
    const result = await verifyDeviceResponse(response, { trustAnchors: [iaca], sessionTranscript: transcript, backend });
    if (!result.valid) throw new Error('shomei rejected the benchmark response');
    return result;
  },
  // auth0's default callback throws on the first failed check; it validates at `new Date()`.
  auth0: () => new Auth0Verifier([iacaPem]).verify(response, { encodedSessionTranscript: transcript }),
  // owf's default callback throws on the first failed check too.
  owf: () => OwfVerifier.verifyDeviceResponse({ deviceResponse: response, sessionTranscript: transcript, trustedCertificates: [iaca.der], now }, owf),
};

// ---- Profiling mode ----

const loopAt = process.argv.indexOf('--loop');
if (loopAt !== -1) {
  const n = Number(process.argv[loopAt + 1] ?? 5000);
  const backend = process.argv[loopAt + 2] === 'noble' ? nobleBackend : webCryptoBackend;
  const operation = process.argv[loopAt + 3] ?? 'verify';
  const fn = { verify, issue, present }[operation].shomei(backend);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(`${n} shomei ${operation} (${backend.name}): ${(n / ((performance.now() - t0) / 1000)).toFixed(0)}/s`);
  process.exit(0);
}

// ---- Sanity: every contender accepts, and produces what it should, before anything is timed ----

for (const [name, fn] of Object.entries({ ...verify, shomei: verify.shomei(webCryptoBackend), 'shomei noble': verify.shomei(nobleBackend) })) {
  try {
    await fn();
  } catch (e) {
    throw new Error(`${name} does not verify the benchmark response: ${e.message}`);
  }
}
for (const fn of [present.auth0, present.owf, issue.auth0, issue.owf, issue.shomei(nobleBackend), present.shomei(nobleBackend)]) {
  if (!((await fn()).length > 10 * 1024)) throw new Error('an issue/present contender produced too little');
}

// ---- Timings ----

console.log(`# mdoc benchmarks\n\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`DeviceResponse: ${response.length.toLocaleString('en')} bytes (one mDL, 10 elements incl. a 10 KiB portrait, 5 disclosed, deviceSignature, IACA → DS).`);
console.log('Medians of interleaved rounds; ratios are what to read, absolute numbers vary with the machine.');

const options = { rounds: 7, ms: 400, warmup: 500 };
const verifyResults = await compare(
  {
    'shomei (WebCrypto)': verify.shomei(webCryptoBackend),
    'shomei (noble)': verify.shomei(nobleBackend),
    '@auth0/mdl 3.0.1': verify.auth0,
    '@owf/mdoc 0.6.0 (node:crypto context)': verify.owf,
  },
  options,
);
report('Verify a DeviceResponse (chain, issuer signature, 5 digests, deviceSignature)', verifyResults, 'shomei (WebCrypto)');

// Still one JS thread, but 8 verifications in flight at once (a server's situation):
// WebCrypto work then overlaps on libuv's threadpool. Reported per verification.
const IN_FLIGHT = 8;
const inFlight = (fn) => () => Promise.all(Array.from({ length: IN_FLIGHT }, () => fn()));
const concurrent = await compare(
  {
    'shomei (WebCrypto)': inFlight(verify.shomei(webCryptoBackend)),
    'shomei (noble)': inFlight(verify.shomei(nobleBackend)),
    '@auth0/mdl 3.0.1': inFlight(verify.auth0),
    '@owf/mdoc 0.6.0 (node:crypto context)': inFlight(verify.owf),
  },
  options,
);
report(
  `Verify, ${IN_FLIGHT} in flight on one JS thread (responses/s)`,
  Object.fromEntries(Object.entries(concurrent).map(([name, ops]) => [name, ops * IN_FLIGHT])),
  'shomei (WebCrypto)',
);

report(
  'Issue (sign the MSO over 10 elements, encode IssuerSigned)',
  await compare(
    {
      'shomei (WebCrypto)': issue.shomei(webCryptoBackend),
      'shomei (noble)': issue.shomei(nobleBackend),
      '@auth0/mdl 3.0.1': issue.auth0,
      '@owf/mdoc 0.6.0 (node:crypto context)': issue.owf,
    },
    options,
  ),
  'shomei (WebCrypto)',
);

report(
  'Build a DeviceResponse (select 5 elements, deviceSignature, encode)',
  await compare(
    {
      'shomei (WebCrypto)': present.shomei(webCryptoBackend),
      'shomei (noble)': present.shomei(nobleBackend),
      '@auth0/mdl 3.0.1': present.auth0,
      '@owf/mdoc 0.6.0 (node:crypto context)': present.owf,
    },
    options,
  ),
  'shomei (WebCrypto)',
);

// ---- Targets ----

const ours = verifyResults['shomei (WebCrypto)'];
const noble = verifyResults['shomei (noble)'];
const fastestPeer = Math.max(verifyResults['@auth0/mdl 3.0.1'], verifyResults['@owf/mdoc 0.6.0 (node:crypto context)']);
const mark = (ok) => (ok ? 'met' : '**not met**');
console.log('\n### Targets (verification)\n');
console.log('| target | measured | |');
console.log('|---|---:|---|');
console.log(`| shomei (WebCrypto) ≥ 2,000 responses/s | ${fmt(ours)} | ${mark(ours >= 2000)} |`);
console.log(`| shomei (WebCrypto) ≥ 3× the fastest peer | ${(ours / fastestPeer).toFixed(2)}× | ${mark(ours >= 3 * fastestPeer)} |`);
console.log(`| shomei (noble) ≥ 120 responses/s | ${fmt(noble)} | ${mark(noble >= 120)} |`);

// ---- Memory: 10,000 verifications ----

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const sample = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
};
const fn = verify.shomei(webCryptoBackend);
for (let i = 0; i < 500; i++) await fn();
const before = sample();
const rows = [['0 (after 500 warm-up)', before]];
for (let i = 1; i <= 10_000; i++) {
  await fn();
  if (i % 2500 === 0) rows.push([i.toLocaleString('en'), sample()]);
}
console.log('\n### Memory: 10,000 shomei verifications (WebCrypto), after a forced GC\n');
console.log('| verifications | RSS | heap used | external |');
console.log('|---:|---:|---:|---:|');
for (const [n, m] of rows) console.log(`| ${n} | ${mib(m.rss)} | ${mib(m.heap)} | ${mib(m.external)} |`);
const after = rows.at(-1)[1];
console.log(`\nRSS ${mib(before.rss)} → ${mib(after.rss)} (${after.rss >= before.rss ? '+' : ''}${mib(after.rss - before.rss)}); heap ${mib(before.heap)} → ${mib(after.heap)}.`);
