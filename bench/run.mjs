// `npm run bench`: shomei's hot paths side by side with their peers, in one process.
// Reads the built package (dist/), so run `npm run build` first (npm run bench does).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { decode, decodeCoseSign1, EncodedCbor, encode, encodeEmbedded, nobleBackend, verifyCoseSign1, webCryptoBackend } from 'shomei';
import { compare, fmt, report } from './harness.mjs';

const annexD = JSON.parse(readFileSync(new URL('../vectors/iso18013-5/annex-d.json', import.meta.url), 'utf8'));
const hex = (name) => Uint8Array.from(Buffer.from(annexD[name].hex, 'hex'));

console.log(`# shomei benchmarks\n\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('Medians of interleaved rounds; ratios are what to read, absolute numbers vary with the machine.');

const response = hex('device_response');
const cborx = new Decoder({ mapsAsObjects: false, useRecords: false });

/** Read every value, so that lazily decoded tag 24 content is decoded too. */
function touch(v) {
  if (v instanceof EncodedCbor) touch(v.value);
  else if (Array.isArray(v)) v.forEach(touch);
  else if (v instanceof Map) v.forEach(touch);
}

/** The same for cbor-x, which leaves tag 24 as Tag { tag: 24, value: bytes }. */
function cborxTouch(v) {
  if (v instanceof Tag && v.tag === 24) cborxTouch(cborx.decode(v.value));
  else if (Array.isArray(v)) v.forEach(cborxTouch);
  else if (v instanceof Map) v.forEach(cborxTouch);
}

// 1. Strict decode vs bare cbor-x decode of the Annex D DeviceResponse (3,562 bytes).
report(
  'Decode: ISO 18013-5 Annex D DeviceResponse (3,562 bytes)',
  await compare({
    'cbor-x decode (lenient; tag 24 content left as bytes)': () => cborx.decode(response),
    'shomei decode (strict; tag 24 content decoded lazily)': () => decode(response),
    'cbor-x decode + every tag 24 content decoded': () => cborxTouch(cborx.decode(response)),
    'shomei decode + every tag 24 value read': () => touch(decode(response)),
  }),
  'cbor-x decode (lenient; tag 24 content left as bytes)',
);

// 1b. Top-level decode by input size, shomei (strict, in place) vs bare cbor-x.
// - small: the Annex D device engagement (QR), 116 bytes;
// - medium: the Annex D DeviceResponse, 3,562 bytes;
// - 15 KB: the same DeviceResponse with one more IssuerSignedItemBytes holding a 12 KiB
//   portrait (tag 24 around the item, as in a real response);
// - large: that response's document 64 times over in `documents` (about 1 MB).
const portraitItem = encodeEmbedded(
  new Map([
    ['digestID', 99],
    ['random', new Uint8Array(16).fill(0x11)],
    ['elementIdentifier', 'portrait'],
    ['elementValue', new Uint8Array(12 * 1024).map((_, i) => (i * 31) & 0xff)],
  ]),
);
const withPortrait = decode(response);
const document = withPortrait.get('documents')[0];
const nameSpaces = document.get('issuerSigned').get('nameSpaces');
nameSpaces.get([...nameSpaces.keys()][0]).push(portraitItem);
const response15k = encode(withPortrait);
const large = encode(new Map([...withPortrait, ['documents', Array.from({ length: 64 }, () => document)]]));
const sizes = [
  ['small: Annex D device engagement', hex('device_engagement_qr')],
  ['medium: Annex D DeviceResponse', response],
  ['15 KB: DeviceResponse with a 12 KiB portrait', response15k],
  ['large: 64 documents with a 12 KiB portrait each', large],
];
const rows = ['\n### Decode by input size (top level, tag 24 content left lazy / as bytes)\n', '| input | bytes | cbor-x | shomei | shomei speed / cbor-x |', '|---|---:|---:|---:|---:|'];
for (const [name, bytes] of sizes) {
  const r = await compare({ cborx: () => cborx.decode(bytes), shomei: () => decode(bytes) });
  rows.push(`| ${name} | ${bytes.length.toLocaleString('en')} | ${fmt(r.cborx)} | ${fmt(r.shomei)} | ${(r.shomei / r.cborx).toFixed(2)}× |`);
}
console.log(rows.join('\n'));

// 2. Encode the same value: shomei's deterministic encoder vs cbor-x (insertion order).
const value = decode(response);
const cborxValue = cborx.decode(response);
const cborxEncoder = new Encoder({ mapsAsObjects: false, useRecords: false, variableMapSize: true });
report(
  'Encode: the same DeviceResponse',
  await compare({
    'cbor-x encode (not deterministic)': () => cborxEncoder.encode(cborxValue),
    'shomei encode (RFC 8949 §4.2.1 deterministic)': () => encode(value),
  }),
  'cbor-x encode (not deterministic)',
);

// 3. ES256 verification of the Annex D IssuerAuth, per backend.
const issuerAuth = decodeCoseSign1(hex('issuer_auth'));
const { X509Certificate } = await import('node:crypto');
const jwk = new X509Certificate(hex('ds_cert')).publicKey.export({ format: 'jwk' });
const key = { kty: 'EC', crv: 'P-256', x: Buffer.from(jwk.x, 'base64url'), y: Buffer.from(jwk.y, 'base64url') };
report(
  'COSE_Sign1 ES256 verify (Annex D IssuerAuth)',
  await compare({
    noble: () => verifyCoseSign1(issuerAuth, { key, backend: nobleBackend }),
    webcrypto: () => verifyCoseSign1(issuerAuth, { key, backend: webCryptoBackend }),
  }),
  'noble',
);
