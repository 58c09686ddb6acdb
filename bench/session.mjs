// `node bench/session.mjs` (after `npm run build`): a proximity session (ISO/IEC 18013-5
// §9.1.1) per backend, in one process, in interleaved rounds (bench/harness.mjs):
//
//   one mDL, 10 elements (a 10 KiB portrait among them), all 10 requested and disclosed,
//   deviceMac, an IACA → document signer chain (ES256 / P-256 throughout), QR engagement.
//
// 1. Reader: decrypt a SessionData and verify the DeviceResponse it carries (the reader's
//    step once the mdoc answers), and its two parts. A session's counters only move
//    forward, so the SessionData messages are made beforehand by a peer cipher with the
//    same session keys (counters 1…256), and the measured reader cipher is replaced by a
//    fresh one with the same keys each time it has read all 256.
// 2. Holder: HolderSession.receive on a fresh SessionEstablishment (ECDH and HKDF, decrypt
//    the DeviceRequest, build the DeviceResponse with its deviceMac, encrypt it). A holder
//    session takes one establishment, so the (session, establishment) pairs are made
//    beforehand, enough for every call the rounds make.
// 3. The whole exchange with both sessions created each time: holder session and
//    engagement, reader session from the mdoc: URI, request, holder answer, reader verify.
// 4. AES-256-GCM encrypt + decrypt of 64 KiB per backend and through SessionCipher, next to
//    the primitive limits: raw crypto.subtle calls with an imported CryptoKey, and
//    @noble/ciphers' gcm with the raw key.
//
// Steps 1–3 each have a "limit (node:crypto)" contender: only the cryptography the step
// cannot avoid, with node:crypto's synchronous primitives on bytes of the same sizes (the
// AES-GCM of each message, every ECDH with the peer key imported as it arrives, SHA-256 of
// the transcript, the HKDFs, the HMAC of the deviceMac, the IssuerAuth ECDSA verify with the
// DS key imported once, since its certificate is checked once per DS and cached, and SHA-256
// of each disclosed IssuerSignedItemBytes); CBOR and every check that is not cryptography
// are left out. The summary table gives each backend's rate as a % of that limit.
import * as nodeCrypto from 'node:crypto';
import os from 'node:os';
import { gcm } from '@noble/ciphers/aes.js';
import { ecPublicKeyToRaw, nobleBackend, nodeCryptoBackend, publicKeyOf, webCryptoBackend } from 'shomei/crypto';
import { buildMacStructure, buildSigStructure } from 'shomei/cose';
import { buildDeviceRequest, decodeDeviceResponse, deviceAuthenticationBytes, encodeDeviceRequest, issueMdoc, verifyDeviceResponse } from 'shomei/mdoc';
import { decodeSessionData, deriveSessionKeys, encodeSessionData, HolderSession, ReaderSession, SessionCipher } from 'shomei/session';
import { benchMdlElements, benchPki, benchPortrait, DAY } from './fixtures.mjs';
import { compare, fmt, pairedRatio, report } from './harness.mjs';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const BACKENDS = { node: nodeCryptoBackend(), webcrypto: webCryptoBackend, noble: nobleBackend };
// Warmed up for 3,000 calls each (at most 3 s), as in bench/traffic.mjs: see harness.mjs's `warm`.
const TIMING = { rounds: 11, ms: 150, warmup: 300, warmupCalls: 3000, warmupMaxMs: 3000 };

// ---- The PKI and the mDL (made once) ----

const setup = webCryptoBackend;
const { dsKey, deviceKey, iaca, ds } = await benchPki(now);
const portrait = benchPortrait();
const elements = benchMdlElements(portrait);
const mdl = await issueMdoc({
  docType: MDL,
  nameSpaces: { [NS]: elements },
  deviceKey: publicKeyOf(deviceKey),
  validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) },
  issuer: { signer: dsKey, certificates: [ds.der] },
});
const items = [{ docType: MDL, nameSpaces: { [NS]: Object.fromEntries(Object.keys(elements).map((e) => [e, false])) } }];
const deviceRequest = await buildDeviceRequest(items);
const documents = [{ issuerSigned: mdl, deviceKey }];
const verify = { trustAnchors: [iaca] };

function check(condition, what) {
  if (!condition) throw new Error(`bench fixture broken: ${what}`);
}

