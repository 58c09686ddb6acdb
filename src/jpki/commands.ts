/**
 * Command APDU builders for the My Number Card (reference: shared jpki.md §3, with the
 * sources named there). Each returns a {@link CommandApdu}; {@link encodeCommandApdu}
 * turns it into bytes. ISO/IEC 7816-4 clauses: SELECT §11.2.2, READ BINARY §11.3.3,
 * READ RECORD §11.4.3, VERIFY §11.5.6, CHANGE REFERENCE DATA §11.5.7, GET CHALLENGE
 * §11.5.3, GET RESPONSE §11.7.1, GET DATA §11.4.4. COMPUTE DIGITAL SIGNATURE (`80 2A`)
 * and CHANGE KEY (`80 32`) are proprietary (JICSAP).
 */
import { assertBytes } from '../internal/bytes.js';
import type { CommandApdu } from './apdu.js';

function checkFid(fid: number): void {
  if (!Number.isInteger(fid) || fid < 0 || fid > 0xffff) throw new RangeError(`fid must be 0..0xFFFF, got ${fid}`);
}

function checkSfi(sfi: number): void {
  if (!Number.isInteger(sfi) || sfi < 1 || sfi > 30) throw new RangeError(`sfi must be 1..30, got ${sfi}`);
}

/** `00 A4 04 0C Lc <AID>`: select an application by DF name, no FCI returned. */
export function selectDf(aid: Uint8Array): CommandApdu {
  assertBytes(aid, 'aid');
  if (aid.length < 1 || aid.length > 16) throw new RangeError(`aid must be 1..16 bytes, got ${aid.length}`);
  return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid.slice() };
}

/** `00 A4 02 0C 02 <FID>`: select an EF under the current DF, no FCI returned. */
export function selectEf(fid: number): CommandApdu {
  checkFid(fid);
  return { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fid >> 8, fid & 0xff) };
}

/** Options of {@link readBinary}. */
export interface ReadBinaryOptions {
  /** Read the EF with this short identifier instead of the current EF (offset then ≤ 255). */
  readonly sfi?: number;
}

/**
 * `00 B0 P1 P2 Le`: read `ne` bytes (1..65536; 256 encodes as Le = 00) at `offset`
 * (15 bits, or 8 bits with an SFI, which goes in P1 as `80 | SFI`).
 */
export function readBinary(offset: number, ne: number, options: ReadBinaryOptions = {}): CommandApdu {
  if (!Number.isInteger(ne) || ne < 1 || ne > 65536) throw new RangeError(`ne must be 1..65536, got ${ne}`);
  if (options.sfi !== undefined) {
    checkSfi(options.sfi);
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xff) throw new RangeError(`offset must be 0..255 with an SFI, got ${offset}`);
    return { cla: 0x00, ins: 0xb0, p1: 0x80 | options.sfi, p2: offset, ne };
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x7fff) throw new RangeError(`offset must be 0..0x7FFF, got ${offset}`);
  return { cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, ne };
}

/** Options of {@link readRecord}. */
export interface ReadRecordOptions {
  /** Read from the EF with this short identifier instead of the current EF. */
  readonly sfi?: number;
  /** Maximum response length (default 256). */
  readonly ne?: number;
}

/** `00 B2 <record> P2 Le`: read one record; P2 = `(SFI << 3) | 4`, or `04` for the current EF. */
export function readRecord(record: number, options: ReadRecordOptions = {}): CommandApdu {
  if (!Number.isInteger(record) || record < 1 || record > 0xfe) throw new RangeError(`record must be 1..254, got ${record}`);
  let p2 = 0x04;
  if (options.sfi !== undefined) {
    checkSfi(options.sfi);
    p2 = (options.sfi << 3) | 0x04;
  }
  return { cla: 0x00, ins: 0xb2, p1: record, p2, ne: options.ne ?? 256 };
}

/** Options of the key-reference commands. */
export interface KeyReferenceOptions {
  /** Name the key by short EF id (P2 = `80 | SFI`) instead of the current EF (P2 = `80`). */
  readonly sfi?: number;
}

