import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CborValue, decode } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { isShomeiError, type ShomeiErrorCode } from '../../src/errors.js';
import { concat, fromHex, toHex } from '../../src/internal/bytes.js';
import { uuidFromString, uuidToString } from '../../src/session/ble.js';
import { decodeNdefMessage, encodeNdefMessage, latin1Bytes, type NdefRecord, ndefRecord, TNF } from '../../src/session/ndef.js';
import {
  type BleCarrier,
  bleModesFromLeRole,
  buildHandoverRequest,
  buildHandoverSelect,
  buildReadBinary,
  buildSelectFile,
  buildSelectNdefApplication,
  type CapabilityContainer,
  type CarrierConfiguration,
  CarrierPowerState,
  carriersOf,
  decodeCapabilityContainer,
  decodeCarrierRecord,
  decodeHandoverRequest,
  decodeHandoverSelect,
  decodeNfcEngagement,
  decodeResponseApdu,
  encodeCapabilityContainer,
  encodeCarrierRecord,
  encodeHandoverRequest,
  encodeHandoverSelect,
  extractDeviceEngagement,
  HANDOVER_VERSION,
  LeRole,
  leRoleFromBleModes,
  readType4TagNdef,
  T4tFileId,
  T4tStatus,
  type Transceive,
  Type4TagResponder,
} from '../../src/session/index.js';
import { annexDBytes } from '../helpers/annex-d.js';

const runs = Number(process.env.SHOMEI_FC_RUNS ?? 300);
const hsBytes = annexDBytes('nfc_handover_select');
const hrBytes = annexDBytes('nfc_handover_request');

async function expectCode(fn: () => unknown, code: ShomeiErrorCode, message?: RegExp): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    expect(isShomeiError(e, code), String(e)).toBe(true);
    if (message) expect((e as Error).message).toMatch(message);
    return e;
  }
  throw new Error(`expected ${code}`);
}

/** Replace the records after the first of an NDEF message (a Handover message with other carrier records). */
function withRecords(message: Uint8Array, records: ReturnType<typeof decodeNdefMessage>): Uint8Array {
  return encodeNdefMessage([decodeNdefMessage(message)[0]!, ...records]);
}

describe('Annex D NFC negotiated handover (D.5.1)', () => {
  it('decodes the Handover Select, re-encodes it byte for byte, and yields the DeviceEngagement', () => {
    const hs = decodeHandoverSelect(hsBytes);
    expect(hs.version).toBe(0x15);
    expect(hs.alternativeCarriers).toEqual([{ cps: CarrierPowerState.Active, carrierDataReference: '0', auxiliaryDataReferences: ['mdoc'] }]);
    expect(toHex(encodeHandoverSelect(hs))).toBe(toHex(hsBytes));
    expect(toHex(extractDeviceEngagement(hs))).toBe(toHex(annexDBytes('device_engagement_nfc')));
    expect(toHex(extractDeviceEngagement(hsBytes))).toBe(toHex(annexDBytes('device_engagement_nfc')));
    const engagement = decodeNfcEngagement(hsBytes);
    expect(toHex(engagement.deviceEngagement)).toBe(toHex(annexDBytes('device_engagement_nfc')));
    // The mdoc chose BLE mdoc central client mode: LE role "Central only", random address, no UUID.
    expect(engagement.carriers.map((c) => c.configuration)).toEqual([
      { kind: 'ble', leRole: LeRole.CentralOnly, deviceAddress: fromHex('28128b372828'), deviceAddressType: 1 },
    ]);
    expect(engagement.carriers[0]!.auxiliaryRecords.map((r) => toHex(r.payload))).toEqual([toHex(annexDBytes('device_engagement_nfc'))]);
    expect(bleModesFromLeRole(LeRole.CentralOnly, 'mdoc')).toEqual({ peripheralServerMode: false, centralClientMode: true });
  });

  it('decodes the Handover Request, re-encodes it byte for byte, and types its three carriers', () => {
    const hr = decodeHandoverRequest(hrBytes);
    expect(hr.version).toBe(0x15);
    expect(hr.collisionResolution).toBe(0x0102);
    expect(hr.alternativeCarriers.map((a) => a.carrierDataReference)).toEqual(['0', 'nfc', 'W']);
    expect(toHex(encodeHandoverRequest(hr))).toBe(toHex(hrBytes));
    const configs = carriersOf(hr).map((c) => c.configuration);
    expect(configs[0]).toEqual({
      kind: 'ble',
      leRole: LeRole.BothPeripheralPreferred,
      serviceUuids: [uuidFromString('3a82d455-d5fc-4db3-bea0-6fd2f6ff32c8')],
      deviceAddress: fromHex('28078080bf28'),
      deviceAddressType: 1,
    });
    // The UUID read least-significant-byte first comes out as a version 4, RFC 4122 variant UUID.
    const uuid = uuidToString((configs[0] as BleCarrier).serviceUuids![0]!);
    expect(uuid[14]).toBe('4');
    expect('89ab').toContain(uuid[19]);
    expect(configs[1]).toEqual({ kind: 'nfc' }); // version byte only
    expect(configs[2]!.kind).toBe('wifiAware');
  });

  it('rebuilds both messages byte for byte from typed values', () => {
    const hs = buildHandoverSelect({
      deviceEngagement: annexDBytes('device_engagement_nfc'),
      carriers: [{ kind: 'ble', leRole: LeRole.CentralOnly, deviceAddress: fromHex('28128b372828'), deviceAddressType: 1 }],
    });
    expect(toHex(encodeHandoverSelect(hs))).toBe(toHex(hsBytes));
    const typed = carriersOf(decodeHandoverRequest(hrBytes)).map((c) => c.configuration);
    const hr = buildHandoverRequest({ carriers: typed, collisionResolution: 0x0102 });
    expect(toHex(encodeHandoverRequest(hr))).toBe(toHex(hrBytes));
  });

  it('are the two handover messages of the published SessionTranscript', () => {
    const transcript = decode(annexDBytes('session_transcript')) as CborValue[];
    const handover = transcript[2] as Uint8Array[];
    expect(toHex(handover[0]!)).toBe(toHex(hsBytes));
    expect(toHex(handover[1]!)).toBe(toHex(hrBytes));
  });
});

