/**
 * Strict DER (ITU-T X.690 §8 and §10) for the X.509 layer: a lazy reader over received
 * bytes and a small writer. Internal: never exported from the package.
 *
 * The reader never copies: every value is a view into the input, so signed portions (a
 * TBSCertificate, a TBSCertList) are checked over exactly the bytes received. It accepts
 * DER only: definite lengths in their shortest form, low-tag-number identifiers, minimal
 * INTEGERs, BOOLEAN 00/FF. It allocates nothing for content it skips, so a CRL with a
 * hundred thousand entries costs one pass and no tree.
 *
 * Every failure throws `X509Error('ERR_X509_PARSE')` with the absolute `offset`.
 */
import { X509Error } from '../errors.js';
import { concat, utf8Decode, utf8Encode } from '../internal/bytes.js';

/** Universal tags (identifier octets) used by RFC 5280. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The identifier octet of a context-specific tag `[n]` (n < 31). */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** One decoded TLV: views into the input. */
export interface Tlv {
  /** The identifier octet. */
  readonly tag: number;
  /** Absolute offset of the identifier octet in the outermost input. */
  readonly offset: number;
  /** The whole encoding (identifier, length and content). */
  readonly der: Uint8Array;
  /** The content octets. */
  readonly content: Uint8Array;
  /** Absolute offset of the first content octet. */
  readonly contentOffset: number;
}

/** Throw the parse error for `what` at `offset`. */
export function parseError(what: string, offset: number): never {
  throw new X509Error('ERR_X509_PARSE', `${what} (at byte ${offset})`, { offset });
}

/** Reads consecutive TLVs from `bytes[start, end)`; offsets are reported relative to `base`. */
export class DerReader {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
    private readonly base = 0,
  ) {
    this.pos = start;
  }

  /** A reader over the content of a constructed TLV (`tlv.tag` must have the constructed bit). */
  static inside(tlv: Tlv, what: string): DerReader {
    if ((tlv.tag & 0x20) === 0) parseError(`${what} must be constructed`, tlv.offset);
    return new DerReader(tlv.content, 0, tlv.content.length, tlv.contentOffset);
  }

  /** True when every byte has been read. */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The identifier octet of the next TLV, or undefined at the end. */
  peekTag(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  /** Absolute offset of the next TLV. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Read the next TLV, whatever its tag. */
  next(what: string): Tlv {
    const b = this.bytes;
    const start = this.pos;
    const at = this.base + start;
    if (start >= this.end) parseError(`${what}: unexpected end of data`, at);
    const tag = b[start]!;
    if ((tag & 0x1f) === 0x1f) parseError(`${what}: high-tag-number identifiers are not used in X.509`, at);
    let p = start + 1;
    if (p >= this.end) parseError(`${what}: missing length`, at);
    const first = b[p++]!;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const count = first & 0x7f;
      if (count === 0) parseError(`${what}: indefinite length is not DER`, at);
      if (count > 4) parseError(`${what}: length field too long`, at);
      if (p + count > this.end) parseError(`${what}: truncated length`, at);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + b[p++]!;
      if (b[p - count] === 0 || length < 0x80) parseError(`${what}: length not in its shortest form`, at);
    }
    if (length > this.end - p) parseError(`${what}: length ${length} runs past the end of its container`, at);
    this.pos = p + length;
    return {
      tag,
      offset: at,
      der: b.subarray(start, p + length),
      content: b.subarray(p, p + length),
      contentOffset: this.base + p,
    };
  }

  /** Read the next TLV and require its identifier octet to be `tag`. */
  expect(tag: number, what: string): Tlv {
    const t = this.peekTag();
    if (t !== tag) {
      parseError(`${what}: expected tag 0x${tag.toString(16)}, got ${t === undefined ? 'end of data' : `0x${t.toString(16)}`}`, this.offset);
    }
    return this.next(what);
  }

  /** Read the next TLV when its identifier octet is `tag`, else nothing. */
  optional(tag: number, what: string): Tlv | undefined {
    return this.peekTag() === tag ? this.next(what) : undefined;
  }

  /** Require that nothing follows. */
  finish(what: string): void {
    if (!this.atEnd()) parseError(`${what}: unexpected trailing data`, this.offset);
  }
}

/** Parse exactly one TLV spanning all of `bytes`. */
export function readSingle(bytes: Uint8Array, what: string, base = 0): Tlv {
  const r = new DerReader(bytes, 0, bytes.length, base);
  const t = r.next(what);
  r.finish(what);
  return t;
}

