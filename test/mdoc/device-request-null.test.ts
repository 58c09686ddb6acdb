/**
 * Optional DeviceRequest members sent as null or as CBOR undefined (the iPhone reader of iOS
 * 26.0 writes `readerAuthAll: null` and `deviceRequestInfo: null`): read as absent and named
 * (REQUEST_OPTIONAL_NULL, UNDEFINED_AS_ABSENT), never enabling anything: ReaderAuthAll is still
 * checked over `DeviceRequestInfoBytes / null` exactly as sent.
 */
import { describe, expect, it } from 'vitest';
import { decode, EncodedCbor, encode, encodeEmbedded, Tag } from '../../src/cbor/index.js';
import { coseSign1Value } from '../../src/cose/sign1.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { fromHex } from '../../src/internal/bytes.js';
import { buildDeviceRequest, decodeDeviceRequest, encodeDeviceRequest, MdocDeviation, readSessionTranscript, verifyReaderAuthAllSignature } from '../../src/mdoc/index.js';
import { BACKENDS } from '../helpers/backends.js';

// The brief's minimal reproduction: Apple's request without its ReaderAuth.
const APPLE_MINIMAL =
  'a46776657273696f6e63312e306b646f63526571756573747381a16c6974656d7352657175657374d818584ba267646f6354797065756f72672e69736f2e31383031332e352e312e6d444c6a6e616d65537061636573a1716f72672e69736f2e31383031332e352e31a16b6167655f6f7665725f3231f46d72656164657241757468416c6cf67164657669636552657175657374496e666ff6';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';

/** Re-encode a decoded request map with `edit` applied (the ItemsRequestBytes stay as they were). */
function edited(bytes: Uint8Array, edit: (m: Map<string, unknown>) => void): Uint8Array {
  const m = decode(bytes) as Map<string, unknown>;
  edit(m);
  return encode(m as never);
}

/** ItemsRequestBytes (tag 24) over the given ItemsRequest map. */
const itemsRequestBytes = (m: Map<string, unknown>) => encodeEmbedded(m as never);

