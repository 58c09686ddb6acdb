/**
 * Findings of the CMS differential fuzz against `openssl cms -verify` (fuzz11): signed
 * structures that shomei called valid although RFC 5652 §10–§11 or RFC 5035 refuse them.
 * Each case edits a card-made CMS and signs its signed attributes again with the virtual
 * card's TEST sign key, so that only the edit is wrong.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble.js';
import { rsaPkcs1SignDigest, rsaPublicKeyOf } from '../../src/crypto/rsa.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { buildDetachedCms, type CmsVerification, verifyDetachedCms } from '../../src/jpki/cms.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { JpkiPolicyOid } from '../../src/jpki/oids.js';
import { DEFAULT_TEST_IDENTITY as ID } from '../../src/jpki/simulator/index.js';
import { testRsaSigner } from '../../src/jpki/simulator/test-certificates.js';
import { testKey } from '../../src/jpki/simulator/test-keys.js';
import { buildCertificate } from '../../src/x509/build.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { contextTag, DER_NULL, encodeInteger, encodeOctetString, encodeOid, encodeSequence, encodeTime, encodeTlv, Tag } from '../../src/x509/der.js';
import { derChildren } from '../helpers/der.js';
import { rejectsWith, virtualCard } from './helpers.js';

const content = utf8Encode('契約書 — fuzz11\n');
const NOW = new Date('2025-06-01T00:00:00Z');
const OID = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  countersignature: '1.2.840.113549.1.9.6',
  essV1: '1.2.840.113549.1.9.16.2.12',
  essV2: '1.2.840.113549.1.9.16.2.47',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha384: '2.16.840.1.101.3.4.2.2',
};
const attribute = (oid: string, ...values: Uint8Array[]) => encodeSequence(encodeOid(oid), encodeTlv(Tag.SET, ...values));
const statusOf = (r: CmsVerification, id: string) => r.signers[0]!.checks.find((c) => c.id === id);

async function setup() {
  const card = new MyNumberCard(await virtualCard());
  const signCa = await card.readSignCaCertificate();
  const cert = await card.readSignCertificate(ID.pins.sign);
  const p7s = await card.cmsSign(content, ID.pins.sign, { signingTime: new Date('2025-01-01T00:00:00Z') });
  return { card, signCa, cert, p7s, anchors: [signCa] };
}

/** A certificate from the TEST 署名用 CA for the card's sign key (same key as the card's certificate). */
async function sameKeyCertificate(signCa: Uint8Array, options: { cn: string; serial: bigint; keyUsage: ('digitalSignature' | 'nonRepudiation' | 'keyEncipherment')[] }) {
  return buildCertificate({
    subject: { C: 'JP', CN: options.cn },
    issuer: parseCertificate(signCa),
    serialNumber: options.serial,
    notBefore: new Date('2024-06-01T00:00:00Z'),
    notAfter: new Date('2029-06-01T00:00:00Z'),
    publicKey: rsaPublicKeyOf(testKey('signKey')),
    signer: testRsaSigner(testKey('signCa')),
    keyUsage: { usages: options.keyUsage, critical: true },
    certificatePolicies: { oids: [JpkiPolicyOid.SIGN], critical: true },
    backend: nobleBackend,
  });
}

interface Edits {
  /** The signed attributes (each a whole Attribute), re-signed afterwards. */
  readonly attrs?: (attrs: Uint8Array[]) => Uint8Array[];
  /** The SignerInfo's elements after re-signing (unsigned parts). */
  readonly signerInfo?: (elements: Uint8Array[]) => Uint8Array[];
  /** The SignedData's elements. */
  readonly signedData?: (elements: Uint8Array[]) => Uint8Array[];
}