/** Parse a TLV that must span all of `bytes` and have identifier `tag`. */
export function readSingleTagged(bytes: Uint8Array, tag: number, what: string, base = 0): Tlv {
  const r = new DerReader(bytes, 0, bytes.length, base);
  const t = r.expect(tag, what);
  r.finish(what);
  return t;
}

// ---------------------------------------------------------------------------------------
// Primitive decoders (X.690 §8.2 BOOLEAN, §8.3 INTEGER, §8.6 BIT STRING, §8.19 OID, §11.7-8 time)

/** BOOLEAN: one content octet, 00 or FF (X.690 §11.1). */
export function decodeBoolean(t: Tlv, what: string): boolean {
  if (t.tag !== Tag.BOOLEAN || t.content.length !== 1) parseError(`${what}: not a BOOLEAN`, t.offset);
  const v = t.content[0];
  if (v === 0) return false;
  if (v === 0xff) return true;
  return parseError(`${what}: BOOLEAN must be 00 or FF in DER`, t.offset);
}

/** The content octets of an INTEGER, checked for the minimal two's-complement form (X.690 §8.3.2). */
export function integerBytes(t: Tlv, what: string, tag: number = Tag.INTEGER): Uint8Array {
  const c = t.content;
  if (t.tag !== tag || c.length === 0) parseError(`${what}: not an INTEGER`, t.offset);
  if (c.length > 1 && ((c[0] === 0 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    parseError(`${what}: INTEGER not in its shortest form`, t.offset);
  }
  return c;
}

/** A non-negative INTEGER that fits in a safe JS number. */
export function decodeSmallInteger(t: Tlv, what: string, tag: number = Tag.INTEGER): number {
  const c = integerBytes(t, what, tag);
  if (c[0]! >= 0x80) parseError(`${what}: negative INTEGER`, t.offset);
  if (c.length > 6) parseError(`${what}: INTEGER too large`, t.offset);
  let n = 0;
  for (const b of c) n = n * 256 + b;
  return n;
}

/** An INTEGER as lower-case hex of its magnitude, prefixed with `-` when negative. */
export function integerHex(bytes: Uint8Array): string {
  let hex = '';
  if (bytes[0]! >= 0x80) {
    // two's complement: magnitude = ~x + 1
    const mag = new Uint8Array(bytes.length);
    let carry = 1;
    for (let i = bytes.length - 1; i >= 0; i--) {
      const v = (~bytes[i]! & 0xff) + carry;
      mag[i] = v & 0xff;
      carry = v >> 8;
    }
    let s = 0;
    while (s < mag.length - 1 && mag[s] === 0) s++;
    for (let i = s; i < mag.length; i++) hex += mag[i]!.toString(16).padStart(2, '0');
    return `-${hex}`;
  }
  let s = 0;
  while (s < bytes.length - 1 && bytes[s] === 0) s++;
  for (let i = s; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return hex;
}

/** OBJECT IDENTIFIER in dotted form (X.690 §8.19), subidentifiers in their shortest form. */
export function decodeOid(t: Tlv, what: string): string {
  const c = t.content;
  if (t.tag !== Tag.OID || c.length === 0) parseError(`${what}: not an OBJECT IDENTIFIER`, t.offset);
  if (c.length > 128) parseError(`${what}: OBJECT IDENTIFIER too long`, t.offset);
  const arcs: string[] = [];
  let value = 0n;
  let started = false;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (!started && b === 0x80) parseError(`${what}: OBJECT IDENTIFIER subidentifier not in its shortest form`, t.offset);
    started = true;
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 40n ? 0n : value < 80n ? 1n : 2n;
        arcs.push(first.toString(), (value - first * 40n).toString());
      } else {
        arcs.push(value.toString());
      }
      value = 0n;
      started = false;
    }
  }
  if (started) parseError(`${what}: truncated OBJECT IDENTIFIER`, t.offset);
  return arcs.join('.');
}

/** A BIT STRING: its unused-bit count and the octets holding the bits. */
export interface BitString {
  readonly unusedBits: number;
  readonly bytes: Uint8Array;
}

/** BIT STRING (X.690 §8.6, primitive only). */
export function decodeBitString(t: Tlv, what: string): BitString {
  const c = t.content;
  if (t.tag !== Tag.BIT_STRING || c.length === 0) parseError(`${what}: not a BIT STRING`, t.offset);
  const unused = c[0]!;
  if (unused > 7 || (c.length === 1 && unused !== 0)) parseError(`${what}: bad BIT STRING unused-bit count`, t.offset);
  return { unusedBits: unused, bytes: c.subarray(1) };
}