describe('decodeDeviceRequest: optional members sent as null or undefined', () => {
  it('reads the iPhone request: readerAuthAll and deviceRequestInfo null are absent, each named REQUEST_OPTIONAL_NULL', () => {
    const request = decodeDeviceRequest(fromHex(APPLE_MINIMAL));
    expect(request.version).toBe('1.0');
    expect(request.docRequests[0]!.itemsRequest.value.docType).toBe(MDL);
    expect('readerAuthAll' in request).toBe(false);
    expect('deviceRequestInfo' in request).toBe(false);
    expect('extensions' in request).toBe(false);
    expect(request.deviations).toEqual([
      { id: MdocDeviation.REQUEST_OPTIONAL_NULL, path: 'deviceRequest.deviceRequestInfo', detail: 'deviceRequestInfo is null where the CDDL makes it optional: read as absent' },
      { id: MdocDeviation.REQUEST_OPTIONAL_NULL, path: 'deviceRequest.readerAuthAll', detail: 'readerAuthAll is null where the CDDL makes it optional: read as absent' },
    ]);
    // Encoded again, the nulls are left out.
    expect([...(decode(encodeDeviceRequest(request)) as Map<string, unknown>).keys()]).toEqual(['version', 'docRequests']);
  });

  it('a conformant request has no deviations member', () => {
    const without = edited(fromHex(APPLE_MINIMAL), (m) => {
      m.delete('readerAuthAll');
      m.delete('deviceRequestInfo');
    });
    expect('deviations' in decodeDeviceRequest(without)).toBe(false);
  });

  it('readerAuth null in a DocRequest is absent (an unsigned request), named', () => {
    const bytes = edited(fromHex(APPLE_MINIMAL), (m) => {
      (m.get('docRequests') as Map<string, unknown>[])[0]!.set('readerAuth', null);
    });
    const request = decodeDeviceRequest(bytes);
    expect('readerAuth' in request.docRequests[0]!).toBe(false);
    expect('extensions' in request.docRequests[0]!).toBe(false);
    expect(request.deviations?.map((d) => [d.id, d.path])).toContainEqual([MdocDeviation.REQUEST_OPTIONAL_NULL, 'deviceRequest.docRequests[0].readerAuth']);
  });

  it('null inside ItemsRequest, DocRequestInfo, DeviceRequestInfo and UseCase members are absent, named', () => {
    const items = new Map<string, unknown>([
      ['docType', MDL],
      ['nameSpaces', new Map([[NS, new Map([['age_over_21', false]])]])],
      [
        'requestInfo',
        new Map<string, unknown>([
          ['alternativeDataElements', null],
          ['issuerIdentifiers', null],
          ['uniqueDocSetRequired', null],
          ['maximumResponseSize', null],
        ]),
      ],
    ]);
    const info = new Map<string, unknown>([['useCases', [new Map<string, unknown>([['mandatory', true], ['documentSets', [[0]]], ['purposeHints', null]])]]]);
    const bytes = encode(
      new Map<string, unknown>([
        ['version', '1.1'],
        ['docRequests', [new Map([['itemsRequest', itemsRequestBytes(items)]])]],
        ['deviceRequestInfo', encodeEmbedded(info as never)],
      ]) as never,
    );
    const request = decodeDeviceRequest(bytes);
    const ir = request.docRequests[0]!.itemsRequest.value;
    expect(ir.docRequestInfo).toEqual({});
    // requestInfo itself is kept as received.
    expect(ir.requestInfo?.get('uniqueDocSetRequired')).toBeNull();
    expect(request.deviceRequestInfo?.value.useCases).toEqual([{ mandatory: true, documentSets: [[0]] }]);
    expect(request.deviations?.map((d) => [d.id, d.path])).toEqual([
      [MdocDeviation.REQUEST_OPTIONAL_NULL, 'deviceRequest.docRequests[0].itemsRequest.requestInfo.alternativeDataElements'],
      [MdocDeviation.REQUEST_OPTIONAL_NULL, 'deviceRequest.docRequests[0].itemsRequest.requestInfo.issuerIdentifiers'],
      [MdocDeviation.REQUEST_OPTIONAL_NULL, 'deviceRequest.docRequests[0].itemsRequest.requestInfo.uniqueDocSetRequired'],
      [MdocDeviation.REQUEST_OPTIONAL_NULL, 'deviceRequest.docRequests[0].itemsRequest.requestInfo.maximumResponseSize'],
      [MdocDeviation.REQUEST_OPTIONAL_NULL, 'deviceRequest.deviceRequestInfo.useCases[0].purposeHints'],
    ]);
    // requestInfo: null itself is absent too.
    const nullInfo = encode(
      new Map<string, unknown>([
        ['version', '1.0'],
        ['docRequests', [new Map([['itemsRequest', itemsRequestBytes(new Map([...items].map(([k, v]) => [k, k === 'requestInfo' ? null : v])))]])]],
      ]) as never,
    );
    const read = decodeDeviceRequest(nullInfo);
    expect('requestInfo' in read.docRequests[0]!.itemsRequest.value).toBe(false);
    expect(read.deviations?.map((d) => d.path)).toEqual(['deviceRequest.docRequests[0].itemsRequest.requestInfo']);
  });

  it('CBOR undefined in place of an optional member is absent, named UNDEFINED_AS_ABSENT', () => {
    const bytes = edited(fromHex(APPLE_MINIMAL), (m) => {
      m.set('readerAuthAll', undefined);
      m.delete('deviceRequestInfo');
      (m.get('docRequests') as Map<string, unknown>[])[0]!.set('readerAuth', undefined);
    });
    const request = decodeDeviceRequest(bytes);
    expect('readerAuthAll' in request).toBe(false);
    expect(request.deviations?.map((d) => [d.id, d.path])).toEqual([
      [MdocDeviation.UNDEFINED_AS_ABSENT, 'deviceRequest.docRequests[0].readerAuth'],
      [MdocDeviation.UNDEFINED_AS_ABSENT, 'deviceRequest.readerAuthAll'],
    ]);
  });

  it('any other wrong type is still ERR_MDOC_STRUCTURE', () => {
    for (const [key, value, path] of [
      ['deviceRequestInfo', 5, 'deviceRequest.deviceRequestInfo'],
      ['readerAuthAll', false, 'deviceRequest.readerAuthAll'],
      ['readerAuthAll', [null], 'deviceRequest.readerAuthAll[0]'],
    ] as const) {
      const bytes = edited(fromHex(APPLE_MINIMAL), (m) => m.set(key, value));
      expect(() => decodeDeviceRequest(bytes), `${key}: ${JSON.stringify(value)}`).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE', path }));
    }
  });
});