/** `p7s` (one SignerInfo, signed by the card's sign key) edited, its signed attributes signed again with the TEST sign key. */
async function resigned(p7s: Uint8Array, edits: Edits): Promise<Uint8Array> {
  const [contentType, wrapper] = derChildren(p7s) as [Uint8Array, Uint8Array];
  const sd = derChildren(derChildren(wrapper)[0]!);
  const si = derChildren(derChildren(sd.at(-1)!)[0]!);
  const attrs = (edits.attrs ?? ((a) => a))(derChildren(si[3]!));
  const set = encodeTlv(Tag.SET, ...attrs);
  const signature = rsaPkcs1SignDigest(testKey('signKey'), 'SHA-256', await nobleBackend.digest('SHA-256', set));
  const signedAttrs = Uint8Array.of(contextTag(0, true), ...set.subarray(1));
  const elements = (edits.signerInfo ?? ((e) => e))([si[0]!, si[1]!, si[2]!, signedAttrs, si[4]!, encodeOctetString(signature)]);
  const signedData = (edits.signedData ?? ((e) => e))([...sd.slice(0, -1), encodeTlv(Tag.SET, encodeSequence(...elements))]);
  return encodeSequence(contentType, encodeTlv(contextTag(0, true), encodeSequence(...signedData)));
}

const oidOf = (attr: Uint8Array) => derChildren(attr)[0]!;
const replaceAttr = (attrs: Uint8Array[], oid: string, next: Uint8Array) => attrs.map((a) => (Buffer.from(oidOf(a)).equals(Buffer.from(encodeOid(oid))) ? next : a));
const withoutAttr = (attrs: Uint8Array[], oid: string) => attrs.filter((a) => !Buffer.from(oidOf(a)).equals(Buffer.from(encodeOid(oid))));

/** An ESSCertIDv2 list naming `certDer` (hash `hash`, default SHA-256), with `serial` in its issuerSerial. */
async function essV2(certDer: Uint8Array, options: { hash?: 'SHA-256' | 'SHA-384'; serial?: bigint; issuerSerial?: boolean } = {}) {
  const c = parseCertificate(certDer);
  const hash = options.hash ?? 'SHA-256';
  const issuerSerial = encodeSequence(encodeSequence(encodeTlv(contextTag(4, true), c.issuer.der)), encodeInteger(options.serial ?? BigInt(`0x${c.serialNumber}`)));
  const id = encodeSequence(
    ...(hash === 'SHA-256' ? [] : [encodeSequence(encodeOid(OID.sha384))]),
    encodeOctetString(await nobleBackend.digest(hash, certDer)),
    ...(options.issuerSerial === false ? [] : [issuerSerial]),
  );
  return attribute(OID.essV2, encodeSequence(encodeSequence(id)));
}