// ---- 1. Reader: decrypt SessionData + verify ----

const POOL = 256;
const reader = {};
const limitInputs = {};
let responseBytes;
for (const [name, backend] of Object.entries(BACKENDS)) {
  // One real exchange, with a known reader key so the session keys can be derived again here.
  const holder = await HolderSession.create({ documents, backend });
  const eReaderKey = await backend.generateKeyPair('P-256');
  const session = await ReaderSession.fromQrUri(holder.qrUri, { verify, backend, eReaderKey });
  const answered = await holder.receive(await session.request(deviceRequest));
  check(answered.kind === 'request', `${name}: holder answered ${answered.kind}`);
  const result = await session.receive(answered.reply);
  check(result.kind === 'response' && result.verification.valid, `${name}: the exchange does not verify`);
  const keys = await deriveSessionKeys(eReaderKey, session.engagement.eDeviceKey, session.transcript, { backend });
  const plaintext = await new SessionCipher('reader', keys, { backend }).decrypt(decodeSessionData(answered.reply).data);
  responseBytes ??= plaintext;
  limitInputs[name] = { eReaderKey, keys, transcript: session.transcript, plaintext, messages: undefined, deviceAuthenticationBytes: undefined };
  const peer = new SessionCipher('mdoc', keys, { backend });
  const messages = [];
  for (let i = 0; i < POOL; i++) messages.push(encodeSessionData({ data: await peer.encrypt(plaintext) }));
  limitInputs[name].messages = messages;
  const doc = decodeDeviceResponse(plaintext).documents[0];
  limitInputs[name].deviceAuthenticationBytes = deviceAuthenticationBytes(session.transcript, doc.docType, doc.deviceSigned.nameSpaces);
  const options = { ...verify, sessionTranscript: session.transcript.tagged, eReaderKey, request: deviceRequest, backend };
  /** Decrypt the SessionData messages in order, with a fresh reader cipher after the last. */
  const reading = () => {
    let cipher;
    let i = POOL;
    return async () => {
      if (i === POOL) {
        cipher = new SessionCipher('reader', keys, { backend });
        i = 0;
      }
      return cipher.decrypt(decodeSessionData(messages[i++]).data);
    };
  };
  const decryptAndVerify = reading();
  const decryptOnly = reading();
  reader[`${name}: decrypt SessionData + verify DeviceResponse`] = async () => {
    const v = await verifyDeviceResponse(await decryptAndVerify(), options);
    if (!v.valid) throw new Error('not valid');
  };
  reader[`${name}: SessionCipher.decrypt only`] = decryptOnly;
  reader[`${name}: verifyDeviceResponse only`] = async () => {
    const v = await verifyDeviceResponse(plaintext, options);
    if (!v.valid) throw new Error('not valid');
  };
}

// ---- The limits: node:crypto primitives only ----

const b64u = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
/** A P-256 public KeyObject from the raw point (a JWK: node's fastest import of a point). */
const nodePublic = (raw) => nodeCrypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) }, format: 'jwk' });
const nodePrivate = (key) => nodeCrypto.createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(key.x), y: b64u(key.y), d: b64u(key.d) }, format: 'jwk' });
/**
 * A fresh P-256 key pair: the private KeyObject and the raw public point, through an ECDH
 * object and a JWK import (the fastest safe way: Node 20 can deadlock when a KeyObject straight
 * out of a generation job is exported; see src/crypto/node.ts).
 */
const ecPair = () => {
  const ecdh = nodeCrypto.createECDH('prime256v1');
  const raw = ecdh.generateKeys();
  const d = Buffer.alloc(32);
  const scalar = ecdh.getPrivateKey();
  scalar.copy(d, 32 - scalar.length);
  return { privateKey: nodeCrypto.createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)), d: b64u(d) }, format: 'jwk' }), raw };
};
const ivOf = (mdoc, counter) => {
  const out = Buffer.alloc(12);
  if (mdoc) out[7] = 1;
  out.writeUInt32BE(counter, 8);
  return out;
};
const gcmEncrypt = (key, iv, data) => {
  const c = nodeCrypto.createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
};
const gcmDecrypt = (key, iv, data) => {
  const d = nodeCrypto.createDecipheriv('aes-256-gcm', key, iv);
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
};
const hkdf = (ikm, salt, info) => Buffer.from(nodeCrypto.hkdfSync('sha256', ikm, salt, info, 32));
const sha256 = (data) => nodeCrypto.createHash('sha256').update(data).digest();
const hmac = (key, data) => nodeCrypto.createHmac('sha256', key).update(data).digest();

