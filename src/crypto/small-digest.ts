/**
 * SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4) of short inputs, synchronously, over
 * @noble/hashes: below about 1 KiB a synchronous hash beats a round trip to the platform's
 * crypto threads, and the MSO value digests and certificate key identifiers of a verification
 * are mostly that short. Only these hash modules are loaded (about 4.5 KB gzipped with their
 * helpers), not the rest of noble.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlg } from './types.js';

const HASHES = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

/** The digest of `data` (internal; the caller checked `hash`). */
export function smallDigest(hash: HashAlg, data: Uint8Array): Uint8Array {
  return HASHES[hash](data);
}
