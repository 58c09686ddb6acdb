/**
 * Key helpers for the plain-data key types of `types.ts`.
 *
 * - NIST curves P-256, P-384, P-521 (FIPS 186-5, SP 800-186): SEC 1 v2 §2.3.3 / §2.3.4
 *   point encoding and decoding with on-curve validation, private scalars in [1, n-1].
 * - Ed25519 (RFC 8032 §5.1.5) and X25519 (RFC 7748 §6.1) public keys from 32-byte secrets.
 *
 * Bad key bytes throw `CryptoError('ERR_CRYPTO_KEY')`; an unknown curve name throws
 * `CryptoError('ERR_CRYPTO_UNSUPPORTED')`.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { CryptoError } from '../errors.js';
import { assertBytes, constantTimeEqual, equalBytes, fromHex, toHex } from '../internal/bytes.js';
import type {
  EcCurve,
  EcPrivateKey,
  EcPublicKey,
  OkpCurve,
  OkpPrivateKey,
  OkpPublicKey,
  PrivateKey,
  PublicKey,
} from './types.js';

const NIST = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const FIELD_SIZE = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

/** The noble implementation of a NIST curve. */
export type NistCurve = (typeof NIST)[EcCurve];

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

/** The noble curve for `crv` (internal). Throws `ERR_CRYPTO_UNSUPPORTED` for an unknown name. */
export function nistCurve(crv: EcCurve): NistCurve {
  if (!isEcCurve(crv)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(crv)}`);
  return NIST[crv];
}

/** The big-endian integer in `bytes[start, end)`. */
function bigAt(bytes: Uint8Array, start: number, end: number): bigint {
  return BigInt(`0x${toHex(bytes.subarray(start, end))}`);
}

/** p of each NIST curve as big-endian bytes of the coordinate size, made on first use. */
const primeBytes = new Map<EcCurve, Uint8Array>();

/**
 * True when both coordinates of the uncompressed `0x04 || x || y` on `crv` are below the
 * field prime (SEC 1 v2 §2.3.5): a byte comparison, no arithmetic. Whether the point is on
 * the curve is not checked here (internal).
 */
export function coordinatesBelowPrime(crv: EcCurve, raw: Uint8Array): boolean {
  const size = curveFieldSize(crv);
  let p = primeBytes.get(crv);
  if (p === undefined) primeBytes.set(crv, (p = fromHex(nistCurve(crv).Point.CURVE().p.toString(16).padStart(2 * size, '0'))));
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
function onCurve(curve: NistCurve, bytes: Uint8Array, size: number): boolean {
  const { p, a, b } = curve.Point.CURVE();
  const x = bigAt(bytes, 1, 1 + size);
  const y = bigAt(bytes, 1 + size, 1 + 2 * size);
  if (x >= p || y >= p) return false;
  return (y * y - ((x * x + a) * x + b)) % p === 0n;
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
  const curve = nistCurve(crv);
  const size = FIELD_SIZE[crv];
  const tag = bytes[0];
  const ok = (bytes.length === 1 + 2 * size && tag === 4) || (bytes.length === 1 + size && (tag === 2 || tag === 3));
  if (!ok) throw keyError(`not a SEC 1 ${crv} point encoding (${bytes.length} bytes)`);
  let raw: Uint8Array;
  if (tag === 4) {
    // Uncompressed (what COSE_Keys and certificates carry): x, y < p and y² = x³ + ax + b,
    // checked directly, several times faster than building a noble point. No uncompressed
    // encoding is the identity (b ≠ 0), and the NIST curves have cofactor 1.
    if (!onCurve(curve, bytes, size)) throw keyError(`not a point on ${crv}`);
    raw = bytes.slice();
  } else {
    try {
      const point = curve.Point.fromBytes(bytes);
      point.assertValidity();
      if (point.is0()) throw new Error('identity');
      raw = point.toBytes(false);
    } catch (e) {
      throw keyError(`not a point on ${crv}`, e);
    }
  }
  const key: EcPublicKey = { kty: 'EC', crv, x: raw.slice(1, 1 + size), y: raw.slice(1 + size) };
  validPublic.set(key, raw);
  return key;
}

/**
 * Public key objects made by {@link ecPublicKeyFromRaw} (so already found on their curve),
 * with the encoding that was checked: a device key decoded from a COSE_Key is validated once
 * per verification, not again by each backend call; a key whose bytes changed in place since
 * is checked again.
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

/** Validate an EC public key object and return its uncompressed encoding (internal). Throws `ERR_CRYPTO_KEY`. */
export function checkEcPublicKey(key: EcPublicKey): Uint8Array {
  if (key?.kty !== 'EC') throw keyError('expected an EC key');
  const raw = ecPublicKeyToRaw(key);
  const seen = validPublic.get(key);
  if (seen === undefined || !equalBytes(seen, raw)) {
    ecPublicKeyFromRaw(key.crv, raw);
    validPublic.set(key, raw.slice());
  }
  return raw;
}

function scalarInRange(curve: NistCurve, d: Uint8Array): boolean {
  let n = 0n;
  for (const b of d) n = (n << 8n) | BigInt(b);
  return n >= 1n && n < curve.Point.Fn.ORDER;
}

/**
 * Private key objects already found consistent, with a copy of what was checked: deriving
 * the public key costs a scalar multiplication, and a key object whose bytes were changed
 * in place since is checked again.
 */
const checked = new WeakMap<object, { readonly d: Uint8Array; readonly pub: Uint8Array }>();

function wasChecked(key: object, d: Uint8Array, pub: Uint8Array): boolean {
  const seen = checked.get(key);
  return seen !== undefined && constantTimeEqual(seen.d, d) && constantTimeEqual(seen.pub, pub);
}

/**
 * An EC private key from the scalar `d` (exactly the field size, big-endian), with the
 * public point derived. Throws `ERR_CRYPTO_KEY` unless 1 ≤ d < n.
 */
export function ecPrivateKeyFromScalar(crv: EcCurve, d: Uint8Array): EcPrivateKey {
  assertBytes(d, 'd');
  const curve = nistCurve(crv);
  const size = FIELD_SIZE[crv];
  if (d.length !== size) throw keyError(`${crv} private scalar must be ${size} bytes, got ${d.length}`);
  if (!scalarInRange(curve, d)) throw keyError(`${crv} private scalar is not in [1, n-1]`);
  const raw = curve.getPublicKey(d, false);
  return { kty: 'EC', crv, x: raw.slice(1, 1 + size), y: raw.slice(1 + size), d: d.slice() };
}

/**
 * Validate an EC private key object (internal): scalar range, and the public point must be
 * d·G (WebCrypto JWK import insists on it, so both backends do). Throws `ERR_CRYPTO_KEY`.
 */
export function checkEcPrivateKey(key: EcPrivateKey): NistCurve {
  if (key?.kty !== 'EC' || !(key.d instanceof Uint8Array)) throw keyError('expected an EC private key');
  const raw = ecPublicKeyToRaw(key);
  if (!wasChecked(key, key.d, raw)) {
    const derived = ecPrivateKeyFromScalar(key.crv, key.d);
    if (!constantTimeEqual(raw, ecPublicKeyToRaw(derived))) throw keyError('EC private key: x, y do not match d');
    checked.set(key, { d: key.d.slice(), pub: raw });
  }
  return NIST[key.crv];
}

/** An Ed25519 or X25519 private key from its 32-byte secret, with the public key derived. */
export function okpPrivateKeyFromSeed(crv: OkpCurve, d: Uint8Array): OkpPrivateKey {
  assertBytes(d, 'd');
  if (!isOkpCurve(crv)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(crv)}`);
  if (d.length !== 32) throw keyError(`${crv} private key must be 32 bytes, got ${d.length}`);
  const x = crv === 'Ed25519' ? ed25519.getPublicKey(d) : x25519.getPublicKey(d);
  return { kty: 'OKP', crv, x, d: d.slice() };
}

