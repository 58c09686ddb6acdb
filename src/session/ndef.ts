/**
 * NDEF records and messages (NFC Forum NFC Data Exchange Format, NDEF 1.0 §3), the
 * container ISO/IEC 18013-5 uses for NFC device engagement (Connection Handover, see
 * `handover.ts`).
 *
 * ```
 * record  = header TYPE_LENGTH PAYLOAD_LENGTH [ID_LENGTH] TYPE [ID] PAYLOAD
 * header  = MB(0x80) ME(0x40) CF(0x20) SR(0x10) IL(0x08) TNF(0x07)
 *   MB/ME  first / last record of the message
 *   CF     this is a chunk and another chunk of the same record follows
 *   SR     PAYLOAD_LENGTH is 1 byte (else 4 bytes, big-endian)
 *   IL     ID_LENGTH (1 byte) and ID are present
 * TYPE_LENGTH, ID_LENGTH: 1 byte each; PAYLOAD_LENGTH: 1 or 4 bytes
 * message = record+   (MB on the first, ME on the last, neither elsewhere)
 * ```
 *
 * Chunked records (CF) are joined on decode: the first chunk carries TNF, TYPE and ID,
 * the middle and terminating chunks have TNF Unchanged (6), no TYPE and no ID, and only
 * the terminating chunk may carry ME. Pass `chunks: 'reject'` to refuse them instead.
 * The encoder never chunks.
 */

import { SessionError } from '../errors.js';
import { assertBytes, concat } from '../internal/bytes.js';

/** Type Name Format values (NDEF 1.0 §3.2.6). */
export const TNF = {
  Empty: 0,
  WellKnown: 1,
  Media: 2,
  AbsoluteUri: 3,
  External: 4,
  Unknown: 5,
  Unchanged: 6,
  Reserved: 7,
} as const;
export type TNF = (typeof TNF)[keyof typeof TNF];

/**
 * One NDEF record. `type` and `id` are the raw TYPE and ID fields (for Well Known and
 * External types these are the short forms, e.g. `Hs` or `iso.org:18013:nfc`). `id` is
 * present exactly when the IL flag is set.
 */
export interface NdefRecord {
  readonly tnf: TNF;
  readonly type: Uint8Array;
  readonly id?: Uint8Array;
  readonly payload: Uint8Array;
}

/** Options of {@link decodeNdefMessage}. */
export interface DecodeNdefOptions {
  /** Most records accepted (after joining chunks); default 256. */
  readonly maxRecords?: number;
  /**
   * Most chunks accepted in the whole message (each chunk of a chunked record counts
   * once); default 1024. Bounds the work and memory of joining, whatever the chunk sizes.
   */
  readonly maxChunks?: number;
  /** `join` (default) reassembles chunked records; `reject` refuses them. */
  readonly chunks?: 'join' | 'reject';
  /** Prefix for the `path` of errors (used for messages nested in a record payload). */
  readonly path?: string;
}

const MB = 0x80;
const ME = 0x40;
const CF = 0x20;
const SR = 0x10;
const IL = 0x08;

function fail(message: string, offset: number, path: string): never {
  throw new SessionError('ERR_SESSION_NDEF', message, { offset, path });
}

/**
 * Decode an NDEF message into its records.
 *
 * Every declared length is checked against the bytes that remain before anything is
 * read, so hostile input can only fail, never allocate beyond its own size.
 *
 * @throws SessionError `ERR_SESSION_NDEF` (with `offset` and `path`) for an empty input,
 *   truncated or overlong fields, MB/ME in the wrong place, a reserved TNF, a TYPE, ID or
 *   PAYLOAD where the TNF forbids one, bad chunk sequences, bytes after the ME record,
 *   more than `maxRecords` records or more than `maxChunks` chunks.
 *
 * @example
 * ```ts
 * const [hs, ...rest] = decodeNdefMessage(bytes);
 * ```
 */
