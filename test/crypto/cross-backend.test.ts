/**
 * The three backends against each other: what one signs the other verifies, ECDH gives one
 * secret whichever side computes it, and AES-GCM, HKDF, HMAC and digests are byte-identical.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeCryptoBackend, publicKeyOf, webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend, HashAlg } from '../../src/crypto/index.js';
import { toHex, utf8Encode } from '../../src/internal/bytes.js';

const message = utf8Encode('Sig_structure stand-in');
const directions: [string, CryptoBackend, CryptoBackend][] = [
  ['noble → webcrypto', nobleBackend, webCryptoBackend],
  ['webcrypto → noble', webCryptoBackend, nobleBackend],
  ['node → noble', nodeCryptoBackend()!, nobleBackend],
  ['noble → node', nobleBackend, nodeCryptoBackend()!],
  ['node → webcrypto', nodeCryptoBackend()!, webCryptoBackend],
];

describe.each(directions)('%s', (_title, a, b) => {
  it.each(['P-256', 'P-384', 'P-521'] as const)('ECDSA %s: signed by one, verified by the other', async (crv) => {
    const key = await a.generateKeyPair(crv);
    const sig = await a.ecdsaSign(key, 'SHA-256', message);
    expect(await b.ecdsaVerify(publicKeyOf(key), 'SHA-256', message, sig)).toBe(true);
    expect(await b.ecdsaVerify(publicKeyOf(key), 'SHA-256', utf8Encode('other'), sig)).toBe(false);
  });

  it('Ed25519: signed by one, verified by the other; signatures are identical', async () => {
    const key = await a.generateKeyPair('Ed25519');
    const sig = await a.ed25519Sign(key, message);
    expect(await b.ed25519Verify(publicKeyOf(key), message, sig)).toBe(true);
    expect(toHex(await b.ed25519Sign(key, message))).toBe(toHex(sig));
  });

  it.each(['P-256', 'P-384', 'P-521', 'X25519'] as const)('ECDH %s: one secret, whichever backend computes it', async (crv) => {
    const mine = await a.generateKeyPair(crv);
    const theirs = await b.generateKeyPair(crv);
    const secret = await a.ecdh(mine, publicKeyOf(theirs));
    expect(toHex(await b.ecdh(theirs, publicKeyOf(mine)))).toBe(toHex(secret));
    expect(toHex(await b.ecdh(mine, publicKeyOf(theirs)))).toBe(toHex(secret));
  });

  it.each([
    [16, 12],
    [24, 12],
    [32, 12],
    [16, 8],
    [32, 16],
    [16, 200],
  ])('AES-GCM key %i bytes, IV %i bytes: identical ciphertext, decrypted by the other', async (keyLength, ivLength) => {
    const key = a.randomBytes(keyLength);
    const iv = a.randomBytes(ivLength);
    const aad = utf8Encode('SessionTranscript');
    for (const plaintext of [new Uint8Array(0), message, a.randomBytes(1000)]) {
      const sealed = await a.aesGcmEncrypt(key, iv, plaintext, aad);
      expect(toHex(await b.aesGcmEncrypt(key, iv, plaintext, aad))).toBe(toHex(sealed));
      expect(toHex(await b.aesGcmDecrypt(key, iv, sealed, aad))).toBe(toHex(plaintext));
      expect(toHex(await b.aesGcmEncrypt(key, iv, plaintext))).toBe(toHex(await a.aesGcmEncrypt(key, iv, plaintext)));
    }
  });

  it.each(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const)('digest %s is identical', async (hash: HashAlg) => {
    for (const data of [new Uint8Array(0), message, a.randomBytes(5000)]) {
      expect(toHex(await b.digest(hash, data))).toBe(toHex(await a.digest(hash, data)));
    }
  });

  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)('HMAC and HKDF with %s are identical', async (hash) => {
    for (const keyLength of [0, 1, 32, 200]) {
      const key = a.randomBytes(keyLength);
      expect(toHex(await b.hmac(hash, key, message))).toBe(toHex(await a.hmac(hash, key, message)));
      const salt = a.randomBytes(keyLength);
      const okm = await a.hkdf(hash, key, salt, message, 77);
      expect(toHex(await b.hkdf(hash, key, salt, message, 77))).toBe(toHex(okm));
      expect(okm.length).toBe(77);
    }
    const [ikm, salt, info] = [a.randomBytes(32), a.randomBytes(16), message];
    for (const length of [0, 1, 32, 100]) {
      expect(toHex(await b.hkdf(hash, ikm, salt, info, length))).toBe(toHex(await a.hkdf(hash, ikm, salt, info, length)));
    }
  });
});
