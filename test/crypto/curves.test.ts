/**
 * ECDSA on P-256/P-384/P-521, Ed25519 and X25519 on both backends: round trips, RFC 8032
 * §7.1 and RFC 7748 §6.1 known answers (vectors/rfc/), and interop with node:crypto
 * (an independent implementation) for the curves Wycheproof does not cover here.
 */
import { createECDH, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  curveFieldSize,
  ecPrivateKeyFromScalar,
  nobleBackend,
  nodeCryptoBackend,
  okpPrivateKeyFromSeed,
  publicKeyOf,
  webCryptoBackend,
} from '../../src/crypto/index.js';
import type { CryptoBackend, EcPrivateKey, HashAlg } from '../../src/crypto/index.js';
import { fromHex, toBase64Url, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { loadVector } from '../helpers/vectors.js';

interface Rfc8032 {
  readonly tests: readonly { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
}
interface Rfc7748 {
  readonly alicePrivate: string;
  readonly alicePublic: string;
  readonly bobPrivate: string;
  readonly bobPublic: string;
  readonly sharedSecret: string;
}

const rfc8032 = loadVector('rfc/rfc8032-ed25519.json') as Rfc8032;
const rfc7748 = loadVector('rfc/rfc7748-x25519.json') as Rfc7748;
const EC_CURVES = ['P-256', 'P-384', 'P-521'] as const;
const NODE_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;
const message = utf8Encode('mdoc and JPKI, one library');

const flip = (bytes: Uint8Array, index = 0) => {
  const copy = bytes.slice();
  copy[index]! ^= 1;
  return copy;
};

function nodePrivateKey(key: EcPrivateKey) {
  return createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: key.crv, x: toBase64Url(key.x), y: toBase64Url(key.y), d: toBase64Url(key.d) },
  });
}

describe.each([nobleBackend, webCryptoBackend, nodeCryptoBackend()!])('$name', (backend: CryptoBackend) => {
  it.each(EC_CURVES)('ECDSA %s: sign and verify with each SHA-2 hash; tampering is rejected', async (crv) => {
    const key = await backend.generateKeyPair(crv);
    const size = curveFieldSize(crv);
    expect([key.x.length, key.y.length, key.d.length]).toEqual([size, size, size]);
    expect(ecPrivateKeyFromScalar(crv, key.d)).toEqual(key);
    const pub = publicKeyOf(key);
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const sig = await backend.ecdsaSign(key, hash, message);
      expect(sig.length).toBe(2 * size);
      expect(await backend.ecdsaVerify(pub, hash, message, sig)).toBe(true);
      expect(await backend.ecdsaVerify(pub, hash, flip(message), sig)).toBe(false);
      expect(await backend.ecdsaVerify(pub, hash, message, flip(sig, size + 3))).toBe(false);
      const other: HashAlg = hash === 'SHA-256' ? 'SHA-384' : 'SHA-256';
      expect(await backend.ecdsaVerify(pub, other, message, sig)).toBe(false);
    }
  });

  it.each(EC_CURVES)('ECDSA %s interoperates with node:crypto in both directions', async (crv) => {
    const key = await backend.generateKeyPair(crv);
    const nodeKey = nodePrivateKey(key);
    const hash = crv === 'P-256' ? 'SHA-256' : crv === 'P-384' ? 'SHA-384' : 'SHA-512';
    const nodeHash = hash.replace('-', '').toLowerCase();
    const fromNode = nodeSign(nodeHash, message, { key: nodeKey, dsaEncoding: 'ieee-p1363' });
    expect(await backend.ecdsaVerify(publicKeyOf(key), hash, message, new Uint8Array(fromNode))).toBe(true);
    const ours = await backend.ecdsaSign(key, hash, message);
    const ok = nodeVerify(nodeHash, message, { key: createPublicKey(nodeKey), dsaEncoding: 'ieee-p1363' }, ours);
    expect(ok).toBe(true);
  });

  it.each(EC_CURVES)('ECDH %s: both sides agree, and agree with node:crypto', async (crv) => {
    const a = await backend.generateKeyPair(crv);
    const b = await backend.generateKeyPair(crv);
    const ab = await backend.ecdh(a, publicKeyOf(b));
    expect(ab.length).toBe(curveFieldSize(crv));
    expect(toHex(await backend.ecdh(b, publicKeyOf(a)))).toBe(toHex(ab));
    const node = createECDH(NODE_CURVE[crv]);
    node.setPrivateKey(a.d);
    expect(toHex(node.computeSecret(Uint8Array.of(4, ...b.x, ...b.y)))).toBe(toHex(ab));
  });

  it.each(rfc8032.tests)('Ed25519 RFC 8032 §7.1 $name', async (t) => {
    const key = okpPrivateKeyFromSeed('Ed25519', fromHex(t.secretKey));
    expect(toHex(key.x)).toBe(t.publicKey);
    const sig = await backend.ed25519Sign(key, fromHex(t.message));
    expect(toHex(sig)).toBe(t.signature);
    const pub = publicKeyOf(key);
    expect(await backend.ed25519Verify(pub, fromHex(t.message), sig)).toBe(true);
    expect(await backend.ed25519Verify(pub, Uint8Array.of(1), sig)).toBe(false);
    expect(await backend.ed25519Verify(pub, fromHex(t.message), flip(sig, 40))).toBe(false);
  });

  it('Ed25519: generated keys sign and verify; another key does not verify', async () => {
    const key = await backend.generateKeyPair('Ed25519');
    const other = await backend.generateKeyPair('Ed25519');
    expect(okpPrivateKeyFromSeed('Ed25519', key.d)).toEqual(key);
    const sig = await backend.ed25519Sign(key, message);
    expect(sig.length).toBe(64);
    expect(await backend.ed25519Verify(publicKeyOf(key), message, sig)).toBe(true);
    expect(await backend.ed25519Verify(publicKeyOf(other), message, sig)).toBe(false);
    expect(await backend.ed25519Verify(publicKeyOf(key), flip(message), sig)).toBe(false);
  });

  it('X25519 RFC 7748 §6.1: public keys and the shared secret', async () => {
    const alice = okpPrivateKeyFromSeed('X25519', fromHex(rfc7748.alicePrivate));
    const bob = okpPrivateKeyFromSeed('X25519', fromHex(rfc7748.bobPrivate));
    expect(toHex(alice.x)).toBe(rfc7748.alicePublic);
    expect(toHex(bob.x)).toBe(rfc7748.bobPublic);
    expect(toHex(await backend.ecdh(alice, publicKeyOf(bob)))).toBe(rfc7748.sharedSecret);
    expect(toHex(await backend.ecdh(bob, publicKeyOf(alice)))).toBe(rfc7748.sharedSecret);
  });

  it('X25519: generated keys agree both ways', async () => {
    const a = await backend.generateKeyPair('X25519');
    const b = await backend.generateKeyPair('X25519');
    expect(okpPrivateKeyFromSeed('X25519', a.d)).toEqual(a);
    const ab = await backend.ecdh(a, publicKeyOf(b));
    expect(ab.length).toBe(32);
    expect(toHex(await backend.ecdh(b, publicKeyOf(a)))).toBe(toHex(ab));
  });
});

