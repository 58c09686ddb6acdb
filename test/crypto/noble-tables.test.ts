/**
 * Precomputed tables for repeatedly seen ECDSA keys on the noble backend (src/crypto/noble-tables.ts):
 * the same verdicts as noble's own verify (SEC 1 v2 §4.1.4) on every Wycheproof case and on
 * signatures made here (valid, wrong signature, wrong key, high-S, hashes longer and shorter
 * than the order), tables built only for keys seen `minUses` times, the LRU bound, and a
 * key object whose bytes change in place never verified against the old point.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ecPublicKeyFromRaw, nobleBackend, publicKeyOf } from '../../src/crypto/index.js';
import type { EcCurve, EcPrivateKey, EcPublicKey } from '../../src/crypto/index.js';
import { KeyTables, verifyWithTable } from '../../src/crypto/noble-tables.js';
import { concat, fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { loadVector } from '../helpers/vectors.js';

interface EcdsaFile {
  readonly testGroups: readonly {
    readonly publicKey: { readonly uncompressed: string };
    readonly tests: readonly { readonly tcId: number; readonly msg: string; readonly sig: string; readonly result: string }[];
  }[];
}

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const message = utf8Encode('IssuerAuth');
const code = (c: string) => expect.objectContaining({ code: c });
/** noble's own verdict; it throws for a signature of the wrong length, which is a false here. */
function nobleVerify(curve: (typeof CURVES)[EcCurve], signature: Uint8Array, digest: Uint8Array, raw: Uint8Array): boolean {
  try {
    return curve.verify(signature, digest, raw, { prehash: false, lowS: false });
  } catch {
    return false;
  }
}
const bigBytes = (n: bigint, size: number) => fromHex(n.toString(16).padStart(2 * size, '0'));

/** The tabled point of every key at first sight (a KeyTables each: a build budget of its own), counting builds. */
function eager(windowSize = 6) {
  const built: EcCurve[] = [];
  const tables = {
    point: (crv: EcCurve, curve: (typeof CURVES)[EcCurve], raw: Uint8Array) =>
      new KeyTables({ minUses: 1, windowSize, onBuild: (c) => built.push(c) }).point(crv, curve, raw),
  };
  return { tables, built };
}

describe('verifyWithTable gives noble verify’s verdicts', () => {
  for (const [crv, file, hash] of [
    ['P-256', 'ecdsa_secp256r1_sha256_p1363_test.json', sha256],
    ['P-384', 'ecdsa_secp384r1_sha384_p1363_test.json', sha384],
  ] as const) {
    it(`Wycheproof ${crv}: every case, table and no table alike`, () => {
      const curve = CURVES[crv];
      const { tables, built } = eager(4);
      const failures: string[] = [];
      let run = 0;
      for (const group of (loadVector(`wycheproof/${file}`) as EcdsaFile).testGroups) {
        const raw = fromHex(group.publicKey.uncompressed);
        const point = tables.point(crv, curve, raw)!;
        for (const t of group.tests) {
          run++;
          const [digest, sig] = [hash(fromHex(t.msg)), fromHex(t.sig)];
          const withTable = verifyWithTable(curve, point, digest, sig);
          const plain = nobleVerify(curve, sig, digest, raw);
          if (withTable !== (t.result === 'valid') || withTable !== plain) failures.push(`${t.tcId}: table ${withTable}, noble ${plain}`);
        }
      }
      expect(failures).toEqual([]);
      expect(run).toBeGreaterThan(250);
      expect(built.length).toBeGreaterThan(100);
    });
  }

  it.each([
    ['P-256', 'SHA-256', sha256],
    ['P-256', 'SHA-512', sha512], // hash longer than the order: its leftmost 256 bits
    ['P-384', 'SHA-256', sha256], // shorter
    ['P-521', 'SHA-512', sha512],
    ['P-521', 'SHA-384', sha384],
  ] as const)('%s with %s: valid, wrong signature, wrong key, high-S, r or s out of range', (crv, _name, hash) => {
    const curve = CURVES[crv];
    const n = curve.Point.Fn.ORDER;
    const size = curve.Point.Fn.BYTES;
    const { tables } = eager();
    for (let i = 0; i < 4; i++) {
      const sk = curve.utils.randomSecretKey();
      const raw = curve.getPublicKey(sk, false);
      const other = tables.point(crv, curve, curve.getPublicKey(curve.utils.randomSecretKey(), false))!;
      const point = tables.point(crv, curve, raw)!;
      const digest = hash(concat(message, Uint8Array.of(i)));
      const sig = curve.sign(digest, sk, { prehash: false });
      const r = sig.subarray(0, size);
      const s = BigInt(`0x${toHex(sig.subarray(size))}`);
      const highS = concat(r, bigBytes(n - s, size));
      const cases: [Uint8Array, Uint8Array, boolean][] = [
        [digest, sig, true],
        [digest, highS, true], // lowS is not required (ISO 18013-5 does not ask for it)
        [hash(message), sig, false],
        [digest, concat(r, bigBytes(s ^ 1n, size)), false],
        [digest, concat(bigBytes(n, size), bigBytes(s, size)), false],
        [digest, concat(r, bigBytes(n + s < 256n ** BigInt(size) ? n + s : 0n, size)), false],
        [digest, concat(r, new Uint8Array(size)), false],
        [digest, sig.subarray(1), false],
      ];
      for (const [d, signature, expected] of cases) {
        expect(verifyWithTable(curve, point, d, signature)).toBe(expected);
        expect(nobleVerify(curve, signature, d, raw)).toBe(expected);
      }
      expect(verifyWithTable(curve, other, digest, sig)).toBe(false);
    }
  });
});

