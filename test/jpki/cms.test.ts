/**
 * Detached CMS SignedData with the card's sign key: verified here (both backends) and by
 * `openssl cms -verify`; and the other way round, a CMS made by `openssl cms -sign` with
 * the virtual card's TEST key verified here. openssl missing → skipped with a printed reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rsaPkcs1SignDigest } from '../../src/crypto/rsa.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { buildDetachedCms, verifyDetachedCms } from '../../src/jpki/cms.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY } from '../../src/jpki/simulator/index.js';
import { testKey } from '../../src/jpki/simulator/test-keys.js';
import { contextTag, DER_NULL, encodeInteger, encodeOctetString, encodeOid, encodeSequence, encodeTlv, Tag } from '../../src/x509/der.js';
import { derToPem } from '../../src/x509/pem.js';
import { BACKENDS } from '../helpers/backends.js';
import { derChildren } from '../helpers/der.js';
import { type Edits, edited } from './ec-cms.js';
import { rejectsWith, virtualCard } from './helpers.js';
import { hasOpenssl } from '../helpers/openssl.js';

const content = utf8Encode('契約書 — document to sign\n');
const PASSWORD = DEFAULT_TEST_IDENTITY.pins.sign;

const OPENSSL = hasOpenssl();
if (!OPENSSL) console.warn('[jpki cms] openssl not found: skipping the openssl interop tests');

const dir = mkdtempSync(join(tmpdir(), 'shomei-cms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function signed(options: { hash?: 'SHA-256' | 'SHA-384' | 'SHA-512'; includeCaCertificate?: boolean } = {}) {
  const card = new MyNumberCard(await virtualCard());
  const p7s = await card.cmsSign(content, PASSWORD, { ...options, signingTime: new Date('2025-01-01T00:00:00Z') });
  return { p7s, ca: await card.readSignCaCertificate(), cert: await card.readSignCertificate(PASSWORD) };
}

describe('CMS SignedData with the card', () => {
  for (const [name, backend] of BACKENDS) {
    it(`verifies with the test CA as anchor (${name})`, async () => {
      const { p7s, ca } = await signed();
      const r = await verifyDetachedCms(p7s, content, { anchors: [ca], backend, now: new Date('2025-06-01T00:00:00Z') });
      expect(r.status).toBe('valid');
      expect(r.signers[0]!.signingTime?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      expect(r.signers[0]!.certificate?.subject.text).toContain('SHOMEITESTSIGN');
    });
  }

  it('SHA-384 and SHA-512 digests', async () => {
    for (const hash of ['SHA-384', 'SHA-512'] as const) {
      const { p7s, ca } = await signed({ hash });
      expect((await verifyDetachedCms(p7s, content, { anchors: [ca] })).valid).toBe(true);
    }
  });

  it('is unverifiable without anchors, invalid with other content, another anchor or a flipped signature', async () => {
    const { p7s, ca } = await signed();
    expect((await verifyDetachedCms(p7s, content)).status).toBe('unverifiable');
    const other = await verifyDetachedCms(p7s, utf8Encode('another document'), { anchors: [ca] });
    expect(other.status).toBe('invalid');
    expect(other.signers[0]!.checks.find((c) => c.id === 'MESSAGE_DIGEST')?.status).toBe('failed');
    const card = new MyNumberCard(await virtualCard());
    const wrongAnchor = await verifyDetachedCms(p7s, content, { anchors: [await card.readAuthCaCertificate()] });
    expect(wrongAnchor.signers[0]!.checks.find((c) => c.id === 'CERTIFICATE_CHAIN')?.status).toBe('failed');
    const flipped = p7s.slice();
    flipped[flipped.length - 10]! ^= 1;
    const bad = await verifyDetachedCms(flipped, content, { anchors: [ca] });
    expect(bad.signers[0]!.checks.find((c) => c.id === 'SIGNATURE')?.status).toBe('failed');
  });

  it('garbage is ERR_JPKI_CMS; a wrong key is caught before output', async () => {
    await rejectsWith(verifyDetachedCms(Uint8Array.of(0x30, 0x03, 0x06, 0x01, 0x00), content), 'ERR_JPKI_CMS');
    await rejectsWith(verifyDetachedCms(new Uint8Array(10), content), 'ERR_JPKI_CMS');
    const { cert } = await signed();
    const wrongKey = buildDetachedCms({
      content,
      certificate: cert,
      sign: async (digestInfo) => rsaPkcs1SignDigest(testKey('authKey'), 'SHA-256', digestInfo.subarray(-32)),
    });
    await rejectsWith(wrongKey, 'ERR_JPKI_CMS');
    await rejectsWith(buildDetachedCms({ content, certificate: Uint8Array.of(1, 2, 3), sign: async () => new Uint8Array(0) }), 'ERR_JPKI_CMS');
  });

  it('a SignerInfo holds nothing after its signature but unsignedAttrs: more is ERR_JPKI_CMS (fuzz finding)', async () => {
    const { p7s, ca } = await signed();
    const options = { anchors: [ca], now: new Date('2025-06-01T00:00:00Z') };
    expect((await verifyDetachedCms(edited(p7s, { signerInfo: (e) => e }), content, options)).status).toBe('valid');
    const unsignedAttrs = encodeTlv(contextTag(1, true), encodeSequence(encodeOid('1.2.840.113549.1.9.6'), encodeTlv(Tag.SET, DER_NULL)));
    expect((await verifyDetachedCms(edited(p7s, { signerInfo: (e) => [...e, unsignedAttrs] }), content, options)).status).toBe('valid');
    for (const extra of [[encodeOctetString(new Uint8Array(4))], [unsignedAttrs, unsignedAttrs], [unsignedAttrs, encodeInteger(1)]]) {
      const e = await rejectsWith(verifyDetachedCms(edited(p7s, { signerInfo: (els) => [...els, ...extra] }), content, options), 'ERR_JPKI_CMS');
      expect(e.message).toMatch(/SignerInfo/);
    }
  });

  it('versions outside RFC 5652, a digestAlgorithms entry that is no AlgorithmIdentifier, and parameters other than NULL are ERR_JPKI_CMS (fuzz finding)', async () => {
    const { p7s, ca } = await signed();
    const options = { anchors: [ca], now: new Date('2025-06-01T00:00:00Z') };
    const sha256 = encodeOid('2.16.840.1.101.3.4.2.1');
    const refused: [string, Edits][] = [
      ['SignedData version 99', { signedData: ([, ...rest]) => [encodeInteger(99), ...rest] }],
      ['SignedData version 2', { signedData: ([, ...rest]) => [encodeInteger(2), ...rest] }],
      ['a digestAlgorithms entry that is an INTEGER', { signedData: ([v, algs, ...rest]) => [v!, encodeTlv(Tag.SET, ...derChildren(algs!), encodeInteger(7)), ...rest] }],
      ['SignerInfo version 99', { signerInfo: ([, ...rest]) => [encodeInteger(99), ...rest] }],
      ['SignerInfo version 3 with an IssuerAndSerialNumber', { signerInfo: ([, ...rest]) => [encodeInteger(3), ...rest] }],
      ['a second OID in digestAlgorithm', { signerInfo: ([v, sid, , ...rest]) => [v!, sid!, encodeSequence(sha256, sha256), ...rest] }],
      ['signatureAlgorithm parameters that are an INTEGER', { signerInfo: (e) => e.map((x, i) => (i === 4 ? encodeSequence(derChildren(x)[0]!, encodeInteger(0)) : x)) }],
      // fuzz11: a NULL with content is no NULL (X.690 §8.8.2); openssl refuses it (null is wrong length).
      ['signatureAlgorithm parameters that are a NULL with content', { signerInfo: (e) => e.map((x, i) => (i === 4 ? encodeSequence(derChildren(x)[0]!, Uint8Array.of(Tag.NULL, 1, 0)) : x)) }],
      ['digestAlgorithm parameters that are a NULL with content', { signerInfo: ([v, sid, , ...rest]) => [v!, sid!, encodeSequence(sha256, Uint8Array.of(Tag.NULL, 1, 0)), ...rest] }],
    ];
    for (const [name, edit] of refused) await rejectsWith(verifyDetachedCms(edited(p7s, edit), content, options), 'ERR_JPKI_CMS').catch((e) => expect.fail(`${name}: ${e}`));
    // What RFC 5652 and RFC 5754 allow still verifies: SignedData version 3, a digest AlgorithmIdentifier with NULL or no parameters.
    const accepted: [string, Edits][] = [
      ['SignedData version 3', { signedData: ([, ...rest]) => [encodeInteger(3), ...rest] }],
      ['digestAlgorithm with NULL parameters', { signerInfo: ([v, sid, , ...rest]) => [v!, sid!, encodeSequence(sha256, DER_NULL), ...rest] }],
      ['digestAlgorithm without parameters', { signerInfo: ([v, sid, , ...rest]) => [v!, sid!, encodeSequence(sha256), ...rest] }],
    ];
    for (const [name, edit] of accepted) expect((await verifyDetachedCms(edited(p7s, edit), content, options)).status, name).toBe('valid');
  });

  it.skipIf(!OPENSSL)('openssl cms -verify accepts what the card signed', async () => {
    const { p7s, ca } = await signed({ includeCaCertificate: true });
    writeFileSync(join(dir, 'doc.txt'), content);
    writeFileSync(join(dir, 'doc.p7s'), p7s);
    writeFileSync(join(dir, 'ca.pem'), derToPem(ca));
    const out = execFileSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'doc.p7s'), '-content', join(dir, 'doc.txt'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', join(dir, 'out.txt')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    void out;
    expect(readFileSync(join(dir, 'out.txt'))).toEqual(Buffer.from(content));
  });

  it.skipIf(!OPENSSL)('verifies a CMS made by openssl cms -sign with the same TEST key', async () => {
    const { cert, ca } = await signed();
    const k = testKey('signKey');
    const pkcs1 = encodeSequence(...[new Uint8Array(1), k.n, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi].map((v) => encodeInteger(v)));
    writeFileSync(join(dir, 'key.pem'), derToPem(pkcs1, 'RSA PRIVATE KEY'));
    writeFileSync(join(dir, 'cert.pem'), derToPem(cert));
    writeFileSync(join(dir, 'doc2.txt'), content);
    execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', join(dir, 'doc2.txt'), '-signer', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'), '-outform', 'DER', '-out', join(dir, 'openssl.p7s')], {
      stdio: 'ignore',
    });
    const r = await verifyDetachedCms(new Uint8Array(readFileSync(join(dir, 'openssl.p7s'))), content, { anchors: [ca], backend: nobleBackend });
    expect(r.signers[0]!.checks.map((c) => [c.id, c.status])).toEqual([
      ['CONTENT_TYPE', 'passed'],
      ['MESSAGE_DIGEST', 'passed'],
      ['DIGEST_ALGORITHM', 'passed'],
      ['SIGNATURE', 'passed'],
      ['SIGNING_CERTIFICATE', 'skipped'],
      ['SIGNER_PURPOSE', 'passed'],
      ['CERTIFICATE_CHAIN', 'passed'],
    ]);
  });
});