// What the reader's step works on, taken from the node backend's real exchange above.
const lim = limitInputs.node;
const limDoc = decodeDeviceResponse(lim.plaintext).documents[0];
const limAuth = limDoc.issuerSigned.issuerAuth;
const limMac = limDoc.deviceSigned.deviceAuth.deviceMac;
check(limMac !== undefined, 'the response carries a deviceMac');
const L = {
  readerKey: nodePrivate(lim.eReaderKey),
  dsKey: nodePublic(ecPublicKeyToRaw(publicKeyOf(dsKey))),
  deviceRaw: ecPublicKeyToRaw(publicKeyOf(deviceKey)),
  skDevice: Buffer.from(lim.keys.skDevice),
  skReader: Buffer.from(lim.keys.skReader),
  salt: sha256(lim.transcript.tagged),
  issuerTbs: buildSigStructure(limAuth.protectedBytes, new Uint8Array(0), limAuth.payload),
  issuerSig: limAuth.signature,
  macStructure: buildMacStructure(limMac.protectedBytes, new Uint8Array(0), lim.deviceAuthenticationBytes),
  macTag: Buffer.from(limMac.tag),
  items: [...limDoc.issuerSigned.nameSpaces.values()].flat().map((item) => item.tagged),
  transcriptTagged: lim.transcript.tagged,
  ciphertexts: lim.messages.map((m) => Buffer.from(decodeSessionData(m).data)),
  request: encodeDeviceRequest(deviceRequest),
  devicePrivate: nodePrivate(deviceKey),
};

/** The reader's verification of a deviceMac'd response: IssuerAuth, digests, EMacKey, HMAC. */
function limitVerify() {
  const ok = nodeCrypto.verify('sha256', L.issuerTbs, { key: L.dsKey, dsaEncoding: 'ieee-p1363' }, L.issuerSig);
  for (const item of L.items) sha256(item);
  // The device key arrives with the response: imported each time.
  const shared = nodeCrypto.diffieHellman({ privateKey: L.readerKey, publicKey: nodePublic(L.deviceRaw) });
  const tag = hmac(hkdf(shared, L.salt, 'EMacKey'), L.macStructure);
  if (!ok || !tag.equals(L.macTag)) throw new Error('limit (node:crypto): the response does not verify');
}

let limitCounter = 0;
/** The next SessionData's AES-GCM decryption, with its own counter. */
function limitDecrypt() {
  const i = limitCounter++ % POOL;
  return gcmDecrypt(L.skDevice, ivOf(true, i + 1), L.ciphertexts[i]);
}
reader['limit (node:crypto): decrypt SessionData + verify DeviceResponse'] = () => {
  limitDecrypt();
  limitVerify();
};
reader['limit (node:crypto): SessionCipher.decrypt only'] = limitDecrypt;
reader['limit (node:crypto): verifyDeviceResponse only'] = limitVerify;

/**
 * Holder sessions for the limit: a fresh ephemeral key each (as HolderSession.create makes
 * it), and a reader's SessionEstablishment for it (its EReaderKey and encrypted request).
 */
