/**
 * Key helpers for the plain-data key types of `types.ts`.
 *
 * - NIST curves P-256, P-384, P-521 (FIPS 186-5, SP 800-186): SEC 1 v2 §2.3.3 / §2.3.4
 *   point encoding and decoding with on-curve validation, private scalars in [1, n-1].
 * - Ed25519 (RFC 8032 §5.1.5) and X25519 (RFC 7748 §6.1) public keys from 32-byte secrets.
 *
 * Public keys are checked here with BigInt arithmetic on the published curve constants
 * (below), so verifying a signature never loads @noble/curves; what needs a scalar
 * multiplication (a private key's public point) is in `private-keys.ts`.
 *
 * Bad key bytes throw `CryptoError('ERR_CRYPTO_KEY')`; an unknown curve name throws
 * `CryptoError('ERR_CRYPTO_UNSUPPORTED')`.
 */
import { CryptoError } from '../errors.js';
import { assertBytes, concat, fromHex, toHex } from '../internal/bytes.js';
import type { EcCurve, EcPrivateKey, EcPublicKey, OkpCurve, OkpPrivateKey, OkpPublicKey, PrivateKey, PublicKey } from './types.js';

const FIELD_SIZE = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

/**
 * The field prime p and coefficient b of each NIST curve, big-endian hex, as published in
 * FIPS 186-4 Appendix D.1.2.3-5 (= SP 800-186 §3.2.1, SEC 2 v2 §2.4.2, §2.5.1, §2.6.1); a = p - 3 on all three.
 */
const CURVE_HEX = {
  'P-256': {
    p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
    b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  },
  'P-384': {
    p: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
    b: 'b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef',
  },
  'P-521': {
    p: '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    b: '0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00',
  },
} as const;

/** p, a, b of a NIST curve as BigInts and p as bytes (internal). */
interface CurveConstants {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly pBytes: Uint8Array;
}

/** Each curve's constants, made on first use. */
const constants = new Map<EcCurve, CurveConstants>();

/** p, a = p - 3 and b of `crv` (FIPS 186-4 D.1.2) (internal). Throws `ERR_CRYPTO_UNSUPPORTED` for another name. */
export function curveConstants(crv: EcCurve): CurveConstants {
  let c = constants.get(crv);
  if (c === undefined) {
    if (!isEcCurve(crv)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(crv)}`);
    const hex = CURVE_HEX[crv];
    const p = BigInt(`0x${hex.p}`);
    c = { p, a: p - 3n, b: BigInt(`0x${hex.b}`), pBytes: fromHex(hex.p) };
    constants.set(crv, c);
  }
  return c;
}

/** True when `value` names a NIST curve shomei supports (`'P-256'`, `'P-384'`, `'P-521'`). */
export function isEcCurve(value: unknown): value is EcCurve {
  return value === 'P-256' || value === 'P-384' || value === 'P-521';
}

/** True when `value` names an octet-key-pair curve (`'Ed25519'`, `'X25519'`). */
export function isOkpCurve(value: unknown): value is OkpCurve {
  return value === 'Ed25519' || value === 'X25519';
}

/** Byte length of a coordinate (and of `d`) on `crv`: 32, 48 or 66. Throws `ERR_CRYPTO_UNSUPPORTED`. */
export function curveFieldSize(crv: EcCurve): number {
  if (!isEcCurve(crv)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(crv)}`);
  return FIELD_SIZE[crv];
}

/**
 * The big-endian integer in `bytes[start, end)`: 64 bits at a time (about 2.5× faster than
 * parsing the hex, on a decode path every device key takes), the odd leading bytes first.
 */
function bigAt(bytes: Uint8Array, start: number, end: number): bigint {
  const length = end - start;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
  const head = length % 8;
  let n = 0n;
  for (let i = 0; i < head; i++) n = (n << 8n) | BigInt(view.getUint8(i));
  for (let i = head; i < length; i += 8) n = (n << 64n) | view.getBigUint64(i);
  return n;
}

/** `base`^`exponent` mod `m` (square and multiply; public values only). */
function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** `n` mod `m` in [0, m). */
function mod(n: bigint, m: bigint): bigint {
  const r = n % m;
  return r < 0n ? r + m : r;
}

/**
 * True when both coordinates of the uncompressed `0x04 || x || y` on `crv` are below the
 * field prime (SEC 1 v2 §2.3.5): a byte comparison, no arithmetic. Whether the point is on
 * the curve is not checked here (internal).
 */
