/**
 * The public half of a private key, computed with @noble/curves (internal): Q = d·G on a NIST
 * curve (FIPS 186-5 §6.2), the Ed25519 public key of a secret (RFC 8032 §5.1.5) and the X25519
 * public key of a scalar (RFC 7748 §6.1). `key-from-secret.ts` validates `d` first.
 *
 * The variant of the package's `#key-derive` import wherever `node:crypto` is not used for it
 * (browsers, bundlers, React Native, Deno, Bun): see `derive-node.ts` and
 * scripts/platform-imports.mjs. The noble backend and the private-key checks use the same curves.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { EcCurve, OkpCurve } from './types.js';

/** The noble implementation of each NIST curve (internal). */
export const NIST = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/** The uncompressed `0x04 || x || y` of d·G on `crv` (d in [1, n-1], checked by the caller). */
export function ecPublicFromScalar(crv: EcCurve, d: Uint8Array): Uint8Array {
  return NIST[crv].getPublicKey(d, false);
}

/** The 32-byte public key of the 32-byte Ed25519 secret or X25519 scalar `d`. */
export function okpPublicFromSecret(crv: OkpCurve, d: Uint8Array): Uint8Array {
  return crv === 'Ed25519' ? ed25519.getPublicKey(d) : x25519.getPublicKey(d);
}
