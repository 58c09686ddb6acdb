/**
 * Strict CBOR decoder (RFC 8949).
 *
 * One pass that both checks well-formedness (§3, Appendix F) and builds values, with
 * per-call limits. Everything it rejects throws `CborError` with a stable code and the
 * byte offset:
 * - truncated input, reserved additional-information values (28–30), reserved two-byte
 *   simple values, misplaced or missing breaks, wrong chunk types (`ERR_CBOR_MALFORMED`);
 * - nesting deeper than `maxDepth`, more than `maxItems` items, input larger than
 *   `maxBytes` (`ERR_CBOR_LIMIT`), each checked before anything is allocated for the item;
 * - duplicate map keys (`ERR_CBOR_DUPLICATE_KEY`: keys compare as data, so 1, 1 in a
 *   longer head, 1.0 and the bignum 2(h'01') are one key), invalid UTF-8 (`ERR_CBOR_UTF8`),
 *   bytes after the item (`ERR_CBOR_TRAILING`);
 * - when asked: indefinite lengths (`ERR_CBOR_INDEFINITE`) and anything that is not
 *   core deterministic encoding per §4.2.1 (`ERR_CBOR_NOT_DETERMINISTIC`);
 * - invalid content for tags 0, 2, 3, 24 and 1004 (`ERR_CBOR_INVALID`), including tag 24
 *   around an indefinite-length byte string (it has no single received span to digest).
 *
 * Memory: nothing is sized from a declared length or count. Arrays and maps grow as their
 * items are read, and every item takes at least one byte of input, so what `decode` holds
 * is proportional to the items actually read, at most min(input length, `maxItems`) of
 * them, whatever the nesting. One count covers a whole `decode` call: the input's items
 * and those of every tag 24 content inside it, however deep and whenever it is decoded
 * (eagerly, or lazily when `EncodedCbor.value` is first read, in any order), so a message
 * of many tag 24 items cannot multiply the limit. About 200 bytes of heap per item at
 * worst (an empty map), so at most about 200 × min(input bytes, maxItems) bytes plus a
 * constant: with the default `maxItems` of 100,000, about 20 MB at worst for any input,
 * and about 2 bytes of heap per input byte for real mdoc data
 * (test/cbor/hostile-memory.test.ts). The input is not copied.
 *
 * Why not cbor-x underneath: its tag handlers live in one process-wide table with
 * built-in meanings for tags 27, 28/29 (shared references, which can build cycles),
 * 51, 258, 259 and others, so no private instance can give tags their generic meaning;
 * a single strict pass is also faster than a well-formedness pass plus cbor-x
 * (see docs/benchmarks.md).
 */

import { CborError } from '../errors.js';
import { compareBytes, toHex, utf8Decode } from '../internal/bytes.js';
import { fitsFloat32, halfToNumber, numberToHalf, readFloat } from './float.js';
import { keyBytesBudget, keyFingerprint, numericTwin } from './map-keys.js';
import { CborFloat, type CborValue, EncodedCbor, FullDate, Simple, Tag, TDate } from './values.js';

/** Limits and strictness options for {@link decode}. */
export interface DecodeOptions {
  /**
   * Maximum nesting of arrays, maps and tags (tag 24 content included). Default 32; at most
   * 1000 (`MAX_DEPTH_CEILING`): another value is a RangeError.
   */
  readonly maxDepth?: number;
  /**
   * Maximum number of data items in the input, counting those of all the tag 24 content
   * inside it (however deep, and whether decoded eagerly or lazily: lazily decoded content
   * draws on what the call and the content decoded before it left). Default 100,000: far
   * above any mdoc structure (the Annex D response has under 300), and it caps what one
   * call and everything decoded from its result can hold at about 20 MB of heap whatever
   * the input.
   */
  readonly maxItems?: number;
  /** Maximum input size in bytes. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Accept indefinite-length strings, arrays and maps. Default true. */
  readonly allowIndefinite?: boolean;
  /** Require RFC 8949 §4.2.1 core deterministic encoding. Default false. */
  readonly deterministic?: boolean;
  /**
   * When to decode tag 24 content. `'lazy'` (default) decodes it, with these same options,
   * the remaining depth and the items `maxItems` has left, the first time
   * `EncodedCbor.value` is read, and throws the `CborError` then (again on each later read
   * until a read succeeds); `'eager'` decodes it at once, so that `decode` itself rejects
   * bad embedded content. Either way the content is checked before any value is seen.
   */
  readonly embedded?: 'lazy' | 'eager';
  /**
   * Keep each number in the CBOR type it was sent as: a float as `CborFloat` (by default a
   * float holding a whole value, such as `1.0`, reads as the `number` 1, like the integer
   * 1), and a bignum (tag 2 or 3) as a `Tag` of its byte string (by default a `bigint`,
   * like an integer past 2^53). For checks of the CDDL type of a value, such as the
   * doctype profiles. Default false.
   */
  readonly exactNumbers?: boolean;
}