export function coordinatesBelowPrime(crv: EcCurve, raw: Uint8Array): boolean {
  const size = curveFieldSize(crv);
  const p = curveConstants(crv).pBytes;
  return raw.length === 1 + 2 * size && lessThan(raw, 1, p, size) && lessThan(raw, 1 + size, p, size);
}

/** True when `bytes[start, start + size)` is below `bound` (both big-endian, `size` bytes). */
function lessThan(bytes: Uint8Array, start: number, bound: Uint8Array, size: number): boolean {
  for (let i = 0; i < size; i++) {
    const a = bytes[start + i] as number;
    const b = bound[i] as number;
    if (a !== b) return a < b;
  }
  return false;
}

/** True when the uncompressed `0x04 || x || y` has both coordinates below p and lies on the curve (SEC 1 v2 §3.2.2.1). */
function onCurve(crv: EcCurve, bytes: Uint8Array, size: number): boolean {
  const { p, a, b } = curveConstants(crv);
  const x = bigAt(bytes, 1, 1 + size);
  const y = bigAt(bytes, 1 + size, 1 + 2 * size);
  if (x >= p || y >= p) return false;
  return (y * y - ((x * x + a) * x + b)) % p === 0n;
}

/**
 * The uncompressed encoding of the compressed `0x02/0x03 || x` on `crv` (SEC 1 v2 §2.3.4),
 * or undefined when x ≥ p or x³ + ax + b has no square root. p ≡ 3 (mod 4) on the three
 * curves, so a root is (x³ + ax + b)^((p+1)/4). No point has y = 0 (the group order is odd).
 */
function decompress(crv: EcCurve, bytes: Uint8Array, size: number): Uint8Array | undefined {
  const { p, a, b } = curveConstants(crv);
  const x = bigAt(bytes, 1, 1 + size);
  if (x >= p) return undefined;
  const rhs = mod((x * x + a) * x + b, p);
  let y = modPow(rhs, (p + 1n) >> 2n, p);
  if ((y * y) % p !== rhs) return undefined;
  if ((y & 1n) !== BigInt((bytes[0] as number) & 1)) y = p - y;
  return concat(Uint8Array.of(4), bytes.subarray(1, 1 + size), fromHex(y.toString(16).padStart(2 * size, '0')));
}

function keyError(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_CRYPTO_KEY', message, cause === undefined ? {} : { cause });
}

/**
 * Decode a SEC 1 public point: `0x04 || x || y`, or compressed `0x02/0x03 || x`.
 * Throws `ERR_CRYPTO_KEY` when the bytes are not a point on `crv` (or are the identity).
 * @example ecPublicKeyFromRaw('P-256', fromHex('04...'))
 */
export function ecPublicKeyFromRaw(crv: EcCurve, bytes: Uint8Array): EcPublicKey {
  assertBytes(bytes, 'bytes');
  const size = curveFieldSize(crv);
  const tag = bytes[0];
  const ok = (bytes.length === 1 + 2 * size && tag === 4) || (bytes.length === 1 + size && (tag === 2 || tag === 3));
  if (!ok) throw keyError(`not a SEC 1 ${crv} point encoding (${bytes.length} bytes)`);
  let raw: Uint8Array;
  if (tag === 4) {
    // Uncompressed (what COSE_Keys and certificates carry): x, y < p and y² = x³ + ax + b,
    // checked directly, several times faster than building a noble point. No uncompressed
    // encoding is the identity (b ≠ 0), and the NIST curves have cofactor 1.
    if (!onCurve(crv, bytes, size)) throw keyError(`not a point on ${crv}`);
    raw = bytes.slice();
  } else {
    const point = decompress(crv, bytes, size);
    if (point === undefined) throw keyError(`not a point on ${crv}`);
    raw = point;
  }
  return keyOf(crv, raw, size);
}

/**
 * The public key of the coordinates `x` and `y` (a COSE_Key's), validated as
 * {@link ecPublicKeyFromRaw} validates `0x04 || x || y`, with one copy fewer (internal).
 */
export function ecPublicKeyFromCoordinates(crv: EcCurve, x: Uint8Array, y: Uint8Array): EcPublicKey {
  const size = curveFieldSize(crv);
  if (x.length !== size || y.length !== size) throw keyError(`not a SEC 1 ${crv} point encoding (${1 + x.length + y.length} bytes)`);
  const raw = new Uint8Array(1 + 2 * size);
  raw[0] = 4;
  raw.set(x, 1);
  raw.set(y, 1 + size);
  if (!onCurve(crv, raw, size)) throw keyError(`not a point on ${crv}`);
  return keyOf(crv, raw, size);
}

