// `npm run bench:memory` (run with --expose-gc): memory with only shomei loaded over 10,000
// verifications of mDL DeviceResponses from 512 holders (bench/fixtures.mjs: a new device
// key every response, 10 elements incl. a 10 KiB portrait, 5 disclosed, deviceSignature), on the
// default backend (node:crypto on Node). RSS and heap after a forced GC, every 2,500.
const { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } = await import('../dist/mdoc/index.js');
const { FullDate, EncodedCbor, encode } = await import('../dist/cbor/index.js');
const { buildIaca, buildDocumentSigner } = await import('../dist/x509/index.js');
const { defaultBackend } = await import('../dist/crypto/index.js');
const backend = defaultBackend();
const { HOLDERS } = await import('./fixtures.mjs');
const now = Date.now(), DAY = 864e5, N = 10_000;
const [ik, dk] = await Promise.all([0, 1].map(() => backend.generateKeyPair('P-256')));
const pub = (k) => ({ kty: k.kty, crv: k.crv, x: k.x, y: k.y });
const iaca = await buildIaca({ country: 'JP', commonName: 'IACA', key: ik, validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) }, issuerAltName: { uri: 'https://i.example/' } });
const ds = await buildDocumentSigner({ iaca, iacaKey: ik, commonName: 'DS', publicKey: pub(dk), validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) }, crlUri: 'https://i.example/crl' });
const NS = 'org.iso.18013.5.1';
const request = await buildDeviceRequest([{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: { family_name: false, given_name: false, birth_date: false, portrait: false, age_over_18: false } } }]);
const responses = [];
for (let i = 0; i < HOLDERS; i++) {
  const dev = await backend.generateKeyPair('P-256');
  const mdl = await issueMdoc({ docType: 'org.iso.18013.5.1.mDL', deviceKey: pub(dev), validity: { validFrom: new Date(now), validUntil: new Date(now + 30 * DAY) }, issuer: { signer: dk, certificates: [ds.der] }, nameSpaces: { [NS]: { family_name: 'A', given_name: 'B', birth_date: FullDate.of(1990, 1, 1), issue_date: FullDate.of(2020, 1, 1), expiry_date: FullDate.of(2030, 1, 1), issuing_country: 'JP', issuing_authority: 'X', document_number: '1', portrait: new Uint8Array(10240), age_over_18: true } } });
  const st = EncodedCbor.wrap(encode([null, null, ['mem', i]]), null).tagged;
  responses.push({ st, bytes: encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: dev }], request, sessionTranscript: st })) });
}
const verify = async (i) => {
  const r = responses[i % HOLDERS];
  if (!(await verifyDeviceResponse(r.bytes, { trustAnchors: [iaca], sessionTranscript: r.st, request })).valid) throw new Error('invalid');
};
for (let i = 0; i < 500; i++) await verify(i);
const mib = (n) => (n / 1048576).toFixed(1);
const sample = () => {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage();
};
const before = sample();
const rows = [[0, before]];
const t = performance.now();
for (let i = 1; i <= N; i++) {
  await verify(i);
  if (i % 2500 === 0) rows.push([i, sample()]);
}
const ms = performance.now() - t;
const after = rows.at(-1)[1];
console.log(`only shomei loaded, backend ${backend.name}, ${HOLDERS} holders: ${((N / ms) * 1000).toFixed(0)} verifications/s sequential (GC samples included)${global.gc ? '' : ' (run with --expose-gc for the GC samples)'}`);
console.log('\n| verifications | RSS | heap used | external |\n|---:|---:|---:|---:|');
for (const [n, m] of rows) console.log(`| ${n.toLocaleString('en')} | ${mib(m.rss)} MiB | ${mib(m.heapUsed)} MiB | ${mib(m.external)} MiB |`);
console.log(`\nRSS ${mib(before.rss)} → ${mib(after.rss)} MiB (growth ${mib(after.rss - before.rss)} MiB; floor < 40 MiB: ${after.rss - before.rss < 40 * 1048576 ? 'met' : '**not met**'}), heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB.`);
