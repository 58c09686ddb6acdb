/**
 * The input checks every CryptoBackend shares (the rules are listed in `noble.ts`): hash
 * names (FIPS 180-4 output lengths), HKDF output length (RFC 5869 §2.3), AES-GCM key and IV
 * sizes (NIST SP 800-38D), the ECDH peer key (SEC 1 v2 §3.2.2) and the all-zero X25519
 * output (RFC 7748 §6.1), and random bytes from `crypto.getRandomValues`.
 *
 * Kept apart from the noble backend so that the node:crypto and WebCrypto backends check
 * their inputs without loading @noble/* (internal; `noble.ts` re-exports them).
 */
import { CryptoError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';
import { checkEcPublicKey, checkOkpPublicKey } from './keys.js';
import type { EcPrivateKey, EcPublicKey, HashAlg, OkpPrivateKey, OkpPublicKey } from './types.js';

/** Output length in bytes of each hash (FIPS 180-4). */
const OUTPUT_LENGTH: Readonly<Record<HashAlg, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/**
 * Throw `ERR_CRYPTO_UNSUPPORTED` unless `hash` names a hash this operation takes (SHA-1 only
 * when `allowSha1`); returns its output length in bytes (internal).
 */
export function checkHash(hash: HashAlg, allowSha1: boolean): number {
  const length = Object.hasOwn(OUTPUT_LENGTH, hash) ? OUTPUT_LENGTH[hash] : undefined;
  if (length === undefined || (hash === 'SHA-1' && !allowSha1)) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported hash ${String(hash)} for this operation`);
  }
  return length;
}

/** Throw `RangeError` unless `length` is a valid HKDF output length for `hash` (internal). */
export function checkHkdfLength(hash: HashAlg, length: number): void {
  const max = 255 * checkHash(hash, false);
  if (!Number.isSafeInteger(length) || length < 0 || length > max) {
    throw new RangeError(`length must be an integer from 0 to ${max}, got ${length}`);
  }
}

/** Throw unless `key` and `iv` are acceptable for AES-GCM (internal). */
export function checkAesGcm(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array | undefined): void {
  assertBytes(key, 'key');
  assertBytes(iv, 'iv');
  assertBytes(data, 'data');
  if (aad !== undefined) assertBytes(aad, 'aad');
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  if (iv.length < 8) throw new RangeError(`AES-GCM iv must be at least 8 bytes, got ${iv.length}`);
}

/** The ERR_CRYPTO_ECDH error (internal). */
export function ecdhError(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_CRYPTO_ECDH', message, cause === undefined ? {} : { cause });
}

/** Check the peer key of an ECDH against the private key's curve (internal); returns its raw bytes. */
export function checkEcdhPeer(privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey): Uint8Array {
  if (publicKey?.kty !== privateKey.kty || publicKey.crv !== privateKey.crv) {
    throw ecdhError(`peer key is not a ${privateKey.crv} key`);
  }
  try {
    return publicKey.kty === 'EC' ? checkEcPublicKey(publicKey) : checkOkpPublicKey(publicKey, 'X25519');
  } catch (e) {
    throw ecdhError(`invalid ${privateKey.crv} peer key`, e);
  }
}

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/** Throw ERR_CRYPTO_ECDH for an all-zero X25519 output (RFC 7748 §6.1) (internal). */
export function checkX25519Output(secret: Uint8Array): Uint8Array {
  if (isAllZero(secret)) throw ecdhError('X25519 produced the all-zero value (low-order peer key)');
  return secret;
}

/**
 * `length` random bytes from `globalThis.crypto.getRandomValues` (read at each call; on
 * Hermes install the usual `react-native-get-random-values` polyfill). `ERR_CRYPTO_UNSUPPORTED`
 * where it is missing (internal: the backends' `randomBytes`).
 */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  const out = new Uint8Array(length);
  const source = globalThis.crypto;
  if (typeof source?.getRandomValues !== 'function') {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'crypto.getRandomValues is not available');
  }
  try {
    // getRandomValues is limited to 65536 bytes per call.
    for (let i = 0; i < length; i += 65536) source.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  } catch (e) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'crypto.getRandomValues failed', { cause: e });
  }
  return out;
}