/** The key object of a validated uncompressed encoding `raw` that no one else holds, remembered as valid. */
function keyOf(crv: EcCurve, raw: Uint8Array, size: number): EcPublicKey {
  // Copies, never views: a caller writing into x or y must not change the remembered encoding.
  const key: EcPublicKey = { kty: 'EC', crv, x: raw.slice(1, 1 + size), y: raw.slice(1 + size) };
  validPublic.set(key, raw);
  return key;
}

/**
 * Public key objects found on their curve (made by {@link ecPublicKeyFromRaw} or
 * {@link ecPublicKeyFromCoordinates}, or checked by {@link checkEcPublicKey}), with the
 * encoding that was checked, which nobody writes into: a device key decoded from a COSE_Key is
 * validated once per verification, not again by each backend call; a key whose bytes changed
 * in place since is checked again.
 */
const validPublic = new WeakMap<object, Uint8Array>();

/** The uncompressed SEC 1 encoding `0x04 || x || y` (coordinates checked for length only). */
export function ecPublicKeyToRaw(key: EcPublicKey): Uint8Array {
  const size = curveFieldSize(key.crv);
  if (!(key.x instanceof Uint8Array) || !(key.y instanceof Uint8Array) || key.x.length !== size || key.y.length !== size) {
    throw keyError(`${key.crv} coordinates must be ${size} bytes each`);
  }
  const raw = new Uint8Array(1 + 2 * size);
  raw[0] = 4;
  raw.set(key.x, 1);
  raw.set(key.y, 1 + size);
  return raw;
}

/**
 * The uncompressed encoding of `key` without a copy when it came from
 * {@link ecPublicKeyFromRaw} and still holds the coordinates checked there (a device key on
 * its way to a backend); otherwise {@link ecPublicKeyToRaw}. The result is shared: the caller
 * must not write into it (internal).
 */
export function ecPublicKeyRaw(key: EcPublicKey): Uint8Array {
  return remembered(key) ?? ecPublicKeyToRaw(key);
}

/** The encoding remembered for `key` as valid (`validPublic`), while the key still holds it. */
function remembered(key: EcPublicKey): Uint8Array | undefined {
  const seen = validPublic.get(key);
  return seen !== undefined && holds(key, seen) ? seen : undefined;
}