export function decodeNdefMessage(bytes: Uint8Array, options: DecodeNdefOptions = {}): NdefRecord[] {
  assertBytes(bytes, 'bytes');
  const maxRecords = options.maxRecords ?? 256;
  const maxChunks = options.maxChunks ?? 1024;
  const base = options.path ?? 'ndef';
  if (bytes.length === 0) fail('an NDEF message has at least one record', 0, base);
  const records: NdefRecord[] = [];
  let pos = 0;
  let chunk: { tnf: TNF; type: Uint8Array; id?: Uint8Array; parts: Uint8Array[]; start: number } | undefined;
  let ended = false;
  let wire = 0; // records on the wire, chunks included
  let chunks = 0; // chunk records on the wire
  while (pos < bytes.length) {
    const start = pos;
    const path = `${base}[${records.length}]`;
    if (ended) fail('bytes follow the record with ME set', pos, path);
    if (bytes.length - pos < 3) fail('truncated record header', pos, path);
    const header = bytes[pos]!;
    const tnf = (header & 0x07) as TNF;
    const typeLength = bytes[pos + 1]!;
    pos += 2;
    let payloadLength: number;
    if (header & SR) {
      payloadLength = bytes[pos]!;
      pos += 1;
    } else {
      if (bytes.length - pos < 4) fail('truncated PAYLOAD_LENGTH', pos, path);
      payloadLength = ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0;
      pos += 4;
    }
    let idLength = 0;
    if (header & IL) {
      if (bytes.length - pos < 1) fail('truncated ID_LENGTH', pos, path);
      idLength = bytes[pos]!;
      pos += 1;
    }
    // Check the declared lengths against what remains before slicing anything.
    if (typeLength + idLength > bytes.length - pos || payloadLength > bytes.length - pos - typeLength - idLength) {
      fail(`record declares ${typeLength + idLength + payloadLength} bytes but ${bytes.length - pos} remain`, start, path);
    }
    const type = bytes.slice(pos, pos + typeLength);
    pos += typeLength;
    const id = header & IL ? bytes.slice(pos, pos + idLength) : undefined;
    pos += idLength;
    const payload = bytes.subarray(pos, pos + payloadLength);
    pos += payloadLength;

    if (wire === 0 && !(header & MB)) fail('the first record must have MB set', start, path);
    if (wire > 0 && header & MB) fail('MB set on a record that is not the first', start, path);
    wire++;
    if (tnf === TNF.Reserved) fail('reserved TNF 7', start, path);
    if ((header & CF || chunk !== undefined) && ++chunks > maxChunks) fail(`more than ${maxChunks} chunks`, start, path);

    if (chunk === undefined) {
      // A record, or the first chunk of one.
      if (tnf === TNF.Unchanged) fail('TNF Unchanged outside a chunked record', start, path);
      if (tnf === TNF.Empty && (typeLength !== 0 || idLength !== 0 || payloadLength !== 0)) {
        fail('an Empty record has no TYPE, ID or PAYLOAD', start, path);
      }
      if (tnf === TNF.Unknown && typeLength !== 0) fail('an Unknown record has no TYPE', start, path);
      if (tnf >= TNF.WellKnown && tnf <= TNF.External && typeLength === 0) fail(`TNF ${tnf} needs a TYPE`, start, path);
      if (header & CF) {
        if (options.chunks === 'reject') fail('chunked records are not accepted', start, path);
        if (tnf === TNF.Empty) fail('an Empty record cannot be chunked', start, path);
        if (header & ME) fail('ME set on a chunk that is not the last', start, path);
        chunk = { tnf, type, ...(id === undefined ? {} : { id }), parts: [payload], start };
      } else {
        records.push({ tnf, type, ...(id === undefined ? {} : { id }), payload: payload.slice() });
        if (header & ME) ended = true;
      }
    } else {
      // A middle or terminating chunk.
      if (tnf !== TNF.Unchanged) fail('a middle or last chunk must have TNF Unchanged', start, path);
      if (typeLength !== 0) fail('a middle or last chunk has no TYPE', start, path);
      if (header & IL) fail('a middle or last chunk has no ID', start, path);
      chunk.parts.push(payload);
      if (header & CF) {
        if (header & ME) fail('ME set on a chunk that is not the last', start, path);
      } else {
        let total = 0;
        for (const p of chunk.parts) total += p.length;
        const joined = new Uint8Array(total);
        let at = 0;
        for (const p of chunk.parts) {
          joined.set(p, at);
          at += p.length;
        }
        records.push({ tnf: chunk.tnf, type: chunk.type, ...(chunk.id === undefined ? {} : { id: chunk.id }), payload: joined });
        chunk = undefined;
        if (header & ME) ended = true;
      }
    }
    if (records.length > maxRecords) fail(`more than ${maxRecords} records`, start, path);
  }
  if (chunk !== undefined) fail('the message ends inside a chunked record', chunk.start, `${base}[${records.length}]`);
  if (!ended) fail('the last record must have ME set', bytes.length, `${base}[${records.length - 1}]`);
  return records;
}