const DEFAULTS = { maxDepth: 32, maxItems: 100_000, maxBytes: 64 * 1024 * 1024 };
const TWO_32 = 0x1_0000_0000;
const TWO_64 = 1n << 64n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const fatalUtf8 = { decode: utf8Decode };

const fcc = String.fromCharCode;

/**
 * @internal The unsigned big-endian integer in `b` (tags 2 and 3; diagnose uses it too). Halves are converted separately and joined, so
 * time is O(n log n) and no string longer than 2 KiB is built (a shift per byte would be
 * quadratic, and one hex string of the whole would cost 2 bytes of heap per byte).
 */
export function bigUint(b: Uint8Array): bigint {
  if (b.length <= 1024) return b.length === 0 ? 0n : BigInt(`0x${toHex(b)}`);
  const mid = b.length >> 1;
  return (bigUint(b.subarray(0, mid)) << BigInt(8 * (b.length - mid))) | bigUint(b.subarray(mid));
}

/** Interned short ASCII strings (a pure cache: it never changes what decode returns). */
const STRING_CACHE_SIZE = 1024;
const stringCache: (string | undefined)[] = new Array(STRING_CACHE_SIZE);

/** `n` (≤ 16) ASCII bytes at `i` as a string; direct calls beat apply() and concatenation. */
function ascii(b: Uint8Array, i: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return fcc(b[i]!);
    case 2: return fcc(b[i]!, b[i + 1]!);
    case 3: return fcc(b[i]!, b[i + 1]!, b[i + 2]!);
    case 4: return fcc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
    case 5: return fcc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!);
    case 6: return fcc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!);
    case 7: return fcc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!);
    case 8: return fcc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    default: {
      let s = fcc(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
      for (let j = i + 8; j < i + n; j++) s += fcc(b[j]!);
      return s;
    }
  }
}

/**
 * The data items counted so far against `maxItems` by one `decode` call and every tag 24
 * content decoded from its result: shared by the lazily decoded content (through the
 * closure each `EncodedCbor` keeps), so that each decode starts from what the others used.
 */
interface ItemBudget {
  /** Items counted by the decodes of this budget that have finished. */
  used: number;
  /**
   * Input bytes that structured map keys may still be re-encoded from to compare them
   * ({@link keyBytesBudget}).
   */
  keyBytesLeft: number;
}

/**
 * Highest `maxDepth` a caller may ask for: the decoder and the diagnostic printer recurse once
 * per level, and far deeper input overflowed the call stack (a bare RangeError, about 2,300
 * nested maps on Node). It is also the encoder's nesting limit, so that a structured map key
 * can always be encoded to be compared.
 */
export const MAX_DEPTH_CEILING = 1000;

class Decoder {
  readonly src: Uint8Array;
  pos = 0;
  end: number;
  /**
   * Items counted so far, this decode's included (a plain field, so counting an item costs
   * what it did before there was a budget); written back to `budget.used` when it ends.
   */
  items: number;
  readonly budget: ItemBudget;
  readonly maxDepth: number;
  readonly maxItems: number;
  readonly allowIndefinite: boolean;
  readonly deterministic: boolean;
  /** The additional information of the last head read (24–27 means a following argument). */
  ai = 0;
  /** The first validity problem found (thrown after the item is read). */
  invalid: CborError | undefined;

  readonly options: DecodeOptions;
  readonly exactNumbers: boolean;
  /** Offset of `src` in the outermost input, so that errors in tag 24 content point into it. */
  readonly base: number;