/** True when `key`'s curve and coordinates are (still) those of the uncompressed encoding `raw`. */
function holds(key: EcPublicKey, raw: Uint8Array): boolean {
  const { crv, x, y } = key;
  if (!isEcCurve(crv)) return false;
  const size = FIELD_SIZE[crv];
  if (raw.length !== 1 + 2 * size || !(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== size || y.length !== size) return false;
  for (let i = 0; i < size; i++) if (x[i] !== raw[1 + i] || y[i] !== raw[1 + size + i]) return false;
  return true;
}

/**
 * What a backend made from an EC public key object (its imported key), remembered per
 * object with the encoding it was made from and returned only while the object still holds
 * those coordinates (a caller may write into `x` or `y`). For keys a backend sees again (a
 * document signer's, one frozen object per cached certificate): such a call skips the
 * encoding, the id and the LRU (internal).
 */
export class EcKeyMemo<V> {
  readonly #memo = new WeakMap<EcPublicKey, { readonly raw: Uint8Array; readonly value: V }>();

  get(key: EcPublicKey): V | undefined {
    const m = this.#memo.get(key);
    return m !== undefined && holds(key, m.raw) ? m.value : undefined;
  }

  /** Remember `value` for `key`, made from `raw` (which nobody writes into). */
  set(key: EcPublicKey, raw: Uint8Array, value: V): void {
    this.#memo.set(key, { raw, value });
  }
}

/**
 * Validate an EC public key object and return its uncompressed encoding, shared like
 * {@link ecPublicKeyRaw}'s (internal). Throws `ERR_CRYPTO_KEY`.
 */
export function checkEcPublicKey(key: EcPublicKey): Uint8Array {
  if (key?.kty !== 'EC') throw keyError('expected an EC key');
  const seen = remembered(key);
  if (seen !== undefined) return seen;
  const raw = ecPublicKeyToRaw(key);
  ecPublicKeyFromRaw(key.crv, raw);
  validPublic.set(key, raw);
  return raw;
}

/** Ed25519's p = 2^255 - 19, d = -121665/121666 and √-1 = 2^((p-1)/4) (RFC 8032 §5.1), made on first use. */
let edwards: { readonly p: bigint; readonly d: bigint; readonly sqrtM1: bigint } | undefined;

/**
 * True when the 32 bytes decode to a point of edwards25519 as RFC 8032 §5.1.3 says (y < p,
 * x recovered from y, x = 0 with the sign bit set refused), without checking its order
 * (internal; exported for the tests).
 */
export function isEd25519Point(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  if (edwards === undefined) {
    const p = 2n ** 255n - 19n;
    edwards = { p, d: mod(-121665n * modPow(121666n, p - 2n, p), p), sqrtM1: modPow(2n, (p - 1n) / 4n, p) };
  }
  const { p, d, sqrtM1 } = edwards;
  const sign = BigInt((bytes[31] as number) >> 7);
  const y = ed25519Y(bytes);
  if (y >= p) return false;
  const yy = (y * y) % p;
  const u = mod(yy - 1n, p);
  const v = (d * yy + 1n) % p;
  const v3 = (v * v * v) % p;
  let x = (u * v3 * modPow((u * v3 * v3 * v) % p, (p - 5n) / 8n, p)) % p;
  const vxx = (v * x * x) % p;
  if (vxx === u) {
    // x is a root
  } else if (vxx === mod(-u, p)) {
    x = (x * sqrtM1) % p;
  } else {
    return false;
  }
  return !(x === 0n && sign === 1n);
}

/** The y coordinates of the eight points of small order (1, 2, 4, 8) of edwards25519, each held by a point and its negation. */
let smallOrderY: ReadonlySet<bigint> | undefined;

/** y of the 32-byte little-endian encoding, the sign bit of x cleared. */
function ed25519Y(bytes: Uint8Array): bigint {
  const le = bytes.slice().reverse();
  le[0] = (le[0] as number) & 0x7f;
  return BigInt(`0x${toHex(le)}`);
}

/**
 * True when the encoding `bytes` (a point, see {@link isEd25519Point}) is one of the eight
 * points of small order (internal; exported for the tests). A signature with R and A of small
 * order and S = 0 verifies for every message under RFC 8032's cofactorless equation: OpenSSL
 * (node:crypto, WebCrypto) accepted it, @noble/curves did not.
 */
export function isEd25519SmallOrder(bytes: Uint8Array): boolean {
  if (smallOrderY === undefined) {
    const p = 2n ** 255n - 19n;
    // The identity (y = 1), the point of order 2 (y = -1), those of order 4 (y = 0), and of
    // order 8: the encodings of the torsion subgroup as @noble/curves lists them
    // (ED25519_TORSION_SUBGROUP; test/crypto/keys.test.ts checks the two against it).
    const order8 = ['c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'];
    smallOrderY = new Set([1n, p - 1n, 0n, ...order8.map((h) => ed25519Y(fromHex(h)))]);
  }
  return bytes.length === 32 && smallOrderY.has(ed25519Y(bytes));
}

/**
 * Validate an OKP public key on `crv` (internal). Ed25519 points must decode (RFC 8032
 * §5.1.3) and not be of small order, so that every backend refuses such a key alike.
 */
export function checkOkpPublicKey(key: OkpPublicKey, crv: OkpCurve): Uint8Array {
  if (key?.kty !== 'OKP' || key.crv !== crv) throw keyError(`expected an OKP ${crv} key`);
  if (!(key.x instanceof Uint8Array) || key.x.length !== 32) throw keyError(`${crv} public key must be 32 bytes`);
  if (crv === 'Ed25519' && !isEd25519Point(key.x)) throw keyError('Ed25519 public key is not a point encoding');
  if (crv === 'Ed25519' && isEd25519SmallOrder(key.x)) throw keyError('Ed25519 public key is a point of small order');
  return key.x;
}

/** The public half of a private key (a new object without `d`; nothing is re-derived). */
export function publicKeyOf(privateKey: EcPrivateKey): EcPublicKey;
export function publicKeyOf(privateKey: OkpPrivateKey): OkpPublicKey;
export function publicKeyOf(privateKey: PrivateKey): PublicKey;
export function publicKeyOf(privateKey: PrivateKey): PublicKey {
  if (privateKey.kty === 'EC') {
    return { kty: 'EC', crv: privateKey.crv, x: privateKey.x, y: privateKey.y };
  }
  return { kty: 'OKP', crv: privateKey.crv, x: privateKey.x };
}
