/**
 * Child process of list-memory.test.ts: an x5chain of 33 certificates of 64 KiB, each a list
 * of tiny items (empty distribution points, empty iPAddress names, policies), validated under
 * the small V8 heap the parent gives it. Such a chain took about 234 MiB before the lists in a
 * certificate were capped. Prints one JSON line.
 * Run as `node --max-old-space-size=64 --import tsx <this file>`.
 */

import { publicKeyOf } from '../../src/crypto/keys.js';
import { nodeCryptoBackend } from '../../src/crypto/node.js';
import { encodeOid, encodeSequence, encodeTlvOf, Tag } from '../../src/x509/der.js';
import { buildCertificate, ExtensionOid, verifyIssuerChain } from '../../src/x509/index.js';
import { days, issuerPki, NOW, T0 } from './pki.js';

const backend = nodeCryptoBackend()!;
const { iaca, dsKey } = await issuerPki(backend);
const SIZE = 64 * 1024 - 600;
const repeated = (item: Uint8Array) => encodeTlvOf(Tag.SEQUENCE, new Array<Uint8Array>(Math.floor(SIZE / item.length)).fill(item));
const shapes = [
  { oid: ExtensionOid.cRLDistributionPoints, value: repeated(Uint8Array.of(0x30, 0)) },
  { oid: ExtensionOid.subjectAltName, value: repeated(Uint8Array.of(0x87, 0)) },
  { oid: ExtensionOid.certificatePolicies, value: repeated(encodeSequence(encodeOid('1.2'))) },
];
const chain: Uint8Array[] = [];
for (let i = 0; i < 33; i++) {
  const cert = await buildCertificate({ subject: { CN: `hostile ${i}` }, notBefore: T0, notAfter: days(T0, 300), publicKey: publicKeyOf(dsKey), signer: dsKey, extensions: [shapes[i % shapes.length]!], backend });
  chain.push(cert.der);
}
const bytes = chain.reduce((n, c) => n + c.length, 0);
const report = await verifyIssuerChain(chain, { anchors: [iaca], now: NOW, backend });
console.log(JSON.stringify({ step: 'x5chain', bytes, valid: report.valid, trustAnchor: report.checks.find((c) => c.id === 'TRUST_ANCHOR')?.status }));