/** BIT STRING whose bits fill whole octets (keys, signatures). */
export function decodeOctetAlignedBitString(t: Tlv, what: string): Uint8Array {
  const bs = decodeBitString(t, what);
  if (bs.unusedBits !== 0) parseError(`${what}: BIT STRING is not octet aligned`, t.offset);
  return bs.bytes;
}

/** True when bit `n` (0 = most significant bit of the first octet) is set. */
export function bitSet(bs: BitString, n: number): boolean {
  const byte = bs.bytes[n >> 3];
  return byte !== undefined && (byte & (0x80 >> (n & 7))) !== 0 && n < bs.bytes.length * 8 - bs.unusedBits;
}

const STRING_TAGS: ReadonlySet<number> = new Set([
  Tag.UTF8_STRING,
  Tag.NUMERIC_STRING,
  Tag.PRINTABLE_STRING,
  Tag.TELETEX_STRING,
  Tag.IA5_STRING,
  Tag.VISIBLE_STRING,
  Tag.UNIVERSAL_STRING,
  Tag.BMP_STRING,
]);

/** True when `tag` is one of the character string types X.509 uses. */
export function isStringTag(tag: number): boolean {
  return STRING_TAGS.has(tag);
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** Decode a character string of any of the types in {@link isStringTag}. */
export function decodeString(t: Tlv, what: string): string {
  const c = t.content;
  switch (t.tag) {
    case Tag.UTF8_STRING:
      try {
        return utf8Decode(c);
      } catch {
        return parseError(`${what}: invalid UTF-8`, t.offset);
      }
    case Tag.PRINTABLE_STRING:
    case Tag.NUMERIC_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING: {
      let s = '';
      for (const b of c) {
        if (b >= 0x80) parseError(`${what}: non-ASCII octet in an ASCII string type`, t.offset);
        s += String.fromCharCode(b);
      }
      // PrintableString's narrower alphabet is widely violated ('@', '*', '&'); accepted as ASCII.
      return s;
    }
    case Tag.TELETEX_STRING: {
      // T.61 is treated as Latin-1, as browsers and OpenSSL do.
      let s = '';
      for (const b of c) s += String.fromCharCode(b);
      return s;
    }
    case Tag.BMP_STRING: {
      if (c.length % 2 !== 0) parseError(`${what}: BMPString of odd length`, t.offset);
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      if (c.length % 4 !== 0) parseError(`${what}: UniversalString length not a multiple of 4`, t.offset);
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) parseError(`${what}: bad UniversalString code point`, t.offset);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return parseError(`${what}: not a character string`, t.offset);
  }
}

/** IA5String (ASCII), for rfc822Name, dNSName and URI. */
export function decodeIa5(t: Tlv, what: string, tag: number = Tag.IA5_STRING): string {
  if (t.tag !== tag) parseError(`${what}: not an IA5String`, t.offset);
  let s = '';
  for (const b of t.content) {
    if (b >= 0x80) parseError(`${what}: non-ASCII octet in an IA5String`, t.offset);
    s += String.fromCharCode(b);
  }
  return s;
}

function digits(c: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = c[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime } in the RFC 5280 §4.1.2.5
 * forms: `YYMMDDHHMMSSZ` (YY ≥ 50 is 19YY) or `YYYYMMDDHHMMSSZ`, no fractions, always Z.
 */
export function decodeTime(t: Tlv, what: string): Date {
  const c = t.content;
  let year: number;
  let p: number;
  if (t.tag === Tag.UTC_TIME && c.length === 13) {
    const yy = digits(c, 0, 2);
    year = yy < 0 ? -1 : yy >= 50 ? 1900 + yy : 2000 + yy;
    p = 2;
  } else if (t.tag === Tag.GENERALIZED_TIME && c.length === 15) {
    year = digits(c, 0, 4);
    p = 4;
  } else {
    return parseError(`${what}: not a UTCTime or GeneralizedTime in the RFC 5280 form`, t.offset);
  }
  const month = digits(c, p, 2);
  const day = digits(c, p + 2, 2);
  const hour = digits(c, p + 4, 2);
  const minute = digits(c, p + 6, 2);
  const second = digits(c, p + 8, 2);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (
    year < 0 ||
    c[p + 10] !== 0x5a ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    d.getUTCDate() !== day ||
    d.getUTCFullYear() !== year
  ) {
    return parseError(`${what}: invalid time value`, t.offset);
  }
  return d;
}

// ---------------------------------------------------------------------------------------
// Writer

function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.from([0x80 | out.length, ...out]);
}

/** Encode a TLV with identifier `tag` and the concatenated `parts` as content. */
export function encodeTlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  return encodeTlvOf(tag, parts);
}

