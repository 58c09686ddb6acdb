/**
 * Deterministic CBOR encoder: RFC 8949 §4.2.1 core deterministic encoding.
 *
 * - preferred (shortest) heads and floats (§4.1): integers in major types 0/1 whenever
 *   they fit, bignums (tags 2/3) only beyond 64 bits, floats in the shortest width that
 *   holds the value exactly, NaN as f97e00;
 * - definite lengths only;
 * - map keys sorted bytewise by their deterministic encoding.
 *
 * `EncodedCbor` values are re-emitted byte for byte (they are already-encoded data).
 */

import { CborError } from '../errors.js';
import { compareBytes, utf8Encode } from '../internal/bytes.js';
import { fitsFloat32, numberToHalf } from './float.js';
import { type CborEncodable, CborFloat, EncodedCbor, FullDate, RawCbor, Simple, Tag, TDate } from './values.js';

const TWO_64 = 1n << 64n;
const MAX_DEPTH = 1000;

class Writer {
  buf: Uint8Array;
  pos = 0;
  // Made only when a float or a 64-bit bigint is written: most encodings never need one.
  #view: DataView | undefined;

  constructor(size = 256) {
    // A hint that is not a positive size (NaN from a caller's bad length) falls back to the
    // default: a buffer of no bytes would never grow, ensure doubling its length.
    this.buf = new Uint8Array(Number.isFinite(size) && size >= 1 ? Math.ceil(size) : 256);
  }

  get view(): DataView {
    this.#view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.#view;
  }

