/**
 * The public surface of `shomei/session` (src/session/index.ts): every name it exported
 * before nfc.ts was split into handover.ts, carriers.ts, nfc.ts and type4-tag.ts is still
 * exported. Values are checked at run time, types by the type checker (this file is part
 * of `npm run typecheck`).
 */
import { describe, expect, it } from 'vitest';
import * as session from '../../src/session/index.js';
import type {
  AlternativeCarrier,
  BleCarrier,
  BleModes,
  BleReassemblerOptions,
  BleState,
  CapabilityContainer,
  Carrier,
  CarrierConfiguration,
  CarrierPowerState,
  DecodeNdefOptions,
  HandoverCarrierRecord,
  HandoverRequest,
  HandoverRequestInput,
  HandoverSelect,
  HandoverSelectInput,
  LeRole,
  NdefFileControl,
  NdefRecord,
  NfcCarrier,
  NfcEngagement,
  OtherCarrier,
  ReadType4TagOptions,
  TNF,
  Transceive,
  Type4TagRead,
  Type4TagResponderOptions,
  WifiAwareCarrier,
} from '../../src/session/index.js';

/** The value exports of src/session/index.ts before the split (sorted). */
const BEFORE_SPLIT: readonly string[] = ["BLE_MAX_ATTRIBUTE_VALUE","BLE_MAX_MTU","BLE_MIN_MTU","BleAdType","BleCharacteristic","BleContinuation","BleMessageReassembler","BleState","CarrierPowerState","HANDOVER_VERSION","HandoverRecordType","HolderSession","LeRole","MdocNdef","NDEF_TAG_APPLICATION_AID","NfcCarrierDataType","ReaderSession","RetrievalType","SessionCipher","SessionError","SessionStatus","T4tFileId","T4tStatus","TNF","Type4TagResponder","bleModesFromLeRole","blePayloadSize","buildHandoverRequest","buildHandoverSelect","buildReadBinary","buildSelectFile","buildSelectNdefApplication","buildSessionTranscript","carriersOf","decodeBleState","decodeCapabilityContainer","decodeCarrierRecord","decodeDeviceEngagement","decodeHandoverRequest","decodeHandoverSelect","decodeNdefMessage","decodeNfcEngagement","decodeResponseApdu","decodeSessionData","decodeSessionEstablishment","deriveBleIdent","deriveSessionKeys","encodeBleState","encodeCapabilityContainer","encodeCarrierRecord","encodeDeviceEngagement","encodeHandoverRequest","encodeHandoverSelect","encodeNdefMessage","encodeSessionData","encodeSessionEstablishment","engagementToQrUri","extractDeviceEngagement","isNdefRecord","latin1Bytes","latin1Text","leRoleFromBleModes","ndefRecord","qrUriToEngagement","readType4TagNdef","splitBleMessage","terminationReason","uuidFromString","uuidToString"];

// Every type export of the former nfc.ts, ndef.ts and ble.ts: this only compiles while each still exists.
type FormerTypes = [
  AlternativeCarrier,
  BleCarrier,
  BleModes,
  BleReassemblerOptions,
  BleState,
  CapabilityContainer,
  Carrier,
  CarrierConfiguration,
  CarrierPowerState,
  DecodeNdefOptions,
  HandoverCarrierRecord,
  HandoverRequest,
  HandoverRequestInput,
  HandoverSelect,
  HandoverSelectInput,
  LeRole,
  NdefFileControl,
  NdefRecord,
  NfcCarrier,
  NfcEngagement,
  OtherCarrier,
  ReadType4TagOptions,
  TNF,
  Transceive,
  Type4TagRead,
  Type4TagResponderOptions,
  WifiAwareCarrier,
];

/** Values added since: the holder's reader-profile waivers (`waiveReaderChecks`). */
const ADDED: readonly string[] = ['readerWaivableCheckIds'];

describe('shomei/session exports', () => {
  it('still exports every value it exported before nfc.ts was split, and only the values added since besides', () => {
    expect(Object.keys(session).sort()).toEqual([...BEFORE_SPLIT, ...ADDED].sort());
    for (const name of BEFORE_SPLIT) expect((session as Record<string, unknown>)[name], name).toBeDefined();
    const types: FormerTypes[] = [];
    expect(types).toHaveLength(0);
  });
});
