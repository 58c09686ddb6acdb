/**
 * Key helpers: SEC 1 point decoding (uncompressed and compressed, on-curve checks), scalar
 * range checks, OKP key derivation, checked against node:crypto's independent implementation.
 */
import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  curveFieldSize,
  ecPrivateKeyFromScalar,
  ecPublicKeyFromRaw,
  ecPublicKeyToRaw,
  isEcCurve,
  isOkpCurve,
  nobleBackend,
  nodeCryptoBackend,
  okpPrivateKeyFromSeed,
  publicKeyOf,
  webCryptoBackend,
} from '../../src/crypto/index.js';
import type { EcCurve, OkpCurve } from '../../src/crypto/index.js';
import { fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';

const NODE_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;
/** Group orders n (FIPS 186-5 / SP 800-186). */
const ORDER = {
  'P-256': 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  'P-384':
    'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  'P-521':
    '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
} as const;
const keyError = expect.objectContaining({ code: 'ERR_CRYPTO_KEY' });

describe.each(['P-256', 'P-384', 'P-521'] as const)('%s', (crv: EcCurve) => {
  const size = curveFieldSize(crv);
  const node = createECDH(NODE_CURVE[crv]);
  node.generateKeys();
  const uncompressed = new Uint8Array(node.getPublicKey());
  const compressed = new Uint8Array(node.getPublicKey(undefined, 'compressed'));

  it('decodes uncompressed and compressed points to the same key, and encodes back', () => {
    const key = ecPublicKeyFromRaw(crv, uncompressed);
    expect(key.x.length).toBe(size);
    expect(ecPublicKeyFromRaw(crv, compressed)).toEqual(key);
    expect(toHex(ecPublicKeyToRaw(key))).toBe(toHex(uncompressed));
  });

  it('rejects off-curve points, bad prefixes and bad lengths with ERR_CRYPTO_KEY', () => {
    const offCurve = uncompressed.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    const badPrefix = uncompressed.slice();
    badPrefix[0] = 2;
    const xTooBig = Uint8Array.of(2, ...new Uint8Array(size).fill(0xff));
    const truncated = [uncompressed.subarray(1), uncompressed.subarray(0, -1), new Uint8Array(0), Uint8Array.of(0)];
    for (const bytes of [offCurve, badPrefix, xTooBig, ...truncated]) {
      expect(() => ecPublicKeyFromRaw(crv, bytes), toHex(bytes)).toThrow(keyError);
    }
    // A compressed x with no square root on the curve: try x = 0, 1, 2 … until one fails.
    let rejected = 0;
    for (let x = 0; x < 20; x++) {
      const bytes = new Uint8Array(size + 1);
      bytes[0] = 2;
      bytes[size] = x;
      try {
        ecPublicKeyFromRaw(crv, bytes);
      } catch (e) {
        expect(e).toEqual(keyError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('ecPublicKeyToRaw refuses coordinates of the wrong length', () => {
    const key = ecPublicKeyFromRaw(crv, uncompressed);
    expect(() => ecPublicKeyToRaw({ ...key, x: key.x.subarray(1) })).toThrow(keyError);
  });

  it('derives the public key of a scalar like node:crypto does', () => {
    const key = ecPrivateKeyFromScalar(crv, fromHex(node.getPrivateKey('hex').padStart(2 * size, '0')));
    expect(toHex(ecPublicKeyToRaw(key))).toBe(toHex(uncompressed));
    expect(publicKeyOf(key)).toEqual({ kty: 'EC', crv, x: key.x, y: key.y });
    expect('d' in publicKeyOf(key)).toBe(false);
  });

  it('accepts d = 1 and d = n - 1; rejects d = 0, d = n, d > n and a wrong length', () => {
    const n = BigInt(`0x${ORDER[crv]}`);
    const scalar = (v: bigint) => fromHex(v.toString(16).padStart(2 * size, '0'));
    expect(ecPrivateKeyFromScalar(crv, scalar(1n)).x.length).toBe(size);
    const last = ecPrivateKeyFromScalar(crv, scalar(n - 1n));
    const one = ecPrivateKeyFromScalar(crv, scalar(1n));
    expect(toHex(last.x)).toBe(toHex(one.x)); // (n-1)·G = -G
    for (const d of [scalar(0n), scalar(n), scalar(n + 1n), new Uint8Array(size).fill(0xff), scalar(1n).subarray(1)]) {
      expect(() => ecPrivateKeyFromScalar(crv, d)).toThrow(keyError);
    }
  });
});

describe('OKP keys', () => {
  it.each(['Ed25519', 'X25519'] as const)('%s: 32-byte secrets only', (crv: OkpCurve) => {
    const key = okpPrivateKeyFromSeed(crv, new Uint8Array(32).fill(7));
    expect(key.x.length).toBe(32);
    expect(publicKeyOf(key)).toEqual({ kty: 'OKP', crv, x: key.x });
    expect(() => okpPrivateKeyFromSeed(crv, new Uint8Array(31))).toThrow(keyError);
  });
});

describe('curve names', () => {
  it('curveFieldSize, isEcCurve and isOkpCurve', () => {
    expect(['P-256', 'P-384', 'P-521'].map((c) => curveFieldSize(c as EcCurve))).toEqual([32, 48, 66]);
    expect(['P-256', 'P-384', 'P-521', 'P-224', 'Ed25519', 42].map(isEcCurve)).toEqual([true, true, true, false, false, false]);
    expect(['Ed25519', 'X25519', 'Ed448', 'P-256'].map(isOkpCurve)).toEqual([true, true, false, false]);
  });

  it('an unknown curve is ERR_CRYPTO_UNSUPPORTED', () => {
    const unsupported = expect.objectContaining({ code: 'ERR_CRYPTO_UNSUPPORTED' });
    expect(() => curveFieldSize('secp256k1' as EcCurve)).toThrow(unsupported);
    expect(() => ecPublicKeyFromRaw('P-224' as EcCurve, new Uint8Array(57))).toThrow(unsupported);
    expect(() => okpPrivateKeyFromSeed('Ed448' as OkpCurve, new Uint8Array(32))).toThrow(unsupported);
  });

  it('non-Uint8Array arguments are TypeErrors', () => {
    expect(() => ecPublicKeyFromRaw('P-256', [4, 1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => ecPrivateKeyFromScalar('P-256', 'abc' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('public keys found valid are remembered per key object', () => {
  it('a key changed in place after it was checked is checked again (and refused when off the curve)', async () => {
    const { checkEcPublicKey } = await import('../../src/crypto/keys.js');
    const { nobleBackend: noble, webCryptoBackend: web, ecPublicKeyFromRaw: fromRaw } = await import('../../src/crypto/index.js');
    const pair = await noble.generateKeyPair('P-256');
    const message = Uint8Array.of(1, 2, 3);
    const sig = await noble.ecdsaSign(pair, 'SHA-256', message);
    for (const key of [fromRaw('P-256', Uint8Array.of(4, ...pair.x, ...pair.y)), { kty: 'EC' as const, crv: 'P-256' as const, x: pair.x.slice(), y: pair.y.slice() }]) {
      expect(await noble.ecdsaVerify(key, 'SHA-256', message, sig)).toBe(true);
      expect(toHex(checkEcPublicKey(key))).toBe(toHex(Uint8Array.of(4, ...pair.x, ...pair.y)));
      key.y[31]! ^= 1;
      expect(() => checkEcPublicKey(key)).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_KEY' }));
      await expect(noble.ecdsaVerify(key, 'SHA-256', message, sig)).rejects.toEqual(expect.objectContaining({ code: 'ERR_CRYPTO_KEY' }));
      await expect(web.ecdsaVerify(key, 'SHA-256', message, sig)).rejects.toEqual(expect.objectContaining({ code: 'ERR_CRYPTO_KEY' }));
    }
  });
});

describe('public-key checks without @noble/curves (published constants, BigInt arithmetic)', () => {
  it('the curve constants are FIPS 186-4 D.1.2 p, a = p - 3 and b, as noble has them', async () => {
    const { curveConstants } = await import('../../src/crypto/keys.js');
    const { p256, p384, p521 } = await import('@noble/curves/nist.js');
    for (const [crv, curve] of [['P-256', p256], ['P-384', p384], ['P-521', p521]] as const) {
      const ours = curveConstants(crv);
      const theirs = curve.Point.CURVE();
      expect([ours.p, ours.a, ours.b], crv).toEqual([theirs.p, theirs.a, theirs.b]);
      expect(ours.pBytes.length, crv).toBe(curveFieldSize(crv));
      expect(ours.p % 4n, `${crv}: p ≡ 3 (mod 4), so a square root is a power`).toBe(3n);
    }
    for (const name of ['__proto__', 'toString', 'P-224']) expect(() => curveConstants(name as EcCurve)).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_UNSUPPORTED' }));
  });

  it.each(['P-256', 'P-384', 'P-521'] as const)('%s: compressed points decode as noble decodes them, and what noble refuses is ERR_CRYPTO_KEY', async (crv) => {
    const { nistCurve } = await import('../../src/crypto/private-keys.js');
    const curve = nistCurve(crv);
    const size = curveFieldSize(crv);
    for (let i = 1; i <= 24; i++) {
      // Points d·G of both parities, and x = i with either prefix (about half have no root).
      const d = new Uint8Array(size);
      d[size - 1] = i;
      d[0] = crv === 'P-521' ? 0 : i;
      const point = curve.getPublicKey(d, true);
      const x = new Uint8Array(size + 1);
      x[0] = 2 + (i & 1);
      x[size] = i;
      for (const bytes of [point, x]) {
        let expected: string | undefined;
        try {
          expected = toHex(curve.Point.fromBytes(bytes).toBytes(false));
        } catch {
          expected = undefined;
        }
        if (expected === undefined) expect(() => ecPublicKeyFromRaw(crv, bytes), toHex(bytes)).toThrow(keyError);
        else expect(toHex(ecPublicKeyToRaw(ecPublicKeyFromRaw(crv, bytes))), toHex(bytes)).toBe(expected);
      }
    }
  });

  it('Ed25519 public keys: decoded as RFC 8032 §5.1.3 says, exactly where noble (zip215: false) decodes them', async () => {
    const { isEd25519Point } = await import('../../src/crypto/keys.js');
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const nobleAccepts = (bytes: Uint8Array) => {
      try {
        ed25519.Point.fromBytes(bytes, false);
        return true;
      } catch {
        return false;
      }
    };
    const p = 2n ** 255n - 19n;
    const le = (n: bigint, sign = 0) => {
      const out = fromHex(n.toString(16).padStart(64, '0')).reverse();
      out[31]! |= sign << 7;
      return out;
    };
    const cases: Uint8Array[] = [
      le(1n), // the identity (0, 1)
      le(1n, 1), // x = 0 with the sign bit set: refused
      le(p - 1n), // y = -1: x = 0, the point of order 2
      le(p - 1n, 1),
      le(p), // y = p: not canonical, refused
      le(p + 1n),
      le(2n ** 255n - 1n),
      le(0n),
      le(0n, 1),
    ];
    // Public keys of seeds 0…15, and the same bytes with the sign bit flipped and a byte changed.
    for (let i = 0; i < 16; i++) {
      const pub = ed25519.getPublicKey(new Uint8Array(32).fill(i));
      const flipped = pub.slice();
      flipped[31]! ^= 0x80;
      const changed = pub.slice();
      changed[i]! ^= 0x5a;
      cases.push(pub, flipped, changed);
    }
    let accepted = 0;
    for (const bytes of cases) {
      const ok = nobleAccepts(bytes);
      if (ok) accepted++;
      expect(isEd25519Point(bytes), toHex(bytes)).toBe(ok);
    }
    expect(accepted).toBeGreaterThan(16);
    expect(accepted).toBeLessThan(cases.length);
    expect(isEd25519Point(new Uint8Array(31))).toBe(false);
  });

  it('Ed25519 public keys of small order are found exactly where noble finds them, and refused by every backend', async () => {
    const { isEd25519SmallOrder, isEd25519Point } = await import('../../src/crypto/keys.js');
    const { ed25519, ED25519_TORSION_SUBGROUP } = await import('@noble/curves/ed25519.js');
    const torsion = ED25519_TORSION_SUBGROUP.map(fromHex);
    expect(torsion).toHaveLength(8);
    const others = Array.from({ length: 16 }, (_, i) => ed25519.getPublicKey(new Uint8Array(32).fill(i)));
    for (const bytes of [...torsion, ...others]) {
      expect(isEd25519Point(bytes), toHex(bytes)).toBe(true);
      expect(isEd25519SmallOrder(bytes), toHex(bytes)).toBe(ed25519.Point.fromBytes(bytes, false).isSmallOrder());
    }
    // R = the identity, S = 0: under the cofactorless equation it verifies for every message with
    // a key of small order. OpenSSL (node:crypto, WebCrypto) said true, noble false; now each refuses the key.
    const universal = new Uint8Array(64);
    universal[0] = 1;
    for (const backend of [nodeCryptoBackend()!, webCryptoBackend, nobleBackend]) {
      for (const x of torsion) {
        await expect(backend.ed25519Verify({ kty: 'OKP', crv: 'Ed25519', x }, utf8Encode('any message'), universal), `${backend.name} ${toHex(x)}`).rejects.toMatchObject({ code: 'ERR_CRYPTO_KEY' });
      }
    }
  });
});