  /** Write the low `bytes` bytes of `n` (< 2^32) big-endian at pos. */
  uint(n: number, bytes: 2 | 4): void {
    for (let i = bytes - 1; i >= 0; i--) this.buf[this.pos + i] = (n >>> (8 * (bytes - 1 - i))) & 0xff;
    this.pos += bytes;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(64, this.buf.length * 2);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.#view = undefined;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A head for `major` with argument `n` (0 ≤ n < 2^64), in preferred form. */
  head(major: number, n: number | bigint): void {
    const mt = major << 5;
    this.ensure(9);
    if (typeof n === 'bigint') {
      if (n < 0x1_0000_0000n) {
        this.head(major, Number(n));
        return;
      }
      this.buf[this.pos++] = mt | 27;
      this.view.setBigUint64(this.pos, n);
      this.pos += 8;
      return;
    }
    if (n < 24) {
      this.buf[this.pos++] = mt | n;
    } else if (n < 0x100) {
      this.buf[this.pos++] = mt | 24;
      this.buf[this.pos++] = n;
    } else if (n < 0x10000) {
      this.buf[this.pos++] = mt | 25;
      this.uint(n, 2);
    } else if (n < 0x1_0000_0000) {
      this.buf[this.pos++] = mt | 26;
      this.uint(n, 4);
    } else {
      this.buf[this.pos++] = mt | 27;
      this.uint(Math.floor(n / 0x1_0000_0000), 4);
      this.uint(n >>> 0, 4);
    }
  }

  float(v: number): void {
    this.ensure(9);
    const h = numberToHalf(v);
    if (h !== -1) {
      this.buf[this.pos++] = 0xf9;
      this.view.setUint16(this.pos, h);
      this.pos += 2;
    } else if (fitsFloat32(v)) {
      this.buf[this.pos++] = 0xfa;
      this.view.setFloat32(this.pos, v);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = 0xfb;
      this.view.setFloat64(this.pos, v);
      this.pos += 8;
    }
  }

  text(s: string): void {
    // ASCII fast path: one byte per code unit.
    const n = s.length;
    if (n < 64) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.head(3, n);
        this.ensure(n);
        for (let i = 0; i < n; i++) this.buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    const b = utf8Encode(s);
    this.head(3, b.length);
    this.bytes(b);
  }

  result(): Uint8Array {
    // A buffer filled exactly (a size hint that was right) is handed out as it is.
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}

function isPlainObject(v: object): v is { readonly [key: string]: CborEncodable } {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function unsupported(what: string): never {
  throw new CborError('ERR_CBOR_UNSUPPORTED', `cannot encode ${what} as CBOR`);
}

class Encoder {
  readonly w: Writer;
  readonly active = new Set<object>();

  constructor(size?: number) {
    this.w = new Writer(size);
  }

  value(v: CborEncodable, depth: number): void {
    const w = this.w;
    switch (typeof v) {
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          if (v >= 0) w.head(0, v);
          else w.head(1, -1 - v);
        } else {
          w.float(v);
        }
        return;
      case 'string':
        w.text(v);
        return;
      case 'boolean':
        w.byte(v ? 0xf5 : 0xf4);
        return;
      case 'undefined':
        w.byte(0xf7);
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'object':
        if (v === null) {
          w.byte(0xf6);
          return;
        }
        this.object(v, depth);
        return;
      default:
        unsupported(typeof v);
    }
  }

  bigint(v: bigint): void {
    const w = this.w;
    const negative = v < 0n;
    const n = negative ? -1n - v : v;
    if (n < TWO_64) {
      w.head(negative ? 1 : 0, n);
      return;
    }
    let hex = n.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    w.head(6, negative ? 3 : 2);
    w.head(2, bytes.length);
    w.bytes(bytes);
  }

  object(v: object, depth: number): void {
    const w = this.w;
    if (v instanceof Uint8Array) {
      w.head(2, v.length);
      w.bytes(v);
      return;
    }
    if (v instanceof EncodedCbor) {
      w.bytes(v.tagged);
      return;
    }
    if (v instanceof RawCbor) {
      w.bytes(v.bytes);
      return;
    }
    if (v instanceof TDate) {
      w.byte(0xc0);
      w.text(v.text);
      return;
    }
    if (v instanceof FullDate) {
      w.head(6, 1004);
      w.text(v.text);
      return;
    }
    if (v instanceof Date) {
      this.object(TDate.fromDate(v), depth);
      return;
    }
    if (v instanceof CborFloat) {
      w.float(v.value);
      return;
    }
    if (v instanceof Simple) {
      if (v.value < 24) w.byte(0xe0 | v.value);
      else {
        w.byte(0xf8);
        w.byte(v.value);
      }
      return;
    }
    if (depth >= MAX_DEPTH) throw new CborError('ERR_CBOR_UNSUPPORTED', `cannot encode values nested deeper than ${MAX_DEPTH}`);
    if (this.active.has(v)) unsupported('a cyclic structure');
    this.active.add(v);
    if (v instanceof Tag) {
      const t = v.tag;
      if ((typeof t === 'number' && !(Number.isSafeInteger(t) && t >= 0)) || (typeof t === 'bigint' && (t < 0n || t >= TWO_64))) {
        throw new RangeError(`tag number out of range: ${t}`);
      }
      w.head(6, t);
      this.value(v.value as CborEncodable, depth + 1);
    } else if (Array.isArray(v)) {
      w.head(4, v.length);
      for (const item of v as readonly CborEncodable[]) this.value(item, depth + 1);
    } else if (v instanceof Map) {
      this.map(v as ReadonlyMap<CborEncodable, CborEncodable>, v.size, depth);
    } else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      unsupported(`${v.constructor.name} (use Uint8Array for byte strings)`);
    } else if (isPlainObject(v)) {
      const entries = Object.entries(v);
      this.map(new Map(entries), entries.length, depth);
    } else {
      unsupported(`an instance of ${v.constructor?.name ?? 'an unknown class'}`);
    }
    this.active.delete(v);
  }

  map(m: ReadonlyMap<CborEncodable, CborEncodable>, size: number, depth: number): void {
    const w = this.w;
    w.head(5, size);
    if (size === 0) return;
    const keys: { bytes: Uint8Array; value: CborEncodable }[] = [];
    const start = w.pos;
    for (const [k, value] of m) {
      const ks = w.pos;
      this.value(k, depth + 1);
      keys.push({ bytes: w.buf.slice(ks, w.pos), value });
    }
    w.pos = start;
    keys.sort((a, b) => compareBytes(a.bytes, b.bytes));
    for (let i = 0; i < keys.length; i++) {
      const e = keys[i]!;
      if (i > 0 && compareBytes(keys[i - 1]!.bytes, e.bytes) === 0) {
        throw new CborError('ERR_CBOR_UNSUPPORTED', 'map has two keys with the same encoding');
      }
      w.bytes(e.bytes);
      this.value(e.value, depth + 1);
    }
  }
}

/**
 * Encode `value` in core deterministic encoding (RFC 8949 §4.2.1).
 *
 * @throws CborError `ERR_CBOR_UNSUPPORTED` for values CBOR cannot represent (functions,
 *   symbols, cycles, typed arrays other than Uint8Array, class instances).
 * @example
 * ```ts
 * encode(new Map([[3, 4], [1, 2]])) // a2 01 02 03 04
 * ```
 */
export function encode(value: CborEncodable): Uint8Array {
  const e = new Encoder();
  e.value(value, 0);
  return e.w.result();
}

/**
 * `encode(value)` into a buffer of `size` bytes first (internal): for a structure whose length
 * the caller knows, such as a Sig_structure around a large payload, so that the buffer is
 * neither grown nor copied at the end when the size is exact.
 */
export function encodeSized(value: CborEncodable, size: number): Uint8Array {
  const e = new Encoder(Math.max(16, size));
  e.value(value, 0);
  return e.w.result();
}

/** Room kept in front of embedded CBOR for its heads: tag 24 (2 bytes) and the longest byte-string head (9). */
const EMBEDDED_HEADS = 11;

/**
 * `value` as `#6.24(bstr .cbor value)` in one buffer, sized for a content of about `size`
 * bytes (grown when short): the content goes after room for the heads, which are written
 * in front of it once its length is known. The tagged bytes are `buf[start, end)`.
 */
function embedded(value: CborEncodable, size: number): { readonly buf: Uint8Array; readonly start: number; readonly end: number } {
  const e = new Encoder(EMBEDDED_HEADS + Math.max(16, size));
  const w = e.w;
  w.pos = EMBEDDED_HEADS;
  e.value(value, 0);
  const end = w.pos;
  const n = end - EMBEDDED_HEADS;
  const headLength = n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1_0000_0000 ? 5 : 9;
  const start = EMBEDDED_HEADS - 2 - headLength;
  w.buf[start] = 0xd8;
  w.buf[start + 1] = 0x18;
  w.pos = start + 2;
  w.head(2, n);
  return { buf: w.buf, start, end };
}

/** Encode `value` and wrap the bytes as tag 24 (`#6.24(bstr .cbor value)`). */
export function encodeEmbedded<T extends CborEncodable>(value: T): EncodedCbor<T> {
  const { buf, start, end } = embedded(value, 256);
  // Exactly the tagged bytes, copied: an issued element or MSO may be kept for long.
  return new EncodedCbor(buf.slice(start, end), EMBEDDED_HEADS - start, value);
}

/**
 * The bytes of `encodeEmbedded(value)` (internal), for bytes that are signed or verified and
 * then dropped (DeviceAuthenticationBytes and the like): a view into one buffer of about
 * `size` + 11 bytes, `size` being the caller's bound on the content's length.
 */
export function encodeEmbeddedBytes(value: CborEncodable, size: number): Uint8Array {
  const { buf, start, end } = embedded(value, size);
  return buf.subarray(start, end);
}

/**
 * A map with its entries in the given order (each key and value in deterministic
 * encoding). This is not core deterministic encoding: use it only where a specification's
 * published bytes put keys in CDDL order (ISO 18013-5 SessionEstablishment, for example).
 */
export function encodeOrderedMap(entries: readonly (readonly [CborEncodable, CborEncodable])[]): Uint8Array {
  const w = new Writer();
  w.head(5, entries.length);
  for (const [k, v] of entries) {
    w.bytes(encode(k));
    w.bytes(encode(v));
  }
  return w.result();
}
