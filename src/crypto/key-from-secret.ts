/**
 * Private-key helpers that need a scalar multiplication: a private key object from its
 * secret, with the public half derived (an EC key from its scalar, FIPS 186-5 §6.2, d in
 * [1, n-1], Q = d·G; an Ed25519 key, RFC 8032 §5.1.5, or X25519 key, RFC 7748 §6.1, from
 * its 32 bytes), and the checks that a private key object's public part matches `d`.
 *
 * The derivation is the package's `#key-derive` import: `node:crypto` on Node
 * (`derive-node.ts`), @noble/curves elsewhere (`derive-noble.ts`), so that on Node no
 * subpath loads curve code at import (decoding a private COSE_Key or JWK derives through it),
 * and the node:crypto backend signs without it. The checks are loaded by the node:crypto and
 * WebCrypto backends on first use (`lazy.ts`), so a verification never loads them.
 */
import { CryptoError } from '../errors.js';
import { assertBytes, constantTimeEqual } from '../internal/bytes.js';
import { knownConsistent, recordConsistent } from './consistent.js';
import { curveOrder } from './curve-order.js';
import { ecPublicFromScalar, okpPublicFromSecret } from './derive-node.js';
import { curveFieldSize, ecPublicKeyToRaw, isEcCurve, isOkpCurve } from './keys.js';
import type { EcCurve, EcPrivateKey, OkpCurve, OkpPrivateKey } from './types.js';

function keyError(message: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_KEY', message);
}

function unsupported(crv: unknown): CryptoError {
  return new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(crv)}`);
}

/**
 * An EC private key from the scalar `d` (exactly the field size, big-endian), with the
 * public point derived. Throws `ERR_CRYPTO_KEY` unless 1 ≤ d < n.
 */
export function ecPrivateKeyFromScalar(crv: EcCurve, d: Uint8Array): EcPrivateKey {
  assertBytes(d, 'd');
  if (!isEcCurve(crv)) throw unsupported(crv);
  const size = curveFieldSize(crv);
  if (d.length !== size) throw keyError(`${crv} private scalar must be ${size} bytes, got ${d.length}`);
  let n = 0n;
  for (const b of d) n = (n << 8n) | BigInt(b);
  if (n < 1n || n >= curveOrder(crv)) throw keyError(`${crv} private scalar is not in [1, n-1]`);
  const raw = ecPublicFromScalar(crv, d);
  return { kty: 'EC', crv, x: raw.slice(1, 1 + size), y: raw.slice(1 + size), d: d.slice() };
}

/** An Ed25519 or X25519 private key from its 32-byte secret, with the public key derived. */
export function okpPrivateKeyFromSeed(crv: OkpCurve, d: Uint8Array): OkpPrivateKey {
  assertBytes(d, 'd');
  if (!isOkpCurve(crv)) throw unsupported(crv);
  if (d.length !== 32) throw keyError(`${crv} private key must be 32 bytes, got ${d.length}`);
  return { kty: 'OKP', crv, x: okpPublicFromSecret(crv, d), d: d.slice() };
}

/**
 * Validate an EC private key object (internal): scalar range, and the public point must be
 * d·G (WebCrypto JWK import insists on it, so every backend does). Throws `ERR_CRYPTO_KEY`.
 */
export function checkEcPrivateKey(key: EcPrivateKey): void {
  if (key?.kty !== 'EC' || !(key.d instanceof Uint8Array)) throw keyError('expected an EC private key');
  const raw = ecPublicKeyToRaw(key);
  if (!knownConsistent(key, key.d, raw)) {
    const derived = ecPrivateKeyFromScalar(key.crv, key.d);
    if (!constantTimeEqual(raw, ecPublicKeyToRaw(derived))) throw keyError('EC private key: x, y do not match d');
    recordConsistent(key, key.d, raw);
  }
}

/** Validate an OKP private key on `crv` (internal): 32-byte `d` whose public key is `x`. */
export function checkOkpPrivateKey(key: OkpPrivateKey, crv: OkpCurve): Uint8Array {
  if (key?.kty !== 'OKP' || key.crv !== crv || !(key.d instanceof Uint8Array)) {
    throw keyError(`expected an OKP ${crv} private key`);
  }
  if (!(key.x instanceof Uint8Array) || !knownConsistent(key, key.d, key.x)) {
    const derived = okpPrivateKeyFromSeed(crv, key.d);
    if (!(key.x instanceof Uint8Array) || !constantTimeEqual(key.x, derived.x)) {
      throw keyError(`${crv} private key: x does not match d`);
    }
    recordConsistent(key, key.d, key.x);
  }
  return key.d;
}

/** Check the private key of an ECDH (internal): an EC key or an X25519 key. Throws `ERR_CRYPTO_KEY`. */
export function checkEcdhPrivate(privateKey: EcPrivateKey | OkpPrivateKey): void {
  if (privateKey?.kty === 'EC') checkEcPrivateKey(privateKey);
  else if (privateKey?.kty === 'OKP' && privateKey.crv === 'X25519') checkOkpPrivateKey(privateKey, 'X25519');
  else throw new CryptoError('ERR_CRYPTO_KEY', 'ECDH needs an EC or X25519 private key');
}
