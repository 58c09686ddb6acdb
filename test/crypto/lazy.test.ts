/**
 * The noble backend behind a dynamic import (src/crypto/lazy.ts): `shomei/crypto`'s
 * `nobleBackend`, and the default fallback of the node:crypto and WebCrypto backends and of
 * defaultBackend() where neither exists. It answers, accepts and refuses exactly as the loaded
 * backend (noble.ts) does, without an extra turn of the microtask queue once loaded. And the
 * shared checks' randomBytes.
 */
import { describe, expect, it, vi } from 'vitest';
import { randomBytes } from '../../src/crypto/checks.js';
import { createNodeCryptoBackend, nobleBackend as publicNobleBackend } from '../../src/crypto/index.js';
import { lazyNobleBackend, loadNobleBackend, loadPrivateKeys } from '../../src/crypto/lazy.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { publicKeyOf } from '../../src/crypto/keys.js';

const message = Uint8Array.of(1, 2, 3, 4, 5);
const settle = async <T>(p: () => Promise<T>) => {
  try {
    return { value: await p() };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? (e as Error).constructor.name };
  }
};

describe('lazyNobleBackend', () => {
  it('is the nobleBackend shomei/crypto exports; loads noble.ts once, and is named noble', async () => {
    expect(publicNobleBackend).toBe(lazyNobleBackend);
    expect(lazyNobleBackend.name).toBe('noble');
    expect(await loadNobleBackend()).toBe(nobleBackend);
    expect(loadNobleBackend()).toBe(loadNobleBackend());
    expect(loadPrivateKeys()).toBe(loadPrivateKeys());
  });

  it('once loaded, settles in as many turns of the microtask queue as the loaded backend', async () => {
    await loadNobleBackend();
    const turns = async (p: Promise<unknown>) => {
      let settled = false;
      p.then(
        () => (settled = true),
        () => (settled = true),
      );
      let n = 0;
      while (!settled) {
        await null;
        n++;
      }
      return n;
    };
    expect(await turns(lazyNobleBackend.digest('SHA-256', message))).toBe(await turns(nobleBackend.digest('SHA-256', message)));
    expect(await turns(lazyNobleBackend.digest('MD5' as 'SHA-256', message))).toBe(await turns(nobleBackend.digest('MD5' as 'SHA-256', message)));
  });

  it('answers as nobleBackend: deterministic operations give the same bytes, errors the same codes', async () => {
    const key = new Uint8Array(16).fill(7);
    const iv = new Uint8Array(12).fill(9);
    const ops: ((b: typeof nobleBackend) => Promise<unknown>)[] = [
      (b) => b.digest('SHA-256', message),
      (b) => b.digest('SHA-1', message),
      (b) => b.digest('MD5' as 'SHA-256', message),
      (b) => b.hmac('SHA-384', key, message),
      (b) => b.hmac('SHA-1', key, message),
      (b) => b.hkdf('SHA-256', key, iv, new Uint8Array(2000), 42),
      (b) => b.hkdf('SHA-256', key, iv, message, 255 * 32 + 1),
      (b) => b.aesGcmEncrypt(key, iv, message, message),
      (b) => b.aesGcmEncrypt(key, new Uint8Array(200), message),
      (b) => b.aesGcmDecrypt(key, iv, new Uint8Array(20)),
      (b) => b.generateKeyPair('secp256k1' as 'P-256'),
    ];
    for (const op of ops) expect(await settle(() => op(lazyNobleBackend)), String(op)).toEqual(await settle(() => op(nobleBackend)));
  });

  it('signs, verifies and agrees keys with noble: each verifies the other, same ECDH secret', async () => {
    for (const crv of ['P-256', 'P-521'] as const) {
      const a = await lazyNobleBackend.generateKeyPair(crv);
      const b = await nobleBackend.generateKeyPair(crv);
      const sig = await lazyNobleBackend.ecdsaSign(a, 'SHA-256', message);
      expect(await nobleBackend.ecdsaVerify(publicKeyOf(a), 'SHA-256', message, sig)).toBe(true);
      expect(await lazyNobleBackend.ecdsaVerify(publicKeyOf(b), 'SHA-256', message, await nobleBackend.ecdsaSign(b, 'SHA-256', message))).toBe(true);
      expect(await lazyNobleBackend.ecdsaVerify(publicKeyOf(a), 'SHA-256', message, new Uint8Array(sig.length))).toBe(false);
      expect(await lazyNobleBackend.ecdh(a, publicKeyOf(b))).toEqual(await nobleBackend.ecdh(b, publicKeyOf(a)));
    }
    const ed = await lazyNobleBackend.generateKeyPair('Ed25519');
    const edSig = await lazyNobleBackend.ed25519Sign(ed, message);
    expect(edSig).toEqual(await nobleBackend.ed25519Sign(ed, message));
    expect(await lazyNobleBackend.ed25519Verify(publicKeyOf(ed), message, edSig)).toBe(true);
    const broken = { ...ed, x: new Uint8Array(32).fill(1) };
    expect(await settle(() => lazyNobleBackend.ed25519Sign(broken, message))).toEqual(await settle(() => nobleBackend.ed25519Sign(broken, message)));
    expect(await settle(() => lazyNobleBackend.rsaPkcs1Verify({ kty: 'RSA', n: Uint8Array.of(1), e: Uint8Array.of(3) }, 'SHA-256', message, message))).toEqual(
      await settle(() => nobleBackend.rsaPkcs1Verify({ kty: 'RSA', n: Uint8Array.of(1), e: Uint8Array.of(3) }, 'SHA-256', message, message)),
    );
  });

  it('is the node:crypto backend fallback by default: HKDF with info over 1024 bytes answers as noble', async () => {
    const node = createNodeCryptoBackend(await import('node:crypto'));
    const info = new Uint8Array(1500).fill(3);
    expect(await node.hkdf('SHA-256', message, message, info, 64)).toEqual(await nobleBackend.hkdf('SHA-256', message, message, info, 64));
  });
});

describe('randomBytes (the backends share it)', () => {
  it('any length, across the 65536-byte getRandomValues limit; RangeError for a bad length', () => {
    const big = randomBytes(70_000);
    expect(big.length).toBe(70_000);
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
    expect(randomBytes(0).length).toBe(0);
    expect(() => randomBytes(-1)).toThrow(RangeError);
    expect(() => randomBytes(1.5)).toThrow(RangeError);
  });

  it('ERR_CRYPTO_UNSUPPORTED without crypto.getRandomValues', () => {
    vi.stubGlobal('crypto', {});
    try {
      expect(() => randomBytes(8)).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_UNSUPPORTED' }));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
