/**
 * COSE algorithm and header registries (RFC 9053 §2 and §3; IANA "COSE Algorithms"
 * and "COSE Header Parameters"), restricted to what ISO/IEC 18013-5 §9.1.3 and
 * §9.1.5 allow: ECDSA with SHA-256/384/512 on the matching NIST curve, EdDSA, and
 * HMAC with SHA-256/384/512. The fully specified names RFC 9864 gives the same signature
 * algorithms (ESP256, ESP384, ESP512, Ed25519) are verified too; shomei writes the
 * polymorphic ones, as ISO 18013-5 lists them.
 */

import { CoseError } from '../errors.js';
import type { Curve, HashAlg } from '../crypto/types.js';

/** COSE algorithm identifiers shomei implements. */
export const CoseAlg = {
  /** ECDSA w/ SHA-256 (P-256 only, per ISO 18013-5 and RFC 9053 §2.1 "SHOULD"). */
  ES256: -7,
  /** ECDSA w/ SHA-384 (P-384). */
  ES384: -35,
  /** ECDSA w/ SHA-512 (P-521). */
  ES512: -36,
  /** EdDSA (Ed25519). */
  EdDSA: -8,
  /** ECDSA using P-256 and SHA-256, fully specified (RFC 9864 §2.1): ES256 on P-256. */
  ESP256: -9,
  /** ECDSA using P-384 and SHA-384, fully specified (RFC 9864 §2.1). */
  ESP384: -51,
  /** ECDSA using P-521 and SHA-512, fully specified (RFC 9864 §2.1). */
  ESP512: -52,
  /** EdDSA using Ed25519, fully specified (RFC 9864 §2.2). */
  Ed25519: -19,
  /** HMAC w/ SHA-256, 256-bit tag. */
  HMAC_256_256: 5,
  /** HMAC w/ SHA-384, 384-bit tag. */
  HMAC_384_384: 6,
  /** HMAC w/ SHA-512, 512-bit tag. */
  HMAC_512_512: 7,
} as const;
export type CoseAlg = (typeof CoseAlg)[keyof typeof CoseAlg];

/** Signature algorithms shomei writes (the ones ISO 18013-5 lists). */
export type CoseSignAlg = typeof CoseAlg.ES256 | typeof CoseAlg.ES384 | typeof CoseAlg.ES512 | typeof CoseAlg.EdDSA;

/** The fully specified signature algorithms (RFC 9864), verified as their polymorphic twins on the one curve each names. */
export type CoseFullySpecifiedSignAlg = typeof CoseAlg.ESP256 | typeof CoseAlg.ESP384 | typeof CoseAlg.ESP512 | typeof CoseAlg.Ed25519;

/** MAC algorithms. */
export type CoseMacAlg = typeof CoseAlg.HMAC_256_256 | typeof CoseAlg.HMAC_384_384 | typeof CoseAlg.HMAC_512_512;

/** Common header parameter labels (RFC 9052 §3.1, RFC 9360 for x5chain). */
export const CoseHeader = {
  alg: 1,
  crit: 2,
  contentType: 3,
  kid: 4,
  iv: 5,
  partialIv: 6,
  x5bag: 32,
  x5chain: 33,
  x5t: 34,
  x5u: 35,
} as const;
export type CoseHeader = (typeof CoseHeader)[keyof typeof CoseHeader];

interface SignAlgInfo {
  readonly name: string;
  readonly curve: Curve;
  readonly hash: HashAlg | null;
}

const SIGN_ALGS: ReadonlyMap<number, SignAlgInfo> = new Map([
  [CoseAlg.ES256, { name: 'ES256', curve: 'P-256', hash: 'SHA-256' }],
  [CoseAlg.ES384, { name: 'ES384', curve: 'P-384', hash: 'SHA-384' }],
  [CoseAlg.ES512, { name: 'ES512', curve: 'P-521', hash: 'SHA-512' }],
  [CoseAlg.EdDSA, { name: 'EdDSA', curve: 'Ed25519', hash: null }],
  // After the polymorphic ones, so that signAlgForCurve finds those first.
  [CoseAlg.ESP256, { name: 'ESP256', curve: 'P-256', hash: 'SHA-256' }],
  [CoseAlg.ESP384, { name: 'ESP384', curve: 'P-384', hash: 'SHA-384' }],
  [CoseAlg.ESP512, { name: 'ESP512', curve: 'P-521', hash: 'SHA-512' }],
  [CoseAlg.Ed25519, { name: 'Ed25519', curve: 'Ed25519', hash: null }],
]);

const FULLY_SPECIFIED: ReadonlySet<unknown> = new Set([CoseAlg.ESP256, CoseAlg.ESP384, CoseAlg.ESP512, CoseAlg.Ed25519]);

/** Whether `alg` is one of the fully specified signature algorithms of RFC 9864. */
export function isFullySpecifiedSignAlg(alg: unknown): alg is CoseFullySpecifiedSignAlg {
  return FULLY_SPECIFIED.has(alg);
}

const MAC_ALGS: ReadonlyMap<number, { readonly name: string; readonly hash: HashAlg; readonly tagLength: number }> = new Map([
  [CoseAlg.HMAC_256_256, { name: 'HMAC 256/256', hash: 'SHA-256', tagLength: 32 }],
  [CoseAlg.HMAC_384_384, { name: 'HMAC 384/384', hash: 'SHA-384', tagLength: 48 }],
  [CoseAlg.HMAC_512_512, { name: 'HMAC 512/512', hash: 'SHA-512', tagLength: 64 }],
]);

/** Facts about a signature algorithm; throws `ERR_COSE_ALG_UNSUPPORTED` for anything else. */
export function signAlgInfo(alg: unknown): SignAlgInfo {
  const info = typeof alg === 'number' ? SIGN_ALGS.get(alg) : undefined;
  if (info === undefined) throw new CoseError('ERR_COSE_ALG_UNSUPPORTED', `unsupported signature algorithm ${String(alg)}`);
  return info;
}

/** Facts about a MAC algorithm; throws `ERR_COSE_ALG_UNSUPPORTED` for anything else. */
export function macAlgInfo(alg: unknown): { readonly name: string; readonly hash: HashAlg; readonly tagLength: number } {
  const info = typeof alg === 'number' ? MAC_ALGS.get(alg) : undefined;
  if (info === undefined) throw new CoseError('ERR_COSE_ALG_UNSUPPORTED', `unsupported MAC algorithm ${String(alg)}`);
  return info;
}

/** The signature algorithm that fits a key on `curve` (ES256 for P-256 …). */
export function signAlgForCurve(curve: Curve): CoseSignAlg {
  for (const [alg, info] of SIGN_ALGS) if (info.curve === curve) return alg as CoseSignAlg;
  throw new CoseError('ERR_COSE_ALG_MISMATCH', `no signature algorithm for a ${curve} key`);
}
