/**
 * Reading the mdoc's NFC engagement from an NFC Forum Type 4 Tag (Type 4 Tag
 * specification 2.0: NDEF Tag Application, capability container and NDEF file, read with
 * ISO/IEC 7816-4 SELECT and READ BINARY), and the mdoc side answering those commands for
 * a static handover.
 *
 * ```
 * SELECT NDEF Tag Application  00 A4 04 00 07 D2760000850101 00
 * SELECT CC file               00 A4 00 0C 02 E103
 * READ BINARY                  00 B0 offset(2, ≤ 7FFF) Le        (extended: 00 B0 P1 P2 00 Le1 Le2)
 * CC file  = CCLEN(2) mapping version(1) MLe(2) MLc(2) NDEF File Control TLV
 *   TLV    = 04 06 file id(2) max NDEF file size(2) read access(1) write access(1)
 * NDEF file = NLEN(2) NDEF message
 * ```
 * Not implemented: negotiated handover's TNEP exchange over UPDATE BINARY (Service
 * Parameter / Service Select / TNEP Status records; the responder answers UPDATE BINARY
 * with 6D00), the T4T 3.0 extended NDEF file (TLV 06, ENLEN) and offsets above 7FFF.
 *
 * Clause numbers in the comments below are carried over from the former `nfc.ts`, as
 * implementations cite them; they were not checked against the standards' text.
 */

import { ApduError, SessionError } from '../errors.js';
import { assertBytes, equalBytes, fromHex } from '../internal/bytes.js';

function ndefFail(message: string, path: string): never {
  throw new SessionError('ERR_SESSION_NDEF', message, { path });
}

/** AID of the NFC Forum NDEF Tag Application (T4T 2.0 §5.1.1), hex. */
export const NDEF_TAG_APPLICATION_AID = 'd2760000850101';

/** File identifiers of the NDEF Tag Application: the CC file is fixed; E104 is the usual NDEF file. */
export const T4tFileId = { CapabilityContainer: 0xe103, Ndef: 0xe104 } as const;

/** Status words the responder answers with (ISO/IEC 7816-4 §5.6). */
export const T4tStatus = {
  Ok: 0x9000,
  WrongLength: 0x6700,
  NoCurrentEf: 0x6986,
  FileNotFound: 0x6a82,
  IncorrectP1P2: 0x6a86,
  WrongOffset: 0x6b00,
  InsNotSupported: 0x6d00,
  ClaNotSupported: 0x6e00,
} as const;

const AID = fromHex(NDEF_TAG_APPLICATION_AID);

/** SELECT the NDEF Tag Application by name: `00 A4 04 00 07 D2760000850101 00`. */
export function buildSelectNdefApplication(): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x04, 0x00, AID.length, ...AID, 0x00);
}

/** SELECT an elementary file by identifier, no response data: `00 A4 00 0C 02 id`. */
export function buildSelectFile(fileId: number): Uint8Array {
  if (!Number.isInteger(fileId) || fileId < 0 || fileId > 0xffff) throw new RangeError('fileId must be 0..0xffff');
  return Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, fileId >> 8, fileId & 0xff);
}

/**
 * READ BINARY `length` bytes at `offset` (0..0x7FFF): short Le for 1..256, extended Le
 * (`00 Le1 Le2`) for 257..65536.
 */
export function buildReadBinary(offset: number, length: number): Uint8Array {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x7fff) throw new RangeError('offset must be 0..0x7fff');
  if (!Number.isInteger(length) || length < 1 || length > 0x10000) throw new RangeError('length must be 1..65536');
  if (length <= 256) return Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, length & 0xff);
  return Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, 0x00, (length >> 8) & 0xff, length & 0xff);
}

/**
 * Split a response APDU into data and status word.
 *
 * @throws ApduError `ERR_APDU_MALFORMED` when it is shorter than the two status bytes.
 */