describe('carrier configuration records', () => {
  const uuid = uuidFromString('00112233-4455-6677-8899-aabbccddeeff');

  it('round-trip BLE, NFC, Wi-Fi Aware, Hc and other records through their typed views', () => {
    const carriers: CarrierConfiguration[] = [
      {
        kind: 'ble',
        leRole: LeRole.BothCentralPreferred,
        serviceUuids: [uuid, uuidFromString('3a82d455-d5fc-4db3-bea0-6fd2f6ff32c8')],
        deviceAddress: fromHex('010203040506'),
        otherAdStructures: [{ type: 0x09, data: latin1Bytes('mdoc') }],
      },
      { kind: 'ble', leRole: LeRole.PeripheralOnly },
      { kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 65536 },
      { kind: 'nfc', maxCommandDataLength: 0xffff, maxResponseDataLength: 256 },
      { kind: 'nfc', maxResponseDataLength: 1 },
      { kind: 'wifiAware', data: fromHex('0301010302040414') },
      { kind: 'handoverCarrier', carrierTnf: TNF.Media, carrierType: latin1Bytes('application/vnd.wfa.wsc'), carrierData: Uint8Array.of(1, 2) },
      { kind: 'other', record: ndefRecord(TNF.External, 'example.com:carrier', Uint8Array.of(7), 'x') },
    ];
    for (const c of carriers) {
      const record = encodeCarrierRecord(c, c.kind === 'handoverCarrier' ? 'h' : undefined);
      const back = decodeCarrierRecord(decodeNdefMessage(encodeNdefMessage([record]))[0]!);
      expect(back).toEqual(c);
    }
    // BLE AD: 128-bit UUIDs go on air least significant byte first.
    const ble = encodeCarrierRecord({ kind: 'ble', serviceUuids: [uuid] });
    expect(toHex(ble.payload)).toBe('1107' + 'ffeeddccbbaa99887766554433221100');
    expect(toHex(ble.id!)).toBe('30');
    // iso.org:18013:nfc: version 01, then [length][type][value] with big-endian values.
    expect(toHex(encodeCarrierRecord({ kind: 'nfc', maxCommandDataLength: 0xffff, maxResponseDataLength: 0xffff }).payload)).toBe('010301ffff0302ffff');
    expect(toHex(encodeCarrierRecord({ kind: 'nfc', maxResponseDataLength: 0x10000 }).payload)).toBe('010402010000');
  });

  it('accepts the value widths other implementations write and skips unknown NFC data types', () => {
    const nfc = (hex: string) => decodeCarrierRecord(ndefRecord(TNF.External, 'iso.org:18013:nfc', fromHex(hex), 'nfc'));
    expect(nfc('01020180' + '0302ffff')).toEqual({ kind: 'nfc', maxCommandDataLength: 0x80, maxResponseDataLength: 0xffff });
    expect(nfc('01' + '0209aa' + '0302ffff')).toEqual({ kind: 'nfc', maxResponseDataLength: 0xffff });
    const ble = (hex: string) => decodeCarrierRecord(ndefRecord(TNF.Media, 'application/vnd.bluetooth.le.oob', fromHex(hex), '0'));
    expect(ble('071b010203040506' + '021c00' + '0000')).toEqual({ kind: 'ble', leRole: 0, deviceAddress: fromHex('010203040506') });
  });

  it('refuses malformed carrier payloads with ERR_SESSION_NDEF', async () => {
    const ble = (hex: string) => () => decodeCarrierRecord(ndefRecord(TNF.Media, 'application/vnd.bluetooth.le.oob', fromHex(hex), '0'));
    const nfc = (hex: string) => () => decodeCarrierRecord(ndefRecord(TNF.External, 'iso.org:18013:nfc', fromHex(hex), 'nfc'));
    const hc = (hex: string) => () => decodeCarrierRecord(ndefRecord(TNF.WellKnown, 'Hc', fromHex(hex), 'h'));
    for (const [fn, message] of [
      [ble('051c01'), /runs past/],
      [ble('021c04'), /LE Role/],
      [ble('021c01021c01'), /twice/],
      [ble('061b0102030405'), /Device Address is not 6 or 7/],
      [ble('081b01020304050602'), /type is not 0 or 1/],
      [ble('1007' + '00'.repeat(15)), /multiple of 16/],
      [ble('021c01' + '0001'), /after the AD terminator/],
      [nfc(''), /version/],
      [nfc('02'), /version/],
      [nfc('0105010000000001'), /not 1\.\.3 bytes/],
      [nfc('010501'), /runs past/],
      [nfc('0100'), /runs past/],
      [nfc('0102010102020101'), /appears twice|runs past/],
      [nfc('01020101' + '020101'), /command data length appears twice/],
      [nfc('01020201' + '020201'), /response data length appears twice/],
      [hc('02'), /too short/],
      [hc('0a0141'), /reserved bits/],
      [hc('050141'), /format 5/],
      [hc('020541'), /runs past/],
    ] as const) {
      await expectCode(fn, 'ERR_SESSION_NDEF', message);
    }
  });

  it('maps LE roles to 18013-5 BLE modes for each sender, both ways', () => {
    for (const sender of ['mdoc', 'reader'] as const) {
      for (const role of [0, 1, 2, 3] as LeRole[]) {
        const modes = bleModesFromLeRole(role, sender);
        if (role < 2) expect(leRoleFromBleModes(modes, sender)).toBe(role);
        else expect(modes).toEqual({ peripheralServerMode: true, centralClientMode: true });
      }
    }
    // A reader that is Peripheral only offers mdoc central client mode.
    expect(bleModesFromLeRole(LeRole.PeripheralOnly, 'reader')).toEqual({ peripheralServerMode: false, centralClientMode: true });
    const both = { peripheralServerMode: true, centralClientMode: true };
    expect(leRoleFromBleModes(both, 'mdoc')).toBe(LeRole.BothPeripheralPreferred);
    expect(leRoleFromBleModes(both, 'mdoc', 'centralClientMode')).toBe(LeRole.BothCentralPreferred);
    expect(leRoleFromBleModes(both, 'reader')).toBe(LeRole.BothCentralPreferred);
    expect(() => leRoleFromBleModes({ peripheralServerMode: false, centralClientMode: false }, 'mdoc')).toThrow(RangeError);
  });
});

