/**
 * verifyJpkiAuthentication on its own (no status): the signature forms real clients send,
 * the purpose, validity and chain checks, a real production 利用者証明用 certificate (its
 * directory-name CRL distribution point reported, its OCSP URL read), and misuse.
 */
import { describe, expect, it } from 'vitest';
import { encodeDigestInfo } from '../../src/crypto/rsa.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY } from '../../src/jpki/simulator/index.js';
import { verifyJpkiAuthentication } from '../../src/jpki/verify-auth.js';
import { JPKI_AUTH_CA_2019, loadTrustAnchors, ocspUrls, parseCertificate } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVectorText } from '../helpers/vectors.js';
import { virtualCard } from './helpers.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const PIN = DEFAULT_TEST_IDENTITY.pins.auth;
const challenge = utf8Encode('nonce 0123456789abcdef0123456789abcdef');

async function card() {
  const c = new MyNumberCard(await virtualCard());
  return { c, cert: await c.readAuthCertificate(), ca: await c.readAuthCaCertificate(), signCa: await c.readSignCaCertificate() };
}
const status = (r: { checks: readonly { id: string; status: string }[] }, id: string) => r.checks.find((c) => c.id === id)?.status;
const failedIds = (r: { checks: readonly { id: string; status: string; required: boolean }[] }) => r.checks.filter((c) => c.status === 'failed' && c.required).map((c) => c.id);

describe.each(BACKENDS)('verifyJpkiAuthentication (%s)', (_name, backend) => {
  it('accepts SHA-256, SHA-384 and SHA-512 DigestInfo signatures; SHA-1 only when listed', async () => {
    const { c, cert, ca } = await card();
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const signature = await c.signWithAuthKey(challenge, PIN, { hash });
      const r = await verifyJpkiAuthentication({ challenge, signature, certificate: cert }, { anchors: [ca], now: NOW, backend });
      expect([r.valid, r.hash, r.form]).toEqual([true, hash, 'message']);
    }
    const sha1 = await c.signWithAuthKey(challenge, PIN, { hash: 'SHA-1' });
    const refused = await verifyJpkiAuthentication({ challenge, signature: sha1, certificate: cert }, { anchors: [ca], now: NOW, backend });
    expect(failedIds(refused)).toEqual(['SIGNATURE']);
    const allowed = await verifyJpkiAuthentication({ challenge, signature: sha1, certificate: cert }, { anchors: [ca], now: NOW, backend, hashes: ['SHA-1'] });
    expect([allowed.valid, allowed.hash]).toEqual([true, 'SHA-1']);
  });

  it('accepts a challenge that is itself a DigestInfo, signed as given (the digest-info form)', async () => {
    const { c, cert, ca } = await card();
    const digest = await backend.digest('SHA-256', utf8Encode('server-side session 42'));
    const digestInfo = encodeDigestInfo('SHA-256', digest);
    const signature = await c.signDigest('auth', 'SHA-256', digest, PIN);
    const r = await verifyJpkiAuthentication({ challenge: digestInfo, signature, certificate: cert }, { anchors: [ca], now: NOW, backend });
    expect([r.valid, r.hash, r.form]).toEqual([true, 'SHA-256', 'digest-info']);
  });

  it('refuses another challenge, a sign-key signature with the sign certificate, an expired certificate and another anchor', async () => {
    const { c, cert, ca, signCa } = await card();
    const signature = await c.signWithAuthKey(challenge, PIN);
    const other = await verifyJpkiAuthentication({ challenge: utf8Encode('another nonce'), signature, certificate: cert }, { anchors: [ca], now: NOW, backend });
    expect(failedIds(other)).toEqual(['SIGNATURE']);
    const signCert = await c.readSignCertificate(DEFAULT_TEST_IDENTITY.pins.sign);
    const bySignKey = await c.signWithSignKey(challenge, DEFAULT_TEST_IDENTITY.pins.sign);
    const wrongKind = await verifyJpkiAuthentication({ challenge, signature: bySignKey, certificate: signCert }, { anchors: [signCa], now: NOW, backend });
    expect(failedIds(wrongKind)).toEqual(['POLICY']);
    expect(wrongKind.checks.find((x) => x.id === 'POLICY')?.detail).toContain('署名用');
    const later = new Date('2040-01-01T00:00:00Z');
    const expired = await verifyJpkiAuthentication({ challenge, signature, certificate: cert }, { anchors: [ca], now: later, backend });
    expect(failedIds(expired)).toEqual(['VALIDITY', 'CHAIN']);
    expect(status(expired, 'CERTIFICATE_STATUS')).toBe('skipped');
    const untrusted = await verifyJpkiAuthentication({ challenge, signature, certificate: cert }, { anchors: [signCa], now: NOW, backend });
    expect(failedIds(untrusted)).toEqual(['CHAIN']);
    const flipped = signature.slice();
    flipped[10] = flipped[10]! ^ 1;
    expect(failedIds(await verifyJpkiAuthentication({ challenge, signature: flipped, certificate: cert }, { anchors: [ca], now: NOW, backend }))).toEqual(['SIGNATURE']);
    expect(failedIds(await verifyJpkiAuthentication({ challenge, signature: signature.subarray(1), certificate: cert }, { anchors: [ca], now: NOW, backend }))).toEqual(['SIGNATURE']);
  });

  it('reports a certificate that does not parse as a failed check, not a throw', async () => {
    const r = await verifyJpkiAuthentication({ challenge, signature: new Uint8Array(256), certificate: Uint8Array.of(0x30, 0x03, 0x02, 0x01) }, { anchors: [], now: NOW, backend });
    expect(r.valid).toBe(false);
    expect(failedIds(r)).toEqual(['CERTIFICATE']);
    expect(status(r, 'SIGNATURE')).toBe('skipped');
  });
});

