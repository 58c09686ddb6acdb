/**
 * The CMS signer's purpose and digest (issue 15 item 5): a CMS signed on the virtual card
 * with the JPKI AUTHENTICATION key (4-digit login PIN) is not a valid signature even when
 * the anchors include both CAs, unless the caller waives `SIGNER_PURPOSE` by name; SHA-1 is
 * refused unless `DIGEST_ALGORITHM` is waived. Both show in the report.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble.js';
import { rsaPkcs1SignDigest } from '../../src/crypto/rsa.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { buildDetachedCms, type CmsVerification, verifyDetachedCms } from '../../src/jpki/cms.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY as ID } from '../../src/jpki/simulator/index.js';
import { testKey } from '../../src/jpki/simulator/test-keys.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { contextTag, DER_NULL, encodeInteger, encodeOctetString, encodeOid, encodeSequence, encodeSetOf, encodeTime, encodeTlv } from '../../src/x509/der.js';
import { virtualCard } from './helpers.js';

const content = utf8Encode('I agree to the contract.\n');
const NOW = new Date('2025-06-01T00:00:00Z');
const statusOf = (r: CmsVerification, id: string) => r.signers[0]!.checks.find((c) => c.id === id);

async function card() {
  const c = new MyNumberCard(await virtualCard());
  return { card: c, anchors: [await c.readAuthCaCertificate(), await c.readSignCaCertificate()] };
}

/** A CMS over `content` made with the card's authentication key and certificate (what a login-PIN holder can make). */
async function signedWithAuthKey(c: MyNumberCard): Promise<Uint8Array> {
  const certificate = await c.readAuthCertificate();
  return buildDetachedCms({
    content,
    certificate,
    sign: (digestInfo) => c.signDigest('auth', 'SHA-256', digestInfo.subarray(-32), ID.pins.auth),
    signingTime: new Date('2025-01-01T00:00:00Z'),
  });
}

/**
 * A detached CMS with SHA-1 digest and sha1WithRSAEncryption, signed in software with the
 * virtual card's TEST sign key (buildDetachedCms refuses SHA-1, so it is assembled here
 * with the DER helpers: RFC 5652 §5 layout, SHA-1 OIDs 1.3.14.3.2.26 and 1.2.840.113549.1.1.5).
 */
async function sha1Cms(certificateDer: Uint8Array): Promise<Uint8Array> {
  const cert = parseCertificate(certificateDer);
  const sha1 = encodeSequence(encodeOid('1.3.14.3.2.26'));
  const attribute = (oid: string, value: Uint8Array) => encodeSequence(encodeOid(oid), encodeSetOf(value));
  const attrs = encodeSetOf(
    attribute('1.2.840.113549.1.9.3', encodeOid('1.2.840.113549.1.7.1')),
    attribute('1.2.840.113549.1.9.5', encodeTime(new Date('2025-01-01T00:00:00Z'))),
    attribute('1.2.840.113549.1.9.4', encodeOctetString(await nobleBackend.digest('SHA-1', content))),
  );
  const signature = rsaPkcs1SignDigest(testKey('signKey'), 'SHA-1', await nobleBackend.digest('SHA-1', attrs));
  const signedAttrs = Uint8Array.of(contextTag(0, true), ...attrs.subarray(1));
  const sid = encodeSequence(cert.issuer.der, encodeInteger(BigInt(`0x${cert.serialNumber}`)));
  const signerInfo = encodeSequence(encodeInteger(1), sid, sha1, signedAttrs, encodeSequence(encodeOid('1.2.840.113549.1.1.5'), DER_NULL), encodeOctetString(signature));
  const signedData = encodeSequence(encodeInteger(1), encodeSetOf(sha1), encodeSequence(encodeOid('1.2.840.113549.1.7.1')), encodeTlv(contextTag(0, true), cert.der), encodeSetOf(signerInfo));
  return encodeSequence(encodeOid('1.2.840.113549.1.7.2'), encodeTlv(contextTag(0, true), signedData));
}

describe('CMS signer purpose', () => {
  it('a CMS made with the authentication key does not verify as a signature, whatever the anchors', async () => {
    const { card: c, anchors } = await card();
    const p7s = await signedWithAuthKey(c);
    const r = await verifyDetachedCms(p7s, content, { anchors, now: NOW });
    expect(r.valid).toBe(false);
    expect(r.status).toBe('invalid');
    // Everything else holds: the signature, the digest and the chain to the auth CA.
    expect(statusOf(r, 'SIGNATURE')?.status).toBe('passed');
    expect(statusOf(r, 'MESSAGE_DIGEST')?.status).toBe('passed');
    expect(statusOf(r, 'CERTIFICATE_CHAIN')?.status).toBe('passed');
    expect(statusOf(r, 'SIGNER_PURPOSE')).toMatchObject({ status: 'failed', detail: expect.stringContaining('利用者証明用') });
  });

  it('waive: [SIGNER_PURPOSE] accepts it explicitly, and the report says so', async () => {
    const { card: c, anchors } = await card();
    const r = await verifyDetachedCms(await signedWithAuthKey(c), content, { anchors, now: NOW, waive: ['SIGNER_PURPOSE'] });
    expect(r.valid).toBe(true);
    expect(statusOf(r, 'SIGNER_PURPOSE')).toMatchObject({ status: 'waived', detail: expect.stringContaining('JPKI 利用者証明用 certificate accepted') });
  });

  it('the sign key passes SIGNER_PURPOSE (and waiving it changes nothing for a passing check)', async () => {
    const { card: c, anchors } = await card();
    const p7s = await c.cmsSign(content, ID.pins.sign, { signingTime: new Date('2025-01-01T00:00:00Z') });
    for (const waive of [undefined, ['SIGNER_PURPOSE' as const]]) {
      const r = await verifyDetachedCms(p7s, content, { anchors, now: NOW, ...(waive ? { waive } : {}) });
      expect(r.valid).toBe(true);
      expect(statusOf(r, 'SIGNER_PURPOSE')?.status).toBe('passed');
      expect(statusOf(r, 'DIGEST_ALGORITHM')).toMatchObject({ status: 'passed', detail: 'SHA-256' });
    }
  });

  it('an unknown waive id is a RangeError naming it', async () => {
    const { card: c, anchors } = await card();
    const p7s = await signedWithAuthKey(c);
    await expect(verifyDetachedCms(p7s, content, { anchors, waive: ['SIGNATURE' as never] })).rejects.toThrow(RangeError);
  });
});

describe('CMS digest algorithm', () => {
  it('SHA-1 is refused by default and accepted only with waive: [DIGEST_ALGORITHM], shown as waived', async () => {
    const { card: c, anchors } = await card();
    const p7s = await sha1Cms(await c.readSignCertificate(ID.pins.sign));
    const refused = await verifyDetachedCms(p7s, content, { anchors, now: NOW });
    expect(refused.valid).toBe(false);
    expect(statusOf(refused, 'DIGEST_ALGORITHM')).toMatchObject({ status: 'failed', detail: 'SHA-1 is not accepted for signatures' });
    // The structure itself is sound: the signature and digest verify.
    expect(statusOf(refused, 'SIGNATURE')?.status).toBe('passed');
    expect(statusOf(refused, 'MESSAGE_DIGEST')?.status).toBe('passed');
    const accepted = await verifyDetachedCms(p7s, content, { anchors, now: NOW, waive: ['DIGEST_ALGORITHM'] });
    expect(accepted.valid).toBe(true);
    expect(statusOf(accepted, 'DIGEST_ALGORITHM')).toMatchObject({ status: 'waived', detail: expect.stringContaining('SHA-1 accepted') });
  });
});