  constructor(src: Uint8Array, options: DecodeOptions, budget: ItemBudget, base = 0) {
    this.src = src;
    this.end = src.length;
    this.budget = budget;
    this.items = budget.used;
    this.options = options;
    this.base = base;
    this.maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
    this.maxItems = options.maxItems ?? DEFAULTS.maxItems;
    this.allowIndefinite = options.allowIndefinite ?? true;
    this.deterministic = options.deterministic ?? false;
    this.exactNumbers = options.exactNumbers ?? false;
  }

  fail(code: 'ERR_CBOR_MALFORMED' | 'ERR_CBOR_LIMIT' | 'ERR_CBOR_NOT_DETERMINISTIC' | 'ERR_CBOR_INDEFINITE' | 'ERR_CBOR_INVALID' | 'ERR_CBOR_UTF8' | 'ERR_CBOR_DUPLICATE_KEY' | 'ERR_CBOR_TRAILING', message: string, offset: number): never {
    throw new CborError(code, `${message} (at byte ${this.base + offset})`, { offset: this.base + offset });
  }

  /**
   * Record a validity problem (RFC 8949 §5.3: well-formed but not valid, or not what the
   * options require) and carry on, so that a malformed input is always reported as
   * malformed; the first one recorded is thrown once the whole item has been read.
   */
  flag(code: 'ERR_CBOR_NOT_DETERMINISTIC' | 'ERR_CBOR_INDEFINITE' | 'ERR_CBOR_INVALID' | 'ERR_CBOR_UTF8' | 'ERR_CBOR_DUPLICATE_KEY', message: string, offset: number): void {
    this.invalid ??= new CborError(code, `${message} (at byte ${this.base + offset})`, { offset: this.base + offset });
  }

  need(n: number, at: number): void {
    if (n > this.end - this.pos) this.fail('ERR_CBOR_MALFORMED', 'unexpected end of input', at);
  }

  /**
   * Read the argument of a head whose initial byte was `ib` (already consumed).
   * Returns a number, or a bigint when an 8-byte argument exceeds 2^53 - 1;
   * -1 means indefinite length (additional information 31).
   */
  arg(ib: number, at: number): number | bigint {
    const ai = ib & 0x1f;
    this.ai = ai;
    if (ai < 24) return ai;
    let v: number | bigint;
    switch (ai) {
      case 24:
        this.need(1, at);
        v = this.src[this.pos++]!;
        if (this.deterministic && v < 24) this.notPreferred(at);
        return v;
      case 25:
        this.need(2, at);
        v = this.u16();
        if (this.deterministic && v < 0x100) this.notPreferred(at);
        return v;
      case 26:
        this.need(4, at);
        v = this.u32();
        if (this.deterministic && v < 0x10000) this.notPreferred(at);
        return v;
      case 27: {
        this.need(8, at);
        const hi = this.u32();
        const lo = this.u32();
        if (this.deterministic && hi === 0) this.notPreferred(at);
        if (hi < 0x200000) return hi * TWO_32 + lo;
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
      case 31:
        return -1;
      default:
        return this.fail('ERR_CBOR_MALFORMED', `reserved additional information ${ai}`, at);
    }
  }

  u16(): number {
    const s = this.src;
    const p = this.pos;
    this.pos = p + 2;
    return (s[p]! << 8) | s[p + 1]!;
  }

  u32(): number {
    const s = this.src;
    const p = this.pos;
    this.pos = p + 4;
    return (s[p]! * 0x1000000 + ((s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!));
  }

  notPreferred(at: number): void {
    this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'argument not in preferred (shortest) form', at);
  }

  indefinite(at: number): void {
    if (this.deterministic) this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'indefinite length', at);
    if (!this.allowIndefinite) this.flag('ERR_CBOR_INDEFINITE', 'indefinite length not allowed', at);
  }

  /**
   * A definite length: its items must fit in the bytes left, at `unit` bytes or more each
   * (1 for a string's bytes or an array's items, 2 for a map's pairs).
   */
  length(a: number | bigint, unit: 1 | 2, at: number): number {
    const left = this.end - this.pos;
    if (typeof a === 'bigint' || a * unit > left) {
      const what = unit === 1 ? `declared length ${a}` : `${a} declared map pairs (at least ${typeof a === 'bigint' ? 2n * a : 2 * a} bytes)`;
      return this.fail('ERR_CBOR_MALFORMED', `${what} exceed${unit === 1 ? 's' : ''} the ${left} byte${left === 1 ? '' : 's'} left`, at);
    }
    return a;
  }

