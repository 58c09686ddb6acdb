/**
 * Byte helpers shared by every layer: hex, base64/base64url, concatenation,
 * comparison, UTF-8. Internal: never exported from the package.
 */

import { decodeUtf8, encodeUtf8 } from './utf8.js';

const HEX = '0123456789abcdef';
const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

/**
 * `bytes` as a string: its length, a colon, then one code unit (0–255) per byte. A cheap,
 * exact Map key: a few times faster to make than hex, one flat string.
 */
export function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return `${bytes.length}:${out}`;
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_PAIRS[bytes[i]!]!;
  return s;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parse hex (either case, no separators). Throws `TypeError` on bad input. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError('hex must be a string');
  if (hex.length % 2 !== 0) throw new TypeError('hex must have an even number of digits');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new TypeError(`hex has a non-hex digit at ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_REV = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64_REV[B64.charCodeAt(i)] = i;
  B64_REV[B64URL.charCodeAt(i)] = i;
}

/** The 6-bit value of a base64 or base64url character code, or -1 for any other. */
export function base64Value(code: number): number {
  return code < 128 ? B64_REV[code]! : -1;
}

const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const B64URL_CODES = Uint8Array.from(B64URL, (c) => c.charCodeAt(0));
/** Where {@link encode64} writes outputs of up to 4,096 characters (no allocation per call). */
const scratch64 = new Uint8Array(4096);

/**
 * Base64 as character codes into one buffer, then one string per 8,192 characters, joined.
 * The result is a flat string, never a rope of four-character pieces: node:crypto reads a
 * flat JWK coordinate faster (a few µs of a 25–30 µs P-256 key import on Node 24, this
 * machine), and a multi-megabyte input does not become one heap object per four characters.
 */
function encode64(bytes: Uint8Array, codes: Uint8Array, pad: boolean): string {
  const whole = bytes.length - (bytes.length % 3);
  const rest = bytes.length - whole;
  const length = (whole / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1);
  const out = length <= scratch64.length ? scratch64 : new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    out[o++] = codes[(n >> 6) & 63]!;
    out[o++] = codes[n & 63]!;
  }
  if (rest > 0) {
    const n = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0);
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    if (rest === 2) out[o++] = codes[(n >> 6) & 63]!;
    while (o < length) out[o++] = 61; // =
  }
  if (length <= 8192) return String.fromCharCode.apply(null, out.subarray(0, length) as unknown as number[]);
  const parts: string[] = [];
  for (let i = 0; i < length; i += 8192) parts.push(String.fromCharCode.apply(null, out.subarray(i, Math.min(length, i + 8192)) as unknown as number[]));
  return parts.join('');
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return encode64(bytes, B64_CODES, true);
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return encode64(bytes, B64URL_CODES, false);
}

/**
 * Decode base64 or base64url, with or without padding. Whitespace is not allowed.
 * Throws `TypeError` on a character outside both alphabets or an impossible length.
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('base64 input must be a string');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.length - end > 2) throw new TypeError('base64 has too much padding');
  if (end % 4 === 1) throw new TypeError('base64 has an impossible length');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = base64Value(c);
    if (v < 0) throw new TypeError(`base64 has an invalid character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * `bytes` left-padded with zeros to `size` bytes (a new array), as an integer written in its
 * minimal bytes is read at a fixed width; `bytes` itself when it is not shorter.
 */
export function leftPad(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length >= size) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}

/** Concatenate byte arrays into a new array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A 32-bit FNV-1a hash of the bytes, as a cache key prefix: cheap, not collision resistant,
 * so a cache must still compare the bytes it finds under the key.
 */
export function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/**
 * Equality of the bytes (not constant time). From 64 bytes on, when both views start on a
 * 4-byte boundary, compared 4 bytes at a time: 0.27 µs instead of 0.68 µs for a 520-byte
 * certificate, which a verifier compares for each trust anchor on each call.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (n >= 64 && ((a.byteOffset | b.byteOffset) & 3) === 0) {
    const words = n >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equality whose time depends only on the lengths, for MAC tags and secrets. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Lexicographic byte-wise comparison: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

// The platform's codec where it behaves (TextEncoder, and a TextDecoder that honours
// `fatal` and `ignoreBOM`), else ours (./utf8.ts): QuickJS and Hermes have neither, and a
// common polyfill ignores `fatal`. Chosen at first use, never at import.
let encoder: { encode(text: string): Uint8Array } | undefined;
let fatalDecoder: { decode(bytes: Uint8Array): string } | undefined;

/** The bytes `probe` must encode to: ASCII, two, three and four bytes, a lone surrogate. */
const ENCODE_PROBE = 'a\u00e9\u3042\u{1f600}\ud800';
const ENCODE_PROBE_HEX = '61c3a9e38182f09f9880efbfbd';

function platformEncoder(): { encode(text: string): Uint8Array } | undefined {
  try {
    if (typeof TextEncoder !== 'function') return undefined;
    const e = new TextEncoder();
    const out = e.encode(ENCODE_PROBE);
    return out instanceof Uint8Array && toHex(out) === ENCODE_PROBE_HEX ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Inputs WHATWG's fatal decoder rejects: overlong, surrogate, above U+10FFFF, truncated, stray continuation. */
const DECODE_REJECTS = ['c080', 'eda080', 'f4908080', 'e381', '80'];

function platformFatalDecoder(): { decode(bytes: Uint8Array): string } | undefined {
  try {
    if (typeof TextDecoder !== 'function') return undefined;
    const d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (const hex of DECODE_REJECTS) {
      try {
        d.decode(fromHex(hex));
        return undefined;
      } catch {
        // rejected, as it must be
      }
    }
    return d.decode(fromHex('efbbbf61f09f9880')) === '\ufeffa\u{1f600}' ? d : undefined;
  } catch {
    return undefined;
  }
}

/** UTF-8 encode a string (a lone surrogate becomes U+FFFD, as `TextEncoder` does). */
export function utf8Encode(text: string): Uint8Array {
  encoder ??= platformEncoder() ?? { encode: encodeUtf8 };
  return encoder.encode(text);
}

/** Strict UTF-8 decode, BOM kept: throws `TypeError` on invalid UTF-8 (callers translate it). */
export function utf8Decode(bytes: Uint8Array): string {
  fatalDecoder ??= platformFatalDecoder() ?? { decode: (b) => decodeUtf8(b, true) };
  return fatalDecoder.decode(bytes);
}

/** Throw `TypeError` naming `name` unless `value` is a Uint8Array. */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}