describe.each(BACKENDS)('ReaderAuthAll over a deviceRequestInfo sent as null (%s)', (_name, backend) => {
  const transcript = readSessionTranscript(EncodedCbor.wrap(encode([null, null, ['null members', 1]]), null).tagged);

  it('verifies as DeviceRequestInfoBytes / null: null as sent, absent alike; a signature over a DeviceRequestInfo does not carry over to null', async () => {
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const readerAuthAll = { signer: key, certificates: [new Uint8Array([0x30, 0x00])], sessionTranscript: transcript };
    const docs = [{ docType: MDL, nameSpaces: { [NS]: { age_over_21: false } } }];
    // Signed without DeviceRequestInfo (so over null), then sent with deviceRequestInfo: null.
    const plain = encodeDeviceRequest(await buildDeviceRequest(docs, { readerAuthAll, backend }));
    const withNull = decodeDeviceRequest(edited(plain, (m) => m.set('deviceRequestInfo', null)));
    expect(withNull.deviations?.map((d) => d.path)).toEqual(['deviceRequest.deviceRequestInfo']);
    expect(await verifyReaderAuthAllSignature(withNull, transcript, publicKeyOf(key), { backend })).toBe(true);
    // Signed over a DeviceRequestInfo, which is then replaced by null: refused.
    const withInfo = encodeDeviceRequest(await buildDeviceRequest(docs, { readerAuthAll, deviceRequestInfo: { useCases: [{ mandatory: true, documentSets: [[0]] }] }, backend }));
    expect(await verifyReaderAuthAllSignature(decodeDeviceRequest(withInfo), transcript, publicKeyOf(key), { backend })).toBe(true);
    const stripped = decodeDeviceRequest(edited(withInfo, (m) => m.set('deviceRequestInfo', null)));
    expect(await verifyReaderAuthAllSignature(stripped, transcript, publicKeyOf(key), { backend })).toBe(false);
    // The signature itself is untouched by the reading.
    expect(coseSign1Value(stripped.readerAuthAll![0]!)).toEqual(coseSign1Value(decodeDeviceRequest(withInfo).readerAuthAll![0]!));
  });

  it('readerAuthAll as one COSE_Sign1 (untagged or tag 18) is READER_AUTH_ALL_SINGLE and verifies; an array of tagged ones is an array', async () => {
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const readerAuthAll = { signer: key, certificates: [new Uint8Array([0x30, 0x00])], sessionTranscript: transcript };
    const plain = encodeDeviceRequest(await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { age_over_21: false } } }], { readerAuthAll, backend }));
    const sign1 = coseSign1Value(decodeDeviceRequest(plain).readerAuthAll![0]!);
    for (const single of [sign1, new Tag(18, sign1)]) {
      const read = decodeDeviceRequest(edited(plain, (m) => m.set('readerAuthAll', single)));
      expect(read.deviations).toEqual([expect.objectContaining({ id: 'READER_AUTH_ALL_SINGLE', path: 'deviceRequest.readerAuthAll' })]);
      expect(await verifyReaderAuthAllSignature(read, transcript, publicKeyOf(key), { backend })).toBe(true);
    }
    const tagged = decodeDeviceRequest(edited(plain, (m) => m.set('readerAuthAll', [new Tag(18, sign1), new Tag(18, sign1)])));
    expect(tagged.readerAuthAll).toHaveLength(2);
    expect(tagged.deviations).toBeUndefined();
    expect(await verifyReaderAuthAllSignature(tagged, transcript, publicKeyOf(key), { backend, index: 1 })).toBe(true);
  });
});