  item(depth: number): CborValue {
    const at = this.pos;
    if (at >= this.end) this.fail('ERR_CBOR_MALFORMED', 'unexpected end of input', at);
    if (++this.items > this.maxItems) this.fail('ERR_CBOR_LIMIT', `more than ${this.maxItems} data items`, at);
    const ib = this.src[this.pos++]!;
    const major = ib >> 5;
    if (major === 7) return this.simple(ib, at);
    const a = this.arg(ib, at);
    switch (major) {
      case 0:
        if (a === -1) this.fail('ERR_CBOR_MALFORMED', 'integer with additional information 31', at);
        return a;
      case 1:
        if (a === -1) this.fail('ERR_CBOR_MALFORMED', 'integer with additional information 31', at);
        return typeof a === 'number' && a < MAX_SAFE ? -1 - a : -1n - BigInt(a);
      case 2:
        return a === -1 ? this.chunks(2, at) : this.src.subarray(this.pos, (this.pos += this.length(a, 1, at)));
      case 3: {
        if (a === -1) return this.text(this.chunks(3, at), at);
        const n = this.length(a, 1, at);
        const start = this.pos;
        this.pos += n;
        return this.utf8(start, this.pos);
      }
      case 4:
        return this.array(a, depth + 1, at);
      case 5:
        return this.map(a, depth + 1, at);
      default:
        return this.tag(a, depth + 1, at);
    }
  }

