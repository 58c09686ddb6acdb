/**
 * The node:crypto backend's own plumbing (its behaviour is held to the shared suites in
 * backend/curves/rsa/wycheproof/cross-backend tests): the module is found at run time, never
 * imported; outputs are plain Uint8Arrays; public keys are imported once per key bytes in a
 * bounded cache, refused keys never cached; what node:crypto refuses goes to the fallback.
 */
import * as nodeCrypto from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeCryptoBackend, nobleBackend, nodeCryptoBackend, publicKeyOf } from '../../src/crypto/index.js';
import type { CryptoBackend, EcPublicKey } from '../../src/crypto/index.js';
import { isKnownConsistent } from '../../src/crypto/consistent.js';
import { fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';

const message = utf8Encode('DeviceAuthentication');
const code = (c: string) => expect.objectContaining({ code: c });

/** A point on `crv` with a small x (so that x + p still fits the coordinate's width). */
function smallXPoint(crv: 'P-256' | 'P-384' | 'P-521') {
  const curve = { 'P-256': p256, 'P-384': p384, 'P-521': p521 }[crv];
  const { p, a, b } = curve.Point.CURVE();
  const Fp = curve.Point.Fp;
  for (let x = 1n; ; x++) {
    const rhs = Fp.create(x * x * x + a * x + b);
    try {
      return { x, y: Fp.sqrt(rhs), p };
    } catch {
      // not a square: try the next x
    }
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** node:crypto with `createPublicKey` / `createPrivateKey` calls counted. */
function countingCrypto() {
  const calls = { createPublicKey: 0, createPrivateKey: 0 };
  const mod = {
    ...nodeCrypto,
    createPublicKey: (...args: Parameters<typeof nodeCrypto.createPublicKey>) => {
      calls.createPublicKey++;
      return nodeCrypto.createPublicKey(...args);
    },
    createPrivateKey: (...args: Parameters<typeof nodeCrypto.createPrivateKey>) => {
      calls.createPrivateKey++;
      return nodeCrypto.createPrivateKey(...args);
    },
  } as typeof nodeCrypto;
  return { mod, calls };
}

const isPlain = (bytes: Uint8Array) => Object.getPrototypeOf(bytes) === Uint8Array.prototype && bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length;

describe('node:crypto backend', () => {
  it('is found through process.getBuiltinModule, once per module, and is absent without it', () => {
    const backend = nodeCryptoBackend();
    expect(backend?.name).toBe('node');
    expect(nodeCryptoBackend()).toBe(backend);
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    expect(nodeCryptoBackend()).toBeUndefined();
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(() => {
      throw new Error('no such module');
    });
    expect(nodeCryptoBackend()).toBeUndefined();
  });

  it('no file under src/ imports node:crypto (only its types): browser bundles never see it', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.includes('/cli/')) {
          const text = readFileSync(path, 'utf8');
          if (/^import (?!type )[^;]*from 'node:crypto'/m.test(text) || /import\(\s*'node:crypto'\s*\)/.test(text)) offenders.push(path);
        }
      }
    };
    walk(join(__dirname, '..', '..', 'src'));
    expect(offenders).toEqual([]);
  });

  it('refuses something that is not node:crypto (TypeError)', () => {
    expect(() => createNodeCryptoBackend({} as typeof nodeCrypto)).toThrow(TypeError);
  });

  it('returns plain Uint8Arrays, never Buffers or views of a shared pool', async () => {
    const backend = nodeCryptoBackend()!;
    const key = await backend.generateKeyPair('P-256');
    const peer = await backend.generateKeyPair('P-256');
    const aes = backend.randomBytes(16);
    const iv = backend.randomBytes(12);
    const outputs = [
      await backend.digest('SHA-256', message),
      await backend.digest('SHA-1', message),
      await backend.hmac('SHA-256', aes, message),
      await backend.hkdf('SHA-256', aes, aes, message, 32),
      await backend.ecdsaSign(key, 'SHA-256', message),
      await backend.ecdh(key, publicKeyOf(peer)),
      await backend.aesGcmEncrypt(aes, iv, message),
      await backend.aesGcmDecrypt(aes, iv, await backend.aesGcmEncrypt(aes, iv, message)),
      key.d,
      key.x,
    ];
    expect(outputs.map(isPlain)).toEqual(outputs.map(() => true));
  });

  it('imports an ECDH peer once per key object (an EReaderKey serves the session keys and EMacKey), again when it changed in place', async () => {
    const { mod, calls } = countingCrypto();
    const backend = createNodeCryptoBackend(mod);
    const [a, b, c] = [await nobleBackend.generateKeyPair('P-256'), await nobleBackend.generateKeyPair('P-256'), await nobleBackend.generateKeyPair('P-256')];
    const peer: EcPublicKey = { kty: 'EC', crv: 'P-256', x: publicKeyOf(b).x.slice(), y: publicKeyOf(b).y.slice() };
    const expected = toHex(await nobleBackend.ecdh(a, publicKeyOf(b)));
    expect(toHex(await backend.ecdh(a, peer))).toBe(expected);
    expect(toHex(await backend.ecdh(c, peer))).toBe(toHex(await nobleBackend.ecdh(c, publicKeyOf(b))));
    expect(calls.createPublicKey).toBe(1);
    // The same object now holding another point: imported again, and the new point used.
    peer.x.set(publicKeyOf(c).x);
    peer.y.set(publicKeyOf(c).y);
    expect(toHex(await backend.ecdh(a, peer))).toBe(toHex(await nobleBackend.ecdh(a, publicKeyOf(c))));
    expect(calls.createPublicKey).toBe(2);
  });

  it('keeps a public key from its second import on, also when the key object is rebuilt; a key met once is not kept', async () => {
    const { mod, calls } = countingCrypto();
    const backend = createNodeCryptoBackend(mod);
    const key = await nobleBackend.generateKeyPair('P-256');
    const sig = await nobleBackend.ecdsaSign(key, 'SHA-256', message);
    for (let i = 0; i < 5; i++) {
      const rebuilt: EcPublicKey = { kty: 'EC', crv: 'P-256', x: key.x.slice(), y: key.y.slice() };
      expect(await backend.ecdsaVerify(rebuilt, 'SHA-256', message, sig)).toBe(true);
    }
    expect(calls.createPublicKey).toBe(2);
    for (let i = 0; i < 3; i++) await backend.ecdsaSign(key, 'SHA-256', message);
    expect(calls.createPrivateKey).toBe(1);
    // The same d changed in place: imported again.
    const other = await nobleBackend.generateKeyPair('P-256');
    const mutable = { ...key, x: key.x.slice(), y: key.y.slice(), d: key.d.slice() };
    await backend.ecdsaSign(mutable, 'SHA-256', message);
    mutable.x.set(other.x);
    mutable.y.set(other.y);
    mutable.d.set(other.d);
    const sig2 = await backend.ecdsaSign(mutable, 'SHA-256', message);
    expect(await nobleBackend.ecdsaVerify(publicKeyOf(other), 'SHA-256', message, sig2)).toBe(true);
    expect(calls.createPrivateKey).toBe(3);
  });

  it('keeps at most 256 public keys, least recently used evicted first', async () => {
    const { mod, calls } = countingCrypto();
    const backend = createNodeCryptoBackend(mod);
    const keys = await Promise.all(Array.from({ length: 257 }, () => nodeCryptoBackend()!.generateKeyPair('Ed25519')));
    // Twice each: the first import is not kept, the second is.
    for (let round = 0; round < 2; round++) {
      for (const key of keys) await backend.ed25519Verify(publicKeyOf(key), message, new Uint8Array(64));
    }
    expect(calls.createPublicKey).toBe(514);
    await backend.ed25519Verify(publicKeyOf(keys[256]!), message, new Uint8Array(64));
    expect(calls.createPublicKey).toBe(514);
    await backend.ed25519Verify(publicKeyOf(keys[0]!), message, new Uint8Array(64));
    expect(calls.createPublicKey).toBe(515);
  });

  it('never caches a refused key: an off-curve point throws ERR_CRYPTO_KEY every time', async () => {
    const { mod, calls } = countingCrypto();
    const backend = createNodeCryptoBackend(mod);
    const key = await nobleBackend.generateKeyPair('P-256');
    const y = key.y.slice();
    y[31]! ^= 1;
    const offCurve: EcPublicKey = { kty: 'EC', crv: 'P-256', x: key.x, y };
    for (let i = 0; i < 2; i++) {
      await expect(backend.ecdsaVerify(offCurve, 'SHA-256', message, new Uint8Array(64))).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    }
    expect(calls.createPublicKey).toBe(2);
    // A coordinate ≥ p (here x = p) is not a point either.
    const p = fromHex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
    await expect(backend.ecdsaVerify({ kty: 'EC', crv: 'P-256', x: p, y: key.y }, 'SHA-256', message, new Uint8Array(64))).rejects.toEqual(
      code('ERR_CRYPTO_KEY'),
    );
  });

  it('refuses a coordinate written as itself plus p (OpenSSL alone would reduce it), on every curve', async () => {
    const { mod, calls } = countingCrypto();
    const backend = createNodeCryptoBackend(mod);
    for (const [crv, size] of [['P-256', 32], ['P-384', 48], ['P-521', 66]] as const) {
      const { x, y, p } = smallXPoint(crv);
      const width = (v: bigint) => fromHex(v.toString(16).padStart(2 * size, '0'));
      // The canonical encoding is a key; the same point with x + p is not.
      await expect(backend.ecdsaVerify({ kty: 'EC', crv, x: width(x), y: width(y) }, 'SHA-256', message, new Uint8Array(2 * size))).resolves.toBe(false);
      const before = calls.createPublicKey;
      await expect(backend.ecdsaVerify({ kty: 'EC', crv, x: width(x + p), y: width(y) }, 'SHA-256', message, new Uint8Array(2 * size))).rejects.toEqual(
        code('ERR_CRYPTO_KEY'),
      );
      expect(calls.createPublicKey).toBe(before);
    }
  });

  it('gives what node:crypto refuses to the fallback: HKDF info over 1024 bytes, AES-GCM IVs over 128 bytes', async () => {
    const used: string[] = [];
    const fallback: CryptoBackend = Object.fromEntries(
      Object.entries(nobleBackend).map(([name, value]) => [
        name,
        typeof value === 'function'
          ? (...args: unknown[]) => {
              used.push(name);
              return (value as (...a: unknown[]) => unknown).apply(nobleBackend, args);
            }
          : value,
      ]),
    ) as unknown as CryptoBackend;
    const backend = createNodeCryptoBackend(nodeCrypto, fallback);
    const ikm = nobleBackend.randomBytes(32);
    const longInfo = new Uint8Array(1025).fill(7);
    expect(toHex(await backend.hkdf('SHA-256', ikm, ikm, longInfo, 64))).toBe(toHex(await nobleBackend.hkdf('SHA-256', ikm, ikm, longInfo, 64)));
    expect(toHex(await backend.hkdf('SHA-256', ikm, ikm, longInfo.subarray(0, 1024), 64))).toBe(
      toHex(await nobleBackend.hkdf('SHA-256', ikm, ikm, longInfo.subarray(0, 1024), 64)),
    );
    const iv = new Uint8Array(200).fill(1);
    const sealed = await backend.aesGcmEncrypt(ikm, iv, message);
    expect(toHex(sealed)).toBe(toHex(await nobleBackend.aesGcmEncrypt(ikm, iv, message)));
    expect(toHex(await backend.aesGcmDecrypt(ikm, iv, sealed))).toBe(toHex(message));
    expect(used).toEqual(['hkdf', 'aesGcmEncrypt', 'aesGcmDecrypt']);
  });
});

