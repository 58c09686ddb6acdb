/**
 * BER-TLV (ISO/IEC 7816-4 §5.2, X.690 §8.1.2–8.1.3) as the card-info APs use it: private
 * class tags such as `FF 20` (constructed, number 32) and `DF 21` (primitive, number 33),
 * and application tags such as `7F 21` and `5F 4E`; definite lengths in short form or
 * `81 xx` / `82 xx xx` (non-minimal forms accepted). Also SIMPLE-TLV (§5.2) for records.
 *
 * Parsing is bounds-checked and iterative; anything wrong throws `JpkiError` `ERR_JPKI_DATA`
 * with the byte offset.
 */
import { JpkiError } from '../errors.js';
import { concat } from '../internal/bytes.js';

/** One decoded data object. `tag` is the tag bytes as a number (`0xFF20`, `0xDF21`, `0x7F21`). */
export interface Tlv {
  readonly tag: number;
  readonly constructed: boolean;
  /** Offset of the tag's first byte in the parsed buffer. */
  readonly offset: number;
  /** Length of tag + length fields. */
  readonly headerLength: number;
  /** The value field (a view into the parsed buffer). */
  readonly value: Uint8Array;
  /** The whole TLV, header included, exactly as received (a view). */
  readonly raw: Uint8Array;
}

/** The header of a TLV: tag, whether constructed, header length and value length. */
export interface TlvHeader {
  readonly tag: number;
  readonly constructed: boolean;
  readonly headerLength: number;
  readonly length: number;
}

const dataError = (message: string, offset: number) => new JpkiError('ERR_JPKI_DATA', message, { offset });

/**
 * Decode the tag and length at `offset` without needing the value bytes (so the first few
 * bytes of an EF are enough to learn its size). Tags of up to 3 bytes, lengths of up to
 * `84` + 4 bytes. Throws `ERR_JPKI_DATA` for truncation, indefinite length or oversize.
 */
export function decodeTlvHeader(bytes: Uint8Array, offset = 0): TlvHeader {
  let i = offset;
  const need = (what: string) => {
    if (i >= bytes.length) throw dataError(`TLV truncated in the ${what}`, i);
    return bytes[i++]!;
  };
  const first = need('tag');
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let b: number;
    let count = 0;
    do {
      b = need('tag');
      tag = tag * 256 + b;
      if (++count > 2) throw dataError('TLV tag longer than 3 bytes', offset);
    } while (b & 0x80);
  }
  const constructed = (first & 0x20) !== 0;
  const l0 = need('length');
  let length = l0;
  if (l0 === 0x80) throw dataError('TLV with indefinite length', i - 1);
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 4) throw dataError(`TLV length field of ${n} bytes`, i - 1);
    length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + need('length');
  }
  return { tag, constructed, headerLength: i - offset, length };
}

/** Decode one TLV at `offset`. Throws `ERR_JPKI_DATA` when the value runs past the end. */
export function decodeTlv(bytes: Uint8Array, offset = 0): Tlv {
  const h = decodeTlvHeader(bytes, offset);
  const start = offset + h.headerLength;
  const end = start + h.length;
  if (end > bytes.length) throw dataError(`TLV ${h.tag.toString(16)} claims ${h.length} bytes, ${bytes.length - start} present`, offset);
  return {
    tag: h.tag,
    constructed: h.constructed,
    offset,
    headerLength: h.headerLength,
    value: bytes.subarray(start, end),
    raw: bytes.subarray(offset, end),
  };
}

/**
 * Most objects read from one list: the card's files hold a handful each, and an EF of
 * 32 KiB of empty two-byte objects would otherwise be thousands of objects, about 80 times
 * its size in memory.
 */
export const MAX_TLV_LIST_ITEMS = 256;