function limitHolderPair() {
  const device = ecPair();
  const eDevice = device.privateKey;
  const eReader = ecPair();
  const shared = nodeCrypto.diffieHellman({ privateKey: eReader.privateKey, publicKey: nodePublic(device.raw) });
  const skReader = hkdf(shared, L.salt, 'SKReader');
  return { eDevice, eReaderRaw: eReader.raw, request: gcmEncrypt(skReader, ivOf(false, 1), L.request) };
}
/** HolderSession.receive's cryptography: ECDH, session keys, decrypt, deviceMac, encrypt. */
function limitHolder(pair) {
  const eReader = nodePublic(pair.eReaderRaw);
  const shared = nodeCrypto.diffieHellman({ privateKey: pair.eDevice, publicKey: eReader });
  const salt = sha256(L.transcriptTagged);
  const skReader = hkdf(shared, salt, 'SKReader');
  const skDevice = hkdf(shared, salt, 'SKDevice');
  gcmDecrypt(skReader, ivOf(false, 1), pair.request);
  const macShared = nodeCrypto.diffieHellman({ privateKey: L.devicePrivate, publicKey: eReader });
  hmac(hkdf(macShared, salt, 'EMacKey'), L.macStructure);
  return gcmEncrypt(skDevice, ivOf(true, 1), lim.plaintext);
}
/** The whole exchange's cryptography, both ephemeral keys made each time. */
function limitExchange() {
  // Holder: its ephemeral key, exported for the engagement.
  const { privateKey: eDevice, raw: eDeviceRaw } = ecPair();
  // Reader: its ephemeral key, ECDH with EDeviceKey, session keys, the request encrypted.
  const eReader = ecPair();
  const eReaderRaw = eReader.raw;
  const readerShared = nodeCrypto.diffieHellman({ privateKey: eReader.privateKey, publicKey: nodePublic(eDeviceRaw) });
  const readerSalt = sha256(L.transcriptTagged);
  const readerSkReader = hkdf(readerShared, readerSalt, 'SKReader');
  const readerSkDevice = hkdf(readerShared, readerSalt, 'SKDevice');
  const request = gcmEncrypt(readerSkReader, ivOf(false, 1), L.request);
  // Holder: the receive step.
  const response = limitHolder({ eDevice, eReaderRaw, request });
  // Reader: decrypt and verify (EMacKey with its own ephemeral key).
  gcmDecrypt(readerSkDevice, ivOf(true, 1), response);
  const ok = nodeCrypto.verify('sha256', L.issuerTbs, { key: L.dsKey, dsaEncoding: 'ieee-p1363' }, L.issuerSig);
  for (const item of L.items) sha256(item);
  const macShared = nodeCrypto.diffieHellman({ privateKey: eReader.privateKey, publicKey: nodePublic(L.deviceRaw) });
  hmac(hkdf(macShared, readerSalt, 'EMacKey'), L.macStructure);
  if (!ok) throw new Error('limit (node:crypto): IssuerAuth does not verify');
}
limitVerify(); // the limit checks what shomei checks: the tag and the signature must verify

