// `npm run bench:memory`: verification speed and memory with only shomei loaded: 10,000
// verifications of one DeviceResponse (one mDL, 10 elements incl. a 10 KiB portrait, 5
// disclosed, deviceSignature), RSS and heap before and after (run with --expose-gc).
const { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } = await import('../dist/mdoc/index.js');
const { FullDate } = await import('../dist/cbor/index.js');
const { buildIaca, buildDocumentSigner } = await import('../dist/x509/index.js');
const { webCryptoBackend: backend } = await import('../dist/crypto/index.js');
const { EncodedCbor, encode } = await import('../dist/cbor/index.js');
const now = Date.now(), DAY = 864e5;
const [ik, dk, dev] = await Promise.all([0,1,2].map(() => backend.generateKeyPair('P-256')));
const pub = (k) => ({ kty: k.kty, crv: k.crv, x: k.x, y: k.y });
const iaca = await buildIaca({ country: 'JP', commonName: 'IACA', key: ik, validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) }, issuerAltName: { uri: 'https://i.example/' } });
const ds = await buildDocumentSigner({ iaca, iacaKey: ik, commonName: 'DS', publicKey: pub(dk), validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) }, crlUri: 'https://i.example/crl' });
const NS = 'org.iso.18013.5.1';
const mdl = await issueMdoc({ docType: 'org.iso.18013.5.1.mDL', deviceKey: pub(dev), validity: { validFrom: new Date(now), validUntil: new Date(now + 30 * DAY) }, issuer: { signer: dk, certificates: [ds.der] }, nameSpaces: { [NS]: { family_name: 'A', given_name: 'B', birth_date: FullDate.of(1990,1,1), issue_date: FullDate.of(2020,1,1), expiry_date: FullDate.of(2030,1,1), issuing_country: 'JP', issuing_authority: 'X', document_number: '1', portrait: new Uint8Array(10240), age_over_18: true } } });
const st = EncodedCbor.wrap(encode([null, null, ['mem', 1]]), null).tagged;
const request = await buildDeviceRequest([{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: { family_name: false, given_name: false, birth_date: false, portrait: false, age_over_18: false } } }]);
const bytes = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: dev }], request, sessionTranscript: st }));
const opts = { trustAnchors: [iaca], sessionTranscript: st, request };
for (let i = 0; i < 500; i++) if (!(await verifyDeviceResponse(bytes, opts)).valid) throw new Error('invalid');
global.gc?.();
const before = process.memoryUsage();
const t = performance.now();
for (let i = 0; i < 10000; i++) await verifyDeviceResponse(bytes, opts);
const ms = performance.now() - t;
global.gc?.();
const after = process.memoryUsage();
const mib = (n) => (n / 1048576).toFixed(1);
console.log(`only shomei loaded: ${(10000 / ms * 1000).toFixed(0)} verifications/s sequential; RSS ${mib(before.rss)} → ${mib(after.rss)} MiB, heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB`);
