/**
 * The two variants of the package's `#key-derive` import give the same public half for every
 * secret: `derive-node.ts` (node:crypto, what Node resolves) and `derive-noble.ts`
 * (@noble/curves, what browsers, bundlers, Deno and Bun resolve). Property tests over the
 * whole scalar range (fast-check, fixed seed) and the edges; the curve orders the range check
 * uses are the ones noble computes with.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as node from '../../src/crypto/derive-node.js';
import * as noble from '../../src/crypto/derive-noble.js';
import { curveOrder } from '../../src/crypto/curve-order.js';
import { ecPrivateKeyFromScalar, okpPrivateKeyFromSeed } from '../../src/crypto/key-from-secret.js';
import { curveFieldSize } from '../../src/crypto/keys.js';
import type { EcCurve, OkpCurve } from '../../src/crypto/types.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';

const EC_CURVES: readonly EcCurve[] = ['P-256', 'P-384', 'P-521'];
const NOBLE_ORDER = { 'P-256': p256.Point.Fn.ORDER, 'P-384': p384.Point.Fn.ORDER, 'P-521': p521.Point.Fn.ORDER };

const scalarBytes = (crv: EcCurve, v: bigint) => fromHex(v.toString(16).padStart(2 * curveFieldSize(crv), '0'));

describe.each(EC_CURVES)('%s: Q = d·G', (crv) => {
  const n = curveOrder(crv);

  it('the order n of the range check is the published one noble computes with', () => {
    expect(n).toBe(NOBLE_ORDER[crv]);
  });

  it('node:crypto and noble derive the same point for every d in [1, n-1]', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: n - 1n }), (d) => {
        const bytes = scalarBytes(crv, d);
        const fromNode = node.ecPublicFromScalar(crv, bytes);
        expect(fromNode).toBeInstanceOf(Uint8Array);
        expect(Object.getPrototypeOf(fromNode)).toBe(Uint8Array.prototype);
        expect(toHex(fromNode)).toBe(toHex(noble.ecPublicFromScalar(crv, bytes)));
      }),
      { numRuns: 40 },
    );
  });

  it('and at the edges: 1, 2, n-2, n-1, and scalars with leading zero bytes', () => {
    for (const d of [1n, 2n, 3n, n - 2n, n - 1n, 0xffn, 1n << 64n]) {
      const bytes = scalarBytes(crv, d);
      expect(toHex(node.ecPublicFromScalar(crv, bytes)), String(d)).toBe(toHex(noble.ecPublicFromScalar(crv, bytes)));
    }
  });

  it('ecPrivateKeyFromScalar checks the range before deriving: 0, n, n+1 and all-ones are ERR_CRYPTO_KEY', () => {
    for (const d of [0n, n, n + 1n, (1n << BigInt(8 * curveFieldSize(crv))) - 1n]) {
      expect(() => ecPrivateKeyFromScalar(crv, scalarBytes(crv, d)), String(d)).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_KEY' }));
    }
    const key = ecPrivateKeyFromScalar(crv, scalarBytes(crv, n - 1n));
    expect(toHex(Uint8Array.of(4, ...key.x, ...key.y))).toBe(toHex(noble.ecPublicFromScalar(crv, scalarBytes(crv, n - 1n))));
  });
});

describe.each(['Ed25519', 'X25519'] as const)('%s: the public key of a 32-byte secret', (crv: OkpCurve) => {
  it('node:crypto and noble agree for every secret (X25519 clamps the scalar in both)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (d) => {
        const fromNode = node.okpPublicFromSecret(crv, d);
        expect(Object.getPrototypeOf(fromNode)).toBe(Uint8Array.prototype);
        expect(toHex(fromNode)).toBe(toHex(noble.okpPublicFromSecret(crv, d)));
      }),
      { numRuns: 40 },
    );
  });

  it('and for all-zero, all-ones and RFC 8032 §7.1 test 1', () => {
    for (const d of [new Uint8Array(32), new Uint8Array(32).fill(0xff)]) {
      expect(toHex(node.okpPublicFromSecret(crv, d))).toBe(toHex(noble.okpPublicFromSecret(crv, d)));
    }
    if (crv === 'Ed25519') {
      const secret = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
      expect(toHex(okpPrivateKeyFromSeed(crv, secret).x)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
      expect(toHex(ed25519.getPublicKey(secret))).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    }
  });
});