/** Decode consecutive TLVs filling `bytes` exactly (the value of a constructed object). Throws `ERR_JPKI_DATA` past {@link MAX_TLV_LIST_ITEMS}. */
export function decodeTlvList(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (out.length === MAX_TLV_LIST_ITEMS) throw dataError(`more than ${MAX_TLV_LIST_ITEMS} objects in one list`, offset);
    const t = decodeTlv(bytes, offset);
    out.push({ ...t, offset: t.offset });
    offset += t.raw.length;
  }
  return out;
}

/**
 * Decode the single top-level object at the start of an EF, whose tag must be
 * `expectedTag`, and the list of objects inside it. Bytes after the object (the EF's
 * filler) are ignored. Throws `ERR_JPKI_DATA`.
 */
export function decodeConstructed(bytes: Uint8Array, expectedTag: number, what: string): { outer: Tlv; children: Tlv[] } {
  const outer = decodeTlv(bytes, 0);
  if (outer.tag !== expectedTag) {
    throw dataError(`${what}: expected tag ${expectedTag.toString(16).toUpperCase()}, found ${outer.tag.toString(16).toUpperCase()}`, 0);
  }
  const children = decodeTlvList(outer.value).map((c) => ({ ...c, offset: c.offset + outer.headerLength }));
  return { outer, children };
}

/**
 * The one child with `tag`, or a `ERR_JPKI_DATA` naming what is missing or repeated. A field
 * sent twice is refused, never read first-wins: a signature or digest over part of an object
 * must cover the very TLV that is read, and with two copies which one it covers is ambiguous.
 */
export function requireTag(children: readonly Tlv[], tag: number, what: string): Tlv {
  let found: Tlv | undefined;
  for (const c of children) {
    if (c.tag !== tag) continue;
    if (found !== undefined) throw dataError(`${what}: tag ${tag.toString(16).toUpperCase()} appears more than once`, c.offset);
    found = c;
  }
  if (found === undefined) throw dataError(`${what}: missing tag ${tag.toString(16).toUpperCase()}`, 0);
  return found;
}

function tagBytes(tag: number): number[] {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new RangeError(`tag must be 1..3 bytes, got ${tag}`);
  if (tag > 0xffff) return [tag >> 16, (tag >> 8) & 0xff, tag & 0xff];
  if (tag > 0xff) return [tag >> 8, tag & 0xff];
  return [tag];
}

/** Encode a TLV with a minimal definite length (`81`/`82` forms as needed). */
export function encodeTlv(tag: number, ...values: Uint8Array[]): Uint8Array {
  const value = concat(...values);
  const n = value.length;
  if (n > 0xffff) throw new RangeError(`TLV value must be at most 65535 bytes, got ${n}`);
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(Uint8Array.from([...tagBytes(tag), ...length]), value);
}

/** One SIMPLE-TLV object (ISO/IEC 7816-4 §5.2): 1-byte tag, length `xx` or `FF xx xx`. */
export interface SimpleTlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** Decode consecutive SIMPLE-TLV objects filling `bytes`. Throws `ERR_JPKI_DATA`. */
export function decodeSimpleTlvList(bytes: Uint8Array): SimpleTlv[] {
  const out: SimpleTlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    const start = i;
    if (out.length === MAX_TLV_LIST_ITEMS) throw dataError(`more than ${MAX_TLV_LIST_ITEMS} objects in one list`, start);
    const tag = bytes[i++]!;
    if (tag === 0x00 || tag === 0xff) throw dataError(`SIMPLE-TLV with invalid tag ${tag.toString(16)}`, start);
    if (i >= bytes.length) throw dataError('SIMPLE-TLV truncated in the length', i);
    let length = bytes[i++]!;
    if (length === 0xff) {
      if (i + 2 > bytes.length) throw dataError('SIMPLE-TLV truncated in the length', i);
      length = (bytes[i]! << 8) | bytes[i + 1]!;
      i += 2;
    }
    if (i + length > bytes.length) throw dataError(`SIMPLE-TLV claims ${length} bytes, ${bytes.length - i} present`, start);
    out.push({ tag, value: bytes.subarray(i, i + length) });
    i += length;
  }
  return out;
}
