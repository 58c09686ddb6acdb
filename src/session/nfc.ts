/**
 * NFC device engagement, ISO/IEC 18013-5:2021 §8.2.2 (NFC Forum Connection Handover
 * 1.5, static and negotiated handover), and reading it from an mdoc that acts as an NFC
 * Forum Type 4 Tag (T4T NDEF mapping 2.0: NDEF Tag Application, CC file, NDEF file).
 * Clause numbers are as implementations cite them, not checked against the standard's
 * text; the byte layouts are checked against the Annex D messages.
 *
 * Handover messages (Connection Handover 1.5 §6–7):
 * ```
 * Handover Select  = Hs record, then carrier configuration and auxiliary data records
 *   Hs payload     = version (0x15) [ NDEF message of local records: ac*, err? ]
 * Handover Request = Hr record, then carrier configuration / Hc records
 *   Hr payload     = version (0x15)   NDEF message of local records: cr, ac+
 * ac payload       = CPS (low 2 bits) | ref length (1) ref | aux count (1) ( aux length (1) aux )*
 * cr payload       = random number (2 bytes, big-endian)
 * Hc payload       = CTF (low 3 bits, a TNF) | carrier type length (1) carrier type | carrier data
 * ```
 * 18013-5 adds: the External record `iso.org:18013:deviceengagement` with ID `mdoc`
 * holding DeviceEngagementBytes, named as auxiliary data by each ac record of the
 * Handover Select; carrier configuration records `application/vnd.bluetooth.le.oob`
 * (ID `0`), `iso.org:18013:nfc` (ID `nfc`) and `application/vnd.wfa.nan` (ID `W`), as in
 * the Annex D messages. The Handover Select is the same in both handover kinds: in static
 * handover the tag holds it in its NDEF file; in negotiated handover the mdoc sends it in
 * reply to the reader's Handover Request. For negotiated handover with BLE mdoc central
 * client mode the UUID comes from the reader's Handover Request and the mdoc leaves it
 * out of its Handover Select (as 18013-5 §8.3.3.1.1.2 is quoted by multipaz; clause not
 * checked against the standard's text here).
 *
 * Type 4 Tag (NFC Forum T4T 2.0 §5, ISO/IEC 7816-4 commands):
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
 */

import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions } from '../crypto/types.js';
import { ApduError, SessionError } from '../errors.js';
import { assertBytes, equalBytes, fromHex } from '../internal/bytes.js';
import { decodeNdefMessage, encodeNdefMessage, isNdefRecord, latin1Bytes, latin1Text, type NdefRecord, ndefRecord, TNF } from './ndef.js';

// ---------------------------------------------------------------------------
// Registries

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

/** Record types and IDs ISO/IEC 18013-5 uses for NFC engagement (IDs as in the Annex D messages). */
export const MdocNdef = {
  /** External type of the DeviceEngagement record. */
  DeviceEngagementType: 'iso.org:18013:deviceengagement',
  /** ID of the DeviceEngagement record, and the auxiliary data reference naming it. */
  DeviceEngagementId: 'mdoc',
  /** External type of the NFC data retrieval carrier configuration record. */
  NfcType: 'iso.org:18013:nfc',
  NfcId: 'nfc',
  /** Media type of the Bluetooth LE OOB carrier configuration record (Bluetooth SSP using NFC, §3). */
  BleType: 'application/vnd.bluetooth.le.oob',
  BleId: '0',
  /** Media type of the Wi-Fi Aware (NAN) carrier configuration record. */
  WifiAwareType: 'application/vnd.wfa.nan',
  WifiAwareId: 'W',
} as const;

/** Carrier Power State of an Alternative Carrier record (Connection Handover 1.5 §7.1). */
export const CarrierPowerState = { Inactive: 0, Active: 1, Activating: 2, Unknown: 3 } as const;
export type CarrierPowerState = (typeof CarrierPowerState)[keyof typeof CarrierPowerState];

/**
 * LE Role AD values (Bluetooth Core Specification Supplement, Part A §1.17): the GAP role
 * of the device that sends the record.
 */
