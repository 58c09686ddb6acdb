/**
 * The RSA private-key operations added to src/crypto/rsa.ts for the virtual card:
 * RSASSA-PKCS1-v1_5 signing with the CRT (checked by node:crypto), payload verification
 * for non-standard DigestInfos, and the key checks.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  rsaPkcs1SignDigest,
  rsaPkcs1SignPayload,
  rsaPkcs1VerifyDigest,
  rsaPkcs1VerifyPayload,
  rsaPrivateKeyFromHex,
  rsaPublicKeyOf,
} from '../../src/crypto/rsa.js';
import { CryptoError } from '../../src/errors.js';
import { fromHex, toBase64Url, utf8Encode } from '../../src/internal/bytes.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { testKey } from '../../src/jpki/simulator/test-keys.js';

const key = testKey('signKey');
const jwk = createPublicKey({ key: { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e) }, format: 'jwk' });
const message = utf8Encode('RSA signing for the virtual card');

describe('RSA private-key operations', () => {
  for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
    it(`signs a ${hash} digest that node:crypto verifies`, async () => {
      const sig = rsaPkcs1SignDigest(key, hash, await nobleBackend.digest(hash, message));
      expect(nodeVerify(hash.replace('-', '').toLowerCase(), message, jwk, sig)).toBe(true);
    });
  }

  it('signs and verifies an arbitrary payload (the card-face DigestInfo form)', () => {
    const payload = fromHex(`3071300d060960864801650304020105000460${'ab'.repeat(96)}`);
    const sig = rsaPkcs1SignPayload(key, payload);
    const pub = rsaPublicKeyOf(key);
    expect(rsaPkcs1VerifyPayload(pub, payload, sig)).toBe(true);
    payload[20]! ^= 1;
    expect(rsaPkcs1VerifyPayload(pub, payload, sig)).toBe(false);
    expect(rsaPkcs1VerifyPayload(pub, payload, sig.subarray(1))).toBe(false);
    expect(rsaPkcs1VerifyPayload(pub, new Uint8Array(250), sig)).toBe(false);
  });

  it('agrees with rsaPkcs1VerifyDigest', () => {
    const digest = new Uint8Array(32).fill(3);
    expect(rsaPkcs1VerifyDigest(rsaPublicKeyOf(key), 'SHA-256', digest, rsaPkcs1SignDigest(key, 'SHA-256', digest))).toBe(true);
  });

  it('refuses a payload above k − 11 bytes, inconsistent CRT parameters and incomplete keys', () => {
    expect(() => rsaPkcs1SignPayload(key, new Uint8Array(246))).toThrow(RangeError);
    const bad = { ...key, dp: key.dq };
    expect(() => rsaPkcs1SignPayload(bad, Uint8Array.of(1))).toThrow(CryptoError);
    const other = testKey('authKey');
    expect(() => rsaPkcs1SignPayload({ ...key, p: other.p }, Uint8Array.of(1))).toThrow(CryptoError);
    expect(() => rsaPkcs1SignPayload({ ...key, qi: undefined } as never, Uint8Array.of(1))).toThrow(CryptoError);
    expect(() => rsaPrivateKeyFromHex({ n: 'zz', e: '', d: '', p: '', q: '', dp: '', dq: '', qi: '' })).toThrow(TypeError);
  });
});