export function decodeResponseApdu(response: Uint8Array): { readonly data: Uint8Array; readonly sw: number } {
  assertBytes(response, 'response');
  if (response.length < 2) throw new ApduError('ERR_APDU_MALFORMED', `response APDU of ${response.length} bytes has no status word`);
  const n = response.length;
  return { data: response.slice(0, n - 2), sw: (response[n - 2]! << 8) | response[n - 1]! };
}

/** The NDEF File Control TLV of a capability container. */
export interface NdefFileControl {
  readonly fileId: number;
  /** Maximum NDEF file size, NLEN included. */
  readonly maxSize: number;
  /** 0x00: read access granted. */
  readonly readAccess: number;
  /** 0x00: write access granted; 0xFF: no write access. */
  readonly writeAccess: number;
}

/** A Type 4 Tag capability container (CC file). */
export interface CapabilityContainer {
  /** Mapping version, major in the high nibble (0x20 for 2.0). */
  readonly mappingVersion: number;
  /** Maximum R-APDU data size (bytes a READ BINARY may return). */
  readonly mle: number;
  /** Maximum C-APDU data size. */
  readonly mlc: number;
  readonly ndefFile: NdefFileControl;
  /** TLV blocks after the NDEF File Control TLV, as received. */
  readonly extra?: Uint8Array;
}

/**
 * Decode a CC file (at least CCLEN bytes).
 *
 * @throws SessionError `ERR_SESSION_NDEF` when CCLEN is under 15 or beyond the bytes
 *   given, MLe is under 0x0F, MLc is 0, the first TLV is not an NDEF File Control TLV
 *   (T 04, L 06; the extended TLV 06 of T4T 3.0 is not supported), the NDEF file ID is
 *   reserved, or the maximum NDEF size is outside 5..0xFFFE.
 */
export function decodeCapabilityContainer(bytes: Uint8Array): CapabilityContainer {
  assertBytes(bytes, 'bytes');
  const p = 'cc';
  if (bytes.length < 15) ndefFail('CC file is shorter than 15 bytes', p);
  const ccLen = (bytes[0]! << 8) | bytes[1]!;
  if (ccLen < 15 || ccLen > bytes.length) ndefFail(`CCLEN ${ccLen} is under 15 or beyond the ${bytes.length} bytes read`, `${p}.CCLEN`);
  const mappingVersion = bytes[2]!;
  const mle = (bytes[3]! << 8) | bytes[4]!;
  const mlc = (bytes[5]! << 8) | bytes[6]!;
  if (mle < 0x0f) ndefFail(`MLe ${mle} is under 15`, `${p}.MLe`);
  if (mlc < 1) ndefFail('MLc is 0', `${p}.MLc`);
  if (bytes[7] === 0x06) ndefFail('the extended NDEF File Control TLV (T4T 3.0) is not supported', `${p}.tlv`);
  if (bytes[7] !== 0x04 || bytes[8] !== 0x06) ndefFail('the first TLV is not an NDEF File Control TLV (04 06)', `${p}.tlv`);
  const fileId = (bytes[9]! << 8) | bytes[10]!;
  const maxSize = (bytes[11]! << 8) | bytes[12]!;
  if ([0x0000, 0xe102, 0xe103, 0x3f00, 0x3fff, 0xffff].includes(fileId)) ndefFail(`NDEF file ID ${fileId.toString(16)} is reserved`, `${p}.tlv.fileId`);
  if (maxSize < 5 || maxSize > 0xfffe) ndefFail(`maximum NDEF size ${maxSize} is outside 5..0xFFFE`, `${p}.tlv.maxSize`);
  return {
    mappingVersion,
    mle,
    mlc,
    ndefFile: { fileId, maxSize, readAccess: bytes[13]!, writeAccess: bytes[14]! },
    ...(ccLen > 15 ? { extra: bytes.slice(15, ccLen) } : {}),
  };
}

