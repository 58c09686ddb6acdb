/**
 * The CBOR data model as shomei represents it (RFC 8949 §2, §3.4).
 *
 * | CBOR                         | JavaScript                                    |
 * |------------------------------|-----------------------------------------------|
 * | unsigned / negative integer  | `number` when safe, else `bigint`             |
 * | bignum (tags 2, 3)           | `bigint`                                      |
 * | byte string                  | `Uint8Array` (a view into the input)          |
 * | text string                  | `string` (validated UTF-8)                    |
 * | array                        | `CborValue[]`                                 |
 * | map                          | `Map` (keys may be integers)                  |
 * | float                        | `number` (`CborFloat` forces a float on encode)|
 * | false, true, null, undefined | `false`, `true`, `null`, `undefined`          |
 * | other simple values          | `Simple`                                      |
 * | tag 24 (encoded CBOR)        | `EncodedCbor` (exact received bytes + value)  |
 * | tag 0 (tdate)                | `TDate` (exact received text)                 |
 * | tag 1004 (full-date)         | `FullDate` (RFC 8943)                         |
 * | any other tag                | `Tag`                                         |
 *
 * These wrappers are small classes so that the encoder can recognise them; everything
 * else is plain data.
 */

import { CborError } from '../errors.js';
import { concat } from '../internal/bytes.js';

/** A decoded CBOR data item. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | readonly CborValue[]
  | CborMap
  | Tag
  | Simple
  | EncodedCbor<CborValue>
  | TDate
  | FullDate
  | CborFloat
  | RawCbor;

/** A decoded CBOR map. */
export type CborMap = ReadonlyMap<CborValue, CborValue>;

/**
 * What `encode` accepts: any {@link CborValue}, plus plain objects (maps with text keys,
 * in the order deterministic encoding sorts them) and `Date` (as a tdate).
 */
export type CborEncodable =
  | CborValue
  | Date
  | readonly CborEncodable[]
  | ReadonlyMap<CborEncodable, CborEncodable>
  | { readonly [key: string]: CborEncodable }
  | Tag<CborEncodable>
  | EncodedCbor<unknown>;

/** A tagged data item whose tag shomei does not interpret (RFC 8949 §3.4). */
export class Tag<T = CborValue> {
  constructor(
    /** The tag number. */
    readonly tag: number | bigint,
    /** The tag content. */
    readonly value: T,
  ) {}
}

/** A simple value other than false, true, null and undefined (RFC 8949 §3.3). */
export class Simple {
  constructor(readonly value: number) {
    if (!Number.isInteger(value) || value < 0 || value > 255 || (value >= 20 && value <= 31)) {
      throw new RangeError(`simple value must be 0..19 or 32..255, got ${value}`);
    }
  }
}

/** A number that `encode` writes as a float even when it is integral (e.g. `1.0`). */
export class CborFloat {
  constructor(readonly value: number) {
    if (typeof value !== 'number') throw new TypeError('CborFloat value must be a number');
  }

  /** Diagnostic notation (RFC 8949 §8): `2.0`, `-0.0`, `1.5`, `Infinity`, `NaN`, for messages. */
  toString(): string {
    const v = this.value;
    return Number.isInteger(v) && Math.abs(v) < 1e21 ? `${Object.is(v, -0) ? '-0' : v}.0` : String(v);
  }
}

/**
 * An already-encoded data item that `encode` splices in verbatim (no tag added), so a
 * structure can embed bytes exactly as received — for example the SessionTranscript
 * inside DeviceAuthentication. The caller vouches that the bytes are one well-formed
 * CBOR data item (decode them first when they come from outside). `decode` never
 * produces a RawCbor.
 */
export class RawCbor {
  constructor(readonly bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new TypeError('RawCbor bytes must be a non-empty Uint8Array');
  }
}