console.log(`# Proximity session benchmarks\n\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `DeviceResponse: ${responseBytes.length.toLocaleString('en')} bytes (one mDL, 10 elements incl. a 10 KiB portrait, all disclosed, deviceMac, IACA → DS, P-256), QR engagement.`,
);
console.log('Medians of interleaved rounds; ratios are what to read, absolute numbers vary with the machine.');

// Each compare keeps its per-round rates: the summary's "% of limit" is paired by round (harness.mjs's `pairedRatio`).
const readerSamples = {};
const holderSamples = {};
const exchangeSamples = {};
const readerResults = await compare(
  Object.fromEntries(
    ['decrypt SessionData + verify DeviceResponse', 'SessionCipher.decrypt only', 'verifyDeviceResponse only'].flatMap((step) =>
      [...Object.keys(BACKENDS), 'limit (node:crypto)'].map((b) => [`${b}: ${step}`, reader[`${b}: ${step}`]]),
    ),
  ),
  { ...TIMING, samples: readerSamples },
);
report('Reader: decrypt SessionData and verify the DeviceResponse', readerResults, 'webcrypto: decrypt SessionData + verify DeviceResponse');

// ---- 2. Holder: receive a fresh SessionEstablishment ----

/** A fresh holder session and the SessionEstablishment a reader sent it. */
async function freshPair(backend) {
  const holder = await HolderSession.create({ documents, backend });
  // The reader side only makes the message: WebCrypto makes it fastest.
  const session = await ReaderSession.fromQrUri(holder.qrUri, { verify, backend: webCryptoBackend });
  return { holder, establishment: await session.request(deviceRequest) };
}

async function answer({ holder, establishment }) {
  const r = await holder.receive(establishment);
  if (r.kind !== 'request') throw new Error(`holder: ${r.kind}`);
}

/** Pairs for every call the rounds can make: measure the rate on a few, then make 2× what it implies. */
async function pairsFor(backend) {
  const trial = [];
  for (let i = 0; i < 32; i++) trial.push(await freshPair(backend));
  const t0 = performance.now();
  for (const p of trial) await answer(p);
  const rate = (trial.length * 1000) / (performance.now() - t0);
  const calls = Math.ceil((rate * (TIMING.warmupMaxMs + TIMING.rounds * TIMING.ms)) / 1000);
  const pairs = [];
  for (let i = 0; i < 2 * calls + 64; i++) pairs.push(await freshPair(backend));
  return pairs;
}

const holderContenders = {};
for (const [name, backend] of Object.entries(BACKENDS)) {
  const pairs = await pairsFor(backend);
  let i = 0;
  holderContenders[`${name}: HolderSession.receive(SessionEstablishment)`] = () => {
    if (i === pairs.length) throw new Error(`${name}: out of fresh holder sessions (${pairs.length})`);
    const p = pairs[i];
    pairs[i++] = undefined;
    return answer(p);
  };
}
const limitPairs = Array.from({ length: POOL }, limitHolderPair);
let limitPairIndex = 0;
holderContenders['limit (node:crypto): HolderSession.receive(SessionEstablishment)'] = () => limitHolder(limitPairs[limitPairIndex++ % POOL]);
const holderResults = await compare(holderContenders, { ...TIMING, samples: holderSamples });
report(
  'Holder: decrypt the request, build and encrypt the response (fresh SessionEstablishment each time)',
  holderResults,
  'webcrypto: HolderSession.receive(SessionEstablishment)',
);

// ---- 3. The whole exchange, sessions created each time ----

const exchange = {};
for (const [name, backend] of Object.entries(BACKENDS)) {
  exchange[`${name}: engagement → request → response → verified`] = async () => {
    const holder = await HolderSession.create({ documents, backend });
    const session = await ReaderSession.fromQrUri(holder.qrUri, { verify, backend });
    const answered = await holder.receive(await session.request(deviceRequest));
    const result = await session.receive(answered.reply);
    if (result.kind !== 'response' || !result.verification.valid) throw new Error('not valid');
  };
}
exchange['limit (node:crypto): engagement → request → response → verified'] = limitExchange;
const exchangeResults = await compare(exchange, { ...TIMING, samples: exchangeSamples });
report('Whole exchange, both sessions created each time (QR engagement, ECDH on both sides)', exchangeResults, 'webcrypto: engagement → request → response → verified');

// ---- Each step against the limit of node:crypto's primitives ----

const STEPS = [
  ['reader: decrypt SessionData + verify DeviceResponse (deviceMac)', readerResults, readerSamples, 'decrypt SessionData + verify DeviceResponse'],
  ['reader: SessionCipher.decrypt only', readerResults, readerSamples, 'SessionCipher.decrypt only'],
  ['reader: verifyDeviceResponse only (deviceMac)', readerResults, readerSamples, 'verifyDeviceResponse only'],
  ['holder: HolderSession.receive(SessionEstablishment)', holderResults, holderSamples, 'HolderSession.receive(SessionEstablishment)'],
  ['whole exchange, both sessions created each time', exchangeResults, exchangeSamples, 'engagement → request → response → verified'],
];
console.log('\n### Against the limit (node:crypto primitives, same process)\n');
console.log('| step | node | webcrypto | noble | limit (node:crypto) | node % of limit | webcrypto % | noble % |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [step, results, samples, key] of STEPS) {
  const limit = `limit (node:crypto): ${key}`;
  const names = Object.keys(BACKENDS).map((b) => `${b}: ${key}`);
  console.log(`| ${step} | ${names.map((n) => fmt(results[n])).join(' | ')} | ${fmt(results[limit])} | ${names.map((n) => `${(100 * pairedRatio(samples, n, limit)).toFixed(0)} %`).join(' | ')} |`);
}

// ---- 4. AES-256-GCM, 64 KiB ----

const KIB64 = new Uint8Array(64 * 1024).map((_, i) => i & 0xff);
const key = setup.randomBytes(32);
const iv = new Uint8Array(12);
iv[11] = 1;
const subtle = globalThis.crypto.subtle;
const cryptoKey = await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
const keys = { skReader: setup.randomBytes(32), skDevice: setup.randomBytes(32) };
const aes = {
  'crypto.subtle, imported CryptoKey (primitive limit)': async () => {
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, cryptoKey, KIB64);
    await subtle.decrypt({ name: 'AES-GCM', iv }, cryptoKey, ct);
  },
  'webcrypto backend aesGcmEncrypt + aesGcmDecrypt': async () => {
    const ct = await webCryptoBackend.aesGcmEncrypt(key, iv, KIB64);
    await webCryptoBackend.aesGcmDecrypt(key, iv, ct);
  },
  'webcrypto SessionCipher encrypt + decrypt': null,
  '@noble/ciphers gcm (pure JS primitive limit)': async () => {
    const ct = gcm(key, iv).encrypt(KIB64);
    gcm(key, iv).decrypt(ct);
  },
  'noble backend aesGcmEncrypt + aesGcmDecrypt': async () => {
    const ct = await nobleBackend.aesGcmEncrypt(key, iv, KIB64);
    await nobleBackend.aesGcmDecrypt(key, iv, ct);
  },
  'noble SessionCipher encrypt + decrypt': null,
  'node:crypto createCipheriv (primitive limit)': async () => {
    const c = nodeCrypto.createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([c.update(KIB64), c.final()]);
    const tag = c.getAuthTag();
    const d = nodeCrypto.createDecipheriv('aes-256-gcm', key, iv);
    d.setAuthTag(tag);
    Buffer.concat([d.update(ct), d.final()]);
  },
  'node backend aesGcmEncrypt + aesGcmDecrypt': async () => {
    const ct = await BACKENDS.node.aesGcmEncrypt(key, iv, KIB64);
    await BACKENDS.node.aesGcmDecrypt(key, iv, ct);
  },
  'node SessionCipher encrypt + decrypt': null,
};
for (const [name, backend] of Object.entries(BACKENDS)) {
  // The mdoc encrypts, the reader decrypts: both counters advance together.
  const mdoc = new SessionCipher('mdoc', keys, { backend });
  const readerCipher = new SessionCipher('reader', keys, { backend });
  aes[`${name} SessionCipher encrypt + decrypt`] = async () => readerCipher.decrypt(await mdoc.encrypt(KIB64));
}
const aesResults = await compare(aes, TIMING);
report('AES-256-GCM: encrypt + decrypt 64 KiB', aesResults, 'crypto.subtle, imported CryptoKey (primitive limit)');

const time = (name) => 1 / aesResults[name];
const overhead = (name, limit) => `${(time(name) / time(limit)).toFixed(2)}×`;
const SUBTLE = 'crypto.subtle, imported CryptoKey (primitive limit)';
const NOBLE = '@noble/ciphers gcm (pure JS primitive limit)';
console.log('\nTime per 64 KiB round trip relative to the primitive limit of the same engine:\n');
console.log('| path | overhead |\n|---|---:|');
console.log(`| webcrypto backend vs crypto.subtle | ${overhead('webcrypto backend aesGcmEncrypt + aesGcmDecrypt', SUBTLE)} |`);
console.log(`| webcrypto SessionCipher vs crypto.subtle | ${overhead('webcrypto SessionCipher encrypt + decrypt', SUBTLE)} |`);
console.log(`| noble backend vs @noble/ciphers gcm | ${overhead('noble backend aesGcmEncrypt + aesGcmDecrypt', NOBLE)} |`);
console.log(`| noble SessionCipher vs @noble/ciphers gcm | ${overhead('noble SessionCipher encrypt + decrypt', NOBLE)} |`);
console.log(`| @noble/ciphers gcm vs crypto.subtle | ${overhead(NOBLE, SUBTLE)} |`);
const NODE = 'node:crypto createCipheriv (primitive limit)';
console.log(`| node backend vs node:crypto createCipheriv | ${overhead('node backend aesGcmEncrypt + aesGcmDecrypt', NODE)} |`);
console.log(`| node SessionCipher vs node:crypto createCipheriv | ${overhead('node SessionCipher encrypt + decrypt', NODE)} |`);
console.log(`\nThroughput at the primitive limit: ${((aesResults[SUBTLE] * 2 * 64) / 1024).toFixed(0)} MiB/s (crypto.subtle), ${((aesResults[NOBLE] * 2 * 64) / 1024).toFixed(0)} MiB/s (@noble/ciphers); ${fmt(aesResults[SUBTLE])} round trips.`);
