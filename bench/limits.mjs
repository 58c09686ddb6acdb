// What the traffic benchmarks measure shomei against (bench/traffic.mjs), on the responses of
// bench/traffic-workload.mjs:
//
// - the limits: only the cryptography a verification cannot avoid, with one engine's
//   primitives on the same bytes: import the device key (new each time), verify the IssuerAuth
//   signature (the DS key imported once: the DS certificate's own signature is checked once per
//   DS and then cached, so it costs nothing per response) and the deviceSignature, and hash the
//   disclosed IssuerSignedItemBytes;
// - the bare readers (`--ceiling`): a yardstick, not a verifier. Each decodes the response with
//   shomei's CBOR decoder, reads the fields it needs without checking any structure, builds
//   the two signed structures, and does the limit's cryptography on what it read, comparing
//   the digests. No chain, no report, no point check, no error handling: no verifier can do
//   less and still verify, so its rate bounds what any verifier of these bytes reaches here.
import * as nodeCrypto from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decode } from 'shomei';
import { buildSigStructure } from 'shomei/cose';
import { deviceAuthenticationBytes, readSessionTranscript } from 'shomei/mdoc';

// The fastest import node:crypto offers for a raw P-256 point: a JWK (about twice as fast as
// an SPKI here, OpenSSL 3's DER decoders cost more than the key).
const b64u = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const nodeKey = (raw) => nodeCrypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) }, format: 'jwk' });
const dsKeyObjects = new Map();
const subtle = globalThis.crypto.subtle;
const dsCryptoKeys = new Map();
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const hexOf = (b) => Buffer.from(b).toString('hex');

/** The cryptography of one verification with node:crypto (synchronous). */
export function limitNode(r) {
  const id = hexOf(r.dsRaw);
  let ds = dsKeyObjects.get(id);
  if (ds === undefined) dsKeyObjects.set(id, (ds = nodeKey(r.dsRaw)));
  const device = nodeKey(r.deviceRaw);
  const ok =
    nodeCrypto.verify('sha256', r.issuerTbs, { key: ds, dsaEncoding: 'ieee-p1363' }, r.issuerSig) &&
    nodeCrypto.verify('sha256', r.deviceTbs, { key: device, dsaEncoding: 'ieee-p1363' }, r.deviceSig);
  for (const item of r.items) nodeCrypto.hash('sha256', item, 'buffer');
  if (!ok) throw new Error('limit (node): signature did not verify');
}

/** The same with WebCrypto, as concurrent as the data allows. */
export async function limitWebCrypto(r) {
  const id = hexOf(r.dsRaw);
  let ds = dsCryptoKeys.get(id);
  if (ds === undefined) dsCryptoKeys.set(id, (ds = await subtle.importKey('raw', r.dsRaw, P256, false, ['verify'])));
  const [a, b] = await Promise.all([
    subtle.verify(ES256, ds, r.issuerSig, r.issuerTbs),
    subtle.importKey('raw', r.deviceRaw, P256, false, ['verify']).then((device) => subtle.verify(ES256, device, r.deviceSig, r.deviceTbs)),
    ...r.items.map((item) => subtle.digest('SHA-256', item)),
  ]);
  if (!(a && b)) throw new Error('limit (webcrypto): signature did not verify');
}

// noble at its best on a DS key: the decoded point with a precomputed fixed-window table
// (noble's `precompute`, window 6, as for its base point), built the first time a DS key
// is met, so u2·P costs additions only, as u1·G does on the base point.
const noblePoints = new Map();
function noblePoint(raw) {
  const id = hexOf(raw);
  let point = noblePoints.get(id);
  if (point === undefined) {
    point = p256.Point.fromBytes(raw).precompute(6);
    point.multiplyUnsafe(3n); // build the table now
    noblePoints.set(id, point);
  }
  return point;
}

/** ECDSA P-256 verification (SEC 1 §4.1.4) of a 32-byte hash with a tabled point. */
function nobleVerifyTabled(point, signature, digest) {
  const Fn = p256.Point.Fn;
  const { r, s } = p256.Signature.fromBytes(signature, 'compact');
  let h = 0n;
  for (const b of digest) h = (h << 8n) | BigInt(b);
  const w = Fn.inv(s);
  const R = p256.Point.BASE.multiplyUnsafe(Fn.mul(Fn.create(h), w)).add(point.multiplyUnsafe(Fn.mul(r, w)));
  return !R.is0() && Fn.create(R.toAffine().x) === r;
}