/** Encode the head of a byte string of `length` bytes with preferred serialisation. */
function bstrHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >> 8, length & 0xff);
  return Uint8Array.of(0x5a, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

/**
 * Tag 24, "encoded CBOR data item" (RFC 8949 §3.4.5.1): `#6.24(bstr .cbor T)`.
 *
 * Holds the exact bytes that were received, so that digests and signatures are always
 * checked over them and never over a re-encoding; `encode` re-emits them byte for byte.
 */
export class EncodedCbor<T = CborValue> {
  /** The whole data item as received: the tag 24 head, the bstr head and the content. */
  readonly tagged: Uint8Array;
  readonly #contentOffset: number;
  #bytes: Uint8Array | undefined;
  #value: T | undefined;
  #decode: ((content: Uint8Array) => T) | undefined;

  /** @internal Use {@link EncodedCbor.wrap}, `encodeEmbedded` or the decoder. */
  constructor(tagged: Uint8Array, contentOffset: number, value: T) {
    this.tagged = tagged;
    this.#contentOffset = contentOffset;
    this.#value = value;
  }

  /** @internal An EncodedCbor whose value is decoded (strictly) from its content on first access. */
  static lazy<T>(tagged: Uint8Array, contentOffset: number, decode: (content: Uint8Array) => T): EncodedCbor<T> {
    const e = new EncodedCbor<T>(tagged, contentOffset, undefined as T);
    e.#decode = decode;
    return e;
  }

  /** The embedded CBOR bytes (the bstr content). */
  get bytes(): Uint8Array {
    this.#bytes ??= this.tagged.subarray(this.#contentOffset);
    return this.#bytes;
  }

  /**
   * The decoded content. Decoded from {@link bytes} on first access when it came from a
   * lazy decode; throws `CborError` then if the content is not accepted.
   */
  get value(): T {
    if (this.#decode !== undefined) {
      this.#value = this.#decode(this.bytes);
      this.#decode = undefined;
    }
    return this.#value as T;
  }

  /**
   * The same received bytes with a value derived from this one (for example a typed view
   * of the decoded map). `fn` runs now, on the decoded value.
   */
  map<U>(fn: (value: T) => U): EncodedCbor<U> {
    return new EncodedCbor(this.tagged, this.#contentOffset, fn(this.value));
  }

  /**
   * Wrap already-encoded CBOR bytes (the caller vouches that `bytes` encodes `value`;
   * the decoder and `encodeEmbedded` are the usual sources).
   */
  static wrap<T>(bytes: Uint8Array, value: T): EncodedCbor<T> {
    const head = bstrHead(bytes.length);
    return new EncodedCbor(concat(Uint8Array.of(0xd8, 0x18), head, bytes), 2 + head.length, value);
  }
}

const TDATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** 400 Gregorian years (146,097 days) in ms: Date.UTC reads years 0-99 as 1900-1999. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * The instant of a tdate matched by TDATE_RE, in ms: what `new Date(text)` gives, computed
 * from the parts (several times faster than parsing the text again). A leap second (:60)
 * counts as :59, and fractional seconds are truncated to milliseconds.
 */
function tdateMs(m: RegExpExecArray): number {
  const y = +m[1]!;
  const fraction = m[7];
  const ms = fraction === undefined ? 0 : +`${fraction.slice(1, 4)}00`.slice(0, 3);
  let t = Date.UTC(y < 100 ? y + 400 : y, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, Math.min(+m[6]!, 59), ms);
  if (y < 100) t -= FOUR_CENTURIES_MS;
  if (m[9] !== undefined) t -= (m[9] === '+' ? 1 : -1) * (+m[10]! * 60 + +m[11]!) * 60_000;
  return t;
}

/**
 * The instant of `YYYY-MM-DDTHH:MM:SSZ` (years 100 to 9999), the form ISO 18013-5 §9.1.2.4
 * requires in an MSO, read by position; undefined for any other text, which TDATE_RE reads.
 */
function plainTdateMs(text: string): number | undefined {
  if (text.length !== 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== 'Z') return undefined;
  const y = digits(text, 0, 4);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const sec = digits(text, 17, 2);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  if (y < 100 || !validDate(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, Math.min(sec, 59));
}

/** The decimal number in `s` at [start, start + n), or -1 unless all are ASCII digits. */
function digits(s: string, start: number, n: number): number {
  let v = 0;
  for (let i = start; i < start + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Tag 0, a date/time string (RFC 8949 §3.4.1, RFC 3339 `date-time`).
 * Keeps the received text so it re-encodes identically.
 */
export class TDate {
  /** The RFC 3339 text exactly as received or built. */
  readonly text: string;
  /** The instant, as a JavaScript Date (millisecond precision). */
  readonly date: Date;

  /** Parse RFC 3339 `date-time` text; throws `CborError` (`ERR_CBOR_INVALID`) if it is not. */
  constructor(text: string) {
    const plain = typeof text === 'string' ? plainTdateMs(text) : undefined;
    if (plain !== undefined) {
      this.text = text;
      this.date = new Date(plain);
      return;
    }
    const m = typeof text === 'string' ? TDATE_RE.exec(text) : null;
    const ok =
      m !== null &&
      validDate(+m[1]!, +m[2]!, +m[3]!) &&
      +m[4]! <= 23 &&
      +m[5]! <= 59 &&
      +m[6]! <= 60 &&
      (m[9] === undefined || (+m[10]! <= 23 && +m[11]! <= 59));
    const date = ok ? new Date(tdateMs(m)) : null;
    if (date === null || Number.isNaN(date.getTime())) {
      throw new CborError('ERR_CBOR_INVALID', `not an RFC 3339 date-time: ${JSON.stringify(text)}`);
    }
    this.text = text;
    this.date = date;
  }

  /**
   * A tdate for `date` in UTC, `YYYY-MM-DDTHH:MM:SSZ`; fractional seconds only when the
   * date has milliseconds (ISO 18013-5 forbids them in an MSO: pass whole seconds).
   */
  static fromDate(date: Date): TDate {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('date must be a valid Date');
    const iso = date.toISOString();
    return new TDate(date.getUTCMilliseconds() === 0 ? `${iso.slice(0, 19)}Z` : iso);
  }

  /** The text. */
  toString(): string {
    return this.text;
  }

  /** JSON form: the text. */
  toJSON(): string {
    return this.text;
  }
}

/** Tag 1004, a calendar date `YYYY-MM-DD` (RFC 8943 full-date). */
export class FullDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;

  /** Parse `YYYY-MM-DD`; throws `CborError` (`ERR_CBOR_INVALID`) for anything else. */
  constructor(readonly text: string) {
    const year = typeof text === 'string' && text.length === 10 && text[4] === '-' && text[7] === '-' ? digits(text, 0, 4) : -1;
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    if (year < 0 || month < 0 || day < 0 || !validDate(year, month, day)) {
      throw new CborError('ERR_CBOR_INVALID', `not an RFC 8943 full-date: ${JSON.stringify(text)}`);
    }
    this.year = year;
    this.month = month;
    this.day = day;
  }

  /** A full-date from numbers; throws `RangeError` for an impossible date. */
  static of(year: number, month: number, day: number): FullDate {
    if (!Number.isInteger(year) || year < 0 || year > 9999 || !validDate(year, month, day)) {
      throw new RangeError(`not a calendar date: ${year}-${month}-${day}`);
    }
    return new FullDate(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
  }

  /** The text. */
  toString(): string {
    return this.text;
  }

  /** JSON form: the text. */
  toJSON(): string {
    return this.text;
  }
}