describe('node:crypto backend: keys it generates', () => {
  it('signs and agrees with the KeyObject it generated: nothing imported again, and the key is known consistent', async () => {
    const { mod, calls } = countingCrypto();
    const backend = createNodeCryptoBackend(mod);
    const key = await backend.generateKeyPair('P-256');
    const peer = await nobleBackend.generateKeyPair('P-256');
    expect(isKnownConsistent(key)).toBe(true);
    const sig = await backend.ecdsaSign(key, 'SHA-256', message);
    expect(await nobleBackend.ecdsaVerify(publicKeyOf(key), 'SHA-256', message, sig)).toBe(true);
    expect(toHex(await backend.ecdh(key, publicKeyOf(peer)))).toBe(toHex(await nobleBackend.ecdh(peer, publicKeyOf(key))));
    const ed = await backend.generateKeyPair('Ed25519');
    // One import per generated key (see the next test), none for their use.
    expect(calls.createPrivateKey).toBe(2);
    await backend.ed25519Sign(ed, message);
    await backend.ecdsaSign(key, 'SHA-256', message);
    expect(calls.createPrivateKey).toBe(2);
  });

  it('never exports a KeyObject straight out of a generation job (Node 20 can deadlock there): EC keys come from an ECDH object, others leave the job as PKCS#8 bytes', async () => {
    const options: unknown[] = [];
    const mod = {
      ...nodeCrypto,
      generateKeyPairSync: (type: string, opts: Record<string, unknown>) => {
        options.push(opts);
        const out = nodeCrypto.generateKeyPairSync(type as 'ec', opts as never) as unknown as { privateKey: unknown };
        if (!(out.privateKey instanceof Uint8Array)) throw new Error('a KeyObject left the generation job');
        return out;
      },
    };
    const backend = createNodeCryptoBackend(mod);
    for (const crv of ['P-256', 'P-384', 'P-521', 'Ed25519', 'X25519'] as const) {
      const key = await backend.generateKeyPair(crv);
      expect(isKnownConsistent(key)).toBe(true);
      expect(publicKeyOf(await nobleBackend.generateKeyPair(crv)).crv).toBe(crv);
    }
    expect(options).toHaveLength(2);
    for (const o of options) expect(o).toMatchObject({ privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
  });

  it('pads a generated EC scalar with leading zero bytes to the field size', async () => {
    // A P-256 scalar whose first byte is zero, handed out by ECDH without it (as OpenSSL does).
    const d = new Uint8Array(32).fill(7);
    d[0] = 0;
    const real = nodeCrypto.createECDH('prime256v1');
    real.setPrivateKey(d);
    const point = new Uint8Array(real.getPublicKey());
    const mod = { ...nodeCrypto, createECDH: () => ({ generateKeys: () => point, getPrivateKey: () => d.subarray(1) }) };
    const key = await createNodeCryptoBackend(mod).generateKeyPair('P-256');
    expect(toHex(key.d)).toBe(toHex(d));
    expect(toHex(key.x)).toBe(toHex(point.subarray(1, 33)));
    const sig = await createNodeCryptoBackend(nodeCrypto).ecdsaSign(key, 'SHA-256', message);
    expect(await nobleBackend.ecdsaVerify(publicKeyOf(key), 'SHA-256', message, sig)).toBe(true);
  });

  it('checks a generated key again once its bytes changed in place, and refuses it when they no longer match', async () => {
    const backend = createNodeCryptoBackend(nodeCrypto);
    const key = await backend.generateKeyPair('P-256');
    const other = await nobleBackend.generateKeyPair('P-256');
    key.d.set(other.d);
    expect(isKnownConsistent(key)).toBe(false);
    await expect(backend.ecdsaSign(key, 'SHA-256', message)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    // A key of the wrong kind is refused by name before any use.
    const ed = await backend.generateKeyPair('Ed25519');
    await expect(backend.ecdsaSign(ed as never, 'SHA-256', message)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    await expect(backend.ecdh(ed as never, publicKeyOf(other))).rejects.toEqual(code('ERR_CRYPTO_KEY'));
  });
});
