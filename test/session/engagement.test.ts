/**
 * DeviceEngagement (ISO/IEC 18013-5 §8.2.1.1) encode/decode: every member a holder may
 * advertise round-trips, and keys 18013-5 does not define (top level and inside the BLE,
 * NFC and Wi-Fi Aware option maps) are kept as received and written back.
 */
import { describe, expect, it } from 'vitest';
import { CborFloat, type CborValue, decode, encode } from '../../src/cbor/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { decodeDeviceEngagement, encodeDeviceEngagement } from '../../src/session/index.js';

const key = publicKeyOf(await nobleBackend.generateKeyPair('P-256'));
/** EDeviceKeyBytes (tag 24) as shomei writes them, to build engagements by hand. */
const keyBytes = (decode(encodeDeviceEngagement({ eDeviceKey: key })) as Map<CborValue, CborValue[]>).get(1)![1]!;
const withMethods = (methods: CborValue) => encode(new Map<CborValue, CborValue>([[0, '1.0'], [1, [1, keyBytes]], [2, methods]]));

describe('DeviceEngagement', () => {
  it('round-trips server retrieval, protocol info, origin infos, capabilities and extensions', () => {
    const serverRetrievalMethods = new Map<CborValue, CborValue>([['webApi', [1, 'https://issuer.example/mdoc', 'token']]]);
    const originInfos = [new Map<CborValue, CborValue>([[0, 1], [1, 'https://verifier.example']])];
    const capabilities = new Map<CborValue, CborValue>([[0x44437, true]]);
    const bytes = encodeDeviceEngagement({
      eDeviceKey: key,
      version: '1.1',
      serverRetrievalMethods,
      protocolInfo: 'info',
      originInfos,
      capabilities,
      extensions: new Map<CborValue, CborValue>([[-7, 'vendor']]),
    });
    const raw = decode(bytes) as Map<CborValue, CborValue>;
    expect([...raw.keys()]).toEqual([0, 1, 3, 4, 5, 6, -7]);
    const e = decodeDeviceEngagement(bytes);
    expect(e.version).toBe('1.1');
    expect(e.serverRetrievalMethods).toEqual(serverRetrievalMethods);
    expect(e.protocolInfo).toBe('info');
    expect(e.originInfos).toEqual(originInfos);
    expect(e.capabilities).toEqual(capabilities);
    expect(e.extensions).toEqual(new Map([[-7, 'vendor']]));
  });

  it('keeps unknown option keys of BLE, NFC and Wi-Fi Aware methods and writes them back', () => {
    const methods = [
      [2, 1, new Map<CborValue, CborValue>([[0, false], [1, true], [11, new Uint8Array(16).fill(7)], [99, 'x']])],
      [1, 1, new Map<CborValue, CborValue>([[0, 255], [1, 256], ['vendor', 1]])],
      [3, 1, new Map<CborValue, CborValue>([[0, 'pass'], [4, new Uint8Array([1])]])],
    ];
    const handmade = withMethods(methods);
    const e = decodeDeviceEngagement(handmade);
    const [ble, nfc, wifi] = e.deviceRetrievalMethods;
    expect(ble).toMatchObject({ type: 'ble', options: { peripheralServerMode: false, centralClientMode: true, extensions: new Map([[99, 'x']]) } });
    expect(nfc).toMatchObject({ type: 'nfc', options: { maxCommandDataLength: 255, maxResponseDataLength: 256, extensions: new Map([['vendor', 1]]) } });
    expect(wifi).toMatchObject({ type: 'wifiAware', options: { passphrase: 'pass', extensions: new Map([[4, new Uint8Array([1])]]) } });
    // Written back, the engagement is byte for byte the one received.
    expect(encodeDeviceEngagement({ eDeviceKey: e.eDeviceKey, deviceRetrievalMethods: e.deviceRetrievalMethods })).toEqual(handmade);
  });

  it('rejects known option keys with the wrong type, NFC without its lengths, and misused extension keys', () => {
    for (const methods of [
      [[2, 1, new Map<CborValue, CborValue>([[0, 1]])]],
      [[1, 1, new Map<CborValue, CborValue>([[0, 255]])]],
      [[1, 1, new Map<CborValue, CborValue>([[0, -1], [1, 256]])]],
      [[3, 1, new Map<CborValue, CborValue>([[0, 7]])]],
      [[2, 1, 'not a map']],
    ]) {
      expect(() => decodeDeviceEngagement(withMethods(methods))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENGAGEMENT' }));
    }
    expect(() => encodeDeviceEngagement({ eDeviceKey: key, extensions: new Map([[2, []]]) })).toThrow(TypeError);
    expect(() =>
      encodeDeviceEngagement({
        eDeviceKey: key,
        deviceRetrievalMethods: [{ type: 'nfc', version: 1, options: { maxCommandDataLength: 1, maxResponseDataLength: 1, extensions: new Map([[0, 2]]) } }],
      }),
    ).toThrow(TypeError);
    // An option named like an Object.prototype member is unknown, not a label.
    for (const name of ['toString', 'constructor', '__proto__']) {
      const options = JSON.parse(`{"maxCommandDataLength": 1, "maxResponseDataLength": 1, "${name}": 1}`);
      expect(() => encodeDeviceEngagement({ eDeviceKey: key, deviceRetrievalMethods: [{ type: 'nfc', version: 1, options }] })).toThrow(`unknown nfc option ${name}`);
    }
  });

  it('refuses integers written as floats: the cipher suite 1.0, a member label 1.0, an NFC length 255.0', () => {
    const engagement = (suite: CborValue, label: CborValue = 1) => encode(new Map<CborValue, CborValue>([[0, '1.0'], [label, [suite, keyBytes]]]));
    expect(decodeDeviceEngagement(engagement(1)).cipherSuite).toBe(1);
    expect(() => decodeDeviceEngagement(engagement(new CborFloat(1)))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENGAGEMENT', message: expect.stringContaining('1 written as a float') }));
    expect(() => decodeDeviceEngagement(engagement(1, new CborFloat(1)))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENGAGEMENT' }));
    const nfc = (length: CborValue) => withMethods([[1, 1, new Map<CborValue, CborValue>([[0, length], [1, 256]])]]);
    expect(decodeDeviceEngagement(nfc(255)).deviceRetrievalMethods[0]).toMatchObject({ type: 'nfc', options: { maxCommandDataLength: 255 } });
    expect(() => decodeDeviceEngagement(nfc(new CborFloat(255)))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENGAGEMENT' }));
  });

  it('a member or option holding CBOR undefined (f7) is present with the wrong type, not absent', () => {
    const methodsUndefined = encode(new Map<CborValue, CborValue>([[0, '1.0'], [1, [1, keyBytes]], [2, undefined]]));
    expect(() => decodeDeviceEngagement(methodsUndefined)).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENGAGEMENT', message: 'DeviceRetrievalMethods is not an array' }));
    const ble = (mode: CborValue) => withMethods([[2, 1, new Map<CborValue, CborValue>([[0, mode], [1, true]])]]);
    expect(decodeDeviceEngagement(ble(false)).deviceRetrievalMethods[0]).toMatchObject({ type: 'ble', options: { peripheralServerMode: false, centralClientMode: true } });
    expect(() => decodeDeviceEngagement(ble(undefined))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_ENGAGEMENT', message: 'BLE option 0 has the wrong type' }));
  });
});