describe('Handover Select and Request', () => {
  const de = annexDBytes('device_engagement_nfc');
  const carriers: CarrierConfiguration[] = [
    { kind: 'ble', leRole: LeRole.PeripheralOnly, serviceUuids: [uuidFromString('3a82d455-d5fc-4db3-bea0-6fd2f6ff32c8')] },
    { kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 256 },
  ];

  it('builds a static handover select whose carriers all name the DeviceEngagement', () => {
    const hs = buildHandoverSelect({ deviceEngagement: de, carriers });
    const bytes = encodeHandoverSelect(hs);
    const back = decodeHandoverSelect(bytes);
    expect(back).toEqual(hs);
    expect(back.version).toBe(HANDOVER_VERSION);
    const engagement = decodeNfcEngagement(bytes);
    expect(toHex(engagement.deviceEngagement)).toBe(toHex(de));
    expect(engagement.carriers.map((c) => c.configuration)).toEqual(carriers);
    expect(engagement.carriers.every((c) => c.auxiliaryRecords.length === 1)).toBe(true);
    // A select with no carrier is only the version byte and the DeviceEngagement record.
    const none = encodeHandoverSelect(buildHandoverSelect({ deviceEngagement: de, carriers: [] }));
    expect(toHex(decodeNdefMessage(none)[0]!.payload)).toBe('15');
    expect(decodeNfcEngagement(none).carriers).toEqual([]);
  });

  it('builds a handover request with a random collision resolution number', () => {
    const hr = buildHandoverRequest({ carriers }, { backend: nobleBackend });
    expect(hr.collisionResolution).toBeGreaterThanOrEqual(0);
    expect(hr.collisionResolution).toBeLessThanOrEqual(0xffff);
    expect(decodeHandoverRequest(encodeHandoverRequest(hr))).toEqual(hr);
    const withHc = buildHandoverRequest({
      carriers: [{ kind: 'handoverCarrier', carrierTnf: TNF.Media, carrierType: latin1Bytes('application/vnd.wfa.nan'), carrierData: new Uint8Array(0) }],
      collisionResolution: 7,
    });
    expect(carriersOf(decodeHandoverRequest(encodeHandoverRequest(withHc)))[0]!.configuration.kind).toBe('handoverCarrier');
  });

  it('resolves ac references in one pass over the records and decodes each configuration record once', () => {
    // 100 carrier records, and 100 ac records that each name the first as carrier and all 100 as auxiliary data.
    let idReads = 0;
    let payloadReads = 0;
    const counted = (r: NdefRecord): NdefRecord => ({
      tnf: r.tnf,
      type: r.type,
      get id() {
        idReads++;
        return r.id!;
      },
      get payload() {
        payloadReads++;
        return r.payload;
      },
    });
    const ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const records = ids.map((id) => counted(encodeCarrierRecord({ kind: 'ble', leRole: LeRole.PeripheralOnly }, id)));
    const alternativeCarriers = ids.map(() => ({ cps: CarrierPowerState.Active, carrierDataReference: 'c0', auxiliaryDataReferences: ids }));
    const found = carriersOf({ version: HANDOVER_VERSION, alternativeCarriers, otherLocalRecords: [], records });
    expect(found).toHaveLength(100);
    expect(found.every((c) => c.record === records[0] && c.auxiliaryRecords.length === 100 && c.auxiliaryRecords[99] === records[99])).toBe(true);
    expect(found[99]!.configuration).toEqual({ kind: 'ble', leRole: LeRole.PeripheralOnly });
    // Linear: each ID read a bounded number of times (a scan per reference read them ~500,000 times).
    expect(idReads).toBeLessThanOrEqual(2 * records.length);
    expect(payloadReads).toBeLessThanOrEqual(5);
    // The same message as bytes decodes (the reference check uses the same index).
    const bytes = encodeHandoverSelect({ version: HANDOVER_VERSION, alternativeCarriers, otherLocalRecords: [], records: ids.map((id) => encodeCarrierRecord({ kind: 'ble', leRole: LeRole.PeripheralOnly }, id)) });
    expect(carriersOf(decodeHandoverSelect(bytes))).toHaveLength(100);
  });

  it('keeps other local records (err) after the ac records', () => {
    const hs = { ...buildHandoverSelect({ deviceEngagement: de, carriers }), otherLocalRecords: [ndefRecord(TNF.WellKnown, 'err', Uint8Array.of(1, 0))] };
    expect(decodeHandoverSelect(encodeHandoverSelect(hs))).toEqual(hs);
  });

  it('refuses misuse with RangeError or TypeError', () => {
    expect(() => buildHandoverSelect({ deviceEngagement: de, carriers: [carriers[0]!, carriers[0]!] })).toThrow(RangeError);
    expect(() => buildHandoverRequest({ carriers: [] })).toThrow(RangeError);
    expect(() => encodeCarrierRecord({ kind: 'handoverCarrier', carrierTnf: TNF.Media, carrierType: Uint8Array.of(1), carrierData: new Uint8Array(0) })).toThrow(TypeError);
    expect(() => encodeCarrierRecord({ kind: 'nfc', maxCommandDataLength: 0 })).toThrow(RangeError);
    expect(() => encodeCarrierRecord({ kind: 'nfc', maxResponseDataLength: 0x10001 })).toThrow(RangeError);
    expect(() => encodeCarrierRecord({ kind: 'ble', leRole: 4 as LeRole })).toThrow(RangeError);
    const hr = decodeHandoverRequest(hrBytes);
    expect(() => encodeHandoverRequest({ ...hr, collisionResolution: 0x10000 })).toThrow(RangeError);
    expect(() => encodeHandoverRequest({ ...hr, alternativeCarriers: [] })).toThrow(RangeError);
    expect(() => encodeHandoverSelect({ ...decodeHandoverSelect(hsBytes), version: 256 })).toThrow(RangeError);
    expect(() =>
      encodeHandoverSelect({ ...decodeHandoverSelect(hsBytes), alternativeCarriers: [{ cps: 1, carrierDataReference: '', auxiliaryDataReferences: [] }] }),
    ).toThrow(RangeError);
  });

  it('refuses malformed handover messages with ERR_SESSION_NDEF', async () => {
    const hsRecords = decodeNdefMessage(hsBytes);
    const hs = (payloadHex: string) => encodeNdefMessage([ndefRecord(TNF.WellKnown, 'Hs', fromHex(payloadHex)), ...hsRecords.slice(1)]);
    const ac = (hex: string) => toHex(encodeNdefMessage([ndefRecord(TNF.WellKnown, 'ac', fromHex(hex))]));
    const hrRecords = decodeNdefMessage(hrBytes);
    const hr = (localHex: string) => encodeNdefMessage([ndefRecord(TNF.WellKnown, 'Hr', fromHex('15' + localHex)), ...hrRecords.slice(1)]);
    const cr = (hex: string) => encodeNdefMessage([ndefRecord(TNF.WellKnown, 'cr', fromHex(hex))]);
    const acs = decodeNdefMessage(decodeNdefMessage(hrBytes)[0]!.payload.subarray(1)).slice(1);
    for (const [fn, message] of [
      [() => decodeHandoverSelect(hrBytes), /not Hs/],
      [() => decodeHandoverRequest(hsBytes), /not Hr/],
      [() => decodeHandoverSelect(hs('')), /no version/],
      [() => decodeHandoverSelect(hs('25')), /major version 2/],
      [() => decodeHandoverSelect(hs('15ff')), /record|MB/],
      [() => decodeHandoverSelect(hs('15' + ac('0101300104'))), /runs past/],
      [() => decodeHandoverSelect(hs('15' + ac('05013000'))), /reserved bits/],
      [() => decodeHandoverSelect(hs('15' + ac('0100'))), /too short/],
      [() => decodeHandoverSelect(hs('15' + ac('010030'))), /reference is empty/],
      [() => decodeHandoverSelect(hs('15' + ac('0105303030'))), /runs past/],
      [() => decodeHandoverSelect(hs('15' + ac('01013001'))), /reference 0 is missing/],
      [() => decodeHandoverSelect(hs('15' + ac('0101300100'))), /reference 0 is empty/],
      [() => decodeHandoverSelect(hs('15' + ac('01013000ff'))), /bytes follow/],
      [() => decodeHandoverSelect(hs('15' + ac('0101370104' + toHex(latin1Bytes('mdoc'))))), /no record has the ID "7"/],
      [() => decodeHandoverSelect(withRecords(hsBytes, [...hsRecords.slice(1), hsRecords[1]!])), /2 records have the ID "0"/],
      [() => decodeHandoverRequest(hr(toHex(encodeNdefMessage([...decodeNdefMessage(cr('0102')), ...decodeNdefMessage(cr('0304')), ...acs])))), /2 cr records, at most one/],
      [() => decodeHandoverRequest(hr(toHex(cr('0102')))), /no ac record/],
      [() => decodeHandoverRequest(hr(toHex(encodeNdefMessage([...decodeNdefMessage(cr('010203')), ...acs])))), /cr payload is not 2 bytes/],
      [() => extractDeviceEngagement(withRecords(hsBytes, [hsRecords[1]!])), /no record has the ID "mdoc"/],
      [() => extractDeviceEngagement(encodeHandoverSelect({ version: 0x15, alternativeCarriers: [], otherLocalRecords: [], records: [] })), /found 0/],
      [() => extractDeviceEngagement(encodeHandoverSelect({ version: 0x15, alternativeCarriers: [], otherLocalRecords: [], records: [hsRecords[2]!, hsRecords[2]!] })), /found 2/],
    ] as const) {
      await expectCode(fn, 'ERR_SESSION_NDEF', message);
    }
  });

  it('a Handover Request without a cr record (negotiated handover over TNEP, as Multipaz\'s reader sends it) reads with collisionResolution absent and encodes back to the same bytes', () => {
    const acs = decodeNdefMessage(decodeNdefMessage(hrBytes)[0]!.payload.subarray(1)).filter((r) => toHex(r.type) === '6163');
    const noCr = encodeNdefMessage([ndefRecord(TNF.WellKnown, 'Hr', Uint8Array.of(0x15, ...encodeNdefMessage(acs))), ...decodeNdefMessage(hrBytes).slice(1)]);
    const read = decodeHandoverRequest(noCr);
    expect(read.collisionResolution).toBeUndefined();
    expect('collisionResolution' in read).toBe(false);
    expect(read.alternativeCarriers.length).toBe(acs.length);
    expect(toHex(encodeHandoverRequest(read))).toBe(toHex(noCr));
    // With its cr, as before.
    expect(decodeHandoverRequest(hrBytes).collisionResolution).toEqual(expect.any(Number));
  });

  it('property: mutated handover messages decode or fail with ERR_SESSION_NDEF, nothing else', () => {
    const mutate = (seed: Uint8Array) =>
      fc
        .tuple(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(seed.length))
        .map(([flips, cut]) => {
          const b = seed.slice(0, Math.max(1, cut));
          for (const [i, v] of flips) if (i < b.length) b[i] = v;
          return b;
        });
    fc.assert(
      fc.property(fc.oneof(mutate(hsBytes), mutate(hrBytes)), (bytes) => {
        for (const read of [
          () => decodeNfcEngagement(bytes),
          () => carriersOf(decodeHandoverRequest(bytes)),
          () => decodeHandoverSelect(bytes).records.map((r) => decodeCarrierRecord(r)),
        ]) {
          try {
            read();
          } catch (e) {
            expect(isShomeiError(e, 'ERR_SESSION_NDEF'), String(e)).toBe(true);
          }
        }
      }),
      { numRuns: runs * 4 },
    );
  });
});