describe('KeyTables', () => {
  const keys = Array.from({ length: 4 }, () => p256.getPublicKey(p256.utils.randomSecretKey(), false));

  it('builds nothing for a key seen once, a table at the second sighting, then reuses it', () => {
    const built: EcCurve[] = [];
    const tables = new KeyTables({ onBuild: (crv) => built.push(crv) });
    for (const raw of keys) expect(tables.point('P-256', p256, raw)).toBeUndefined();
    expect(built).toEqual([]);
    expect(tables.size).toBe(0);
    const point = tables.point('P-256', p256, keys[0]!);
    expect(point?.toBytes(false)).toEqual(keys[0]);
    expect(built).toEqual(['P-256']);
    expect(tables.point('P-256', p256, keys[0]!)).toBe(point);
    expect(tables.point('P-256', p256, keys[0]!.slice())).toBe(point); // keyed by the bytes, not the array
    expect(built).toEqual(['P-256']);
    expect(tables.size).toBe(1);
  });

  it('keys on the exact bytes', () => {
    const built: EcCurve[] = [];
    const tables = new KeyTables({ onBuild: (crv) => built.push(crv) });
    const changed = keys[0]!.slice();
    changed[64]! ^= 1; // another key (not on the curve, but the cache never decodes what it has not built)
    tables.point('P-256', p256, keys[0]!);
    expect(tables.point('P-256', p256, changed)).toBeUndefined();
    expect(built).toEqual([]);
    const point = tables.point('P-256', p256, keys[0]!);
    expect(point?.toBytes(false)).toEqual(keys[0]);
    expect(tables.size).toBe(1);
  });

  it('holds at most maxTables, least recently used evicted, rebuilt only after two more sightings', () => {
    let builds = 0;
    const tables = new KeyTables({ maxTables: 2, onBuild: () => builds++ });
    for (const raw of keys.slice(0, 3)) {
      tables.point('P-256', p256, raw);
      expect(tables.point('P-256', p256, raw)).toBeDefined();
    }
    expect(builds).toBe(3);
    expect(tables.size).toBe(2);
    expect(tables.point('P-256', p256, keys[2]!)).toBeDefined(); // still held
    expect(tables.point('P-256', p256, keys[0]!)).toBeUndefined(); // evicted: counted again
    expect(builds).toBe(3);
    expect(tables.point('P-256', p256, keys[0]!)).toBeDefined();
    expect(builds).toBe(4);
    expect(tables.size).toBe(2);
  });

  it('forgets a key that does not come back before maxTracked other new keys', () => {
    let builds = 0;
    const tables = new KeyTables({ maxTracked: 2, onBuild: () => builds++ });
    for (const raw of [keys[0]!, keys[1]!, keys[2]!, keys[0]!]) expect(tables.point('P-256', p256, raw)).toBeUndefined();
    expect(builds).toBe(0);
    expect(tables.point('P-256', p256, keys[2]!)).toBeDefined(); // came back in time
    expect(builds).toBe(1);
  });

  it('pays for builds with table hits: four free, then one per hitsPerBuild hits', () => {
    let builds = 0;
    const tables = new KeyTables({ hitsPerBuild: 3, onBuild: () => builds++ });
    const many = Array.from({ length: 6 }, (_, i) => p256.Point.BASE.multiply(BigInt(i + 2)).toBytes(false));
    for (const raw of many) tables.point('P-256', p256, raw);
    for (const raw of many) tables.point('P-256', p256, raw);
    expect(builds).toBe(4); // keys 4 and 5 qualify but wait
    expect(tables.point('P-256', p256, many[4]!)).toBeUndefined();
    for (let i = 0; i < 2; i++) expect(tables.point('P-256', p256, many[0]!)).toBeDefined();
    expect(tables.point('P-256', p256, many[4]!)).toBeUndefined(); // two hits of three
    expect(tables.point('P-256', p256, many[1]!)).toBeDefined();
    expect(tables.point('P-256', p256, many[4]!)).toBeDefined();
    expect(builds).toBe(5);
    expect(tables.point('P-256', p256, many[5]!)).toBeUndefined();
  });

  it('does not rebuild without end for a crowd of returning keys that do not fit (64 keys in turn, 16 tables)', () => {
    let builds = 0;
    let hits = 0;
    const tables = new KeyTables({ onBuild: () => builds++ });
    const ds = p256.Point.BASE.multiply(1000n).toBytes(false);
    const crowd = Array.from({ length: 64 }, (_, i) => p256.Point.BASE.multiply(BigInt(i + 2)).toBytes(false));
    for (let round = 0; round < 6; round++) {
      for (const device of crowd) {
        if (tables.point('P-256', p256, ds) !== undefined) hits++;
        tables.point('P-256', p256, device);
      }
    }
    expect(hits).toBeGreaterThan(6 * 64 - 2);
    expect(builds).toBeLessThanOrEqual(4 + Math.floor(hits / 32) + 16);
    expect(tables.size).toBeLessThanOrEqual(16);
  });

  it('rejects bad options', () => {
    for (const options of [{ maxTables: 0 }, { minUses: 1.5 }, { maxTracked: -1 }, { windowSize: 3 }, { windowSize: 9 }, { hitsPerBuild: 0 }]) {
      expect(() => new KeyTables(options)).toThrow(RangeError);
    }
    expect(() => new KeyTables({ onBuild: 1 as never })).toThrow(TypeError);
  });
});

