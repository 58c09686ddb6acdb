/**
 * RSASSA-PKCS1-v1_5 signature verification, RFC 8017 §8.2.2, in pure TypeScript over BigInt:
 * RSAVP1 (§5.2.2) and EMSA-PKCS1-v1_5 (§9.2) with the DigestInfo prefixes of §9.2 Note 1.
 *
 * The whole expected encoded message `0x00 01 FF..FF 00 || DigestInfo` is rebuilt and
 * compared in one pass (no parsing of the recovered block, so no Bleichenbacher-2006
 * style forgeries). Verification only: RSA keys are public and nothing here is secret.
 *
 * Key policy: 1024 ≤ bits(n) ≤ 16384, n odd, 3 ≤ e < n, e odd, bits(e) ≤ 64; other keys throw
 * `CryptoError('ERR_CRYPTO_KEY')`. A signature of the wrong length or ≥ n is simply invalid.
 */
import { CryptoError } from '../errors.js';
import { assertBytes, concat, constantTimeEqual, fromHex, toHex } from '../internal/bytes.js';
import type { HashAlg, RsaPublicKey } from './types.js';

const PREFIX_HEX = {
  'SHA-1': '3021300906052b0e03021a05000414',
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
} as const satisfies Record<HashAlg, string>;

const DIGEST_LENGTH = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;

/** Private copies used for verification, so callers mutating the exported arrays change nothing. */
const PREFIX: Record<HashAlg, Uint8Array> = {
  'SHA-1': fromHex(PREFIX_HEX['SHA-1']),
  'SHA-256': fromHex(PREFIX_HEX['SHA-256']),
  'SHA-384': fromHex(PREFIX_HEX['SHA-384']),
  'SHA-512': fromHex(PREFIX_HEX['SHA-512']),
};

/** DER DigestInfo prefix per hash (RFC 8017 §9.2 Note 1); append the digest to get a DigestInfo. */
export const DIGEST_INFO_PREFIX: Readonly<Record<HashAlg, Uint8Array>> = Object.freeze({
  'SHA-1': fromHex(PREFIX_HEX['SHA-1']),
  'SHA-256': fromHex(PREFIX_HEX['SHA-256']),
  'SHA-384': fromHex(PREFIX_HEX['SHA-384']),
  'SHA-512': fromHex(PREFIX_HEX['SHA-512']),
});

function hashInfo(hash: HashAlg): { prefix: Uint8Array; length: number } {
  const prefix = Object.hasOwn(PREFIX, hash) ? PREFIX[hash] : undefined;
  if (prefix === undefined) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported hash ${String(hash)}`);
  return { prefix, length: DIGEST_LENGTH[hash] };
}

/**
 * The DER DigestInfo `prefix || digest` (what a JPKI card signs). Throws `RangeError` if
 * `digest` is not the hash's length, `ERR_CRYPTO_UNSUPPORTED` for an unknown hash.
 */
export function encodeDigestInfo(hash: HashAlg, digest: Uint8Array): Uint8Array {
  assertBytes(digest, 'digest');
  const { prefix, length } = hashInfo(hash);
  if (digest.length !== length) throw new RangeError(`digest must be ${length} bytes for ${hash}, got ${digest.length}`);
  return concat(prefix, digest);
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

function toBytes(n: bigint, length: number): Uint8Array {
  return fromHex(n.toString(16).padStart(2 * length, '0'));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    exponent >>= 1n;
    base = (base * base) % modulus;
  }
  return result;
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
  if (bits < 1024 || bits > 16384 || (n & 1n) === 0n) {
    throw new CryptoError('ERR_CRYPTO_KEY', `RSA modulus must be odd and 1024 to 16384 bits (got ${bits})`);
  }
  if (e < 3n || (e & 1n) === 0n || e >= n || e.toString(2).length > 64) {
    throw new CryptoError('ERR_CRYPTO_KEY', 'RSA public exponent must be odd, at least 3 and at most 64 bits');
  }
  return { n, e, k: Math.ceil(bits / 8) };
}

/** True when `signature` has the modulus length and is < n (RFC 8017 §5.2.2 step 1) (internal). */
export function rsaSignatureInRange(params: RsaKeyParams, signature: Uint8Array): boolean {
  return signature.length === params.k && toBigInt(signature) < params.n;
}

/**
 * Verify an RSASSA-PKCS1-v1_5 signature over an already computed `digest` of `hash`.
 * Returns false for any signature that does not verify (wrong length, ≥ n, other hash).
 * Throws `ERR_CRYPTO_KEY` for a key outside the policy, `RangeError` for a digest of the wrong length.
 */
export function rsaPkcs1VerifyDigest(key: RsaPublicKey, hash: HashAlg, digest: Uint8Array, signature: Uint8Array): boolean {
  assertBytes(signature, 'signature');
  const digestInfo = encodeDigestInfo(hash, digest);
  const params = checkRsaPublicKey(key);
  if (!rsaSignatureInRange(params, signature)) return false;
  // EMSA-PKCS1-v1_5: EM = 0x00 || 0x01 || PS (0xff, at least 8) || 0x00 || T, length k.
  const psLength = params.k - digestInfo.length - 3;
  if (psLength < 8) return false;
  const expected = new Uint8Array(params.k);
  expected[1] = 1;
  expected.fill(0xff, 2, 2 + psLength);
  expected.set(digestInfo, params.k - digestInfo.length);
  const recovered = toBytes(modPow(toBigInt(signature), params.e, params.n), params.k);
  return constantTimeEqual(recovered, expected);
}

/**
 * Verify an RSASSA-PKCS1-v1_5 signature over `data`, hashing it with `digestFn`
 * (a backend's `digest`). Same results and throws as {@link rsaPkcs1VerifyDigest}.
 */
export async function rsaPkcs1Verify(
  key: RsaPublicKey,
  hash: HashAlg,
  data: Uint8Array,
  signature: Uint8Array,
  digestFn: (hash: HashAlg, data: Uint8Array) => Uint8Array | Promise<Uint8Array>,
): Promise<boolean> {
  assertBytes(data, 'data');
  hashInfo(hash);
  return rsaPkcs1VerifyDigest(key, hash, await digestFn(hash, data), signature);
}