/** Encode a CC file (CCLEN computed). */
export function encodeCapabilityContainer(cc: CapabilityContainer): Uint8Array {
  const u16 = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} must be 0..0xffff`);
    return [v >> 8, v & 0xff];
  };
  const byte = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} must be a byte`);
    return v;
  };
  const extra = cc.extra ?? new Uint8Array(0);
  const f = cc.ndefFile;
  return Uint8Array.from([
    ...u16(15 + extra.length, 'CCLEN'),
    byte(cc.mappingVersion, 'mappingVersion'),
    ...u16(cc.mle, 'mle'),
    ...u16(cc.mlc, 'mlc'),
    0x04,
    0x06,
    ...u16(f.fileId, 'fileId'),
    ...u16(f.maxSize, 'maxSize'),
    byte(f.readAccess, 'readAccess'),
    byte(f.writeAccess, 'writeAccess'),
    ...extra,
  ]);
}

/** Sends one command APDU to the tag and resolves with its response APDU (injected I/O). */
export type Transceive = (command: Uint8Array) => Promise<Uint8Array>;

/** Options of {@link readType4TagNdef}. */
export interface ReadType4TagOptions {
  /** Allow extended-length READ BINARY (Le up to MLe); otherwise each read asks at most 256 bytes. */
  readonly extendedLength?: boolean;
  /** Refuse NDEF messages longer than this (default 0x7FFD, the most a 2.0 NDEF file read by offset can hold). */
  readonly maxMessageSize?: number;
}

/** The result of {@link readType4TagNdef}. */
export interface Type4TagRead {
  readonly capabilityContainer: CapabilityContainer;
  /** The NDEF message bytes (NLEN removed). */
  readonly ndefMessage: Uint8Array;
}

async function exchange(transceive: Transceive, command: Uint8Array, what: string): Promise<Uint8Array> {
  const { data, sw } = decodeResponseApdu(await transceive(command));
  if (sw !== T4tStatus.Ok) throw new ApduError('ERR_APDU_STATUS', `${what} failed with status ${sw.toString(16).padStart(4, '0')}`, { sw });
  return data;
}

async function readFile(transceive: Transceive, offset: number, length: number, chunk: number, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const want = Math.min(chunk, length - done);
    const at = offset + done;
    if (at > 0x7fff) ndefFail(`${what} reaches past offset 0x7FFF`, 'ndefFile');
    const data = await exchange(transceive, buildReadBinary(at, want), `READ BINARY of ${what}`);
    if (data.length === 0 || data.length > want) {
      throw new ApduError('ERR_APDU_MALFORMED', `READ BINARY of ${what} returned ${data.length} bytes for ${want} asked`);
    }
    out.set(data, done);
    done += data.length;
  }
  return out;
}

/**
 * Read the NDEF message of a Type 4 Tag (the mdoc's engagement): SELECT the NDEF Tag
 * Application, SELECT and READ the CC file, SELECT the NDEF file, READ its NLEN, then
 * READ the message in chunks of at most MLe bytes (and 256 without `extendedLength`).
 *
 * @throws ApduError `ERR_APDU_STATUS` (with `sw`) when a command fails,
 *   `ERR_APDU_MALFORMED` for a response without a status word or with more or no data.
 * @throws SessionError `ERR_SESSION_NDEF` for a bad CC file, a mapping major version
 *   other than 2 or 3, no read access, or an NLEN of 0, beyond the file or over the limit.
 *
 * @example
 * ```ts
 * const { ndefMessage } = await readType4TagNdef((apdu) => isoDep.transceive(apdu));
 * const { deviceEngagement } = decodeNfcEngagement(ndefMessage);
 * ```
 */