describe('CMS: the ESS signing-certificate attribute names the certificate that verified (RFC 5035; fuzz finding)', () => {
  it('the card-made CMS passes SIGNING_CERTIFICATE', async () => {
    const { p7s, anchors } = await setup();
    const r = await verifyDetachedCms(p7s, content, { anchors, now: NOW });
    expect(r.status).toBe('valid');
    expect(statusOf(r, 'SIGNING_CERTIFICATE')?.status).toBe('passed');
  });

  it('a sid swapped to another certificate of the same key is refused: the signed attribute names the card certificate', async () => {
    const { p7s, anchors, signCa } = await setup();
    const twin = await sameKeyCertificate(signCa, { cn: 'SHOMEITWIN', serial: 0x7001n, keyUsage: ['digitalSignature', 'nonRepudiation'] });
    // Unsigned edits only: the sid and the certificate set. The signature still verifies with the twin's (same) key.
    const swapped = await resigned(p7s, {
      signerInfo: ([v, , ...rest]) => [v!, encodeSequence(twin.issuer.der, encodeInteger(0x7001n)), ...rest],
      signedData: ([v, algs, encap, certs, ...rest]) => [v!, algs!, encap!, encodeTlv(contextTag(0, true), twin.der, ...derChildren(certs!)), ...rest],
    });
    const r = await verifyDetachedCms(swapped, content, { anchors, now: NOW });
    expect(r.signers[0]!.certificate?.subject.text).toContain('SHOMEITWIN');
    expect(statusOf(r, 'SIGNATURE')?.status).toBe('passed');
    expect(statusOf(r, 'SIGNING_CERTIFICATE')).toMatchObject({ status: 'failed', detail: expect.stringContaining('certHash') });
    expect(r.status).toBe('invalid');
  });

  it('checks the hash with the ESSCertIDv2 hashAlgorithm, the issuerSerial, and the v1 attribute', async () => {
    const { p7s, anchors, cert } = await setup();
    const verdict = async (attr: Uint8Array) => {
      const edited = await resigned(p7s, { attrs: (a) => [...withoutAttr(a, OID.essV2), attr] });
      return statusOf(await verifyDetachedCms(edited, content, { anchors, now: NOW }), 'SIGNING_CERTIFICATE')?.status;
    };
    expect(await verdict(await essV2(cert, { hash: 'SHA-384' }))).toBe('passed');
    expect(await verdict(await essV2(cert, { issuerSerial: false }))).toBe('passed');
    expect(await verdict(await essV2(cert, { serial: 0x4242n }))).toBe('failed');
    const other = await essV2(cert, { issuerSerial: false });
    other[other.length - 1]! ^= 1; // the last byte of the certHash
    expect(await verdict(other)).toBe('failed');
    const v1 = (hash: Uint8Array) => attribute(OID.essV1, encodeSequence(encodeSequence(encodeSequence(encodeOctetString(hash)))));
    expect(await verdict(v1(await nobleBackend.digest('SHA-1', cert)))).toBe('passed');
    expect(await verdict(v1(new Uint8Array(20)))).toBe('failed');
    // An empty list of certificates, or a value that is no SigningCertificateV2, does not parse.
    for (const bad of [attribute(OID.essV2, encodeSequence(encodeSequence())), attribute(OID.essV2, encodeInteger(1))]) {
      await rejectsWith(verifyDetachedCms(await resigned(p7s, { attrs: (a) => [...withoutAttr(a, OID.essV2), bad] }), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
    }
  });

  it('without the attribute (openssl cms -sign without -cades) the check is skipped', async () => {
    const { p7s, anchors } = await setup();
    const r = await verifyDetachedCms(await resigned(p7s, { attrs: (a) => withoutAttr(a, OID.essV2) }), content, { anchors, now: NOW });
    expect(r.status).toBe('valid');
    expect(statusOf(r, 'SIGNING_CERTIFICATE')?.status).toBe('skipped');
  });
});

describe('CMS: RFC 5652 §10–§11 structure rules (fuzz findings)', () => {
  it('the re-signing helper itself keeps a valid CMS valid', async () => {
    const { p7s, anchors } = await setup();
    expect((await verifyDetachedCms(await resigned(p7s, {}), content, { anchors, now: NOW })).status).toBe('valid');
  });

  it('refuses what openssl cms -verify refuses as an attribute error: countersignature signed, signing-time with two values or not a Time, a malformed content-type, an Attribute with trailing data', async () => {
    const { p7s, anchors } = await setup();
    const time = (d: string) => encodeTime(new Date(d));
    const cases: [string, (a: Uint8Array[]) => Uint8Array[]][] = [
      ['a signed countersignature', (a) => [...a, attribute(OID.countersignature, encodeSequence(encodeInteger(1)))]],
      ['signing-time with two values', (a) => replaceAttr(a, OID.signingTime, attribute(OID.signingTime, time('2025-01-01T00:00:00Z'), time('2026-01-01T00:00:00Z')))],
      ['signing-time that is an INTEGER', (a) => replaceAttr(a, OID.signingTime, attribute(OID.signingTime, encodeInteger(1)))],
      // fuzz11: these escaped as ERR_X509_PARSE, not the documented ERR_JPKI_CMS.
      ['a content-type value that is an empty OBJECT IDENTIFIER', (a) => replaceAttr(a, OID.contentType, attribute(OID.contentType, Uint8Array.of(Tag.OID, 0)))],
      ['a content-type value that is a truncated OBJECT IDENTIFIER', (a) => replaceAttr(a, OID.contentType, attribute(OID.contentType, Uint8Array.of(Tag.OID, 2, 0x2a, 0x86)))],
      ['an Attribute with a NULL after its values', (a) => a.map((x) => (Buffer.from(oidOf(x)).equals(Buffer.from(encodeOid(OID.messageDigest))) ? encodeSequence(...derChildren(x), DER_NULL) : x))],
    ];
    for (const [name, edit] of cases) {
      await rejectsWith(verifyDetachedCms(await resigned(p7s, { attrs: edit }), content, { anchors, now: NOW }), 'ERR_JPKI_CMS').catch((e) => expect.fail(`${name}: ${e}`));
    }
  });

  it('refuses signed-only attributes among the unsigned ones, and unsignedAttrs that are no SET OF Attribute', async () => {
    const { p7s, anchors } = await setup();
    const unsigned = (...attrs: Uint8Array[]) => encodeTlv(contextTag(1, true), ...attrs);
    for (const extra of [
      unsigned(attribute(OID.messageDigest, encodeOctetString(new Uint8Array(32)))),
      unsigned(attribute(OID.contentType, encodeOid(OID.tstInfo))),
      unsigned(attribute(OID.signingTime, encodeTime(NOW))),
      unsigned(encodeInteger(1)),
    ]) {
      await rejectsWith(verifyDetachedCms(await resigned(p7s, { signerInfo: (e) => [...e, extra] }), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
    }
    // An unsigned countersignature is where it belongs.
    const ok = await resigned(p7s, { signerInfo: (e) => [...e, unsigned(attribute(OID.countersignature, encodeSequence(encodeInteger(1))))] });
    expect((await verifyDetachedCms(ok, content, { anchors, now: NOW })).status).toBe('valid');
  });

  it('refuses certificates and crls entries that are no CertificateChoices / RevocationInfoChoice', async () => {
    const { p7s, anchors } = await setup();
    const withCerts = (extra: Uint8Array) => resigned(p7s, { signedData: ([v, algs, encap, certs, ...rest]) => [v!, algs!, encap!, encodeTlv(contextTag(0, true), ...derChildren(certs!), extra), ...rest] });
    for (const extra of [encodeInteger(1), encodeOctetString(Uint8Array.of(1, 2))]) {
      await rejectsWith(verifyDetachedCms(await withCerts(extra), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
    }
    // An attribute certificate ([2]) is a CertificateChoices: skipped, not refused.
    expect((await verifyDetachedCms(await withCerts(encodeTlv(contextTag(2, true), DER_NULL)), content, { anchors, now: NOW })).status).toBe('valid');
    const withCrls = await resigned(p7s, { signedData: (e) => [...e.slice(0, -1), encodeTlv(contextTag(1, true), encodeInteger(1)), e.at(-1)!] });
    await rejectsWith(verifyDetachedCms(withCrls, content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
  });

  it('a content type other than id-data fails CONTENT_TYPE even when the attribute and eContentType agree', async () => {
    const { p7s, anchors } = await setup();
    const tst = await resigned(p7s, {
      attrs: (a) => replaceAttr(a, OID.contentType, attribute(OID.contentType, encodeOid(OID.tstInfo))),
      signedData: ([, algs, , ...rest]) => [encodeInteger(3), algs!, encodeSequence(encodeOid(OID.tstInfo)), ...rest],
    });
    const r = await verifyDetachedCms(tst, content, { anchors, now: NOW });
    expect(r.status).toBe('invalid');
    expect(statusOf(r, 'CONTENT_TYPE')).toMatchObject({ status: 'failed', detail: expect.stringContaining(OID.tstInfo) });
  });
});

describe('CMS: the SIGNATURE check says why it failed', () => {
  it('an unsupported algorithm (RSASSA-PSS, as openssl -keyopt rsa_padding_mode:pss), a mismatched hash, a wrong signature', async () => {
    const { p7s, anchors } = await setup();
    const algorithm = (oid: string, params: Uint8Array[] = [DER_NULL]) => (e: Uint8Array[]) => e.map((x, i) => (i === 4 ? encodeSequence(encodeOid(oid), ...params) : x));
    const cases: [string, Edits, string][] = [
      ['RSASSA-PSS', { signerInfo: algorithm('1.2.840.113549.1.1.10', []) }, 'unsupported signature algorithm 1.2.840.113549.1.1.10'],
      ['sha384WithRSAEncryption over a SHA-256 digest', { signerInfo: algorithm('1.2.840.113549.1.1.12') }, 'does not go with digestAlgorithm'],
      ['a signature of other bytes', { signerInfo: (e) => e.map((x, i) => (i === 5 ? x.map((b, j) => (j === x.length - 1 ? b ^ 1 : b)) : x)) }, 'does not verify'],
    ];
    for (const [name, edit, detail] of cases) {
      const r = await verifyDetachedCms(await resigned(p7s, edit), content, { anchors, now: NOW });
      expect(statusOf(r, 'SIGNATURE'), name).toMatchObject({ status: 'failed', detail: expect.stringContaining(detail) });
    }
  });
});

describe('CMS: a signer certificate whose keyUsage allows no signature (fuzz finding)', () => {
  it('fails SIGNER_PURPOSE despite the JPKI 署名用 policy, and the waiver does not change it', async () => {
    const { signCa, anchors } = await setup();
    const keOnly = await sameKeyCertificate(signCa, { cn: 'SHOMEIKEYENC', serial: 0x7002n, keyUsage: ['keyEncipherment'] });
    const p7s = await buildDetachedCms({
      content,
      certificate: keOnly.der,
      signingTime: new Date('2025-01-01T00:00:00Z'),
      sign: async (digestInfo) => rsaPkcs1SignDigest(testKey('signKey'), 'SHA-256', digestInfo.subarray(-32)),
    });
    for (const waive of [[], ['SIGNER_PURPOSE' as const]]) {
      const r = await verifyDetachedCms(p7s, content, { anchors, now: NOW, waive });
      expect(r.status).toBe('invalid');
      expect(statusOf(r, 'SIGNATURE')?.status).toBe('passed');
      expect(statusOf(r, 'SIGNER_PURPOSE')).toMatchObject({ status: 'failed', detail: expect.stringContaining('key usage') });
    }
  });
});

describe('CMS: which certificate signed does not depend on the order of the certificate set (fuzz finding)', () => {
  /** A CA with the TEST 署名用 CA's name and another key, and a certificate from it with the card certificate's serial (the same IssuerAndSerialNumber). */
  async function lookAlike(signCa: Uint8Array, cardCert: Uint8Array, publicKey: 'card' | 'other' | 'third') {
    const ca = parseCertificate(signCa);
    const fake = await buildCertificate({
      subject: ca.subject.der,
      serialNumber: 1n,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      publicKey: rsaPublicKeyOf(testKey('authCa')),
      signer: testRsaSigner(testKey('authCa')),
      basicConstraints: { cA: true },
      backend: nobleBackend,
    });
    return buildCertificate({
      subject: { C: 'JP', CN: 'SHOMEIDECOY' },
      issuer: fake,
      serialNumber: BigInt(`0x${parseCertificate(cardCert).serialNumber}`),
      notBefore: new Date('2024-06-01T00:00:00Z'),
      notAfter: new Date('2029-06-01T00:00:00Z'),
      publicKey: rsaPublicKeyOf(testKey(publicKey === 'card' ? 'signKey' : publicKey === 'other' ? 'authKey' : 'signCa')),
      signer: testRsaSigner(testKey('authCa')),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      certificatePolicies: [JpkiPolicyOid.SIGN],
      backend: nobleBackend,
    });
  }

  it('a decoy with the same IssuerAndSerialNumber, first or last, with another key or a copy of the card key', async () => {
    const { p7s, anchors, signCa, cert } = await setup();
    for (const key of ['other', 'card'] as const) {
      const decoy = await lookAlike(signCa, cert, key);
      for (const first of [true, false]) {
        const withDecoy = await resigned(p7s, {
          signedData: ([v, algs, encap, certs, ...rest]) => {
            const list = derChildren(certs!);
            return [v!, algs!, encap!, encodeTlv(contextTag(0, true), ...(first ? [decoy.der, ...list] : [...list, decoy.der])), ...rest];
          },
        });
        const r = await verifyDetachedCms(withDecoy, content, { anchors, now: NOW });
        expect(r.status, `${key} key, decoy ${first ? 'first' : 'last'}`).toBe('valid');
        expect(r.signers[0]!.certificate?.der).toEqual(cert);
      }
    }
  });

  it('the verifications are bounded: many SignerInfos times look-alikes of distinct keys is ERR_JPKI_CMS, not 1,000 RSA verifications', async () => {
    const { p7s, anchors, signCa, cert } = await setup();
    const decoys = [await lookAlike(signCa, cert, 'other'), await lookAlike(signCa, cert, 'third')];
    const many = (signerInfos: number) =>
      resigned(p7s, {
        signedData: ([v, algs, encap, certs, infos]) => {
          const si = derChildren(infos!)[0]!;
          return [v!, algs!, encap!, encodeTlv(contextTag(0, true), ...decoys.map((d) => d.der), ...derChildren(certs!)), encodeTlv(Tag.SET, ...Array.from({ length: signerInfos }, () => si))];
        },
      });
    // 3 keys per sid: 21 SignerInfos are 63 verifications, still read; 22 are 66, over the bound.
    expect((await verifyDetachedCms(await many(21), content, { anchors, now: NOW })).status).toBe('valid');
    const e = await rejectsWith(verifyDetachedCms(await many(22), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
    expect(e.message).toMatch(/signature verifications/);
  });
});

describe('CMS: a SignerInfo may name its signer by subjectKeyIdentifier (RFC 5652 §5.3, version 3; openssl cms -keyid)', () => {
  it('a version 3 SignerInfo with a [0] subjectKeyIdentifier sid verifies, in a version 3 SignedData only; the version and the sid form must agree', async () => {
    const { p7s, anchors, cert } = await setup();
    const ski = parseCertificate(cert).subjectKeyIdentifier!.keyIdentifier;
    const keyId = (id: Uint8Array) => encodeTlv(contextTag(0, false), id);
    const edit = (signerInfoVersion: number, sid: Uint8Array | undefined, signedDataVersion: number) =>
      resigned(p7s, {
        signerInfo: ([, issuerSerial, ...rest]) => [encodeInteger(BigInt(signerInfoVersion)), sid ?? issuerSerial!, ...rest],
        signedData: ([, ...rest]) => [encodeInteger(BigInt(signedDataVersion)), ...rest],
      });
    const byKeyId = await verifyDetachedCms(await edit(3, keyId(ski), 3), content, { anchors, now: NOW });
    expect(byKeyId.status).toBe('valid');
    expect(byKeyId.signers[0]!.certificate?.der).toEqual(parseCertificate(cert).der);
    // Another key identifier names no certificate of the set.
    const unknown = await verifyDetachedCms(await edit(3, keyId(ski.map((b) => b ^ 0xff)), 3), content, { anchors, now: NOW });
    expect(unknown.status).toBe('invalid');
    expect(unknown.signers[0]!.certificate).toBeNull();
    await rejectsWith(verifyDetachedCms(await edit(3, keyId(ski), 1), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
    await rejectsWith(verifyDetachedCms(await edit(3, undefined, 3), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
    await rejectsWith(verifyDetachedCms(await edit(1, keyId(ski), 3), content, { anchors, now: NOW }), 'ERR_JPKI_CMS');
  });
});