function keyP2(options: KeyReferenceOptions): number {
  if (options.sfi === undefined) return 0x80;
  checkSfi(options.sfi);
  return 0x80 | options.sfi;
}

/**
 * `00 20 00 80 [Lc <reference data>]`: VERIFY. Without `data` this is the retry-counter
 * query (case 1), answered `63Cx` without spending a try.
 */
export function verify(data?: Uint8Array, options: KeyReferenceOptions = {}): CommandApdu {
  const p2 = keyP2(options);
  if (data === undefined) return { cla: 0x00, ins: 0x20, p1: 0x00, p2 };
  assertBytes(data, 'data');
  if (data.length < 1 || data.length > 255) throw new RangeError(`verification data must be 1..255 bytes, got ${data.length}`);
  return { cla: 0x00, ins: 0x20, p1: 0x00, p2, data: data.slice() };
}

/** `00 24 01 80 Lc <new reference data>`: CHANGE REFERENCE DATA after VERIFY of the old value. */
export function changeReferenceData(newData: Uint8Array, options: KeyReferenceOptions = {}): CommandApdu {
  assertBytes(newData, 'newData');
  if (newData.length < 1 || newData.length > 255) throw new RangeError(`newData must be 1..255 bytes, got ${newData.length}`);
  return { cla: 0x00, ins: 0x24, p1: 0x01, p2: keyP2(options), data: newData.slice() };
}

/** `80 32 00 80 Lc <new PIN>`: JICSAP CHANGE KEY, for the 住基 PIN (single source). */
export function changeKey(newData: Uint8Array): CommandApdu {
  assertBytes(newData, 'newData');
  if (newData.length < 1 || newData.length > 255) throw new RangeError(`newData must be 1..255 bytes, got ${newData.length}`);
  return { cla: 0x80, ins: 0x32, p1: 0x00, p2: 0x80, data: newData.slice() };
}

/** Options of {@link computeDigitalSignature}. */
export interface ComputeSignatureOptions extends KeyReferenceOptions {
  /**
   * P1. `0` (default, what every implementation uses): PKCS#1 v1.5 type-1 padding over the
   * data as given. Other values are single-source probing results and not recommended.
   */
  readonly p1?: number;
}

/**
 * `80 2A 00 80 Lc <data> 00`: COMPUTE DIGITAL SIGNATURE with the selected key (or the key
 * named by SFI). `data` is normally a DER DigestInfo; the response is the 256-byte signature.
 */
export function computeDigitalSignature(data: Uint8Array, options: ComputeSignatureOptions = {}): CommandApdu {
  assertBytes(data, 'data');
  if (data.length < 1 || data.length > 255) throw new RangeError(`data must be 1..255 bytes, got ${data.length}`);
  const p1 = options.p1 ?? 0;
  if (!Number.isInteger(p1) || p1 < 0 || p1 > 0xff) throw new RangeError(`p1 must be a byte, got ${p1}`);
  return { cla: 0x80, ins: 0x2a, p1, p2: keyP2(options), data: data.slice(), ne: 256 };
}

/** `00 84 00 00 Le`: GET CHALLENGE of `length` (1..256) random bytes. */
export function getChallenge(length: number): CommandApdu {
  if (!Number.isInteger(length) || length < 1 || length > 256) throw new RangeError(`length must be 1..256, got ${length}`);
  return { cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, ne: length };
}

/** `00 C0 00 00 Le`: GET RESPONSE after a `61xx` status. */
export function getResponse(length: number): CommandApdu {
  if (!Number.isInteger(length) || length < 1 || length > 256) throw new RangeError(`length must be 1..256, got ${length}`);
  return { cla: 0x00, ins: 0xc0, p1: 0x00, p2: 0x00, ne: length };
}

/** `00 CA P1 P2 Le`: GET DATA for the data object `tag` (MF-level objects, single source). */
export function getData(tag: number, ne = 256): CommandApdu {
  checkFid(tag);
  return { cla: 0x00, ins: 0xca, p1: tag >> 8, p2: tag & 0xff, ne };
}
