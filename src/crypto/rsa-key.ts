/**
 * The RSA public key policy, apart from the verification (rsa.ts) so that certificate parsing,
 * which checks every RSA key it reads, does not load the arithmetic: 1024 ≤ bits(n) ≤ 8192,
 * n odd, 3 ≤ e < n, e odd, bits(e) ≤ 32; other keys throw `CryptoError('ERR_CRYPTO_KEY')`.
 * The bounds keep one verification in the milliseconds: a certificate chain is built from
 * keys anyone can put in an x5chain, and a 16,384-bit modulus with a 64-bit exponent cost
 * 33 ms per verification here, against 1 ms for 2048 bits and e = 65537 (JPKI's keys are
 * 2048-bit; CAs use up to 4096, rarely 8192).
 */
import { CryptoError } from '../errors.js';
import { toHex } from '../internal/bytes.js';
import type { RsaPublicKey } from './types.js';

/** Big-endian bytes as a bigint (internal). */
export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

/** A validated RSA public key as integers; `k` is the modulus length in bytes (internal). */
export interface RsaKeyParams {
  readonly n: bigint;
  readonly e: bigint;
  readonly k: number;
}

/** Validate an RSA public key against the policy above (internal). Throws `ERR_CRYPTO_KEY`. */
export function checkRsaPublicKey(key: RsaPublicKey): RsaKeyParams {
  if (key?.kty !== 'RSA' || !(key.n instanceof Uint8Array) || !(key.e instanceof Uint8Array)) {
    throw new CryptoError('ERR_CRYPTO_KEY', 'expected an RSA public key');
  }
  const n = toBigInt(key.n);
  const e = toBigInt(key.e);
  const bits = n.toString(2).length;
  if (bits < 1024 || bits > 8192 || (n & 1n) === 0n) {
    throw new CryptoError('ERR_CRYPTO_KEY', `RSA modulus must be odd and 1024 to 8192 bits (got ${bits})`);
  }
  if (e < 3n || (e & 1n) === 0n || e >= n || e.toString(2).length > 32) {
    throw new CryptoError('ERR_CRYPTO_KEY', 'RSA public exponent must be odd, at least 3 and at most 32 bits');
  }
  return { n, e, k: Math.ceil(bits / 8) };
}