function checkField(value: Uint8Array, name: string, max: number): void {
  assertBytes(value, name);
  if (value.length > max) throw new RangeError(`${name} must be at most ${max} bytes, got ${value.length}`);
}

/**
 * Encode records as one NDEF message: MB on the first, ME on the last, SR whenever the
 * payload is under 256 bytes, IL whenever `id` is present. Never chunks.
 *
 * @throws RangeError for no records, a TNF outside 0..5 (Unchanged and Reserved are not
 *   encodable), an Empty record with content, an Unknown record with a TYPE, a Well
 *   Known / Media / Absolute URI / External record without one, or a field too long.
 */
export function encodeNdefMessage(records: readonly NdefRecord[]): Uint8Array {
  if (!Array.isArray(records) || records.length === 0) throw new RangeError('an NDEF message needs at least one record');
  const parts: Uint8Array[] = [];
  records.forEach((r, i) => {
    const name = `records[${i}]`;
    if (!Number.isInteger(r.tnf) || r.tnf < 0 || r.tnf > TNF.Unknown) throw new RangeError(`${name}.tnf must be 0..5, got ${r.tnf}`);
    checkField(r.type, `${name}.type`, 255);
    if (r.id !== undefined) checkField(r.id, `${name}.id`, 255);
    checkField(r.payload, `${name}.payload`, 0xffffffff);
    if (r.tnf === TNF.Empty && (r.type.length > 0 || (r.id?.length ?? 0) > 0 || r.payload.length > 0)) {
      throw new RangeError(`${name} is Empty but has a TYPE, ID or PAYLOAD`);
    }
    if (r.tnf === TNF.Unknown && r.type.length > 0) throw new RangeError(`${name} is Unknown but has a TYPE`);
    if (r.tnf >= TNF.WellKnown && r.tnf <= TNF.External && r.type.length === 0) throw new RangeError(`${name} needs a TYPE`);
    const short = r.payload.length < 256;
    let header = r.tnf | (short ? SR : 0) | (r.id !== undefined ? IL : 0);
    if (i === 0) header |= MB;
    if (i === records.length - 1) header |= ME;
    const head: number[] = [header, r.type.length];
    if (short) head.push(r.payload.length);
    else {
      const n = r.payload.length;
      head.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    }
    if (r.id !== undefined) head.push(r.id.length);
    const headBytes = Uint8Array.from(head);
    parts.push(headBytes, r.type);
    if (r.id !== undefined) parts.push(r.id);
    parts.push(r.payload);
  });
  return concat(...parts);
}

/**
 * Bytes of an ASCII/Latin-1 string, one byte per character: record TYPEs and IDs and
 * Connection Handover references are short ASCII names (`Hs`, `mdoc`, `0`).
 * Throws `RangeError` for a character above U+00FF.
 */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`character U+${c.toString(16)} at ${i} does not fit one byte`);
    out[i] = c;
  }
  return out;
}

/** The string with one character per byte (the inverse of {@link latin1Bytes}; every byte string round-trips). */
export function latin1Text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/**
 * A record from readable parts: `type` and `id` as ASCII strings.
 *
 * @example
 * ```ts
 * ndefRecord(TNF.External, 'iso.org:18013:deviceengagement', deviceEngagementBytes, 'mdoc')
 * ```
 */
export function ndefRecord(tnf: TNF, type: string, payload: Uint8Array, id?: string): NdefRecord {
  assertBytes(payload, 'payload');
  return { tnf, type: latin1Bytes(type), ...(id === undefined ? {} : { id: latin1Bytes(id) }), payload };
}

/** True when `record` has this TNF and TYPE (and this ID, when `id` is given). */
export function isNdefRecord(record: NdefRecord, tnf: TNF, type: string, id?: string): boolean {
  if (record.tnf !== tnf || latin1Text(record.type) !== type) return false;
  return id === undefined || (record.id !== undefined && latin1Text(record.id) === id);
}
