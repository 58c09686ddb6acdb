/**
 * Names chosen by the other side (issue 15 items 6 and 11): a reader's element or namespace
 * called `toString` or `__proto__` never reaches the object prototype on the holder's side,
 * and a holder's namespace called `__proto__` never sets the prototype of the report.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EncodedCbor, encode } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { PrivateKey } from '../../src/crypto/types.js';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, type IssuerSigned, issueMdoc, verifyDeviceResponse } from '../../src/mdoc/index.js';
import { deviceKey, NOW, type TestIssuer, testIssuer } from './fixtures.js';

const backend = nobleBackend;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.example.ns';
const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['wire names', 1]]), null).tagged;
const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * 86_400_000) };

let issuer: TestIssuer;
let device: PrivateKey;
let mdoc: IssuerSigned;

beforeAll(async () => {
  issuer = await testIssuer(backend);
  device = await deviceKey(backend);
  mdoc = await issueMdoc({
    docType: MDL,
    nameSpaces: { [NS]: { nickname: 'x' }, toString: { a: 1 } },
    deviceKey: publicKeyOf(device),
    validity,
    issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
    keyAuthorizations: { nameSpaces: [NS] },
    backend,
  });
});

describe('holder: names from the request', () => {
  it('a request for toString or __proto__ gets "not returned", never a prototype value signed by the device', async () => {
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { toString: false, ['__proto__']: false, constructor: false } as never } }]);
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: mdoc, deviceKey: device, deviceSigned: { [NS]: {} } }],
      request,
      sessionTranscript,
      backend,
    });
    const doc = response.documents[0]!;
    expect(doc.deviceSigned!.nameSpaces.value.size).toBe(0);
    expect([...(doc.errors?.get(NS)?.keys() ?? [])].sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });

  it('consent that names no namespace keeps nothing, even for a namespace called toString', async () => {
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: mdoc, deviceKey: device }],
      elements: { toString: ['a'] },
      sessionTranscript,
      consent: (_docType, proposed) => {
        expect(Object.getPrototypeOf(proposed)).toBe(null);
        expect(Object.keys(proposed)).toEqual(['toString']);
        return {};
      },
      backend,
    });
    expect(response.documents[0]!.issuerSigned.nameSpaces.size).toBe(0);
    expect(response.documents[0]!.errors?.get('toString')?.get('a')).toBe(0);
  });
});

describe('verifier: names from the response', () => {
  it('a namespace called __proto__ in errors and disclosed elements is an own key, not the prototype', async () => {
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: mdoc, deviceKey: device }],
      elements: { ['__proto__']: ['polluted'], toString: ['a'] } as never,
      sessionTranscript,
      backend,
    });
    const result = await verifyDeviceResponse(encodeDeviceResponse(response), { trustAnchors: [issuer.iaca], sessionTranscript, now: NOW, backend });
    const doc = result.documents[0]!;
    expect(result.valid).toBe(true);
    expect(Object.getPrototypeOf(doc.errors)).toBe(null);
    expect(Object.hasOwn(doc.errors, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(doc.errors, '__proto__')?.value).toEqual({ polluted: 0 });
    expect(Object.getPrototypeOf(doc.issuerSigned)).toBe(null);
    expect(doc.issuerSigned.toString).toEqual({ a: 1 });
    expect(Object.keys(doc.errors)).toEqual(['__proto__']);
  });
});
