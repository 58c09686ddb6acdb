/** DeviceRequest version 1.1 (ISO 18013-5 second edition): DeviceRequestInfo, DocRequestInfo, ReaderAuthAll. */
import { describe, expect, it } from 'vitest';
import { EncodedCbor, encode } from '../../src/cbor/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import {
  buildDeviceRequest,
  decodeDeviceRequest,
  encodeDeviceRequest,
  readSessionTranscript,
  verifyReaderAuthAllSignature,
} from '../../src/mdoc/index.js';
import { BACKENDS } from '../helpers/backends.js';

const MDL = 'org.iso.18013.5.1.mDL';
const transcript = readSessionTranscript(EncodedCbor.wrap(encode([null, null, ['v1.1 test', 1]]), null).tagged);

describe.each(BACKENDS)('DeviceRequest 1.1 (%s)', (_name, backend) => {
  it('builds use cases and ReaderAuthAll, decodes them typed, and verifies ReaderAuthAll over this transcript', async () => {
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const request = await buildDeviceRequest(
      [
        { docType: MDL, nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } },
        { docType: 'org.iso.23220.1.jp.mnc', nameSpaces: { 'org.iso.23220.1': { age_over_20: false } } },
      ],
      {
        deviceRequestInfo: { useCases: [{ mandatory: true, documentSets: [[0], [1]], purposeHints: new Map([['org.iso.jtc1.sc17', 3]]) }] },
        readerAuthAll: { signer: key, certificates: [new Uint8Array([0x30, 0x00])], sessionTranscript: transcript },
        backend,
      },
    );
    expect(request.version).toBe('1.1');
    const back = decodeDeviceRequest(encodeDeviceRequest(request));
    expect(back.version).toBe('1.1');
    expect(back.deviceRequestInfo?.value.useCases).toEqual([{ mandatory: true, documentSets: [[0], [1]], purposeHints: new Map([['org.iso.jtc1.sc17', 3]]) }]);
    expect(back.readerAuthAll).toHaveLength(1);
    expect(await verifyReaderAuthAllSignature(back, transcript, publicKeyOf(key), { backend })).toBe(true);
    const other = readSessionTranscript(encode([null, null, null]));
    expect(await verifyReaderAuthAllSignature(back, other, publicKeyOf(key), { backend })).toBe(false);
    // Reordering the document requests changes the signed bytes.
    const swapped = { ...back, docRequests: [...back.docRequests].reverse() };
    expect(await verifyReaderAuthAllSignature(swapped, transcript, publicKeyOf(key), { backend })).toBe(false);
    // A 1.0 request has none of this.
    const plain = await buildDeviceRequest([{ docType: MDL, nameSpaces: { 'org.iso.18013.5.1': { family_name: false } } }]);
    expect(plain.version).toBe('1.0');
    expect(await verifyReaderAuthAllSignature(plain, transcript, publicKeyOf(key), { backend })).toBe(false);
  });

  it('reads DocRequestInfo from requestInfo and rejects malformed 1.1 members with a path', () => {
    const items = EncodedCbor.wrap(
      encode(
        new Map<string, unknown>([
          ['docType', MDL],
          ['nameSpaces', new Map([['org.iso.18013.5.1', new Map([['family_name', false]])]])],
          ['requestInfo', new Map<string, unknown>([['issuerIdentifiers', [new Uint8Array([1, 2])]], ['maximumResponseSize', 4096], ['uniqueDocSetRequired', true], ['x-vendor', 'kept']])],
        ]) as never,
      ),
      null,
    );
    const bytes = encode(new Map<string, unknown>([['version', '1.1'], ['docRequests', [new Map([['itemsRequest', items]])]]]) as never);
    const dr = decodeDeviceRequest(bytes).docRequests[0]!;
    expect(dr.itemsRequest.value.docRequestInfo).toEqual({ issuerIdentifiers: [new Uint8Array([1, 2])], maximumResponseSize: 4096, uniqueDocSetRequired: true });
    expect(dr.itemsRequest.value.requestInfo?.get('x-vendor')).toBe('kept');
    const badInfo = encode(new Map<string, unknown>([['version', '1.1'], ['docRequests', [new Map([['itemsRequest', items]])]], ['deviceRequestInfo', EncodedCbor.wrap(encode(new Map([['useCases', [new Map([['mandatory', 'yes']])]]]) as never), null)]]) as never);
    expect(() => decodeDeviceRequest(badInfo)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE', path: 'deviceRequest.deviceRequestInfo.useCases[0].mandatory' }));
  });
});