export async function readType4TagNdef(transceive: Transceive, options: ReadType4TagOptions = {}): Promise<Type4TagRead> {
  const maxMessageSize = options.maxMessageSize ?? 0x7ffd;
  await exchange(transceive, buildSelectNdefApplication(), 'SELECT NDEF Tag Application');
  await exchange(transceive, buildSelectFile(T4tFileId.CapabilityContainer), 'SELECT CC file');
  let ccBytes = await readFile(transceive, 0, 15, 15, 'CC file');
  const ccLen = (ccBytes[0]! << 8) | ccBytes[1]!;
  if (ccLen > 15) {
    const mle = (ccBytes[3]! << 8) | ccBytes[4]!;
    const rest = await readFile(transceive, 15, ccLen - 15, Math.max(1, Math.min(mle, 256)), 'CC file');
    const all = new Uint8Array(ccLen);
    all.set(ccBytes);
    all.set(rest, 15);
    ccBytes = all;
  }
  const cc = decodeCapabilityContainer(ccBytes);
  const major = cc.mappingVersion >> 4;
  if (major !== 2 && major !== 3) ndefFail(`mapping version ${major}.${cc.mappingVersion & 15} is not supported`, 'cc.mappingVersion');
  if (cc.ndefFile.readAccess !== 0x00) ndefFail('the NDEF file does not grant read access', 'cc.tlv.readAccess');
  const chunk = Math.min(cc.mle, options.extendedLength ? 0x10000 : 256);
  await exchange(transceive, buildSelectFile(cc.ndefFile.fileId), 'SELECT NDEF file');
  const nlenBytes = await readFile(transceive, 0, 2, 2, 'NLEN');
  const nlen = (nlenBytes[0]! << 8) | nlenBytes[1]!;
  if (nlen === 0) ndefFail('the NDEF file holds no NDEF message (NLEN 0)', 'ndefFile.NLEN');
  if (nlen > cc.ndefFile.maxSize - 2) ndefFail(`NLEN ${nlen} is beyond the maximum NDEF size ${cc.ndefFile.maxSize}`, 'ndefFile.NLEN');
  if (nlen > maxMessageSize) ndefFail(`NLEN ${nlen} is over the limit ${maxMessageSize}`, 'ndefFile.NLEN');
  const ndefMessage = await readFile(transceive, 2, nlen, chunk, 'NDEF message');
  return { capabilityContainer: cc, ndefMessage };
}

/** Options of {@link Type4TagResponder}. */
export interface Type4TagResponderOptions {
  /** MLe announced and enforced: a READ BINARY asking more gets 6700. Default 0xFF. */
  readonly mle?: number;
  /** MLc announced. Default 0xFF. */
  readonly mlc?: number;
  /** NDEF file identifier. Default E104. */
  readonly fileId?: number;
}

function sw(status: number, data?: Uint8Array): Uint8Array {
  const out = new Uint8Array((data?.length ?? 0) + 2);
  if (data !== undefined) out.set(data);
  out[out.length - 2] = status >> 8;
  out[out.length - 1] = status & 0xff;
  return out;
}

/**
 * The mdoc side of static handover: answers a reader's Type 4 Tag commands from a fixed
 * NDEF message (mapping version 2.0, read-only NDEF file). Bytes in, bytes out; malformed
 * or unexpected commands get the ISO/IEC 7816-4 status word, never an exception.
 *
 * Answers SELECT (by AID, by file ID) and READ BINARY (short and extended Le);
 * UPDATE BINARY and everything else get 6D00 (negotiated handover is not implemented).
 *
 * @example
 * ```ts
 * const tag = new Type4TagResponder(encodeHandoverSelect(hs));
 * hce.onCommand = (apdu) => tag.respond(apdu);
 * ```
 */
export class Type4TagResponder {
  readonly capabilityContainer: CapabilityContainer;
  readonly #cc: Uint8Array;
  readonly #ndefFile: Uint8Array;
  #appSelected = false;
  #file: 'cc' | 'ndef' | undefined;

