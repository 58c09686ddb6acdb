/**
 * The Status List of the IETF Token Status List (draft-ietf-oauth-status-list §4, editor's
 * copy of 21 June 2026; the same text as draft-21): a byte array holding one `bits`-wide
 * status per Referenced Token, entry `i` in byte `floor(i * bits / 8)` counted from the least
 * significant bit, compressed as ZLIB; its CBOR form (§4.3); and the Status Types (§7.1).
 * ISO/IEC 18013-5 2nd edition §12.3.6.5 uses it for the MSO (`bits` 1 for an mDL).
 *
 * ```cddl
 * StatusList = {
 *     bits: 1 / 2 / 4 / 8,
 *     lst: bstr,               ; the ZLIB-compressed byte array
 *     ? aggregation_uri: tstr
 * }
 * ```
 */

import { CborFloat, type CborValue } from '../../cbor/index.js';
import { MdocError } from '../../errors.js';
import { describeValue } from '../structure.js';

/** Status Type values (draft-ietf-oauth-status-list §7.1); any other value is reported by number. */
export const StatusType = {
  /** The token is valid. */
  VALID: 0,
  /** Revoked, annulled, taken back, recalled or cancelled. */
  INVALID: 1,
  /** Temporarily invalid. */
  SUSPENDED: 2,
} as const;
export type StatusType = (typeof StatusType)[keyof typeof StatusType];

/** Bits per entry a Status List may use. */
export type StatusListBits = 1 | 2 | 4 | 8;

/** A Status List as carried in CBOR: `lst` still compressed. */
export interface StatusList {
  readonly bits: StatusListBits;
  readonly lst: Uint8Array;
  readonly aggregation_uri?: string;
}

function tokenError(path: string, message: string): MdocError {
  return new MdocError('ERR_MDOC_STATUS_TOKEN', `${path}: ${message}`, { path });
}

/** True when `bits` is 1, 2, 4 or 8. */
export function isStatusListBits(bits: unknown): bits is StatusListBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

/**
 * Read a StatusList from its decoded CBOR map. Members other than the three defined are
 * ignored, as the draft allows.
 * @throws MdocError `ERR_MDOC_STATUS_TOKEN` naming the path of the first problem.
 */
export function decodeStatusList(value: CborValue, path = 'status_list'): StatusList {
  if (!(value instanceof Map)) throw tokenError(path, 'is not a map');
  const bits = value.get('bits');
  const lst = value.get('lst');
  const aggregation = value.get('aggregation_uri');
  // A float (a `CborFloat` when the claims were decoded with exactNumbers, as the token's are)
  // is refused even when it holds 1, 2, 4 or 8: `bits` is an unsigned integer (major type 0).
  if (!isStatusListBits(bits)) throw tokenError(`${path}.bits`, `must be 1, 2, 4 or 8, got ${typeof bits === 'number' || typeof bits === 'bigint' ? String(bits) : bits instanceof CborFloat ? `the float ${bits}` : describeValue(bits ?? null)}`);
  if (!(lst instanceof Uint8Array)) throw tokenError(`${path}.lst`, 'is not a byte string');
  if (aggregation !== undefined && typeof aggregation !== 'string') throw tokenError(`${path}.aggregation_uri`, 'is not a text string');
  return { bits, lst, ...(aggregation === undefined ? {} : { aggregation_uri: aggregation }) };
}

/** The StatusList as a CBOR map, ready to encode. */
export function encodeStatusList(list: StatusList): Map<string, CborValue> {
  const m = new Map<string, CborValue>([
    ['bits', list.bits],
    ['lst', list.lst],
  ]);
  if (list.aggregation_uri !== undefined) m.set('aggregation_uri', list.aggregation_uri);
  return m;
}

/** How many entries a decompressed byte array of `byteLength` bytes holds at `bits` per entry. */
export function statusListSize(byteLength: number, bits: StatusListBits): number {
  return (byteLength * 8) / bits;
}

/**
 * The status at `idx` in a decompressed byte array (§4.1), or undefined when `idx` is past
 * its end (the Referenced Token must then be rejected, §8.3 step 6).
 * @throws RangeError for an `idx` that is not a non-negative safe integer.
 */
export function readStatus(bytes: Uint8Array, bits: StatusListBits, idx: number): number | undefined {
  if (!Number.isSafeInteger(idx) || idx < 0) throw new RangeError('idx must be a non-negative integer');
  const perByte = 8 / bits;
  const byte = Math.floor(idx / perByte);
  if (byte >= bytes.length) return undefined;
  const shift = (idx % perByte) * bits;
  return (bytes[byte]! >> shift) & ((1 << bits) - 1);
}

/**
 * Set the status at `idx` in a decompressed byte array, in place (issuer side).
 * @throws RangeError for an `idx` past the array or a `value` that does not fit in `bits`.
 */
export function writeStatus(bytes: Uint8Array, bits: StatusListBits, idx: number, value: number): void {
  if (!Number.isSafeInteger(idx) || idx < 0 || idx >= statusListSize(bytes.length, bits)) throw new RangeError(`idx must be in [0, ${statusListSize(bytes.length, bits)})`);
  if (!Number.isInteger(value) || value < 0 || value >= 1 << bits) throw new RangeError(`value must fit in ${bits} bit(s)`);
  const perByte = 8 / bits;
  const byte = Math.floor(idx / perByte);
  const shift = (idx % perByte) * bits;
  const mask = ((1 << bits) - 1) << shift;
  bytes[byte] = (bytes[byte]! & ~mask) | (value << shift);
}

/**
 * A fresh byte array for `size` entries of `bits` each, all VALID (0), to fill with
 * {@link writeStatus} and compress with `buildStatusListToken`.
 * @throws RangeError for a size that is not a positive integer or bits not 1, 2, 4 or 8.
 */
export function createStatusBytes(size: number, bits: StatusListBits): Uint8Array {
  if (!isStatusListBits(bits)) throw new RangeError('bits must be 1, 2, 4 or 8');
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
  return new Uint8Array(Math.ceil((size * bits) / 8));
}

/** The name of a status value: VALID, INVALID, SUSPENDED, or the number. */
export function statusName(value: number): string {
  for (const [name, v] of Object.entries(StatusType)) if (v === value) return name;
  return `status ${value}`;
}