describe('nobleBackend with tables', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives the same verdicts the first time and once the key has a table', async () => {
    const lookups = vi.spyOn(KeyTables.prototype, 'point');
    const key = (await nobleBackend.generateKeyPair('P-256')) as EcPrivateKey;
    const pub = publicKeyOf(key);
    const wrongKey = publicKeyOf(await nobleBackend.generateKeyPair('P-256'));
    const sig = await nobleBackend.ecdsaSign(key, 'SHA-256', message);
    const s = BigInt(`0x${toHex(sig.subarray(32))}`);
    const highS = concat(sig.subarray(0, 32), bigBytes(p256.Point.Fn.ORDER - s, 32));
    const offCurve: EcPublicKey = { ...pub, y: pub.y.map((b, i) => (i === 31 ? b ^ 1 : b)) };
    for (let round = 0; round < 3; round++) {
      expect(await nobleBackend.ecdsaVerify(pub, 'SHA-256', message, sig)).toBe(true);
      expect(await nobleBackend.ecdsaVerify(pub, 'SHA-256', message, highS)).toBe(true);
      expect(await nobleBackend.ecdsaVerify(pub, 'SHA-256', utf8Encode('other'), sig)).toBe(false);
      expect(await nobleBackend.ecdsaVerify(pub, 'SHA-384', message, sig)).toBe(false);
      expect(await nobleBackend.ecdsaVerify(wrongKey, 'SHA-256', message, sig)).toBe(false);
      expect(await nobleBackend.ecdsaVerify(pub, 'SHA-256', message, new Uint8Array(64))).toBe(false);
      await expect(nobleBackend.ecdsaVerify(offCurve, 'SHA-256', message, sig)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
    }
    // The first verification with `pub` went without a table, the later ones with it.
    const points = lookups.mock.results.map((r) => r.value as { toBytes(c: boolean): Uint8Array } | undefined);
    expect(points[0]).toBeUndefined();
    expect(points.filter((p) => p !== undefined && toHex(p.toBytes(false)) === toHex(concat(Uint8Array.of(4), pub.x, pub.y))).length).toBeGreaterThan(5);
  });

  it('never verifies against the point of bytes changed in place', async () => {
    const a = (await nobleBackend.generateKeyPair('P-384')) as EcPrivateKey;
    const b = (await nobleBackend.generateKeyPair('P-384')) as EcPrivateKey;
    const [sigA, sigB] = [await nobleBackend.ecdsaSign(a, 'SHA-384', message), await nobleBackend.ecdsaSign(b, 'SHA-384', message)];
    const key = ecPublicKeyFromRaw('P-384', concat(Uint8Array.of(4), a.x, a.y));
    for (let i = 0; i < 3; i++) expect(await nobleBackend.ecdsaVerify(key, 'SHA-384', message, sigA)).toBe(true);
    key.x.set(b.x);
    key.y.set(b.y);
    for (let i = 0; i < 3; i++) {
      expect(await nobleBackend.ecdsaVerify(key, 'SHA-384', message, sigA)).toBe(false);
      expect(await nobleBackend.ecdsaVerify(key, 'SHA-384', message, sigB)).toBe(true);
    }
    key.y[47]! ^= 1;
    await expect(nobleBackend.ecdsaVerify(key, 'SHA-384', message, sigB)).rejects.toEqual(code('ERR_CRYPTO_KEY'));
  });
});