describe('verifyJpkiAuthentication with a real J-LIS certificate', () => {
  it('chains to authca02 while valid, reports its directory-name CRL distribution point and reads its OCSP URL', async () => {
    const pem = loadVectorText('jpki/real-auth-cert-expired.pem');
    const r = await verifyJpkiAuthentication({ challenge, signature: new Uint8Array(256), certificate: pem }, { anchors: loadTrustAnchors(JPKI_AUTH_CA_2019), now: new Date('2023-01-01T00:00:00Z') });
    expect(failedIds(r)).toEqual(['SIGNATURE']);
    expect(status(r, 'POLICY')).toBe('passed');
    expect(status(r, 'CHAIN')).toBe('passed');
    expect(r.crlDistributionPoints).toHaveLength(1);
    expect(r.crlDistributionPoints[0]).toContain('CRL Distribution Points');
    expect(r.checks.find((c) => c.id === 'CRL')?.detail).toContain('directory names, not fetched');
    expect(ocspUrls(parseCertificate(pem))).toEqual(['http://ocspauthnorm.jpki.go.jp']);
  });

  it('throws TypeError / RangeError for misuse', async () => {
    const cert = loadVectorText('jpki/real-auth-cert-expired.pem');
    const ok = { challenge, signature: new Uint8Array(256), certificate: cert };
    await expect(verifyJpkiAuthentication({ ...ok, challenge: 'x' as never }, { anchors: [] })).rejects.toThrow(TypeError);
    await expect(verifyJpkiAuthentication({ ...ok, challenge: new Uint8Array(0) }, { anchors: [] })).rejects.toThrow(RangeError);
    await expect(verifyJpkiAuthentication({ ...ok, signature: [] as never }, { anchors: [] })).rejects.toThrow(TypeError);
    await expect(verifyJpkiAuthentication(ok, {} as never)).rejects.toThrow(TypeError);
    await expect(verifyJpkiAuthentication(ok, { anchors: [], hashes: ['MD5' as never] })).rejects.toThrow(RangeError);
    await expect(verifyJpkiAuthentication(ok, { anchors: [], status: { require: 'sometimes' as never } })).rejects.toThrow(RangeError);
    await expect(verifyJpkiAuthentication(ok, { anchors: [], status: { ocsp: {} as never } })).rejects.toThrow(TypeError);
  });
});
