/**
 * Child process of crl-memory.test.ts: a signed 16 MiB CRL of about 540,000 entries, parsed
 * and used under the small V8 heap the parent gives it, then the same bytes with the last
 * entry broken. Prints one JSON line per step. Before the compact entries, parsing alone
 * kept about 23 bytes of heap per byte of CRL (370 MiB here).
 * Run as `node --max-old-space-size=64 --import tsx <this file>`.
 */

import { nodeCryptoBackend } from '../../src/crypto/node.js';
import { isShomeiError } from '../../src/errors.js';
import { fromHex } from '../../src/internal/bytes.js';
import { sign } from '../../src/x509/build.js';
import { contextTag, encodeBitString, encodeInteger, encodeSequence, encodeTime, encodeTlv, encodeTlvOf, Tag } from '../../src/x509/der.js';
import { encodeAuthorityKeyIdentifier, encodeExtension } from '../../src/x509/extensions.js';
import { parseCrl, verifyIssuerChain } from '../../src/x509/index.js';
import { ExtensionOid } from '../../src/x509/oids.js';
import { encodeSignatureAlgorithm } from '../../src/x509/signature.js';
import { days, issuerPki, NOW, T0 } from './pki.js';

const SIZE = 16 * 1024 * 1024;
const backend = nodeCryptoBackend()!;
const { iaca, iacaKey, ds } = await issuerPki(backend);

// Entries of 31 bytes: SEQUENCE { INTEGER (12 bytes, 01 then a counter), UTCTime }, then the DS.
const template = encodeSequence(encodeInteger(Uint8Array.of(1, ...new Array<number>(11).fill(0))), encodeTime(days(T0, 10)));
const last = encodeSequence(encodeInteger(fromHex(ds.serialNumber)), encodeTime(days(T0, 20)));
const count = Math.floor((SIZE - last.length) / template.length);
const entries = new Uint8Array(count * template.length + last.length);
const view = new DataView(entries.buffer);
for (let i = 0; i < count; i++) {
  entries.set(template, i * template.length);
  view.setUint32(i * template.length + 12, i);
}
entries.set(last, count * template.length);

const algId = encodeSignatureAlgorithm('ES256');
const extensions = encodeSequence(
  encodeExtension(ExtensionOid.cRLNumber, false, encodeInteger(1)),
  encodeExtension(ExtensionOid.authorityKeyIdentifier, false, encodeAuthorityKeyIdentifier(iaca.subjectKeyIdentifier!.keyIdentifier)),
);
const tbs = encodeSequence(
  encodeInteger(1),
  algId,
  iaca.subject.der,
  encodeTime(days(NOW, -1)),
  encodeTime(days(NOW, 1)),
  encodeTlvOf(Tag.SEQUENCE, [entries]),
  encodeTlv(contextTag(0, true), extensions),
);
const der = encodeSequence(tbs, algId, encodeBitString(await sign(iacaKey, 'ES256', tbs, backend)));

const crl = parseCrl(der);
console.log(JSON.stringify({ step: 'parse', bytes: der.length, entries: count + 1 }));
const report = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, crls: [crl], backend });
const revocation = report.checks.find((c) => c.id === 'REVOCATION');
console.log(JSON.stringify({ step: 'check', status: revocation?.status, code: revocation?.code }));

// The last entry's month (YYMMDDhhmmssZ) becomes 13: the parse must still read, and refuse,
// every entry.
let at = der.length - last.length;
while (!last.every((b, i) => der[at + i] === b)) at--;
der.set([0x31, 0x33], at + last.length - 13 + 2);
try {
  parseCrl(der);
  console.log(JSON.stringify({ step: 'broken', code: 'none' }));
} catch (e) {
  console.log(JSON.stringify({ step: 'broken', code: isShomeiError(e) ? e.code : String(e) }));
}
