/**
 * The behaviour the three backends share (see src/crypto/noble.ts): every error code, malformed
 * signatures returning false, argument errors; then the WebCrypto backend's plumbing:
 * no crypto.subtle, falling back to noble, key caching, defaultBackend / resolveBackend.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createWebCryptoBackend,
  defaultBackend,
  ecPublicKeyFromRaw,
  nobleBackend,
  nodeCryptoBackend,
  publicKeyOf,
  resolveBackend,
  webCryptoBackend,
} from '../../src/crypto/index.js';
import type {
  CryptoBackend,
  Curve,
  EcPrivateKey,
  EcPublicKey,
  HashAlg,
  OkpPrivateKey,
  OkpPublicKey,
} from '../../src/crypto/index.js';
import { concat, fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';

const message = utf8Encode('DeviceAuthentication');
const code = (c: string) => expect.objectContaining({ code: c });
const flip = (bytes: Uint8Array, index = 0) => {
  const copy = bytes.slice();
  copy[index]! ^= 1;
  return copy;
};

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Make this process look like a runtime without node:crypto (a browser or a worker). */
const withoutNodeCrypto = () => vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);

describe.each([nobleBackend, webCryptoBackend, nodeCryptoBackend()!])('$name', (backend: CryptoBackend) => {
  it('ERR_CRYPTO_KEY: off-curve or malformed public keys, inconsistent private keys', async () => {
    const key = await backend.generateKeyPair('P-256');
    const offCurve: EcPublicKey = { ...publicKeyOf(key), y: flip(key.y, 31) };
    const sig = await backend.ecdsaSign(key, 'SHA-256', message);
    await expect(backend.ecdsaVerify(offCurve, 'SHA-256', message, sig)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    await expect(backend.ecdsaVerify({ ...offCurve, x: key.x.subarray(1) }, 'SHA-256', message, sig)).rejects.toEqual(
      code('ERR_CRYPTO_KEY'),
    );
    const mismatched: EcPrivateKey = { ...key, d: flip(key.d, 31) };
    await expect(backend.ecdsaSign(mismatched, 'SHA-256', message)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    await expect(backend.ecdsaSign({ ...key, d: new Uint8Array(32) }, 'SHA-256', message)).rejects.toEqual(
      code('ERR_CRYPTO_KEY'),
    );

    const ed = await backend.generateKeyPair('Ed25519');
    // y = 2^255 - 1 ≥ p: not a canonical point encoding (RFC 8032 §5.1.3).
    const notAPoint: OkpPublicKey = { kty: 'OKP', crv: 'Ed25519', x: concat(new Uint8Array(31).fill(0xff), Uint8Array.of(0x7f)) };
    await expect(backend.ed25519Verify(notAPoint, message, new Uint8Array(64))).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    await expect(backend.ed25519Verify({ ...publicKeyOf(ed), crv: 'X25519' }, message, new Uint8Array(64))).rejects.toEqual(
      code('ERR_CRYPTO_KEY'),
    );
    await expect(backend.ed25519Sign({ ...ed, x: flip(ed.x) }, message)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    const x = await backend.generateKeyPair('X25519');
    await expect(backend.ecdh(ed as unknown as OkpPrivateKey, publicKeyOf(x))).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    await expect(backend.ecdh({ ...x, d: new Uint8Array(31) }, publicKeyOf(x))).rejects.toEqual(code('ERR_CRYPTO_KEY'));
  });

  it('a public key object used again and then changed in place verifies with its new coordinates only', async () => {
    const [a, b] = [await backend.generateKeyPair('P-256'), await backend.generateKeyPair('P-256')];
    const [sigA, sigB] = [await backend.ecdsaSign(a, 'SHA-256', message), await backend.ecdsaSign(b, 'SHA-256', message)];
    const key = publicKeyOf(a);
    // Often enough for any cache to keep the key and remember it for this object.
    for (let i = 0; i < 4; i++) expect(await backend.ecdsaVerify(key, 'SHA-256', message, sigA)).toBe(true);
    key.x.set(b.x);
    key.y.set(b.y);
    expect(await backend.ecdsaVerify(key, 'SHA-256', message, sigA)).toBe(false);
    expect(await backend.ecdsaVerify(key, 'SHA-256', message, sigB)).toBe(true);
    key.y[31]! ^= 1;
    await expect(backend.ecdsaVerify(key, 'SHA-256', message, sigB)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    key.y[31]! ^= 1;
    (key as { crv: string }).crv = 'P-384';
    await expect(backend.ecdsaVerify(key, 'SHA-256', message, sigB)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
  });

  it('a private key object changed in place after use is checked (and imported) again', async () => {
    const key = await backend.generateKeyPair('P-256');
    await backend.ecdsaSign(key, 'SHA-256', message);
    key.d[31]! ^= 1;
    await expect(backend.ecdsaSign(key, 'SHA-256', message)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    const other = await backend.generateKeyPair('P-256');
    key.d.set(other.d);
    key.x.set(other.x);
    key.y.set(other.y);
    const sig = await backend.ecdsaSign(key, 'SHA-256', message);
    expect(await backend.ecdsaVerify(publicKeyOf(other), 'SHA-256', message, sig)).toBe(true);
  });

  it('an AES key changed in place after use is imported again (the key object is cached)', async () => {
    const key = backend.randomBytes(32);
    const iv = backend.randomBytes(12);
    const sealedBefore = await backend.aesGcmEncrypt(key, iv, message);
    key[0]! ^= 1;
    const sealedAfter = await backend.aesGcmEncrypt(key, iv, message);
    expect(toHex(sealedAfter)).not.toBe(toHex(sealedBefore));
    expect(toHex(sealedAfter)).toBe(toHex(await nobleBackend.aesGcmEncrypt(key.slice(), iv, message)));
    await expect(backend.aesGcmDecrypt(key, iv, sealedBefore)).rejects.toEqual(code('ERR_CRYPTO_DECRYPT'));
    expect(toHex(await backend.aesGcmDecrypt(key, iv, sealedAfter))).toBe(toHex(message));
  });

  it('ERR_CRYPTO_DECRYPT: any change to tag, ciphertext, AAD, IV or key', async () => {
    const key = backend.randomBytes(16);
    for (const iv of [backend.randomBytes(12), backend.randomBytes(16)]) {
      const aad = utf8Encode('aad');
      const sealed = await backend.aesGcmEncrypt(key, iv, message, aad);
      expect(toHex(await backend.aesGcmDecrypt(key, iv, sealed, aad))).toBe(toHex(message));
      const attempts: [Uint8Array, Uint8Array, Uint8Array, Uint8Array | undefined][] = [
        [key, iv, flip(sealed, sealed.length - 1), aad],
        [key, iv, flip(sealed, 0), aad],
        [key, iv, sealed, flip(aad)],
        [key, iv, sealed, undefined],
        [key, flip(iv), sealed, aad],
        [flip(key), iv, sealed, aad],
        [key, iv, sealed.subarray(0, 15), aad],
        [key, iv, new Uint8Array(0), aad],
      ];
      for (const [k, i, c, a] of attempts) {
        await expect(backend.aesGcmDecrypt(k, i, c, a)).rejects.toEqual(code('ERR_CRYPTO_DECRYPT'));
      }
    }
  });

  it('ERR_CRYPTO_ECDH: low-order X25519 points, another curve, an off-curve peer', async () => {
    const x = await backend.generateKeyPair('X25519');
    for (const u of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      await expect(backend.ecdh(x, { kty: 'OKP', crv: 'X25519', x: u })).rejects.toEqual(code('ERR_CRYPTO_ECDH'));
    }
    const ed = await backend.generateKeyPair('Ed25519');
    await expect(backend.ecdh(x, publicKeyOf(ed))).rejects.toEqual(code('ERR_CRYPTO_ECDH'));
    const p256 = await backend.generateKeyPair('P-256');
    const p384 = await backend.generateKeyPair('P-384');
    await expect(backend.ecdh(p256, publicKeyOf(p384))).rejects.toEqual(code('ERR_CRYPTO_ECDH'));
    await expect(backend.ecdh(p256, publicKeyOf(x))).rejects.toEqual(code('ERR_CRYPTO_ECDH'));
    await expect(backend.ecdh(p256, { ...publicKeyOf(p256), y: flip(p256.y, 31) })).rejects.toEqual(code('ERR_CRYPTO_ECDH'));
  });

  it('ERR_CRYPTO_UNSUPPORTED: SHA-1 outside digest and RSA, unknown hashes and curves', async () => {
    const key = await backend.generateKeyPair('P-256');
    await expect(backend.ecdsaSign(key, 'SHA-1', message)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    await expect(backend.ecdsaVerify(key, 'SHA-1', message, new Uint8Array(64))).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    await expect(backend.hmac('SHA-1', message, message)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    await expect(backend.hkdf('SHA-1', message, message, message, 20)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    await expect(backend.digest('MD5' as HashAlg, message)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    await expect(backend.digest('toString' as HashAlg, message)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    await expect(backend.generateKeyPair('secp256k1' as Curve)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
    expect((await backend.digest('SHA-1', message)).length).toBe(20);
  });

  it('malformed signatures verify as false, never throw', async () => {
    const key = await backend.generateKeyPair('P-384');
    const pub = publicKeyOf(key);
    const sig = await backend.ecdsaSign(key, 'SHA-384', message);
    const n = ecOrder384;
    const [r, s] = [sig.subarray(0, 48), sig.subarray(48)];
    const malformed = [sig.subarray(1), concat(sig, Uint8Array.of(0)), new Uint8Array(0), new Uint8Array(96)];
    for (const bad of [...malformed, concat(n, s), concat(r, n)]) {
      expect(await backend.ecdsaVerify(pub, 'SHA-384', message, bad)).toBe(false);
    }
    const ed = await backend.generateKeyPair('Ed25519');
    const edSig = await backend.ed25519Sign(ed, message);
    const sTooBig = concat(edSig.subarray(0, 32), new Uint8Array(32).fill(0xff));
    for (const bad of [edSig.subarray(1), concat(edSig, Uint8Array.of(0)), new Uint8Array(64), sTooBig]) {
      expect(await backend.ed25519Verify(publicKeyOf(ed), message, bad)).toBe(false);
    }
  });

  it('argument errors: TypeError for non-bytes, RangeError for bad lengths', async () => {
    const key = backend.randomBytes(32);
    await expect(backend.digest('SHA-256', 'abc' as unknown as Uint8Array)).rejects.toThrow(TypeError);
    await expect(backend.aesGcmEncrypt(key.subarray(1), new Uint8Array(12), message)).rejects.toThrow(RangeError);
    await expect(backend.aesGcmEncrypt(key, new Uint8Array(7), message)).rejects.toThrow(RangeError);
    await expect(backend.aesGcmDecrypt(key, new Uint8Array(0), new Uint8Array(32))).rejects.toThrow(RangeError);
    for (const length of [255 * 32 + 1, -1, 1.5, Number.NaN]) {
      await expect(backend.hkdf('SHA-256', key, key, key, length)).rejects.toThrow(RangeError);
    }
    expect((await backend.hkdf('SHA-512', key, key, key, 255 * 64)).length).toBe(255 * 64);
    expect(() => backend.randomBytes(-1)).toThrow(RangeError);
  });

  it('randomBytes: any length, fresh each call', () => {
    expect(backend.randomBytes(0).length).toBe(0);
    const big = backend.randomBytes(100_000);
    expect(big.length).toBe(100_000);
    expect(toHex(backend.randomBytes(32))).not.toBe(toHex(backend.randomBytes(32)));
  });
});

/** n of P-384 (SP 800-186), as bytes: r = n or s = n is out of range. */
const ecOrder384 = fromHex(
  'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
);

/** A CryptoBackend whose every method fails: proves the WebCrypto backend did not fall back. */
const noFallback = new Proxy({} as CryptoBackend, {
  get: (_target, prop) =>
    prop === 'name'
      ? 'none'
      : () => {
          throw new Error(`fallback used for ${String(prop)}`);
        },
});

/** The real SubtleCrypto with every call counted, optionally refusing some algorithms. */
function instrumentedSubtle(refuse: (algorithm: unknown, keyData?: unknown) => boolean = () => false) {
  const real = globalThis.crypto.subtle;
  const calls: Record<string, number> = {};
  const subtle = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        const algorithm = prop === 'importKey' ? args[2] : prop === 'generateKey' ? args[0] : undefined;
        if (algorithm !== undefined && refuse(algorithm, args[1])) {
          return Promise.reject(new DOMException('not supported here', 'NotSupportedError'));
        }
        return value.apply(target, args);
      };
    },
  });
  return { subtle, calls };
}

const algorithmName = (a: unknown) => (typeof a === 'string' ? a : (a as { name: string }).name);

describe('webcrypto backend', () => {
  it('without crypto.subtle every operation is ERR_CRYPTO_UNSUPPORTED', async () => {
    withoutNodeCrypto();
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    for (const backend of [webCryptoBackend, createWebCryptoBackend()]) {
      await expect(backend.digest('SHA-256', message)).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
      await expect(backend.generateKeyPair('P-256')).rejects.toEqual(code('ERR_CRYPTO_UNSUPPORTED'));
      await expect(backend.aesGcmEncrypt(new Uint8Array(16), new Uint8Array(12), message)).rejects.toEqual(
        code('ERR_CRYPTO_UNSUPPORTED'),
      );
    }
    // Without WebCrypto the default is noble, loaded on its first operation: it answers as nobleBackend does.
    const fallback = defaultBackend();
    expect(fallback.name).toBe('noble');
    expect(await fallback.digest('SHA-256', message)).toEqual(await nobleBackend.digest('SHA-256', message));
  });

  it('defaultBackend and resolveBackend: node:crypto where the runtime has it, else WebCrypto', () => {
    expect(defaultBackend()).toBe(nodeCryptoBackend());
    expect(defaultBackend().name).toBe('node');
    expect(resolveBackend()).toBe(defaultBackend());
    expect(resolveBackend({ backend: nobleBackend })).toBe(nobleBackend);
    withoutNodeCrypto();
    expect(nodeCryptoBackend()).toBeUndefined();
    expect(defaultBackend()).toBe(webCryptoBackend);
    expect(resolveBackend()).toBe(webCryptoBackend);
    expect(resolveBackend({})).toBe(webCryptoBackend);
    expect(resolveBackend({ backend: nobleBackend })).toBe(nobleBackend);
  });

  it('does everything itself on Node 20 (no silent fallback)', async () => {
    const backend = createWebCryptoBackend(undefined, noFallback);
    for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
      expect(toHex(await backend.digest(hash, message))).toBe(toHex(await nobleBackend.digest(hash, message)));
    }
    const key = nobleBackend.randomBytes(32);
    expect(toHex(await backend.hmac('SHA-256', key, message))).toBe(toHex(await nobleBackend.hmac('SHA-256', key, message)));
    expect(toHex(await backend.hkdf('SHA-384', key, key, message, 50))).toBe(
      toHex(await nobleBackend.hkdf('SHA-384', key, key, message, 50)),
    );
    for (const crv of ['P-256', 'P-384', 'P-521'] as const) {
      const k = await backend.generateKeyPair(crv);
      const sig = await backend.ecdsaSign(k, 'SHA-256', message);
      expect(await backend.ecdsaVerify(k, 'SHA-256', message, sig)).toBe(true);
      expect(await backend.ecdsaVerify(k, 'SHA-256', message, flip(sig))).toBe(false);
      const peer = await nobleBackend.generateKeyPair(crv);
      expect(toHex(await backend.ecdh(k, peer))).toBe(toHex(await nobleBackend.ecdh(peer, k)));
    }
    const ed = await backend.generateKeyPair('Ed25519');
    expect(await backend.ed25519Verify(ed, message, await backend.ed25519Sign(ed, message))).toBe(true);
    const x = await backend.generateKeyPair('X25519');
    const peer = await nobleBackend.generateKeyPair('X25519');
    expect(toHex(await backend.ecdh(x, peer))).toBe(toHex(await nobleBackend.ecdh(peer, x)));
    for (const length of [16, 24, 32]) {
      const iv = nobleBackend.randomBytes(12);
      const sealed = await backend.aesGcmEncrypt(key.subarray(0, length), iv, message);
      expect(toHex(await backend.aesGcmDecrypt(key.subarray(0, length), iv, sealed))).toBe(toHex(message));
      await expect(backend.aesGcmDecrypt(key.subarray(0, length), iv, flip(sealed))).rejects.toEqual(code('ERR_CRYPTO_DECRYPT'));
    }
  });

  it('falls back to noble where SubtleCrypto lacks Ed25519, X25519, AES-192 or P-521', async () => {
    const { subtle } = instrumentedSubtle((algorithm, keyData) => {
      const name = algorithmName(algorithm);
      const curve = (algorithm as { namedCurve?: string }).namedCurve;
      return name === 'Ed25519' || name === 'X25519' || curve === 'P-521' || (name === 'AES-GCM' && (keyData as Uint8Array).length === 24);
    });
    const backend = createWebCryptoBackend(subtle);
    const rfc = await nobleBackend.generateKeyPair('Ed25519');
    const sig = await backend.ed25519Sign(rfc, message);
    expect(toHex(sig)).toBe(toHex(await nobleBackend.ed25519Sign(rfc, message)));
    expect(await backend.ed25519Verify(rfc, message, sig)).toBe(true);
    expect(await backend.ed25519Verify(rfc, flip(message), sig)).toBe(false);
    const generated = await backend.generateKeyPair('X25519');
    const peer = await nobleBackend.generateKeyPair('X25519');
    expect(toHex(await backend.ecdh(generated, peer))).toBe(toHex(await nobleBackend.ecdh(peer, generated)));
    await expect(backend.ecdh(generated, { kty: 'OKP', crv: 'X25519', x: new Uint8Array(32) })).rejects.toEqual(
      code('ERR_CRYPTO_ECDH'),
    );
    const p521 = await backend.generateKeyPair('P-521');
    expect(await backend.ecdsaVerify(p521, 'SHA-512', message, await backend.ecdsaSign(p521, 'SHA-512', message))).toBe(true);
    const key = nobleBackend.randomBytes(24);
    const iv = nobleBackend.randomBytes(12);
    const sealed = await backend.aesGcmEncrypt(key, iv, message);
    expect(toHex(sealed)).toBe(toHex(await nobleBackend.aesGcmEncrypt(key, iv, message)));
    await expect(backend.aesGcmDecrypt(key, iv, flip(sealed))).rejects.toEqual(code('ERR_CRYPTO_DECRYPT'));
  });

  it('imports an ECDH peer once per key object and an HKDF input once for its derivations, again when either changed in place', async () => {
    const { subtle, calls } = instrumentedSubtle();
    const backend = createWebCryptoBackend(subtle);
    const [a, b, c] = [await nobleBackend.generateKeyPair('P-256'), await nobleBackend.generateKeyPair('P-256'), await nobleBackend.generateKeyPair('P-256')];
    const peer: EcPublicKey = { kty: 'EC', crv: 'P-256', x: publicKeyOf(b).x.slice(), y: publicKeyOf(b).y.slice() };
    await backend.ecdh(a, peer); // a's private key imported
    const before = calls.importKey ?? 0;
    const shared = await backend.ecdh(a, peer);
    expect(toHex(shared)).toBe(toHex(await nobleBackend.ecdh(a, publicKeyOf(b))));
    expect((calls.importKey ?? 0) - before).toBe(0);
    peer.x.set(publicKeyOf(c).x);
    peer.y.set(publicKeyOf(c).y);
    expect(toHex(await backend.ecdh(a, peer))).toBe(toHex(await nobleBackend.ecdh(a, publicKeyOf(c))));
    expect((calls.importKey ?? 0) - before).toBe(1);
    // SKReader and SKDevice from one ECDH output: one import of it.
    const salt = utf8Encode('salt');
    const ikm = shared.slice();
    const importsBefore = calls.importKey ?? 0;
    const [r, d] = await Promise.all([backend.hkdf('SHA-256', ikm, salt, utf8Encode('SKReader'), 32), backend.hkdf('SHA-256', ikm, salt, utf8Encode('SKDevice'), 32)]);
    expect((calls.importKey ?? 0) - importsBefore).toBe(1);
    expect(toHex(r)).toBe(toHex(await nobleBackend.hkdf('SHA-256', ikm, salt, utf8Encode('SKReader'), 32)));
    expect(toHex(d)).toBe(toHex(await nobleBackend.hkdf('SHA-256', ikm, salt, utf8Encode('SKDevice'), 32)));
    ikm.set(flip(ikm)); // changed in place
    expect(toHex(await backend.hkdf('SHA-256', ikm, salt, utf8Encode('SKReader'), 32))).toBe(toHex(await nobleBackend.hkdf('SHA-256', ikm, salt, utf8Encode('SKReader'), 32)));
    expect((calls.importKey ?? 0) - importsBefore).toBe(2);
  });

  it('keeps a verification key from its second import on, also when the key object is rebuilt', async () => {
    const { subtle, calls } = instrumentedSubtle();
    const backend = createWebCryptoBackend(subtle);
    const key = await nobleBackend.generateKeyPair('P-256');
    const sig = await nobleBackend.ecdsaSign(key, 'SHA-256', message);
    for (let i = 0; i < 5; i++) {
      const rebuilt = ecPublicKeyFromRaw('P-256', Uint8Array.of(4, ...key.x, ...key.y));
      expect(await backend.ecdsaVerify(rebuilt, 'SHA-256', message, sig)).toBe(true);
    }
    // Met once, imported and not kept; met again, imported and kept.
    expect(calls['importKey']).toBe(2);
    expect(calls['verify']).toBe(5);
    const ed = await nobleBackend.generateKeyPair('Ed25519');
    for (let i = 0; i < 3; i++) await backend.ed25519Sign(ed, message);
    for (let i = 0; i < 3; i++) await backend.ed25519Verify(publicKeyOf(ed), message, new Uint8Array(64));
    expect(calls['importKey']).toBe(5);
  });

  it('starts the verification of a kept key at once, before the caller regains control', async () => {
    const { subtle, calls } = instrumentedSubtle();
    const backend = createWebCryptoBackend(subtle);
    const key = await nobleBackend.generateKeyPair('P-256');
    const sig = await nobleBackend.ecdsaSign(key, 'SHA-256', message);
    const ed = await nobleBackend.generateKeyPair('Ed25519');
    const edSig = await nobleBackend.ed25519Sign(ed, message);
    for (let i = 0; i < 2; i++) {
      expect(await backend.ecdsaVerify(key, 'SHA-256', message, sig)).toBe(true);
      expect(await backend.ed25519Verify(publicKeyOf(ed), message, edSig)).toBe(true);
    }
    expect(calls['verify']).toBe(4);
    // Kept and settled: subtle.verify is called within the call itself, not a turn later.
    const pending = [backend.ecdsaVerify(key, 'SHA-256', message, sig), backend.ed25519Verify(publicKeyOf(ed), message, edSig)];
    expect(calls['verify']).toBe(6);
    expect(await Promise.all(pending)).toEqual([true, true]);
    // A key met for the first time waits for its import.
    const fresh = await nobleBackend.generateKeyPair('P-256');
    const first = backend.ecdsaVerify(fresh, 'SHA-256', message, await nobleBackend.ecdsaSign(fresh, 'SHA-256', message));
    expect(calls['verify']).toBe(6);
    expect(await first).toBe(true);
    expect(calls['verify']).toBe(7);
  });

  it('keeps at most 128 public keys', async () => {
    const { subtle, calls } = instrumentedSubtle();
    const backend = createWebCryptoBackend(subtle);
    const keys = await Promise.all(Array.from({ length: 129 }, () => nobleBackend.generateKeyPair('Ed25519')));
    for (let round = 0; round < 2; round++) {
      for (const key of keys) await backend.ed25519Verify(publicKeyOf(key), message, new Uint8Array(64));
    }
    expect(calls['importKey']).toBe(258);
    await backend.ed25519Verify(publicKeyOf(keys[128]!), message, new Uint8Array(64)); // most recent: cached
    expect(calls['importKey']).toBe(258);
    await backend.ed25519Verify(publicKeyOf(keys[0]!), message, new Uint8Array(64)); // evicted
    expect(calls['importKey']).toBe(259);
  });

  it('has no top-level side effects: importing touches no global crypto', async () => {
    const touched: string[] = [];
    const real = globalThis.crypto;
    vi.stubGlobal(
      'crypto',
      new Proxy(real, {
        get(target, prop) {
          touched.push(String(prop));
          return Reflect.get(target, prop, target);
        },
      }),
    );
    const lookups = vi.spyOn(process, 'getBuiltinModule');
    vi.resetModules();
    const fresh = await import('../../src/crypto/index.js');
    expect(touched).toEqual([]);
    expect(lookups).not.toHaveBeenCalled();
    expect(fresh.defaultBackend().name).toBe('node');
    expect(lookups).toHaveBeenCalledWith('node:crypto');
    lookups.mockReturnValue(undefined);
    expect(fresh.defaultBackend().name).toBe('webcrypto');
    expect(touched).toContain('subtle');
  });
});