describe('Type 4 Tag', () => {
  it('builds the T4T command APDUs', () => {
    expect(toHex(buildSelectNdefApplication())).toBe('00a4040007d276000085010100');
    expect(toHex(buildSelectFile(T4tFileId.CapabilityContainer))).toBe('00a4000c02e103');
    expect(toHex(buildSelectFile(T4tFileId.Ndef))).toBe('00a4000c02e104');
    expect(toHex(buildReadBinary(0, 15))).toBe('00b000000f');
    expect(toHex(buildReadBinary(0x0102, 256))).toBe('00b0010200');
    expect(toHex(buildReadBinary(2, 1000))).toBe('00b00002' + '0003e8');
    expect(toHex(buildReadBinary(0, 65536))).toBe('00b00000' + '000000');
    expect(() => buildReadBinary(0x8000, 1)).toThrow(RangeError);
    expect(() => buildReadBinary(0, 0)).toThrow(RangeError);
    expect(() => buildSelectFile(0x10000)).toThrow(RangeError);
  });

  it('encodes and decodes capability containers, refusing bad ones', async () => {
    const cc: CapabilityContainer = { mappingVersion: 0x20, mle: 0x7fff, mlc: 0x7fff, ndefFile: { fileId: 0xe104, maxSize: 0x7fff, readAccess: 0, writeAccess: 0xff } };
    const bytes = encodeCapabilityContainer(cc);
    expect(toHex(bytes)).toBe('000f207fff7fff0406e1047fff00ff');
    expect(decodeCapabilityContainer(bytes)).toEqual(cc);
    const withExtra = { ...cc, extra: fromHex('0506e1050010 0000'.replace(' ', '')) };
    expect(decodeCapabilityContainer(encodeCapabilityContainer(withExtra))).toEqual(withExtra);
    const bad = (patch: Record<number, number>, length = 15) => {
      const b = bytes.slice(0, length);
      for (const [i, v] of Object.entries(patch)) b[Number(i)] = v;
      return () => decodeCapabilityContainer(b);
    };
    for (const [fn, message] of [
      [bad({}, 14), /shorter than 15/],
      [bad({ 1: 0x0e }), /CCLEN 14/],
      [bad({ 1: 0x10 }), /CCLEN 16/],
      [bad({ 3: 0, 4: 0x0e }), /MLe 14/],
      [bad({ 5: 0, 6: 0 }), /MLc is 0/],
      [bad({ 7: 0x06 }), /extended NDEF File Control/],
      [bad({ 7: 0x05 }), /not an NDEF File Control TLV/],
      [bad({ 8: 0x08 }), /not an NDEF File Control TLV/],
      [bad({ 9: 0xe1, 10: 0x03 }), /reserved/],
      [bad({ 11: 0, 12: 4 }), /outside 5/],
      [bad({ 11: 0xff, 12: 0xff }), /outside 5/],
    ] as const) {
      await expectCode(fn, 'ERR_SESSION_NDEF', message);
    }
    expect(() => encodeCapabilityContainer({ ...cc, mle: 0x10000 })).toThrow(RangeError);
  });

  it('splits response APDUs, refusing ones without a status word', async () => {
    expect(decodeResponseApdu(fromHex('01029000'))).toEqual({ data: Uint8Array.of(1, 2), sw: 0x9000 });
    await expectCode(() => decodeResponseApdu(Uint8Array.of(0x90)), 'ERR_APDU_MALFORMED');
  });

  const message = encodeHandoverSelect(
    buildHandoverSelect({
      deviceEngagement: annexDBytes('device_engagement_nfc'),
      carriers: [{ kind: 'ble', leRole: LeRole.PeripheralOnly, serviceUuids: [uuidFromString('3a82d455-d5fc-4db3-bea0-6fd2f6ff32c8')] }],
    }),
  );
  const big = encodeNdefMessage([ndefRecord(TNF.Media, 'application/octet-stream', new Uint8Array(5000).map((_, i) => i * 7))]);

  function recording(tag: Type4TagResponder): { transceive: Transceive; commands: Uint8Array[] } {
    const commands: Uint8Array[] = [];
    return {
      commands,
      transceive: async (c) => {
        commands.push(c);
        return tag.respond(c);
      },
    };
  }

  function readLengths(commands: Uint8Array[]): number[] {
    return commands
      .filter((c) => c[1] === 0xb0)
      .map((c) => (c.length === 5 ? c[4] || 256 : ((c[5]! << 8) | c[6]!) || 65536));
  }

  it('reads the engagement from the responder end to end for several MLe values', async () => {
    for (const mle of [15, 16, 100, 255, 256, 1000, 0xffff]) {
      for (const extendedLength of [false, true]) {
        for (const msg of [message, big]) {
          const tag = new Type4TagResponder(msg, { mle });
          const { transceive, commands } = recording(tag);
          const read = await readType4TagNdef(transceive, { extendedLength });
          expect(toHex(read.ndefMessage)).toBe(toHex(msg));
          expect(read.capabilityContainer.mle).toBe(mle);
          const lengths = readLengths(commands);
          expect(Math.max(...lengths)).toBeLessThanOrEqual(Math.min(mle, extendedLength ? 0xffff : 256));
          expect(toHex(commands[0]!)).toBe(toHex(buildSelectNdefApplication()));
        }
      }
    }
    const read = await readType4TagNdef(recording(new Type4TagResponder(message)).transceive);
    expect(toHex(decodeNfcEngagement(read.ndefMessage).deviceEngagement)).toBe(toHex(annexDBytes('device_engagement_nfc')));
  });

  it('answers unexpected commands with ISO/IEC 7816-4 status words', () => {
    const tag = new Type4TagResponder(message, { mle: 100 });
    const status = (hex: string) => decodeResponseApdu(tag.respond(fromHex(hex))).sw;
    expect(status('00a4')).toBe(T4tStatus.WrongLength);
    expect(status('80a4040007d276000085010100')).toBe(T4tStatus.ClaNotSupported);
    expect(status('00a4000c02e103')).toBe(T4tStatus.FileNotFound); // application not selected yet
    expect(status('00a4040007d276000085010200')).toBe(T4tStatus.FileNotFound); // another AID
    expect(status('00b000000f')).toBe(T4tStatus.NoCurrentEf);
    expect(status('00a4040007d276000085010100')).toBe(T4tStatus.Ok);
    expect(status('00a4040c07d2760000850101')).toBe(T4tStatus.Ok);
    expect(status('00a4040009d276000085010100')).toBe(T4tStatus.WrongLength);
    expect(status('00a4040000')).toBe(T4tStatus.WrongLength);
    expect(status('00a4000c03e10300')).toBe(T4tStatus.WrongLength);
    expect(status('00a4020c02e103')).toBe(T4tStatus.IncorrectP1P2);
    expect(status('00a4000c02e105')).toBe(T4tStatus.FileNotFound);
    expect(status('00b000000f')).toBe(T4tStatus.NoCurrentEf);
    expect(status('00a4000c02e103')).toBe(T4tStatus.Ok);
    expect(toHex(tag.respond(fromHex('00b000000f')))).toBe('000f20006400ff0406e104' + (message.length + 2).toString(16).padStart(4, '0') + '00ff9000');
    expect(status('00b0000065')).toBe(T4tStatus.WrongLength); // 101 > MLe
    expect(status('00b0000000')).toBe(T4tStatus.WrongLength); // 256 > MLe
    expect(status('00b0000f0001')).toBe(T4tStatus.WrongLength);
    expect(status('00b0000f01')).toBe(T4tStatus.WrongOffset);
    expect(status('00b0800001')).toBe(T4tStatus.IncorrectP1P2);
    expect(status('00d600000100')).toBe(T4tStatus.InsNotSupported); // UPDATE BINARY: negotiated handover not implemented
    expect(status('00a4000c02e104')).toBe(T4tStatus.Ok);
    expect(toHex(tag.respond(fromHex('00b0000002')))).toBe((message.length).toString(16).padStart(4, '0') + '9000');
    expect(() => new Type4TagResponder(new Uint8Array(0))).toThrow(RangeError);
    expect(() => new Type4TagResponder(message, { mle: 14 })).toThrow(RangeError);
    expect(() => new Type4TagResponder(message, { mlc: 0 })).toThrow(RangeError);
    expect(() => new Type4TagResponder(message, { fileId: 0xe103 })).toThrow();
  });

  /** A tag serving the given CC and NDEF file bytes, answering every READ BINARY with what is there. */
  function fakeTag(cc: Uint8Array, ndefFile: Uint8Array, overrides: { selectApp?: number; extra?: number } = {}): Transceive {
    let file: Uint8Array | undefined;
    return async (c) => {
      if (c[1] === 0xa4 && c[2] === 0x04) return fromHex((overrides.selectApp ?? 0x9000).toString(16));
      if (c[1] === 0xa4) {
        file = c[6] === 0x03 ? cc : ndefFile;
        return fromHex('9000');
      }
      const offset = (c[2]! << 8) | c[3]!;
      const n = (c[4] || 256) + (overrides.extra ?? 0);
      return concat(file!.slice(offset, offset + n), fromHex('9000'));
    };
  }

  it('reports a failing tag with typed errors', async () => {
    const cc = (patch: Record<number, number> = {}) => {
      const b = fromHex('000f20007f007f0406e104100000ff');
      for (const [i, v] of Object.entries(patch)) b[Number(i)] = v;
      return b;
    };
    const file = concat(Uint8Array.of(message.length >> 8, message.length & 0xff), message);
    expect(toHex((await readType4TagNdef(fakeTag(cc(), file))).ndefMessage)).toBe(toHex(message));
    const e = (await expectCode(() => readType4TagNdef(fakeTag(cc(), file, { selectApp: 0x6a82 })), 'ERR_APDU_STATUS')) as { sw: number };
    expect(e.sw).toBe(0x6a82);
    await expectCode(() => readType4TagNdef(fakeTag(cc(), file, { extra: 1 })), 'ERR_APDU_MALFORMED', /NLEN returned 3 bytes for 2/);
    await expectCode(() => readType4TagNdef(fakeTag(cc(), file.subarray(0, 50))), 'ERR_APDU_MALFORMED', /returned 0 bytes/);
    await expectCode(() => readType4TagNdef(fakeTag(cc({ 2: 0x10 }), file)), 'ERR_SESSION_NDEF', /mapping version 1\.0/);
    await expectCode(() => readType4TagNdef(fakeTag(cc({ 13: 0x80 }), file)), 'ERR_SESSION_NDEF', /read access/);
    await expectCode(() => readType4TagNdef(fakeTag(cc(), Uint8Array.of(0, 0))), 'ERR_SESSION_NDEF', /NLEN 0/);
    await expectCode(() => readType4TagNdef(fakeTag(cc({ 11: 0, 12: 0x20 }), file)), 'ERR_SESSION_NDEF', /beyond the maximum NDEF size/);
    await expectCode(() => readType4TagNdef(fakeTag(cc(), file), { maxMessageSize: 10 }), 'ERR_SESSION_NDEF', /over the limit 10/);
    await expectCode(() => readType4TagNdef(fakeTag(cc({ 7: 0x06 }), file)), 'ERR_SESSION_NDEF', /extended/);
    await expectCode(async () => readType4TagNdef(async () => Uint8Array.of(0x90)), 'ERR_APDU_MALFORMED');
    // A CC longer than 15 bytes is read in full.
    const longCc = concat(fromHex('0015'), cc().subarray(2), fromHex('0506e1050010'));
    const read = await readType4TagNdef(fakeTag(longCc, file));
    expect(toHex(read.capabilityContainer.extra!)).toBe('0506e1050010');
  });
});
