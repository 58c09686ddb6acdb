/**
 * SHA-256, SHA-384 and SHA-512 (FIPS 180-4) of short inputs, synchronously, over
 * @noble/hashes: below about 1 KiB a synchronous hash beats a round trip to the platform's
 * crypto threads, and the MSO value digests of a verification are mostly that short. Only
 * the SHA-2 module is loaded (about 4 KB gzipped with its helpers), not the rest of noble.
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlg } from './types.js';

const SHA2 = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

/** The SHA-2 digest of `data`, or undefined for another hash name (internal; the caller checked `hash`). */
export function sha2Digest(hash: HashAlg, data: Uint8Array): Uint8Array | undefined {
  return hash === 'SHA-256' || hash === 'SHA-384' || hash === 'SHA-512' ? SHA2[hash](data) : undefined;
}
