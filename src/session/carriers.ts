/**
 * Carrier configuration records of ISO/IEC 18013-5 NFC engagement, named by the ac
 * records of a Connection Handover message (`handover.ts`): Bluetooth LE OOB
 * (`application/vnd.bluetooth.le.oob`, AD structures of the Bluetooth Core
 * Specification), NFC data retrieval (`iso.org:18013:nfc`), Wi-Fi Aware
 * (`application/vnd.wfa.nan`, kept opaque) and the Handover Carrier (Hc) record of
 * Connection Handover 1.5; plus the mapping between the LE Role AD value and the 18013-5
 * BLE modes. Record types and IDs are as in the Annex D messages.
 *
 * ```
 * Hc payload       = CTF (low 3 bits, a TNF) | carrier type length (1) carrier type | carrier data
 * LE OOB payload   = AD structures: length (1) type (1) data (length − 1)
 * nfc payload      = version (0x01) ( length (1) type (1) value (length − 1) )*
 * ```
 *
 * Clause numbers in the comments below are carried over from the former `nfc.ts`, as
 * implementations cite them; they were not checked against the standards' text.
 */

import { SessionError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';
import { HandoverRecordType } from './handover.js';
import { isNdefRecord, type NdefRecord, ndefRecord, TNF } from './ndef.js';

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

function ndefFail(message: string, path: string): never {
  throw new SessionError('ERR_SESSION_NDEF', message, { path });
}

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
