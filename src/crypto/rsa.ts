/**
 * RSASSA-PKCS1-v1_5 signature verification, RFC 8017 §8.2.2, in pure TypeScript over BigInt:
 * RSAVP1 (§5.2.2) and EMSA-PKCS1-v1_5 (§9.2) with the DigestInfo prefixes of §9.2 Note 1.
 *
 * The whole expected encoded message `0x00 01 FF..FF 00 || DigestInfo` is rebuilt and
 * compared in one pass (no parsing of the recovered block, so no Bleichenbacher-2006
 * style forgeries). Verification only: RSA keys are public and nothing here is secret.
 *
 * Keys outside the policy of `rsa-key.ts` throw `CryptoError('ERR_CRYPTO_KEY')`. A signature
 * of the wrong length or ≥ n is simply invalid.
 */
import { CryptoError } from '../errors.js';
import { assertBytes, concat, constantTimeEqual, fromHex } from '../internal/bytes.js';
import { checkRsaPublicKey, type RsaKeyParams, toBigInt } from './rsa-key.js';
import type { HashAlg, RsaPublicKey } from './types.js';

export { checkRsaPublicKey, type RsaKeyParams } from './rsa-key.js';

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

// ---------------------------------------------------------------------------------------
// Private-key operations (RFC 8017 §5.2.1 RSASP1 with the CRT, §9.2 EMSA-PKCS1-v1_5).
//
// For simulators, tests and software tokens. The arithmetic is plain BigInt and NOT
// constant time: do not use it where the private key must be protected from timing
// attacks. Every signature is checked with the public key before it is returned, so a
// wrong CRT parameter can never leak a factor through a faulty signature.
// ---------------------------------------------------------------------------------------

/**
 * An RSA private key with its CRT parameters (RFC 8017 §3.2, second representation),
 * big-endian bytes without leading zeros, as in a JWK.
 */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qi: Uint8Array;
}

interface RsaPrivateParams extends RsaKeyParams {
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
}

function checkRsaPrivateKey(key: RsaPrivateKey): RsaPrivateParams {
  const pub = checkRsaPublicKey(key);
  for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    if (!((key as unknown as Record<string, unknown>)[name] instanceof Uint8Array)) {
      throw new CryptoError('ERR_CRYPTO_KEY', `RSA private key lacks ${name}`);
    }
  }
  const p = toBigInt(key.p);
  const q = toBigInt(key.q);
  if (p < 3n || q < 3n || p * q !== pub.n) throw new CryptoError('ERR_CRYPTO_KEY', 'RSA private key: p·q is not n');
  return { ...pub, p, q, dp: toBigInt(key.dp), dq: toBigInt(key.dq), qi: toBigInt(key.qi) };
}

/** The public half of an RSA private key. */
export function rsaPublicKeyOf(key: RsaPrivateKey): RsaPublicKey {
  return { kty: 'RSA', n: key.n.slice(), e: key.e.slice() };
}

/**
 * RSASSA-PKCS1-v1_5 signature over an encoded `payload` T, as a JPKI card computes it for
 * `80 2A 00 80`: `EM = 00 01 FF…FF 00 || T` (at least 8 bytes of FF), then RSASP1 with the CRT.
 * For a standard signature T is a DER DigestInfo ({@link encodeDigestInfo}).
 *
 * @throws `ERR_CRYPTO_KEY` for a key outside the policy or with inconsistent CRT parameters;
 *   `RangeError` when T is longer than k − 11 bytes.
 */
export function rsaPkcs1SignPayload(key: RsaPrivateKey, payload: Uint8Array): Uint8Array {
  assertBytes(payload, 'payload');
  const params = checkRsaPrivateKey(key);
  if (payload.length > params.k - 11) {
    throw new RangeError(`payload must be at most ${params.k - 11} bytes for this key, got ${payload.length}`);
  }
  const em = new Uint8Array(params.k);
  em[1] = 1;
  em.fill(0xff, 2, params.k - payload.length - 1);
  em.set(payload, params.k - payload.length);
  const m = toBigInt(em);
  // RSASP1 with the CRT (RFC 8017 §5.2.1 step 2b).
  const m1 = modPow(m, params.dp, params.p);
  const m2 = modPow(m, params.dq, params.q);
  const h = (((m1 - m2) % params.p) + params.p) % params.p;
  const s = m2 + params.q * ((params.qi * h) % params.p);
  if (modPow(s, params.e, params.n) !== m) throw new CryptoError('ERR_CRYPTO_KEY', 'RSA private key: inconsistent CRT parameters');
  return toBytes(s, params.k);
}

/**
 * RSASSA-PKCS1-v1_5 signature over an already computed `digest` of `hash`
 * (RFC 8017 §8.2.1 with the DigestInfo of §9.2). Throws as {@link rsaPkcs1SignPayload}.
 */
export function rsaPkcs1SignDigest(key: RsaPrivateKey, hash: HashAlg, digest: Uint8Array): Uint8Array {
  return rsaPkcs1SignPayload(key, encodeDigestInfo(hash, digest));
}

/**
 * Decode an RSA private key from JSON-friendly lower-case hex fields
 * (`{ n, e, d, p, q, dp, dq, qi }`), e.g. fixed test keys shipped as data.
 * Throws `TypeError` for non-hex input; the key is checked when it is first used.
 */
export function rsaPrivateKeyFromHex(fields: Readonly<Record<'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi', string>>): RsaPrivateKey {
  return {
    kty: 'RSA',
    n: fromHex(fields.n),
    e: fromHex(fields.e),
    d: fromHex(fields.d),
    p: fromHex(fields.p),
    q: fromHex(fields.q),
    dp: fromHex(fields.dp),
    dq: fromHex(fields.dq),
    qi: fromHex(fields.qi),
  };
}

/**
 * Verify an RSASSA-PKCS1-v1_5 signature whose encoded payload T is not a standard
 * DigestInfo (e.g. the 券面事項確認AP face signature, a DigestInfo with a 96-byte octet
 * string): rebuilds `00 01 FF…FF 00 || payload` and compares. Returns false for any
 * signature that does not verify; throws `ERR_CRYPTO_KEY` for a key outside the policy.
 */
export function rsaPkcs1VerifyPayload(key: RsaPublicKey, payload: Uint8Array, signature: Uint8Array): boolean {
  assertBytes(payload, 'payload');
  assertBytes(signature, 'signature');
  const params = checkRsaPublicKey(key);
  if (!rsaSignatureInRange(params, signature)) return false;
  const psLength = params.k - payload.length - 3;
  if (psLength < 8) return false;
  const expected = new Uint8Array(params.k);
  expected[1] = 1;
  expected.fill(0xff, 2, 2 + psLength);
  expected.set(payload, params.k - payload.length);
  return constantTimeEqual(toBytes(modPow(toBigInt(signature), params.e, params.n), params.k), expected);
}
