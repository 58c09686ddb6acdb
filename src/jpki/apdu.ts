/**
 * Command and response APDUs, ISO/IEC 7816-4 §5.1 (command-response pairs, cases 1–4 in
 * short and extended length) and §5.6 (status bytes).
 *
 * ```
 * case 1    CLA INS P1 P2
 * case 2S   CLA INS P1 P2 Le                     Le = 00 means Ne = 256
 * case 3S   CLA INS P1 P2 Lc Data                Lc = 1..255
 * case 4S   CLA INS P1 P2 Lc Data Le
 * case 2E   CLA INS P1 P2 00 Le1 Le2             Le = 0000 means Ne = 65536
 * case 3E   CLA INS P1 P2 00 Lc1 Lc2 Data        Lc = 1..65535
 * case 4E   CLA INS P1 P2 00 Lc1 Lc2 Data Le1 Le2
 * response  Data SW1 SW2
 * ```
 */
import { ApduError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';

/**
 * A command APDU. `ne` is the maximum number of response bytes expected (Ne, 1..65536);
 * leave it out for cases 1 and 3. `data` is the command data field (Nc = its length).
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  readonly ne?: number;
}

/** A response APDU: the data field and the status word `SW1 << 8 | SW2`. */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** How to choose between short and extended length fields. */
export type LengthEncoding = 'auto' | 'short' | 'extended';

/** Options of {@link encodeCommandApdu}. */
export interface EncodeApduOptions {
  /** `auto` (default): extended only when Nc > 255 or Ne > 256; `short` refuses to; `extended` always. */
  readonly length?: LengthEncoding;
}

function checkByte(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${name} must be a byte, got ${value}`);
}

/**
 * Encode a command APDU. Throws `RangeError` for header bytes outside 0..255, Nc > 65535,
 * Ne outside 1..65536, or lengths that do not fit the requested encoding.
 *
 * @example
 * ```ts
 * encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 }) // 00 B0 00 00 00
 * ```
 */
export function encodeCommandApdu(apdu: CommandApdu, options: EncodeApduOptions = {}): Uint8Array {
  checkByte(apdu.cla, 'cla');
  checkByte(apdu.ins, 'ins');
  checkByte(apdu.p1, 'p1');
  checkByte(apdu.p2, 'p2');
  const data = apdu.data;
  if (data !== undefined) assertBytes(data, 'data');
  const nc = data?.length ?? 0;
  const ne = apdu.ne;
  if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > 65536)) throw new RangeError(`ne must be 1..65536, got ${ne}`);
  if (nc > 65535) throw new RangeError(`data must be at most 65535 bytes, got ${nc}`);
  const mode = options.length ?? 'auto';
  const needExtended = nc > 255 || (ne !== undefined && ne > 256);
  if (mode === 'short' && needExtended) throw new RangeError('command needs extended length fields but short encoding was requested');
  const extended = mode === 'extended' || needExtended;
  const header = [apdu.cla, apdu.ins, apdu.p1, apdu.p2];
  const out: number[] = header;
  if (!extended) {
    if (nc > 0) out.push(nc, ...data!);
    if (ne !== undefined) out.push(ne === 256 ? 0 : ne);
    return Uint8Array.from(out);
  }
  if (nc === 0 && ne === undefined) return Uint8Array.from(out);
  out.push(0);
  if (nc > 0) out.push(nc >> 8, nc & 0xff, ...data!);
  if (ne !== undefined) out.push((ne >> 8) & 0xff, ne & 0xff); // 65536 encodes as 00 00
  return Uint8Array.from(out);
}

/**
 * Decode a command APDU (the card side of the exchange; the virtual card uses it).
 * Throws `ApduError` `ERR_APDU_MALFORMED` when the length fields do not match the bytes.
 */
export function decodeCommandApdu(bytes: Uint8Array): CommandApdu & { readonly extended: boolean } {
  assertBytes(bytes, 'bytes');
  const bad = (why: string) => new ApduError('ERR_APDU_MALFORMED', `malformed command APDU: ${why}`);
  if (bytes.length < 4) throw bad('shorter than 4 bytes');
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.length - 4;
  if (body === 0) return { cla, ins, p1, p2, extended: false };
  const b0 = bytes[4]!;
  if (body === 1) return { cla, ins, p1, p2, ne: b0 === 0 ? 256 : b0, extended: false };
  if (b0 !== 0) {
    // Short: Lc Data [Le]
    const nc = b0;
    if (body === 1 + nc) return { cla, ins, p1, p2, data: bytes.slice(5), extended: false };
    if (body === 2 + nc) {
      const le = bytes[5 + nc]!;
      return { cla, ins, p1, p2, data: bytes.slice(5, 5 + nc), ne: le === 0 ? 256 : le, extended: false };
    }
    throw bad(`Lc ${nc} does not match ${body} body bytes`);
  }
  // Extended: 00 ...
  if (body === 3) {
    const le = (bytes[5]! << 8) | bytes[6]!;
    return { cla, ins, p1, p2, ne: le === 0 ? 65536 : le, extended: true };
  }
  if (body < 3) throw bad('truncated extended length');
  const nc = (bytes[5]! << 8) | bytes[6]!;
  if (nc === 0) throw bad('extended Lc of zero');
  if (body === 3 + nc) return { cla, ins, p1, p2, data: bytes.slice(7), extended: true };
  if (body === 5 + nc) {
    const le = (bytes[7 + nc]! << 8) | bytes[8 + nc]!;
    return { cla, ins, p1, p2, data: bytes.slice(7, 7 + nc), ne: le === 0 ? 65536 : le, extended: true };
  }
  throw bad(`extended Lc ${nc} does not match ${body} body bytes`);
}

/**
 * Split a response APDU into data and status word.
 * Throws `ApduError` `ERR_APDU_MALFORMED` when it is shorter than the two status bytes.
 */
export function decodeResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (!(bytes instanceof Uint8Array)) throw new ApduError('ERR_APDU_MALFORMED', 'response APDU is not a byte array');
  if (bytes.length < 2) throw new ApduError('ERR_APDU_MALFORMED', `response APDU of ${bytes.length} bytes has no status word`);
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

/** Encode a response APDU (data followed by SW1 SW2). */
export function encodeResponseApdu(response: ResponseApdu): Uint8Array {
  const out = new Uint8Array(response.data.length + 2);
  out.set(response.data, 0);
  out[out.length - 2] = (response.sw >> 8) & 0xff;
  out[out.length - 1] = response.sw & 0xff;
  return out;
}
