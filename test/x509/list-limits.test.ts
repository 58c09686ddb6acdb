/**
 * Lists inside a certificate are bounded (CERTIFICATE_LIST_LIMITS): beyond a cap the
 * extension does not decode (EXTENSION_MALFORMED, its field null), and at most
 * MAX_CERTIFICATE_FINDINGS lesser findings are kept, EXTENSION_MALFORMED ones always.
 * A 64 KiB certificate of two-byte names was about 100 times its size in memory; the
 * child-process test beside this one (list-memory) checks the whole x5chain case.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { encodeOid, encodeSequence, encodeTlv, encodeTlvOf, Tag } from '../../src/x509/der.js';
import { buildCertificate, CERTIFICATE_LIST_LIMITS, ExtensionOid, MAX_CERTIFICATE_FINDINGS, verifyChain, X509FindingId } from '../../src/x509/index.js';
import { days, key, NOW, T0 } from './pki.js';

const backend = nobleBackend;
const seqOf = (item: Uint8Array, n: number) => encodeTlvOf(Tag.SEQUENCE, Array.from({ length: n }, () => item));
const dns = encodeTlv(0x82, Uint8Array.from('a.example', (c) => c.charCodeAt(0)));
const emptyIp = Uint8Array.of(0x87, 0);

async function certWith(extensions: { oid: string; critical?: boolean; value: Uint8Array }[], ca = false) {
  const k = await key(backend, 'P-256', 0);
  return buildCertificate({
    subject: { CN: 'limits' },
    notBefore: T0,
    notAfter: days(T0, 1000),
    publicKey: publicKeyOf(k),
    signer: k,
    ...(ca ? { basicConstraints: { cA: true }, keyUsage: ['keyCertSign', 'cRLSign'] as const } : {}),
    extensions,
    backend,
  });
}

const malformed = (c: { findings: readonly { id: string; oid: string; detail: string }[] }, oid: string) => c.findings.find((f) => f.oid === oid && f.id === X509FindingId.EXTENSION_MALFORMED);

describe('CERTIFICATE_LIST_LIMITS', () => {
  it('reads each list up to its cap; one more makes the extension malformed', async () => {
    const L = CERTIFICATE_LIST_LIMITS;
    const dp = (names: number) => encodeSequence(encodeTlv(0xa0, encodeTlvOf(0xa0, Array.from({ length: names }, () => encodeTlv(0x86, Uint8Array.of(0x68))))));
    const policy = (qualifiers: number) => encodeSequence(encodeOid('1.2.3'), ...(qualifiers === 0 ? [] : [seqOf(encodeSequence(encodeOid('1.3.6.1.5.5.7.2.1'), encodeTlv(Tag.IA5_STRING, Uint8Array.of(0x68))), qualifiers)]));
    const cases: [string, string, (n: number) => Uint8Array, number, (c: Awaited<ReturnType<typeof certWith>>) => number | undefined][] = [
      ['subjectAltName', ExtensionOid.subjectAltName, (n) => seqOf(dns, n), L.generalNames, (c) => c.subjectAltName?.names.length],
      ['cRLDistributionPoints', ExtensionOid.cRLDistributionPoints, (n) => seqOf(dp(1), n), L.distributionPoints, (c) => c.cRLDistributionPoints?.points.length],
      ['a distribution point fullName', ExtensionOid.cRLDistributionPoints, (n) => encodeSequence(dp(n)), L.generalNames, (c) => c.cRLDistributionPoints?.uris.length],
      ['certificatePolicies', ExtensionOid.certificatePolicies, (n) => encodeTlvOf(Tag.SEQUENCE, Array.from({ length: n }, (_, i) => encodeSequence(encodeOid(`1.2.${i}`)))), L.policies, (c) => c.certificatePolicies?.policies.length],
      ['policyQualifiers', ExtensionOid.certificatePolicies, (n) => encodeSequence(policy(n)), L.qualifiers, (c) => c.certificatePolicies?.policies[0]?.cpsUris.length],
      ['extKeyUsage', ExtensionOid.extKeyUsage, (n) => encodeTlvOf(Tag.SEQUENCE, Array.from({ length: n }, (_, i) => encodeOid(`1.2.${i}`))), L.policies, (c) => c.extKeyUsage?.oids.length],
    ];
    for (const [what, oid, value, cap, count] of cases) {
      const at = await certWith([{ oid, value: value(cap) }]);
      expect(count(at), what).toBe(cap);
      expect(malformed(at, oid), what).toBeUndefined();
      const over = await certWith([{ oid, value: value(cap + 1) }]);
      expect(count(over), what).toBeUndefined();
      expect(malformed(over, oid)?.detail, what).toMatch(`more than ${cap} (shomei's cap)`);
    }
  });

  it('a certificate with more extensions than the cap does not parse', async () => {
    const ext = (n: number) => Array.from({ length: n }, (_, i) => ({ oid: `1.2.3.${i}`, value: Uint8Array.of(5, 0) }));
    expect((await certWith(ext(CERTIFICATE_LIST_LIMITS.extensions - 1))).extensions).toHaveLength(CERTIFICATE_LIST_LIMITS.extensions);
    await expect(certWith(ext(CERTIFICATE_LIST_LIMITS.extensions))).rejects.toMatchObject({ code: 'ERR_X509_PARSE', message: expect.stringContaining(`more than ${CERTIFICATE_LIST_LIMITS.extensions}`) });
  });
});

describe('MAX_CERTIFICATE_FINDINGS', () => {
  it('keeps that many lesser findings and a note, and every EXTENSION_MALFORMED one (a critical one still fails the chain)', async () => {
    // 200 iPAddress names of 0 octets: 200 EXTENSION_NONCONFORMANT findings; then a critical
    // certificatePolicies that does not decode.
    const ca = await certWith([], true);
    const k = await key(backend, 'P-256', 0);
    const leaf = await buildCertificate({
      subject: { CN: 'leaf' },
      issuer: ca,
      notBefore: T0,
      notAfter: days(T0, 300),
      publicKey: publicKeyOf(await key(backend, 'P-256', 1)),
      signer: k,
      extensions: [
        { oid: ExtensionOid.subjectAltName, value: seqOf(emptyIp, 200) },
        { oid: ExtensionOid.certificatePolicies, critical: true, value: Uint8Array.of(0x30, 0x01, 0x00) },
      ],
      backend,
    });
    const lesser = leaf.findings.filter((f) => f.id !== X509FindingId.EXTENSION_MALFORMED);
    expect(lesser).toHaveLength(MAX_CERTIFICATE_FINDINGS + 1);
    expect(lesser.at(-1)?.detail).toMatch(/more findings than shomei keeps/);
    expect(malformed(leaf, ExtensionOid.certificatePolicies)).toBeDefined();
    expect(leaf.certificatePolicies).toBeNull();
    const report = await verifyChain(leaf, { anchors: [ca], now: NOW, backend });
    expect(report.valid).toBe(false);
    expect(report.checks.find((c) => c.id === 'CRITICAL_EXTENSIONS')?.status).toBe('failed');
  });
});