/** Validate an OKP public key on `crv` (internal). Ed25519 points must decode (RFC 8032 §5.1.3). */
export function checkOkpPublicKey(key: OkpPublicKey, crv: OkpCurve): Uint8Array {
  if (key?.kty !== 'OKP' || key.crv !== crv) throw keyError(`expected an OKP ${crv} key`);
  if (!(key.x instanceof Uint8Array) || key.x.length !== 32) throw keyError(`${crv} public key must be 32 bytes`);
  if (crv === 'Ed25519') {
    try {
      ed25519.Point.fromBytes(key.x, false);
    } catch (e) {
      throw keyError('Ed25519 public key is not a point encoding', e);
    }
  }
  return key.x;
}

/** Validate an OKP private key on `crv` (internal): 32-byte `d` whose public key is `x`. */
export function checkOkpPrivateKey(key: OkpPrivateKey, crv: OkpCurve): Uint8Array {
  if (key?.kty !== 'OKP' || key.crv !== crv || !(key.d instanceof Uint8Array)) {
    throw keyError(`expected an OKP ${crv} private key`);
  }
  if (!(key.x instanceof Uint8Array) || !wasChecked(key, key.d, key.x)) {
    const derived = okpPrivateKeyFromSeed(crv, key.d);
    if (!(key.x instanceof Uint8Array) || !constantTimeEqual(key.x, derived.x)) {
      throw keyError(`${crv} private key: x does not match d`);
    }
    checked.set(key, { d: key.d.slice(), pub: key.x.slice() });
  }
  return key.d;
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