export const LeRole = {
  PeripheralOnly: 0x00,
  CentralOnly: 0x01,
  BothPeripheralPreferred: 0x02,
  BothCentralPreferred: 0x03,
} as const;
export type LeRole = (typeof LeRole)[keyof typeof LeRole];

/** AD types used in the LE OOB record (Bluetooth Assigned Numbers, Common Data Types). */
export const BleAdType = {
  CompleteList128BitServiceUuids: 0x07,
  LeBluetoothDeviceAddress: 0x1b,
  LeRole: 0x1c,
} as const;

/** Data types inside the `iso.org:18013:nfc` record (after its version byte 0x01). */
export const NfcCarrierDataType = { MaxCommandDataLength: 0x01, MaxResponseDataLength: 0x02 } as const;

// ---------------------------------------------------------------------------
// Handover messages

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
  /** The collision resolution random number (cr record), 0..65535. */
  readonly collisionResolution: number;
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
  const find = (ref: string, path: string) => {
    const hits = records.filter((r) => r.id !== undefined && latin1Text(r.id) === ref);
    if (hits.length === 0) ndefFail(`no record has the ID "${ref}"`, path);
    if (hits.length > 1) ndefFail(`${hits.length} records have the ID "${ref}"`, path);
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
 * Decode a Handover Request message: as {@link decodeHandoverSelect}, and it must hold
 * exactly one cr record and at least one ac record.
 *
 * @throws SessionError `ERR_SESSION_NDEF`.
 */
export function decodeHandoverRequest(bytes: Uint8Array): HandoverRequest {
  const d = decodeHandover(bytes, 'Hr');
  if (d.cr.length !== 1) ndefFail(`Hr needs exactly one cr record, found ${d.cr.length}`, 'Hr.local');
  if (d.acs.length === 0) ndefFail('Hr has no ac record', 'Hr.local');
  return { version: d.version, collisionResolution: d.cr[0]!, alternativeCarriers: d.acs, otherLocalRecords: d.others, records: d.records };
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

/** Encode a Handover Request message: the Hr record (cr, ac records, other local records), then `records`. */
export function encodeHandoverRequest(hr: HandoverRequest): Uint8Array {
  const n = hr.collisionResolution;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError('collisionResolution must be 0..65535');
  if (hr.alternativeCarriers.length === 0) throw new RangeError('a Handover Request needs at least one alternative carrier');
  const cr = ndefRecord(TNF.WellKnown, HandoverRecordType.CollisionResolution, Uint8Array.of(n >> 8, n & 0xff));
  const locals = [cr, ...hr.alternativeCarriers.map((ac, i) => encodeAlternativeCarrier(ac, `alternativeCarriers[${i}]`)), ...hr.otherLocalRecords];
  return encodeHandover('Hr', hr.version, locals, hr.records);
}

// ---------------------------------------------------------------------------
// Carrier configuration records

/**
 * A Bluetooth LE OOB carrier configuration (AD structures, Bluetooth Core Vol 3 Part C
 * §11). UUIDs are 16 bytes in RFC 4122 (big-endian) order, as DeviceEngagement carries
 * them; on the wire the AD holds them least significant byte first. `deviceAddress` is
 * the six address bytes as carried in the AD, least significant byte first.
 */
export interface BleCarrier {
  readonly kind: 'ble';
  /** The sender's LE role: the mdoc's in a Handover Select, the reader's in a Handover Request. */
  readonly leRole?: LeRole;
  readonly serviceUuids?: readonly Uint8Array[];
  readonly deviceAddress?: Uint8Array;
  /** 0 public, 1 random; absent when the AD held only the six address bytes. */
  readonly deviceAddressType?: 0 | 1;
  /** AD structures of other types, in order (written after the known ones). */
  readonly otherAdStructures?: readonly { readonly type: number; readonly data: Uint8Array }[];
}

/** The `iso.org:18013:nfc` carrier configuration (version 0x01); both lengths are optional. */
export interface NfcCarrier {
  readonly kind: 'nfc';
  readonly maxCommandDataLength?: number;
  readonly maxResponseDataLength?: number;
}

/** The `application/vnd.wfa.nan` carrier configuration, kept as opaque bytes. */
export interface WifiAwareCarrier {
  readonly kind: 'wifiAware';
  readonly data: Uint8Array;
}

/** A Handover Carrier (Hc) record: a carrier named without its configuration. */
export interface HandoverCarrierRecord {
  readonly kind: 'handoverCarrier';
  readonly carrierTnf: TNF;
  readonly carrierType: Uint8Array;
  readonly carrierData: Uint8Array;
}

/** Any other carrier record, kept as is. */
export interface OtherCarrier {
  readonly kind: 'other';
  readonly record: NdefRecord;
}

export type CarrierConfiguration = BleCarrier | NfcCarrier | WifiAwareCarrier | HandoverCarrierRecord | OtherCarrier;

function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

function decodeBlePayload(payload: Uint8Array, path: string): BleCarrier {
  let leRole: LeRole | undefined;
  const uuids: Uint8Array[] = [];
  let address: Uint8Array | undefined;
  let addressType: 0 | 1 | undefined;
  const others: { type: number; data: Uint8Array }[] = [];
  const seen = new Set<number>();
  let pos = 0;
  while (pos < payload.length) {
    const length = payload[pos]!;
    if (length === 0) {
      // Core Vol 3 Part C §11: a zero length ends the significant part; the rest is zero padding.
      if (payload.subarray(pos).some((b) => b !== 0)) ndefFail('non-zero bytes after the AD terminator', path);
      break;
    }
    if (payload.length - pos - 1 < length) ndefFail(`AD structure at ${pos} runs past the payload`, path);
    const type = payload[pos + 1]!;
    const data = payload.slice(pos + 2, pos + 1 + length);
    pos += 1 + length;
    if (type === BleAdType.LeRole || type === BleAdType.LeBluetoothDeviceAddress || type === BleAdType.CompleteList128BitServiceUuids) {
      if (seen.has(type)) ndefFail(`AD type 0x${type.toString(16)} appears twice`, path);
      seen.add(type);
    }
    if (type === BleAdType.LeRole) {
      if (data.length !== 1 || data[0]! > 3) ndefFail('LE Role is not one byte 0..3', path);
      leRole = data[0] as LeRole;
    } else if (type === BleAdType.LeBluetoothDeviceAddress) {
      if (data.length !== 7 && data.length !== 6) ndefFail('LE Bluetooth Device Address is not 6 or 7 bytes', path);
      address = data.slice(0, 6);
      if (data.length === 7) {
        if (data[6]! > 1) ndefFail('LE Bluetooth Device Address type is not 0 or 1', path);
        addressType = data[6] as 0 | 1;
      }
    } else if (type === BleAdType.CompleteList128BitServiceUuids) {
      if (data.length === 0 || data.length % 16 !== 0) ndefFail('128-bit service UUID list is not a multiple of 16 bytes', path);
      for (let i = 0; i < data.length; i += 16) uuids.push(reversed(data.subarray(i, i + 16)));
    } else others.push({ type, data });
  }
  return {
    kind: 'ble',
    ...(leRole === undefined ? {} : { leRole }),
    ...(uuids.length === 0 ? {} : { serviceUuids: uuids }),
    ...(address === undefined ? {} : { deviceAddress: address }),
    ...(addressType === undefined ? {} : { deviceAddressType: addressType }),
    ...(others.length === 0 ? {} : { otherAdStructures: others }),
  };
}

function encodeBlePayload(c: BleCarrier): Uint8Array {
  const out: number[] = [];
  const ad = (type: number, data: ArrayLike<number>) => {
    if (data.length > 254) throw new RangeError(`AD type 0x${type.toString(16)} data is over 254 bytes`);
    out.push(data.length + 1, type, ...Array.from(data));
  };
  // Address, role, UUIDs: the order of the Annex D messages.
  if (c.deviceAddress !== undefined) {
    assertBytes(c.deviceAddress, 'deviceAddress', 6);
    ad(BleAdType.LeBluetoothDeviceAddress, c.deviceAddressType === undefined ? c.deviceAddress : [...c.deviceAddress, c.deviceAddressType]);
  }
  if (c.leRole !== undefined) {
    if (![0, 1, 2, 3].includes(c.leRole)) throw new RangeError('leRole must be 0..3');
    ad(BleAdType.LeRole, [c.leRole]);
  }
  if (c.serviceUuids !== undefined && c.serviceUuids.length > 0) {
    const list: number[] = [];
    for (const u of c.serviceUuids) {
      assertBytes(u, 'serviceUuids[]', 16);
      list.push(...reversed(u));
    }
    ad(BleAdType.CompleteList128BitServiceUuids, list);
  }
  for (const o of c.otherAdStructures ?? []) {
    if (!Number.isInteger(o.type) || o.type < 0 || o.type > 0xff) throw new RangeError('AD type must be a byte');
    ad(o.type, o.data);
  }
  return Uint8Array.from(out);
}

function decodeNfcPayload(payload: Uint8Array, path: string): NfcCarrier {
  if (payload.length === 0 || payload[0] !== 0x01) ndefFail('iso.org:18013:nfc version is not 0x01', path);
  let cmd: number | undefined;
  let rsp: number | undefined;
  let pos = 1;
  while (pos < payload.length) {
    const length = payload[pos]!;
    if (length < 1 || payload.length - pos - 1 < length) ndefFail(`NFC carrier data at ${pos} runs past the payload`, path);
    const type = payload[pos + 1]!;
    const value = payload.subarray(pos + 2, pos + 1 + length);
    pos += 1 + length;
    if (type === NfcCarrierDataType.MaxCommandDataLength || type === NfcCarrierDataType.MaxResponseDataLength) {
      // Implementations write these in 1, 2 or 3 bytes (big-endian); accept each.
      if (value.length < 1 || value.length > 3) ndefFail(`NFC carrier data type ${type} is not 1..3 bytes`, path);
      let n = 0;
      for (const b of value) n = n * 256 + b;
      if (type === NfcCarrierDataType.MaxCommandDataLength) {
        if (cmd !== undefined) ndefFail('max command data length appears twice', path);
        cmd = n;
      } else {
        if (rsp !== undefined) ndefFail('max response data length appears twice', path);
        rsp = n;
      }
    }
    // Unknown data types are skipped (the typed view is lossy; the record itself is kept).
  }
  return { kind: 'nfc', ...(cmd === undefined ? {} : { maxCommandDataLength: cmd }), ...(rsp === undefined ? {} : { maxResponseDataLength: rsp }) };
}

function encodeNfcPayload(c: NfcCarrier): Uint8Array {
  const out = [0x01];
  if (c.maxCommandDataLength !== undefined) {
    const n = c.maxCommandDataLength;
    if (!Number.isInteger(n) || n < 1 || n > 0xffff) throw new RangeError('maxCommandDataLength must be 1..65535');
    out.push(3, NfcCarrierDataType.MaxCommandDataLength, n >> 8, n & 0xff);
  }
  if (c.maxResponseDataLength !== undefined) {
    const n = c.maxResponseDataLength;
    if (!Number.isInteger(n) || n < 1 || n > 0x10000) throw new RangeError('maxResponseDataLength must be 1..65536');
    if (n > 0xffff) out.push(4, NfcCarrierDataType.MaxResponseDataLength, n >> 16, (n >> 8) & 0xff, n & 0xff);
    else out.push(3, NfcCarrierDataType.MaxResponseDataLength, n >> 8, n & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * The typed view of a carrier configuration (or Hc) record; records of other types come
 * back as `{ kind: 'other', record }`.
 *
 * @throws SessionError `ERR_SESSION_NDEF` when a known record's payload is malformed.
 */
export function decodeCarrierRecord(record: NdefRecord, path = 'record'): CarrierConfiguration {
  if (isNdefRecord(record, TNF.Media, MdocNdef.BleType)) return decodeBlePayload(record.payload, path);
  if (isNdefRecord(record, TNF.External, MdocNdef.NfcType)) return decodeNfcPayload(record.payload, path);
  if (isNdefRecord(record, TNF.Media, MdocNdef.WifiAwareType)) return { kind: 'wifiAware', data: record.payload.slice() };
  if (isNdefRecord(record, TNF.WellKnown, HandoverRecordType.HandoverCarrier)) {
    const p = record.payload;
    if (p.length < 2) ndefFail('Hc payload is too short', path);
    if (p[0]! & 0xf8) ndefFail('Hc reserved bits are set', path);
    const ctf = (p[0]! & 7) as TNF;
    if (ctf === TNF.Empty || ctf > TNF.External) ndefFail(`Hc carrier type format ${ctf} is not 1..4`, path);
    const n = p[1]!;
    if (n === 0 || p.length - 2 < n) ndefFail('Hc carrier type is empty or runs past the payload', path);
    return { kind: 'handoverCarrier', carrierTnf: ctf, carrierType: p.slice(2, 2 + n), carrierData: p.slice(2 + n) };
  }
  return { kind: 'other', record };
}

/**
 * The NDEF record of a carrier configuration, with the ID 18013-5 uses for it (`0`,
 * `nfc`, `W`) unless `id` is given. An Hc record needs an `id`; an `other` record is
 * returned as is.
 */
export function encodeCarrierRecord(carrier: CarrierConfiguration, id?: string): NdefRecord {
  switch (carrier.kind) {
    case 'ble':
      return ndefRecord(TNF.Media, MdocNdef.BleType, encodeBlePayload(carrier), id ?? MdocNdef.BleId);
    case 'nfc':
      return ndefRecord(TNF.External, MdocNdef.NfcType, encodeNfcPayload(carrier), id ?? MdocNdef.NfcId);
    case 'wifiAware':
      assertBytes(carrier.data, 'data');
      return ndefRecord(TNF.Media, MdocNdef.WifiAwareType, carrier.data, id ?? MdocNdef.WifiAwareId);
    case 'handoverCarrier': {
      if (id === undefined) throw new TypeError('a Handover Carrier record needs an id');
      assertBytes(carrier.carrierType, 'carrierType');
      assertBytes(carrier.carrierData, 'carrierData');
      if (carrier.carrierTnf < TNF.WellKnown || carrier.carrierTnf > TNF.External) throw new RangeError('carrierTnf must be 1..4');
      if (carrier.carrierType.length < 1 || carrier.carrierType.length > 255) throw new RangeError('carrierType must be 1..255 bytes');
      const payload = new Uint8Array(2 + carrier.carrierType.length + carrier.carrierData.length);
      payload[0] = carrier.carrierTnf;
      payload[1] = carrier.carrierType.length;
      payload.set(carrier.carrierType, 2);
      payload.set(carrier.carrierData, 2 + carrier.carrierType.length);
      return ndefRecord(TNF.WellKnown, HandoverRecordType.HandoverCarrier, payload, id);
    }
    case 'other':
      return carrier.record;
  }
}

/** Which 18013-5 BLE modes an LE OOB record offers. */
export interface BleModes {
  readonly peripheralServerMode: boolean;
  readonly centralClientMode: boolean;
}

/**
 * The 18013-5 BLE modes an LE Role stands for. In mdoc peripheral server mode the mdoc
 * is the GAP Peripheral; in mdoc central client mode it is the Central. `sender` says
 * whose role the record states (the mdoc's in a Handover Select, the reader's in a
 * Handover Request): a reader that is Peripheral only offers mdoc central client mode.
 */
export function bleModesFromLeRole(role: LeRole, sender: 'mdoc' | 'reader'): BleModes {
  if (role === LeRole.BothPeripheralPreferred || role === LeRole.BothCentralPreferred) return { peripheralServerMode: true, centralClientMode: true };
  const senderIsPeripheral = role === LeRole.PeripheralOnly;
  const mdocIsPeripheral = sender === 'mdoc' ? senderIsPeripheral : !senderIsPeripheral;
  return { peripheralServerMode: mdocIsPeripheral, centralClientMode: !mdocIsPeripheral };
}

/** The LE Role for the modes a sender offers (when both: the preferred one is `prefer`, default peripheral server mode). */
export function leRoleFromBleModes(modes: BleModes, sender: 'mdoc' | 'reader', prefer: 'peripheralServerMode' | 'centralClientMode' = 'peripheralServerMode'): LeRole {
  if (!modes.peripheralServerMode && !modes.centralClientMode) throw new RangeError('at least one BLE mode is needed');
  if (modes.peripheralServerMode && modes.centralClientMode) {
    // Peripheral preferred by the sender: the mdoc prefers peripheral server mode; the reader prefers central client mode.
    const senderPrefersPeripheral = sender === 'mdoc' ? prefer === 'peripheralServerMode' : prefer === 'centralClientMode';
    return senderPrefersPeripheral ? LeRole.BothPeripheralPreferred : LeRole.BothCentralPreferred;
  }
  const mdocIsPeripheral = modes.peripheralServerMode;
  const senderIsPeripheral = sender === 'mdoc' ? mdocIsPeripheral : !mdocIsPeripheral;
  return senderIsPeripheral ? LeRole.PeripheralOnly : LeRole.CentralOnly;
}

// ---------------------------------------------------------------------------
// Building and reading NFC engagement

/** An alternative carrier with its configuration and auxiliary data records resolved. */
export interface Carrier {
  readonly cps: CarrierPowerState;
  readonly configuration: CarrierConfiguration;
  readonly record: NdefRecord;
  readonly auxiliaryRecords: readonly NdefRecord[];
}

/** The carriers of a decoded Handover Select or Request, in ac order, with typed configurations. */
export function carriersOf(message: HandoverSelect | HandoverRequest): Carrier[] {
  const byId = (ref: string) => message.records.find((r) => r.id !== undefined && latin1Text(r.id) === ref);
  return message.alternativeCarriers.map((ac, i) => {
    const record = byId(ac.carrierDataReference);
    if (record === undefined) ndefFail(`no record has the ID "${ac.carrierDataReference}"`, `ac[${i}]`);
    const aux = ac.auxiliaryDataReferences.map((a, j) => byId(a) ?? ndefFail(`no record has the ID "${a}"`, `ac[${i}].auxiliaryDataReferences[${j}]`));
    return { cps: ac.cps, configuration: decodeCarrierRecord(record, `ac[${i}]`), record, auxiliaryRecords: aux };
  });
}

/** Input of {@link buildHandoverSelect}. */
export interface HandoverSelectInput {
  /** DeviceEngagementBytes (the CBOR-encoded DeviceEngagement). */
  readonly deviceEngagement: Uint8Array;
  /** Carriers offered (static handover) or selected (negotiated handover); may be empty. */
  readonly carriers: readonly CarrierConfiguration[];
  /** Carrier Power State of every ac record; default Active. */
  readonly cps?: CarrierPowerState;
}

/**
 * Assemble the mdoc's Handover Select (version 1.5): one ac record per carrier, naming
 * its configuration record and the DeviceEngagement record (`mdoc`) as auxiliary data;
 * then the configuration records; then the DeviceEngagement record.
 *
 * @throws RangeError when two carriers would get the same record ID.
 *
 * @example
 * ```ts
 * const hs = encodeHandoverSelect(buildHandoverSelect({
 *   deviceEngagement,
 *   carriers: [{ kind: 'ble', leRole: LeRole.PeripheralOnly, serviceUuids: [uuid] }],
 * }));
 * ```
 */
export function buildHandoverSelect(input: HandoverSelectInput): HandoverSelect {
  assertBytes(input.deviceEngagement, 'deviceEngagement');
  const cps = input.cps ?? CarrierPowerState.Active;
  const records = input.carriers.map((c) => encodeCarrierRecord(c));
  const ids = records.map((r) => (r.id === undefined ? '' : latin1Text(r.id)));
  if (ids.some((id) => id === '' || id === MdocNdef.DeviceEngagementId) || new Set(ids).size !== ids.length) {
    throw new RangeError('carrier records need distinct IDs other than "mdoc"');
  }
  return {
    version: HANDOVER_VERSION,
    alternativeCarriers: ids.map((id) => ({ cps, carrierDataReference: id, auxiliaryDataReferences: [MdocNdef.DeviceEngagementId] })),
    otherLocalRecords: [],
    records: [
      ...records,
      ndefRecord(TNF.External, MdocNdef.DeviceEngagementType, input.deviceEngagement, MdocNdef.DeviceEngagementId),
    ],
  };
}

/** Input of {@link buildHandoverRequest}. */
export interface HandoverRequestInput {
  /** Carriers the reader supports. */
  readonly carriers: readonly CarrierConfiguration[];
  /** Carrier Power State of every ac record; default Active. */
  readonly cps?: CarrierPowerState;
  /** The cr random number; by default 2 random bytes from the backend. */
  readonly collisionResolution?: number;
}

/**
 * Assemble the reader's Handover Request (version 1.5) for negotiated handover: a cr
 * record with a fresh 16-bit random number, one ac record per carrier (no auxiliary
 * data), then the carrier configuration records.
 */
export function buildHandoverRequest(input: HandoverRequestInput, options?: BackendOptions): HandoverRequest {
  if (input.carriers.length === 0) throw new RangeError('a Handover Request needs at least one carrier');
  const cps = input.cps ?? CarrierPowerState.Active;
  const records = input.carriers.map((c, i) => encodeCarrierRecord(c, c.kind === 'handoverCarrier' ? `c${i}` : undefined));
  const ids = records.map((r) => (r.id === undefined ? '' : latin1Text(r.id)));
  if (ids.some((id) => id === '') || new Set(ids).size !== ids.length) throw new RangeError('carrier records need distinct IDs');
  let cr = input.collisionResolution;
  if (cr === undefined) {
    const r = resolveBackend(options).randomBytes(2);
    cr = (r[0]! << 8) | r[1]!;
  }
  return {
    version: HANDOVER_VERSION,
    collisionResolution: cr,
    alternativeCarriers: ids.map((id) => ({ cps, carrierDataReference: id, auxiliaryDataReferences: [] })),
    otherLocalRecords: [],
    records,
  };
}

/** What a reader learns from an NFC engagement. */
export interface NfcEngagement {
  readonly handoverSelect: HandoverSelect;
  /** DeviceEngagementBytes, exactly as received (the SessionTranscript embeds them). */
  readonly deviceEngagement: Uint8Array;
  readonly carriers: readonly Carrier[];
}

/**
 * The DeviceEngagementBytes of a Handover Select: the payload of its single
 * `iso.org:18013:deviceengagement` record.
 *
 * @throws SessionError `ERR_SESSION_NDEF` when the message does not decode or holds no
 *   or several DeviceEngagement records.
 */
export function extractDeviceEngagement(handoverSelect: HandoverSelect | Uint8Array): Uint8Array {
  const hs = handoverSelect instanceof Uint8Array ? decodeHandoverSelect(handoverSelect) : handoverSelect;
  const hits = hs.records.filter((r) => isNdefRecord(r, TNF.External, MdocNdef.DeviceEngagementType));
  if (hits.length !== 1) ndefFail(`expected one ${MdocNdef.DeviceEngagementType} record, found ${hits.length}`, 'Hs');
  return hits[0]!.payload.slice();
}

/**
 * Decode a Handover Select read from an mdoc: the message, its DeviceEngagementBytes and
 * its carriers. Decode the engagement itself with `decodeDeviceEngagement`; the
 * SessionTranscript's NFC handover is `[handoverSelectBytes, handoverRequestBytes | null]`.
 *
 * @throws SessionError `ERR_SESSION_NDEF`.
 */
export function decodeNfcEngagement(handoverSelect: Uint8Array): NfcEngagement {
  const hs = decodeHandoverSelect(handoverSelect);
  return { handoverSelect: hs, deviceEngagement: extractDeviceEngagement(hs), carriers: carriersOf(hs) };
}

// ---------------------------------------------------------------------------
// Type 4 Tag

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
