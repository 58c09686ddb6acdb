/**
 * NFC Forum Connection Handover 1.5 messages: the Handover Select (Hs) and Handover
 * Request (Hr) records with their local Alternative Carrier (ac) and Collision Resolution
 * (cr) records, as ISO/IEC 18013-5 uses them for NFC device engagement (the carrier
 * configuration records are in `carriers.ts`, the 18013-5 engagement on top in `nfc.ts`).
 * Byte layouts are checked against the ISO/IEC 18013-5 Annex D messages.
 *
 * ```
 * Handover Select  = Hs record, then carrier configuration and auxiliary data records
 *   Hs payload     = version (0x15) [ NDEF message of local records: ac*, err? ]
 * Handover Request = Hr record, then carrier configuration / Hc records
 *   Hr payload     = version (0x15)   NDEF message of local records: cr, ac+
 * ac payload       = CPS (low 2 bits) | ref length (1) ref | aux count (1) ( aux length (1) aux )*
 * cr payload       = random number (2 bytes, big-endian)
 * ```
 *
 * Clause numbers in the comments below are carried over from the former `nfc.ts`, as
 * implementations cite them; they were not checked against the standards' text.
 */

import { SessionError } from '../errors.js';
import { recordsById } from './record-ids.js';
import { decodeNdefMessage, encodeNdefMessage, isNdefRecord, latin1Bytes, latin1Text, type NdefRecord, ndefRecord, TNF } from './ndef.js';

/** Connection Handover version written by the builders: 1.5 (major in the high nibble), as 18013-5 requires. */
export const HANDOVER_VERSION = 0x15;

/** Well Known record types of Connection Handover 1.5. */
export const HandoverRecordType = {
  HandoverSelect: 'Hs',
  HandoverRequest: 'Hr',
  AlternativeCarrier: 'ac',
  CollisionResolution: 'cr',
  HandoverCarrier: 'Hc',
  Error: 'err',
} as const;

/** Carrier Power State of an Alternative Carrier record (Connection Handover 1.5 §7.1). */
export const CarrierPowerState = { Inactive: 0, Active: 1, Activating: 2, Unknown: 3 } as const;
export type CarrierPowerState = (typeof CarrierPowerState)[keyof typeof CarrierPowerState];

/** One Alternative Carrier record. References are record IDs, one character per byte. */
export interface AlternativeCarrier {
  readonly cps: CarrierPowerState;
  readonly carrierDataReference: string;
  readonly auxiliaryDataReferences: readonly string[];
}

/** A Handover Select message. `records` are the records after the Hs record, as received. */
export interface HandoverSelect {
  readonly version: number;
  readonly alternativeCarriers: readonly AlternativeCarrier[];
  /** Local records other than ac (an `err` record…); re-encoded after the ac records. */
  readonly otherLocalRecords: readonly NdefRecord[];
  readonly records: readonly NdefRecord[];
}

/** A Handover Request message. `records` are the records after the Hr record, as received. */
export interface HandoverRequest {
  readonly version: number;
  /**
   * The collision resolution random number (cr record), 0..65535. Absent when the Handover
   * Request carries no cr record: Connection Handover asks for one, but a reader that runs
   * negotiated handover over TNEP, where there is no collision to resolve, may leave it out
   * (Multipaz's reader does; `vectors/interop/captured-requests.json`). Encoded back as sent.
   */
  readonly collisionResolution?: number;
  readonly alternativeCarriers: readonly AlternativeCarrier[];
  /** Local records other than cr and ac; re-encoded after the ac records. */
  readonly otherLocalRecords: readonly NdefRecord[];
  readonly records: readonly NdefRecord[];
}
function ndefFail(message: string, path: string): never {
  throw new SessionError('ERR_SESSION_NDEF', message, { path });
}