  simple(ib: number, at: number): CborValue {
    const ai = ib & 0x1f;
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 24: {
        this.need(1, at);
        const v = this.src[this.pos++]!;
        if (v < 32) this.fail('ERR_CBOR_MALFORMED', `reserved two-byte simple value ${v}`, at);
        return new Simple(v);
      }
      case 25: {
        this.need(2, at);
        const h = this.u16();
        const v = halfToNumber(h);
        if (this.deterministic && Number.isNaN(v) && h !== 0x7e00) {
          this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'NaN not encoded as f97e00', at);
        }
        return this.exactNumbers ? new CborFloat(v) : v;
      }
      case 26: {
        this.need(4, at);
        const v = readFloat(this.src, this.pos, 4);
        this.pos += 4;
        if (this.deterministic && numberToHalf(v) !== -1) this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'float32 that fits in float16', at);
        return this.exactNumbers ? new CborFloat(v) : v;
      }
      case 27: {
        this.need(8, at);
        const v = readFloat(this.src, this.pos, 8);
        this.pos += 8;
        if (this.deterministic && fitsFloat32(v)) this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'float64 that fits in a shorter float', at);
        return this.exactNumbers ? new CborFloat(v) : v;
      }
      case 31:
        return this.fail('ERR_CBOR_MALFORMED', 'unexpected break', at);
      default:
        if (ai < 20) return new Simple(ai);
        return this.fail('ERR_CBOR_MALFORMED', `reserved additional information ${ai}`, at);
    }
  }

  /** True (and consumes it) when the next byte is a break. */
  isBreak(at: number): boolean {
    if (this.pos >= this.end) this.fail('ERR_CBOR_MALFORMED', 'indefinite-length item not closed by a break', at);
    if (this.src[this.pos] !== 0xff) return false;
    this.pos++;
    return true;
  }

  /**
   * The chunks of an indefinite-length string of `major` type, concatenated. Two passes
   * over the chunks, the first to check them and add up their lengths, the second to copy:
   * nothing is kept per chunk, so a run of empty chunks costs no memory.
   */
  chunks(major: 2 | 3, at: number): Uint8Array {
    this.indefinite(at);
    const first = this.pos;
    let total = 0;
    while (!this.isBreak(at)) {
      const cat = this.pos;
      if (++this.items > this.maxItems) this.fail('ERR_CBOR_LIMIT', `more than ${this.maxItems} data items`, cat);
      const ib = this.src[this.pos++]!;
      if (ib >> 5 !== major) this.fail('ERR_CBOR_MALFORMED', 'indefinite-length string chunk of the wrong major type', cat);
      const a = this.arg(ib, cat);
      if (a === -1) this.fail('ERR_CBOR_MALFORMED', 'nested indefinite-length string chunk', cat);
      const n = this.length(a, 1, cat);
      if (major === 3) this.utf8(this.pos, this.pos + n);
      this.pos += n;
      total += n;
    }
    const out = new Uint8Array(total);
    const src = this.src;
    let o = 0;
    for (let p = first; o < total; ) {
      // Every chunk head was checked above: a definite-length head of the right type.
      const ai = src[p++]! & 0x1f;
      let n = ai;
      if (ai >= 24) {
        const w = 1 << (ai - 24);
        n = 0;
        for (let i = 0; i < w; i++) n = n * 256 + src[p++]!;
      }
      out.set(src.subarray(p, p + n), o);
      p += n;
      o += n;
    }
    return out;
  }

  text(bytes: Uint8Array, at: number): string {
    try {
      return fatalUtf8.decode(bytes);
    } catch {
      this.flag('ERR_CBOR_UTF8', 'invalid UTF-8 in text string', at);
      return '';
    }
  }

  utf8(start: number, end: number): string {
    const src = this.src;
    const n = end - start;
    if (n <= 32) {
      // Short strings (map keys, element identifiers, namespaces) repeat endlessly in
      // identity data: intern ASCII ones in a small table so that the same string object,
      // with its hash already computed, comes back each time.
      let h = n;
      for (let i = start; i < end; i++) {
        const c = src[i]!;
        if (c >= 0x80) return this.text(src.subarray(start, end), start);
        h = (h * 31 + c) | 0;
      }
      const slot = h & (STRING_CACHE_SIZE - 1);
      const cached = stringCache[slot];
      if (cached !== undefined && cached.length === n) {
        let same = true;
        for (let i = 0; i < n; i++) {
          if (cached.charCodeAt(i) !== src[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return cached;
      }
      let s = ascii(src, start, Math.min(16, n));
      if (n > 16) s += ascii(src, start + 16, n - 16);
      stringCache[slot] = s;
      return s;
    }
    if (n <= 64) {
      for (let i = start; i < end; i++) if (src[i]! >= 0x80) return this.text(src.subarray(start, end), start);
      let s = '';
      for (let i = start; i < end; i += 16) s += ascii(src, i, Math.min(16, end - i));
      return s;
    }
    return this.text(src.subarray(start, end), start);
  }

  array(a: number | bigint, depth: number, at: number): CborValue[] {
    if (depth > this.maxDepth) this.fail('ERR_CBOR_LIMIT', `nesting deeper than ${this.maxDepth}`, at);
    if (a === -1) {
      this.indefinite(at);
      const out: CborValue[] = [];
      while (!this.isBreak(at)) out.push(this.item(depth));
      return out;
    }
    // Never sized from the declared count: arrays nested in arrays can each declare as many
    // items as there are bytes left, and memory must follow the items actually read.
    const n = this.length(a, 1, at);
    const out: CborValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.item(depth));
    return out;
  }

  map(a: number | bigint, depth: number, at: number): Map<CborValue, CborValue> {
    if (depth > this.maxDepth) this.fail('ERR_CBOR_LIMIT', `nesting deeper than ${this.maxDepth}`, at);
    const out = new Map<CborValue, CborValue>();
    const indefinite = a === -1;
    if (indefinite) this.indefinite(at);
    const n = indefinite ? Number.POSITIVE_INFINITY : this.length(a, 2, at);
    let firstObjectKey: object | undefined;
    let firstObjectKeyAt = 0;
    let firstObjectKeyLength = 0;
    let fingerprints: Set<string> | undefined;
    let bigintKey = false;
    let prevKey = -1;
    let prevKeyEnd = -1;
    for (let i = 0; i < n; i++) {
      if (indefinite && this.isBreak(at)) break;
      const kat = this.pos;
      const key = this.item(depth);
      if (this.deterministic) {
        if (prevKey >= 0 && compareBytes(this.src.subarray(prevKey, prevKeyEnd), this.src.subarray(kat, this.pos)) >= 0) {
          this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'map keys not in bytewise lexicographic order', kat);
        }
        prevKey = kat;
        prevKeyEnd = this.pos;
      }
      if (typeof key === 'object' && key !== null) {
        // Structured keys are compared by their deterministic encoding, computed only once a
        // map has two of them: a chain of maps each keyed by the next is not re-encoded at
        // every level.
        if (fingerprints === undefined && firstObjectKey === undefined) {
          firstObjectKey = key;
          firstObjectKeyAt = kat;
          firstObjectKeyLength = this.pos - kat;
        } else {
          if (fingerprints === undefined) {
            fingerprints = new Set([this.fingerprint(firstObjectKey as CborValue, firstObjectKeyAt, firstObjectKeyLength)]);
            firstObjectKey = undefined;
          }
          const fp = this.fingerprint(key, kat, this.pos - kat);
          if (fingerprints.has(fp)) this.flag('ERR_CBOR_DUPLICATE_KEY', 'duplicate map key', kat);
          fingerprints.add(fp);
        }
      }
      if (this.pos >= this.end) this.fail('ERR_CBOR_MALFORMED', 'map key without a value', kat);
      if (this.src[this.pos] === 0xff) this.fail('ERR_CBOR_MALFORMED', 'break in the value position of a map', this.pos);
      const size = out.size;
      out.set(key, this.item(depth));
      // One hash lookup instead of has() + set(): a repeated primitive key leaves the size unchanged.
      if (out.size === size && (typeof key !== 'object' || key === null)) {
        this.flag('ERR_CBOR_DUPLICATE_KEY', `duplicate map key ${typeof key === 'string' ? JSON.stringify(key) : String(key)}`, kat);
      } else if (typeof key === 'bigint' || (bigintKey && typeof key === 'number')) {
        // An integer is a number below 2^53 and a bigint from there, and a bignum (tag 2 or
        // 3) is a bigint at any size: 1 and 2(h'01') are one key (RFC 8949 §3.4.3), as are
        // 2^53 and 2^53 written as a float, as 1 and 1.0 are.
        bigintKey = true;
        if (numericTwin(out, key)) this.flag('ERR_CBOR_DUPLICATE_KEY', `duplicate map key ${String(key)}`, kat);
      }
    }
    return out;
  }

  /** The deterministic encoding of the structured key read from `length` input bytes at `at`, as a string. */
  fingerprint(key: CborValue, at: number, length: number): string {
    // Once the input is known to be invalid (a duplicate inside the key itself, say), keys
    // are not compared: the decode fails with that first reason, and such a key may not encode.
    if (this.invalid !== undefined) return `${at}`;
    this.budget.keyBytesLeft -= length;
    if (this.budget.keyBytesLeft < 0) this.fail('ERR_CBOR_LIMIT', 'structured map keys too large to compare', at);
    try {
      return keyFingerprint(key);
    } catch (e) {
      if (e instanceof CborError) this.fail('ERR_CBOR_LIMIT', `a structured map key that cannot be encoded to be compared: ${e.message}`, at);
      throw e;
    }
  }

  tag(a: number | bigint, depth: number, at: number): CborValue {
    if (a === -1) this.fail('ERR_CBOR_MALFORMED', 'tag with additional information 31', at);
    if (depth > this.maxDepth) this.fail('ERR_CBOR_LIMIT', `nesting deeper than ${this.maxDepth}`, at);
    if (this.pos >= this.end) this.fail('ERR_CBOR_MALFORMED', 'tag without content', at);
    switch (a) {
      case 24:
        return this.embedded(depth, at);
      case 0:
      case 1004: {
        const v = this.item(depth);
        if (typeof v === 'string') {
          try {
            return a === 0 ? new TDate(v) : new FullDate(v);
          } catch (e) {
            if (!(e instanceof CborError)) throw e;
          }
        }
        this.flag('ERR_CBOR_INVALID', `tag ${a} content is not ${a === 0 ? 'an RFC 3339 date-time' : 'an RFC 8943 full-date'}`, at);
        return new Tag(a, v);
      }
      case 2:
      case 3: {
        const v = this.item(depth);
        if (!(v instanceof Uint8Array)) {
          this.flag('ERR_CBOR_INVALID', `tag ${a} content is not a byte string`, at);
          return new Tag(a, v);
        }
        const n = bigUint(v);
        if (this.deterministic && (n < TWO_64 || v[0] === 0)) {
          this.flag('ERR_CBOR_NOT_DETERMINISTIC', 'bignum that is not in preferred form', at);
        }
        if (this.exactNumbers) return new Tag(a, v);
        return a === 2 ? n : -1n - n;
      }
      default:
        return new Tag(a, this.item(depth));
    }
  }

  /** Tag 24: a byte string holding one well-formed CBOR data item, decoded in place. */
  embedded(depth: number, at: number): EncodedCbor {
    const cat = this.pos;
    const ib = this.src[this.pos]!;
    if (ib >> 5 !== 2) {
      this.flag('ERR_CBOR_INVALID', 'tag 24 content is not a byte string', cat);
      return new Tag(24, this.item(depth)) as never;
    }
    this.pos++;
    if (++this.items > this.maxItems) this.fail('ERR_CBOR_LIMIT', `more than ${this.maxItems} data items`, cat);
    const a = this.arg(ib, cat);
    if (a === -1) {
      // No received span holds the content in one piece, so no digest could be taken over
      // the received bytes (ISO/IEC 18013-5 digests and signs the whole tag 24 item).
      this.flag('ERR_CBOR_INVALID', 'tag 24 content is an indefinite-length byte string', cat);
      return new Tag(24, this.chunks(2, cat)) as never;
    }
    const n = this.length(a, 1, cat);
    const start = this.pos;
    const end = start + n;
    if (n === 0) {
      this.flag('ERR_CBOR_INVALID', 'tag 24 content is empty', cat);
      return new Tag(24, new Uint8Array(0)) as never;
    }
    // The whole item (tag head, bstr head, content): a view of exactly the received bytes.
    const tagged = this.src.subarray(at, end);
    const offset = start - at;
    this.pos = end;
    const { options, base, budget } = this;
    if (options.embedded !== 'eager') {
      // Decoded later, from the same budget: by then the decode that made this item has
      // ended and written its count back (decoding never reads a lazy value).
      return EncodedCbor.lazy(tagged, offset, (content) => new Decoder(content, options, budget, base + start).top(depth));
    }
    budget.used = this.items;
    const inner = new Decoder(tagged.subarray(offset), options, budget, base + start);
    const value = inner.item(depth);
    if (inner.pos !== inner.end) inner.fail('ERR_CBOR_TRAILING', 'bytes after the data item embedded in tag 24', inner.pos);
    this.items = inner.items;
    this.invalid ??= inner.invalid;
    return new EncodedCbor(tagged, offset, value);
  }

  /**
   * Decode the one item of `src` (the input, or tag 24 content read lazily). Only a decode
   * that succeeds advances the budget: a failed one leaves nothing behind to hold memory.
   */
  top(depth = 0): CborValue {
    const v = this.item(depth);
    if (this.pos !== this.end) this.fail('ERR_CBOR_TRAILING', `${this.end - this.pos} bytes after the data item`, this.pos);
    if (this.invalid !== undefined) throw this.invalid;
    this.budget.used = this.items;
    return v;
  }
}