  /** @throws RangeError when the message does not fit an NDEF file read by offset (over 0x7FFD bytes) or an option is out of range. */
  constructor(ndefMessage: Uint8Array, options: Type4TagResponderOptions = {}) {
    assertBytes(ndefMessage, 'ndefMessage');
    if (ndefMessage.length === 0 || ndefMessage.length > 0x7ffd) throw new RangeError('ndefMessage must be 1..0x7ffd bytes');
    const mle = options.mle ?? 0xff;
    const mlc = options.mlc ?? 0xff;
    if (!Number.isInteger(mle) || mle < 0x0f || mle > 0xffff) throw new RangeError('mle must be 0x0f..0xffff');
    if (!Number.isInteger(mlc) || mlc < 1 || mlc > 0xffff) throw new RangeError('mlc must be 1..0xffff');
    const fileId = options.fileId ?? T4tFileId.Ndef;
    this.#ndefFile = new Uint8Array(ndefMessage.length + 2);
    this.#ndefFile[0] = ndefMessage.length >> 8;
    this.#ndefFile[1] = ndefMessage.length & 0xff;
    this.#ndefFile.set(ndefMessage, 2);
    this.capabilityContainer = {
      mappingVersion: 0x20,
      mle,
      mlc,
      ndefFile: { fileId, maxSize: Math.max(5, this.#ndefFile.length), readAccess: 0x00, writeAccess: 0xff },
    };
    this.#cc = encodeCapabilityContainer(this.capabilityContainer);
    decodeCapabilityContainer(this.#cc); // the options make a valid CC (reserved file IDs…)
  }

  /** The response APDU to one command APDU. */
  respond(command: Uint8Array): Uint8Array {
    assertBytes(command, 'command');
    if (command.length < 4) return sw(T4tStatus.WrongLength);
    const [cla, ins, p1, p2] = [command[0]!, command[1]!, command[2]!, command[3]!];
    if (cla !== 0x00) return sw(T4tStatus.ClaNotSupported);
    if (ins === 0xa4) return this.#select(command, p1, p2);
    if (ins === 0xb0) return this.#readBinary(command, p1, p2);
    return sw(T4tStatus.InsNotSupported);
  }

  #select(command: Uint8Array, p1: number, p2: number): Uint8Array {
    // Case 3 or 4 short: CLA INS P1 P2 Lc data [Le]
    if (command.length < 6) return sw(T4tStatus.WrongLength);
    const lc = command[4]!;
    if (lc === 0 || (command.length !== 5 + lc && command.length !== 6 + lc)) return sw(T4tStatus.WrongLength);
    const data = command.subarray(5, 5 + lc);
    if (p1 === 0x04 && (p2 === 0x00 || p2 === 0x0c)) {
      this.#file = undefined;
      this.#appSelected = equalBytes(data, AID);
      return sw(this.#appSelected ? T4tStatus.Ok : T4tStatus.FileNotFound);
    }
    if (p1 === 0x00 && (p2 === 0x00 || p2 === 0x0c)) {
      if (lc !== 2) return sw(T4tStatus.WrongLength);
      if (!this.#appSelected) return sw(T4tStatus.FileNotFound);
      const id = (data[0]! << 8) | data[1]!;
      this.#file = id === T4tFileId.CapabilityContainer ? 'cc' : id === this.capabilityContainer.ndefFile.fileId ? 'ndef' : undefined;
      return sw(this.#file === undefined ? T4tStatus.FileNotFound : T4tStatus.Ok);
    }
    return sw(T4tStatus.IncorrectP1P2);
  }

  #readBinary(command: Uint8Array, p1: number, p2: number): Uint8Array {
    let ne: number;
    if (command.length === 5) ne = command[4] === 0 ? 256 : command[4]!;
    else if (command.length === 7 && command[4] === 0) {
      const le = (command[5]! << 8) | command[6]!;
      ne = le === 0 ? 65536 : le;
    } else return sw(T4tStatus.WrongLength);
    if (this.#file === undefined) return sw(T4tStatus.NoCurrentEf);
    if (p1 & 0x80) return sw(T4tStatus.IncorrectP1P2);
    if (ne > this.capabilityContainer.mle) return sw(T4tStatus.WrongLength);
    const file = this.#file === 'cc' ? this.#cc : this.#ndefFile;
    const offset = (p1 << 8) | p2;
    if (offset >= file.length) return sw(T4tStatus.WrongOffset);
    return sw(T4tStatus.Ok, file.subarray(offset, Math.min(file.length, offset + ne)));
  }
}
