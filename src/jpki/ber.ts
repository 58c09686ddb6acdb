/**
 * BER (ITU-T X.690 §8) for the CMS envelope. RFC 5652 §1 generates CMS values with BER, so a
 * ContentInfo, SignedData, EncapsulatedContentInfo, certificate set or SignerInfo may use the
 * indefinite length (§8.1.3.6: `0x80`, then the contents, then the end-of-contents octets
 * `00 00`, §8.1.5), and an OCTET STRING may be constructed of segments (§8.7.3). Streaming
 * signers write exactly that: `openssl cms -sign -stream`, BouncyCastle's
 * CMSSignedDataStreamGenerator. What a signature or digest covers stays DER and is read with
 * the strict reader of x509/der.ts: the signed attributes (RFC 5652 §5.3), each certificate
 * (RFC 5280 §4.1.1.3).
 *
 * Hostile input: nesting is bounded ({@link MAX_BER_DEPTH}), nothing recurses on the call
 * stack, end-of-contents is searched by one linear walk over the headers of the nested items
 * (definite ones are skipped by their length), a constructed OCTET STRING is measured and then
 * copied into one buffer (no object per segment), and every malformed input throws
 * `ERR_JPKI_CMS` with the offset.
 */
import { JpkiError } from '../errors.js';
import { readSingle, type Tlv } from '../x509/der.js';

/**
 * Most nested indefinite-length or constructed levels read. A CMS envelope needs 7 (ContentInfo,
 * [0], SignedData, encapContentInfo, [0], a constructed OCTET STRING, one level of segments).
 */
export const MAX_BER_DEPTH = 16;

/** One BER TLV: views into the input. With an indefinite length, `der` ends with the end-of-contents octets and `content` does not. */
export interface BerTlv extends Tlv {
  readonly indefinite: boolean;
}

function berError(what: string, offset: number): JpkiError {
  return new JpkiError('ERR_JPKI_CMS', `${what} (at byte ${offset})`, { offset });
}

/** The last header read: {@link header} fills it in place (no object per element on the hot path). */
interface Header {
  tag: number;
  /** -1 for the indefinite form. */
  length: number;
  headerLength: number;
}
const scratch: Header = { tag: 0, length: 0, headerLength: 0 };

/** Identifier and length of the TLV at `p` in `bytes[..end)`, in the shared {@link scratch} (read it at once). Throws on anything but low-tag-number BER. */
function header(bytes: Uint8Array, p: number, end: number, base: number, what: string): Header {
  const at = base + p;
  if (p >= end) throw berError(`${what}: unexpected end of data`, at);
  const tag = bytes[p]!;
  if (tag === 0) throw berError(`${what}: end-of-contents octets where an element was expected`, at);
  if ((tag & 0x1f) === 0x1f) throw berError(`${what}: high-tag-number identifiers are not used in CMS`, at);
  if (p + 1 >= end) throw berError(`${what}: missing length`, at);
  const first = bytes[p + 1]!;
  scratch.tag = tag;
  if (first < 0x80) {
    scratch.length = first;
    scratch.headerLength = 2;
    return scratch;
  }
  const count = first & 0x7f;
  if (count === 0) {
    // X.690 §8.1.3.2 a): a primitive encoding has a definite length.
    if ((tag & 0x20) === 0) throw berError(`${what}: indefinite length on a primitive encoding`, at);
    scratch.length = -1;
    scratch.headerLength = 2;
    return scratch;
  }
  if (count > 4) throw berError(`${what}: length field too long`, at);
  if (p + 2 + count > end) throw berError(`${what}: truncated length`, at);
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[p + 2 + i]!;
  if (length > end - p - 2 - count) throw berError(`${what}: length ${length} runs past the end of its container`, at);
  scratch.length = length;
  scratch.headerLength = 2 + count;
  return scratch;
}

/**
 * The offset of the end-of-contents octets closing the indefinite-length element whose contents
 * start at `p`: one walk over the headers below it, definite elements skipped by their length,
 * nested indefinite ones counted (at most `room` deep).
 */
function endOfContents(bytes: Uint8Array, p: number, end: number, base: number, room: number, what: string): number {
  let open = 1;
  for (;;) {
    // Any element, and the end-of-contents octets, take two bytes at least.
    if (p + 2 > end) throw berError(`${what}: missing end-of-contents octets`, base + p);
    if (bytes[p] === 0 && bytes[p + 1] === 0) {
      if (--open === 0) return p;
      p += 2;
      continue;
    }
    const h = header(bytes, p, end, base, what);
    p += h.headerLength;
    if (h.length >= 0) p += h.length;
    else if (++open > room) throw berError(`${what}: nested deeper than ${MAX_BER_DEPTH} levels`, base + p);
  }
}