function decodeAlternativeCarrier(payload: Uint8Array, path: string): AlternativeCarrier {
  if (payload.length < 3) ndefFail('ac payload is too short', path);
  const first = payload[0]!;
  if (first & 0xfc) ndefFail('ac reserved bits are set', path);
  let pos = 1;
  const refLength = payload[pos++]!;
  if (refLength === 0) ndefFail('ac carrier data reference is empty', path);
  if (payload.length - pos < refLength + 1) ndefFail('ac carrier data reference runs past the payload', path);
  const carrierDataReference = latin1Text(payload.subarray(pos, pos + refLength));
  pos += refLength;
  const count = payload[pos++]!;
  const aux: string[] = [];
  for (let i = 0; i < count; i++) {
    if (pos >= payload.length) ndefFail(`ac auxiliary data reference ${i} is missing`, path);
    const n = payload[pos++]!;
    if (n === 0) ndefFail(`ac auxiliary data reference ${i} is empty`, path);
    if (payload.length - pos < n) ndefFail(`ac auxiliary data reference ${i} runs past the payload`, path);
    aux.push(latin1Text(payload.subarray(pos, pos + n)));
    pos += n;
  }
  if (pos !== payload.length) ndefFail('bytes follow the ac auxiliary data references', path);
  return { cps: (first & 3) as CarrierPowerState, carrierDataReference, auxiliaryDataReferences: aux };
}

function encodeAlternativeCarrier(ac: AlternativeCarrier, name: string): NdefRecord {
  if (![0, 1, 2, 3].includes(ac.cps)) throw new RangeError(`${name}.cps must be 0..3`);
  const ref = latin1Bytes(ac.carrierDataReference);
  if (ref.length < 1 || ref.length > 255) throw new RangeError(`${name}.carrierDataReference must be 1..255 characters`);
  if (ac.auxiliaryDataReferences.length > 255) throw new RangeError(`${name} has more than 255 auxiliary data references`);
  const out: number[] = [ac.cps, ref.length, ...ref, ac.auxiliaryDataReferences.length];
  for (const a of ac.auxiliaryDataReferences) {
    const b = latin1Bytes(a);
    if (b.length < 1 || b.length > 255) throw new RangeError(`${name} auxiliary data references must be 1..255 characters`);
    out.push(b.length, ...b);
  }
  return ndefRecord(TNF.WellKnown, HandoverRecordType.AlternativeCarrier, Uint8Array.from(out));
}

/** Each reference of each ac record must name exactly one record of the message. */
function checkReferences(acs: readonly AlternativeCarrier[], records: readonly NdefRecord[], kind: string): void {
  const byId = recordsById(records);
  const find = (ref: string, path: string) => {
    const hits = byId.get(ref)?.length ?? 0;
    if (hits === 0) ndefFail(`no record has the ID "${ref}"`, path);
    if (hits > 1) ndefFail(`${hits} records have the ID "${ref}"`, path);
  };
  acs.forEach((ac, i) => {
    find(ac.carrierDataReference, `${kind}.ac[${i}].carrierDataReference`);
    ac.auxiliaryDataReferences.forEach((a, j) => {
      find(a, `${kind}.ac[${i}].auxiliaryDataReferences[${j}]`);
    });
  });
}

interface DecodedHandover {
  version: number;
  acs: AlternativeCarrier[];
  cr: number[];
  others: NdefRecord[];
  records: NdefRecord[];
}

function decodeHandover(bytes: Uint8Array, type: 'Hs' | 'Hr'): DecodedHandover {
  const records = decodeNdefMessage(bytes, { path: 'message' });
  const head = records[0]!;
  if (!isNdefRecord(head, TNF.WellKnown, type)) ndefFail(`the first record is not ${type}`, 'message[0]');
  if (head.payload.length === 0) ndefFail(`${type} payload has no version`, type);
  const version = head.payload[0]!;
  if (version >> 4 !== 1) ndefFail(`Connection Handover major version ${version >> 4} is not 1`, `${type}.version`);
  const locals = head.payload.length > 1 ? decodeNdefMessage(head.payload.subarray(1), { path: `${type}.local` }) : [];
  const acs: AlternativeCarrier[] = [];
  const cr: number[] = [];
  const others: NdefRecord[] = [];
  locals.forEach((r, i) => {
    if (isNdefRecord(r, TNF.WellKnown, HandoverRecordType.AlternativeCarrier)) acs.push(decodeAlternativeCarrier(r.payload, `${type}.local[${i}]`));
    else if (type === 'Hr' && isNdefRecord(r, TNF.WellKnown, HandoverRecordType.CollisionResolution)) {
      if (r.payload.length !== 2) ndefFail('cr payload is not 2 bytes', `${type}.local[${i}]`);
      cr.push((r.payload[0]! << 8) | r.payload[1]!);
    } else others.push(r);
  });
  const rest = records.slice(1);
  checkReferences(acs, rest, type);
  return { version, acs, cr, others, records: rest };
}

