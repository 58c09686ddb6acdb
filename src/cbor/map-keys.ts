/**
 * How the decoder compares map keys to find duplicates (internal). Keys compare as data, not
 * as bytes: a primitive key by value (so 1 and 1 in a longer head, and 1.0, are one key), a
 * number and a bigint by their value (`numericTwin`), and a structured key (array, map, tag)
 * by its deterministic encoding (`keyFingerprint`), within a budget (`keyBytesBudget`).
 */
import { encode } from './encode.js';
import type { CborValue } from './values.js';

/**
 * Structured map keys (arrays, maps, tags) are compared by their deterministic encoding. A
 * key holding the structure below it, at every level, would be encoded again at each level:
 * 90 KB of such maps took over a second. Over one `decode` call (tag 24 content included),
 * keys are re-encoded from at most this many times the input's size, and at least
 * {@link MIN_KEY_BYTES}; past it, `ERR_CBOR_LIMIT`. No mdoc, COSE or JOSE structure has a
 * structured map key.
 */
const MAX_KEY_BYTES_FACTOR = 4;
const MIN_KEY_BYTES = 64 * 1024;

/** How many input bytes structured keys may be re-encoded from in one `decode` of `inputLength` bytes. */
export function keyBytesBudget(inputLength: number): number {
  return Math.max(MIN_KEY_BYTES, MAX_KEY_BYTES_FACTOR * inputLength);
}

/**
 * `b` as a string of one character per byte, built 4 KiB at a time: a compact, exact
 * fingerprint (appending per byte would build a rope of one heap object per byte).
 */
function byteString(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 4096) parts.push(String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]));
  return parts.join('');
}

/** A structured key's deterministic encoding, as a string: equal for keys equal as data. Throws what `encode` throws. */
export function keyFingerprint(key: CborValue): string {
  return byteString(encode(key));
}

/** True when `out` already holds `key`'s value as the other numeric type (a number for a bigint, a bigint for a number). */
export function numericTwin(out: Map<CborValue, CborValue>, key: number | bigint): boolean {
  if (typeof key === 'bigint') {
    const n = Number(key);
    return Number.isFinite(n) && BigInt(n) === key && out.has(n);
  }
  return Number.isInteger(key) && out.has(BigInt(key));
}
