/**
 * ISO/IEC 18013-5 device engagement over NFC: the mdoc's Handover Select (its
 * DeviceEngagement record `iso.org:18013:deviceengagement`, ID `mdoc`, named as auxiliary
 * data by each ac record) and the reader's Handover Request for negotiated handover,
 * built from and read into typed carriers. The message codec is in `handover.ts`, the
 * carrier records in `carriers.ts`, the Type 4 Tag that carries a static handover in
 * `type4-tag.ts`.
 *
 * The Handover Select is the same in both handover kinds: in static handover the tag
 * holds it in its NDEF file; in negotiated handover the mdoc sends it in reply to the
 * reader's Handover Request. For negotiated handover with BLE mdoc central client mode
 * the UUID comes from the reader's Handover Request and the mdoc leaves it out of its
 * Handover Select (as multipaz reads 18013-5; not checked against the standard's text
 * here). Byte layouts are checked against the Annex D messages.
 */

import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions } from '../crypto/types.js';
import { SessionError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';
import { type CarrierConfiguration, decodeCarrierRecord, encodeCarrierRecord, MdocNdef } from './carriers.js';
import { CarrierPowerState, decodeHandoverSelect, HANDOVER_VERSION, type HandoverRequest, type HandoverSelect } from './handover.js';
import { recordsById } from './record-ids.js';
import { isNdefRecord, latin1Text, type NdefRecord, ndefRecord, TNF } from './ndef.js';

function ndefFail(message: string, path: string): never {
  throw new SessionError('ERR_SESSION_NDEF', message, { path });
}

/** An alternative carrier with its configuration and auxiliary data records resolved. */
export interface Carrier {
  readonly cps: CarrierPowerState;
  readonly configuration: CarrierConfiguration;
  readonly record: NdefRecord;
  readonly auxiliaryRecords: readonly NdefRecord[];
}

/** The carriers of a decoded Handover Select or Request, in ac order, with typed configurations. */
export function carriersOf(message: HandoverSelect | HandoverRequest): Carrier[] {
  // One pass over the records, and each configuration record decoded once however many ac records name it.
  const index = recordsById(message.records);
  const byId = (ref: string) => index.get(ref)?.[0];
  const decoded = new Map<NdefRecord, CarrierConfiguration>();
  return message.alternativeCarriers.map((ac, i) => {
    const record = byId(ac.carrierDataReference);
    if (record === undefined) ndefFail(`no record has the ID "${ac.carrierDataReference}"`, `ac[${i}]`);
    const aux = ac.auxiliaryDataReferences.map((a, j) => byId(a) ?? ndefFail(`no record has the ID "${a}"`, `ac[${i}].auxiliaryDataReferences[${j}]`));
    let configuration = decoded.get(record);
    if (configuration === undefined) {
      configuration = decodeCarrierRecord(record, `ac[${i}]`);
      decoded.set(record, configuration);
    }
    return { cps: ac.cps, configuration, record, auxiliaryRecords: aux };
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