/**
 * {@link encodeTlv} for a list of any length, written once into one buffer: a CRL's
 * revokedCertificates can hold millions of entries, more than an argument list can spread.
 */
export function encodeTlvOf(tag: number, parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const length = lengthOctets(n);
  const out = new Uint8Array(1 + length.length + n);
  out[0] = tag;
  out.set(length, 1);
  let o = 1 + length.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** SEQUENCE of the given encodings. */
export function encodeSequence(...parts: readonly Uint8Array[]): Uint8Array {
  return encodeTlvOf(Tag.SEQUENCE, parts);
}

/** SET OF the given encodings, sorted as DER requires (X.690 §11.6). */
export function encodeSetOf(...parts: readonly Uint8Array[]): Uint8Array {
  const sorted = [...parts].sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return encodeTlv(Tag.SET, ...sorted);
}

/** INTEGER from a non-negative bigint, or from big-endian magnitude bytes. */
export function encodeInteger(value: bigint | Uint8Array | number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'number') value = BigInt(value);
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError('INTEGER value must not be negative');
    let hex = value.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    bytes = Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  } else {
    bytes = value;
  }
  let s = 0;
  while (s < bytes.length - 1 && bytes[s] === 0) s++;
  bytes = bytes.subarray(s);
  if (bytes.length === 0) bytes = Uint8Array.of(0);
  if (bytes[0]! >= 0x80) bytes = concat(Uint8Array.of(0), bytes);
  return encodeTlv(Tag.INTEGER, bytes);
}

/** BOOLEAN TRUE or FALSE. */
export function encodeBoolean(value: boolean): Uint8Array {
  return Uint8Array.of(Tag.BOOLEAN, 1, value ? 0xff : 0);
}

/** NULL. */
export const DER_NULL: Uint8Array = Uint8Array.of(Tag.NULL, 0);

/** OBJECT IDENTIFIER from dotted form. Throws `TypeError` for a malformed OID string. */
export function encodeOid(oid: string): Uint8Array {
  if (typeof oid !== 'string' || !/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oid)) throw new TypeError(`not an OID: ${String(oid)}`);
  const arcs = oid.split('.').map((a) => BigInt(a));
  if (arcs[0]! < 2n && arcs[1]! >= 40n) throw new TypeError(`not an OID: ${oid}`);
  const values = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
  const out: number[] = [];
  for (let v of values) {
    const group: number[] = [Number(v & 0x7fn)];
    v >>= 7n;
    while (v > 0n) {
      group.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...group);
  }
  return encodeTlv(Tag.OID, Uint8Array.from(out));
}

/** OCTET STRING. */
export function encodeOctetString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(Tag.OCTET_STRING, bytes);
}

/** BIT STRING with `unusedBits` trailing bits unused in the last octet. */
export function encodeBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return encodeTlv(Tag.BIT_STRING, Uint8Array.of(unusedBits), bytes);
}

/** A character string of type `tag` (UTF8String, PrintableString, IA5String). */
export function encodeString(tag: number, text: string): Uint8Array {
  if (tag === Tag.UTF8_STRING) return encodeTlv(tag, utf8Encode(text));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) throw new TypeError(`character U+${code.toString(16)} cannot be written in an ASCII string type`);
    bytes[i] = code;
  }
  return encodeTlv(tag, bytes);
}

/** True when `text` can be written as a PrintableString (X.680 §41.4). */
export function isPrintable(text: string): boolean {
  return PRINTABLE.test(text);
}

function pad(n: number, width: number): string {
  return n.toString().padStart(width, '0');
}

/** Time per RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds precision. */
export function encodeTime(date: Date): Uint8Array {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('time must be a valid Date');
  const y = date.getUTCFullYear();
  if (y < 1950 || y > 9999) throw new RangeError(`year ${y} cannot be encoded in an X.509 time`);
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    'Z';
  if (y < 2050) return encodeString(Tag.UTC_TIME, pad(y % 100, 2) + rest);
  return encodeString(Tag.GENERALIZED_TIME, pad(y, 4) + rest);
}