/**
 * Decode a Handover Select message.
 *
 * @throws SessionError `ERR_SESSION_NDEF` when the bytes are not an NDEF message, the
 *   first record is not Hs, the major version is not 1, an ac record is malformed, or an
 *   ac reference does not name exactly one record of the message.
 */
export function decodeHandoverSelect(bytes: Uint8Array): HandoverSelect {
  const d = decodeHandover(bytes, 'Hs');
  return { version: d.version, alternativeCarriers: d.acs, otherLocalRecords: d.others, records: d.records };
}

/**
 * Decode a Handover Request message: as {@link decodeHandoverSelect}, and it must hold at
 * least one ac record and at most one cr record (none is read as `collisionResolution`
 * absent: see {@link HandoverRequest}).
 *
 * @throws SessionError `ERR_SESSION_NDEF`.
 */
export function decodeHandoverRequest(bytes: Uint8Array): HandoverRequest {
  const d = decodeHandover(bytes, 'Hr');
  if (d.cr.length > 1) ndefFail(`Hr has ${d.cr.length} cr records, at most one is allowed`, 'Hr.local');
  if (d.acs.length === 0) ndefFail('Hr has no ac record', 'Hr.local');
  const base = { version: d.version, alternativeCarriers: d.acs, otherLocalRecords: d.others, records: d.records };
  return d.cr.length === 1 ? { ...base, collisionResolution: d.cr[0]! } : base;
}

function encodeHandover(type: 'Hs' | 'Hr', version: number, locals: NdefRecord[], records: readonly NdefRecord[]): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 0xff) throw new RangeError('version must be a byte');
  const localBytes = locals.length > 0 ? encodeNdefMessage(locals) : new Uint8Array(0);
  const payload = new Uint8Array(1 + localBytes.length);
  payload[0] = version;
  payload.set(localBytes, 1);
  return encodeNdefMessage([ndefRecord(TNF.WellKnown, type, payload), ...records]);
}

/** Encode a Handover Select message: the Hs record (ac records, then the other local records), then `records`. */
export function encodeHandoverSelect(hs: HandoverSelect): Uint8Array {
  const locals = [...hs.alternativeCarriers.map((ac, i) => encodeAlternativeCarrier(ac, `alternativeCarriers[${i}]`)), ...hs.otherLocalRecords];
  return encodeHandover('Hs', hs.version, locals, hs.records);
}

/** Encode a Handover Request message: the Hr record (cr when `collisionResolution` is given, ac records, other local records), then `records`. */
export function encodeHandoverRequest(hr: HandoverRequest): Uint8Array {
  const n = hr.collisionResolution;
  if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 0xffff)) throw new RangeError('collisionResolution must be 0..65535');
  if (hr.alternativeCarriers.length === 0) throw new RangeError('a Handover Request needs at least one alternative carrier');
  const cr = n === undefined ? [] : [ndefRecord(TNF.WellKnown, HandoverRecordType.CollisionResolution, Uint8Array.of(n >> 8, n & 0xff))];
  const locals = [...cr, ...hr.alternativeCarriers.map((ac, i) => encodeAlternativeCarrier(ac, `alternativeCarriers[${i}]`)), ...hr.otherLocalRecords];
  return encodeHandover('Hr', hr.version, locals, hr.records);
}
