/**
 * Private key objects known to be consistent: their public part is the one `d` gives (FIPS
 * 186-5 §6.2 Q = d·G; RFC 8032 §5.1.5, RFC 7748 §6.1). A key is recorded when a private-key
 * check derived its public part, or when a backend generated it (the platform made both
 * halves together), so that the scalar multiplication of the check is not paid again. Each
 * record keeps a copy of what it covered: a key object whose bytes were changed in place
 * since is checked again. Internal.
 */
import { constantTimeEqual } from '../internal/bytes.js';
import { ecPublicKeyToRaw } from './keys.js';
import type { PrivateKey } from './types.js';

const consistent = new WeakMap<object, { readonly d: Uint8Array; readonly pub: Uint8Array }>();

/** True when `key` was recorded with exactly this `d` and public part. */
export function knownConsistent(key: object, d: Uint8Array, pub: Uint8Array): boolean {
  const seen = consistent.get(key);
  return seen !== undefined && constantTimeEqual(seen.d, d) && constantTimeEqual(seen.pub, pub);
}

/** Record `key` as consistent for this `d` and public part (copies are kept). */
export function recordConsistent(key: object, d: Uint8Array, pub: Uint8Array): void {
  consistent.set(key, { d: d.slice(), pub: pub.slice() });
}

/** Record a key a backend has just generated, and return it. */
export function generated<K extends PrivateKey>(key: K): K {
  recordConsistent(key, key.d, key.kty === 'EC' ? ecPublicKeyToRaw(key) : key.x);
  return key;
}

/** True when `key` is a private key recorded as consistent with its current bytes. */
export function isKnownConsistent(key: PrivateKey): boolean {
  if (!(key?.d instanceof Uint8Array)) return false;
  if (key.kty === 'EC') return key.x instanceof Uint8Array && key.y instanceof Uint8Array && knownConsistent(key, key.d, ecPublicKeyToRaw(key));
  return key.kty === 'OKP' && key.x instanceof Uint8Array && knownConsistent(key, key.d, key.x);
}