/** Reads consecutive BER TLVs from `bytes[start, end)`; offsets relative to `base`. */
export class BerReader {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
    private readonly base = 0,
    /** Constructed levels above this reader. */
    private readonly depth = 0,
  ) {
    this.pos = start;
  }

  /** A reader over the contents of the constructed TLV `tlv` read from this reader, one level below it. */
  into(tlv: BerTlv, what: string): BerReader {
    if ((tlv.tag & 0x20) === 0) throw berError(`${what} must be constructed`, tlv.offset);
    if (this.depth >= MAX_BER_DEPTH) throw berError(`${what}: nested deeper than ${MAX_BER_DEPTH} levels`, tlv.offset);
    return new BerReader(tlv.content, 0, tlv.content.length, tlv.contentOffset, this.depth + 1);
  }

  /** Constructed levels above this reader. */
  get level(): number {
    return this.depth;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  peekTag(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  /** Read the next TLV, whatever its tag. */
  next(what: string): BerTlv {
    const b = this.bytes;
    const start = this.pos;
    const { tag, length, headerLength } = header(b, start, this.end, this.base, what);
    const contentStart = start + headerLength;
    let contentEnd: number;
    let after: number;
    if (length >= 0) {
      contentEnd = after = contentStart + length;
    } else {
      contentEnd = endOfContents(b, contentStart, this.end, this.base, MAX_BER_DEPTH - this.depth, what);
      after = contentEnd + 2;
    }
    this.pos = after;
    return {
      tag,
      offset: this.base + start,
      der: b.subarray(start, after),
      content: b.subarray(contentStart, contentEnd),
      contentOffset: this.base + contentStart,
      indefinite: length < 0,
    };
  }

  /** Read the next TLV and require its identifier octet to be `tag`. */
  expect(tag: number, what: string): BerTlv {
    const t = this.peekTag();
    // 00: the end-of-contents octets out of place, which next() names.
    if (t === 0) return this.next(what);
    if (t !== tag) throw berError(`${what}: expected tag 0x${tag.toString(16)}, got ${t === undefined ? 'end of data' : `0x${t.toString(16)}`}`, this.offset);
    return this.next(what);
  }

  /** Read the next TLV when its identifier octet is `tag`, else nothing. */
  optional(tag: number, what: string): BerTlv | undefined {
    return this.peekTag() === tag ? this.next(what) : undefined;
  }

  /** Require that nothing follows. */
  finish(what: string): void {
    if (!this.atEnd()) throw berError(`${what}: unexpected trailing data`, this.offset);
  }
}

/**
 * `tlv` as strict DER (definite length in its shortest form, and everything inside it DER, as
 * x509/der.ts reads it), for the parts of the envelope a signature covers or that no signer
 * writes otherwise. Throws ERR_JPKI_CMS.
 */
export function requireDer(tlv: BerTlv, what: string): Tlv {
  if (tlv.indefinite) throw berError(`${what} must be DER (it has an indefinite length)`, tlv.offset);
  try {
    return readSingle(tlv.der, what, tlv.offset);
  } catch (e) {
    throw new JpkiError('ERR_JPKI_CMS', `${what} must be DER: ${e instanceof Error ? e.message : String(e)}`, { offset: tlv.offset, cause: e });
  }
}

const OCTET_STRING = 0x04;
const CONSTRUCTED_OCTET_STRING = 0x24;

/**
 * The value of an OCTET STRING, primitive or constructed (X.690 §8.7.3: the segments, each an
 * OCTET STRING, primitive or constructed in turn, concatenated). Always a new array: the
 * bytes returned are the bytes a caller digests, whatever later happens to the input. `r` is
 * the reader `tlv` was read from (for the depth bound).
 */
export function octetStringValue(r: BerReader, tlv: BerTlv, what: string): Uint8Array {
  if (tlv.tag === OCTET_STRING) return tlv.content.slice();
  if (tlv.tag !== CONSTRUCTED_OCTET_STRING) throw berError(`${what}: not an OCTET STRING`, tlv.offset);
  const room = MAX_BER_DEPTH - r.level - 1;
  // Two passes over the segments: the first measures (and checks), the second copies (memory: the value, once).
  let total = 0;
  walkSegments(tlv, room, what, (from, to) => {
    total += to - from;
  });
  const out = new Uint8Array(total);
  const c = tlv.content;
  let o = 0;
  walkSegments(tlv, room, what, (from, to) => {
    if (to - from > 16) out.set(c.subarray(from, to), o);
    else for (let i = from; i < to; i++) out[o + i - from] = c[i]!;
    o += to - from;
  });
  return out;
}

/**
 * Calls `each(from, to)` with the content range (in `tlv.content`) of each primitive segment of
 * the constructed OCTET STRING `tlv`, in order: one pass, with a stack of the open constructed
 * segments (at most `room` deep) instead of recursion.
 */
function walkSegments(tlv: BerTlv, room: number, what: string, each: (from: number, to: number) => void): void {
  const c = tlv.content;
  const base = tlv.contentOffset;
  // Each open constructed segment: where it must end (definite), or the end of its parent and -1 (indefinite).
  const ends: number[] = [c.length];
  const indefinite: boolean[] = [false];
  const segment = `${what} segment`;
  let p = 0;
  while (ends.length > 0) {
    const top = ends.length - 1;
    const end = ends[top]!;
    if (indefinite[top]) {
      if (p + 2 > end) throw berError(`${what}: a segment is missing its end-of-contents octets`, base + p);
      if (c[p] === 0 && c[p + 1] === 0) {
        p += 2;
        ends.pop();
        indefinite.pop();
        continue;
      }
    } else if (p === end) {
      ends.pop();
      indefinite.pop();
      continue;
    }
    const { tag, length, headerLength } = header(c, p, end, base, segment);
    if (tag === OCTET_STRING) {
      each(p + headerLength, p + headerLength + length);
      p += headerLength + length;
    } else if (tag === CONSTRUCTED_OCTET_STRING) {
      if (ends.length > room) throw berError(`${what}: nested deeper than ${MAX_BER_DEPTH} levels`, base + p);
      ends.push(length < 0 ? end : p + headerLength + length);
      indefinite.push(length < 0);
      p += headerLength;
    } else {
      throw berError(`${what}: a segment of a constructed OCTET STRING is not an OCTET STRING`, base + p);
    }
  }
}