/**
 * Decode exactly one CBOR data item, strictly.
 *
 * The input is decoded in place: byte strings and the bytes of `EncodedCbor` (tag 24) in
 * the result are views into `bytes`, exactly the received bytes, so digests and signatures
 * are checked over them. Do not modify `bytes` while the result is in use; pass
 * `bytes.slice()` if the buffer is going to be reused.
 *
 * @param bytes the encoded item; nothing may follow it.
 * @param options limits and strictness (see {@link DecodeOptions}).
 * @throws CborError with `code` and `offset` for anything that is not accepted.
 * @throws TypeError when `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * decode(fromHex('a201020304')) // Map { 1 => 2, 3 => 4 }
 * ```
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  if (bytes.length > maxBytes) {
    throw new CborError('ERR_CBOR_LIMIT', `input of ${bytes.length} bytes exceeds maxBytes ${maxBytes}`, { offset: 0 });
  }
  // Decoded in place, without a copy: byte strings and tag 24 items are views into the
  // caller's buffer (as plain Uint8Arrays, also when given a Node.js Buffer).
  const src = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxDepth = options.maxDepth;
  if (maxDepth !== undefined && !(Number.isInteger(maxDepth) && maxDepth >= 0 && maxDepth <= MAX_DEPTH_CEILING)) {
    throw new RangeError(`maxDepth must be an integer from 0 to ${MAX_DEPTH_CEILING}`);
  }
  // A new budget per call: the items of this input and of all the tag 24 content in it.
  return new Decoder(src, options, { used: 0, keyBytesLeft: keyBytesBudget(src.length) }).top();
}