/**
 * The same with @noble/curves and @noble/hashes: the DS key with its table; the device key
 * through `p256.verify`, or with a table too when it is the same as in the previous call
 * (the one-holder workload: shomei's noble backend tables a key it sees again).
 */
let lastDevice;
export function limitNoble(r) {
  const id = hexOf(r.deviceRaw);
  const again = id === lastDevice;
  lastDevice = id;
  const device = again
    ? nobleVerifyTabled(noblePoint(r.deviceRaw), r.deviceSig, sha256(r.deviceTbs))
    : p256.verify(r.deviceSig, sha256(r.deviceTbs), r.deviceRaw, { prehash: false, lowS: false });
  const ok = nobleVerifyTabled(noblePoint(r.dsRaw), r.issuerSig, sha256(r.issuerTbs)) && device;
  for (const item of r.items) sha256(item);
  if (!ok) throw new Error('limit (noble): signature did not verify');
}

const EMPTY = new Uint8Array(0);
const dsByCertificate = { node: new Map(), webcrypto: new Map() };

/** What the bare readers read of a response: no structure is checked, a wrong shape throws. */
function bareRead(r, engine, importDs) {
  const doc = decode(r.bytes).get('documents')[0];
  const issuerSigned = doc.get('issuerSigned');
  const [protectedBytes, unprotected, payload, signature] = issuerSigned.get('issuerAuth');
  const mso = decode(payload).value;
  const deviceKey = mso.get('deviceKeyInfo').get('deviceKey');
  const deviceRaw = new Uint8Array(65);
  deviceRaw[0] = 4;
  deviceRaw.set(deviceKey.get(-2), 1);
  deviceRaw.set(deviceKey.get(-3), 33);
  // The DS key by its certificate's bytes, as a verifier that caches its trust decisions finds it.
  const der = unprotected.get(33);
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  let ds = dsByCertificate[engine].get(id);
  if (ds === undefined) dsByCertificate[engine].set(id, (ds = importDs(r.dsRaw)));
  const digests = mso.get('valueDigests');
  const items = [];
  for (const [ns, list] of issuerSigned.get('nameSpaces')) for (const item of list) items.push([item.tagged, digests.get(ns).get(item.value.get('digestID'))]);
  const deviceSigned = doc.get('deviceSigned');
  const [deviceProtected, , , deviceSignature] = deviceSigned.get('deviceAuth').get('deviceSignature');
  const deviceAuthentication = deviceAuthenticationBytes(readSessionTranscript(r.transcript), doc.get('docType'), deviceSigned.get('nameSpaces'));
  return {
    ds,
    issuerTbs: buildSigStructure(protectedBytes, EMPTY, payload),
    signature,
    deviceRaw,
    deviceTbs: buildSigStructure(deviceProtected, EMPTY, deviceAuthentication),
    deviceSignature,
    items,
  };
}

const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The bare reader with node:crypto. */
export function bareNode(r) {
  const read = bareRead(r, 'node', nodeKey);
  const ok =
    nodeCrypto.verify('sha256', read.issuerTbs, { key: read.ds, dsaEncoding: 'ieee-p1363' }, read.signature) &&
    nodeCrypto.verify('sha256', read.deviceTbs, { key: nodeKey(read.deviceRaw), dsaEncoding: 'ieee-p1363' }, read.deviceSignature) &&
    read.items.every(([tagged, expected]) => sameBytes(nodeCrypto.hash('sha256', tagged, 'buffer'), expected));
  if (!ok) throw new Error('bare (node): the response did not verify');
}

/** The bare reader with WebCrypto, its calls as concurrent as the limit's. */
export async function bareWebCrypto(r) {
  const read = bareRead(r, 'webcrypto', (raw) => subtle.importKey('raw', raw, P256, false, ['verify']));
  const [a, b, ...digests] = await Promise.all([
    read.ds.then((ds) => subtle.verify(ES256, ds, read.signature, read.issuerTbs)),
    subtle.importKey('raw', read.deviceRaw, P256, false, ['verify']).then((device) => subtle.verify(ES256, device, read.deviceSignature, read.deviceTbs)),
    ...read.items.map(([tagged]) => subtle.digest('SHA-256', tagged)),
  ]);
  if (!(a && b && digests.every((d, i) => sameBytes(new Uint8Array(d), read.items[i][1])))) throw new Error('bare (webcrypto): the response did not verify');
}
