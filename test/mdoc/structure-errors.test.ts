/**
 * ISO/IEC 18013-5 §8.3.2.1.2.2 (IssuerSignedItem) and §9.1.2.4 (MobileSecurityObject
 * valueDigests): a well-formed item or digest entry is read on a fast path that builds no
 * error path; anything else must still be ERR_MDOC_STRUCTURE naming where it is, never
 * accepted with a wrong type.
 */
import { describe, expect, it } from 'vitest';
import { decode, EncodedCbor, encode, Tag, TDate } from '../../src/cbor/index.js';
import { toHex } from '../../src/internal/bytes.js';
import { MdocError } from '../../src/errors.js';
import { buildDeviceRequest, decodeDeviceRequest, decodeDeviceResponse, encodeDeviceRequest, MAX_DOCUMENTS, MAX_ELEMENTS, MAX_IDENTIFIER_LENGTH } from '../../src/mdoc/index.js';
import { decodeIssuerSigned } from '../../src/mdoc/issuer-signed.js';
import { decodeMobileSecurityObject } from '../../src/mdoc/mso.js';

const NS = 'org.iso.18013.5.1';
const RANDOM = new Uint8Array(16).fill(7);
const ISSUER_AUTH = [encode(new Map([[1, -7]])), new Map(), new Uint8Array(8), new Uint8Array(64)];

function item(entries: [string, unknown][]): EncodedCbor<unknown> {
  return EncodedCbor.wrap(encode(new Map(entries) as never), undefined);
}

function issuerSigned(items: EncodedCbor<unknown>[]): Uint8Array {
  return encode(new Map<string, unknown>([['nameSpaces', new Map([[NS, items]])], ['issuerAuth', ISSUER_AUTH]]) as never);
}

function structureError(run: () => unknown): MdocError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(MdocError);
    expect((e as MdocError).code).toBe('ERR_MDOC_STRUCTURE');
    return e as MdocError;
  }
  throw new Error('expected ERR_MDOC_STRUCTURE, nothing was thrown');
}

const GOOD: [string, unknown][] = [
  ['digestID', 3],
  ['random', RANDOM],
  ['elementIdentifier', 'family_name'],
  ['elementValue', 'Yamada'],
];

describe('IssuerSignedItem', () => {
  it('a well-formed item reads every member, in any member order', () => {
    const decoded = decodeIssuerSigned(issuerSigned([item(GOOD), item([...GOOD].reverse().map(([k, v]) => [k, k === 'digestID' ? 4 : k === 'elementIdentifier' ? 'given_name' : v]))]));
    const [a, b] = decoded.nameSpaces.get(NS)!;
    expect(a!.value).toEqual({ digestID: 3, random: RANDOM, elementIdentifier: 'family_name', elementValue: 'Yamada' });
    expect(b!.value).toEqual({ digestID: 4, random: RANDOM, elementIdentifier: 'given_name', elementValue: 'Yamada' });
  });

  it('an elementValue that is null or undefined is kept; a missing one is an error', () => {
    const withNull = decodeIssuerSigned(issuerSigned([item(GOOD.map(([k, v]) => [k, k === 'elementValue' ? null : v]))]));
    expect(withNull.nameSpaces.get(NS)![0]!.value.elementValue).toBeNull();
    const e = structureError(() => decodeIssuerSigned(issuerSigned([item(GOOD.filter(([k]) => k !== 'elementValue'))])));
    expect(e.message).toBe(`issuerSigned.nameSpaces["${NS}"][0]: missing "elementValue"`);
  });

  const cases: [string, [string, unknown][], string][] = [
    ['a text digestID', GOOD.map(([k, v]) => [k, k === 'digestID' ? '3' : v]), 'digestID: expected an unsigned integer, got a string'],
    ['a negative digestID', GOOD.map(([k, v]) => [k, k === 'digestID' ? -1 : v]), 'digestID: expected an unsigned integer'],
    ['a digestID beyond 2^53', GOOD.map(([k, v]) => [k, k === 'digestID' ? 2n ** 60n : v]), 'digestID: expected an unsigned integer'],
    ['a text random', GOOD.map(([k, v]) => [k, k === 'random' ? 'abc' : v]), 'random: expected a byte string'],
    ['no random', GOOD.filter(([k]) => k !== 'random'), ': missing "random"'],
    ['a numeric elementIdentifier', GOOD.map(([k, v]) => [k, k === 'elementIdentifier' ? 5 : v]), 'elementIdentifier: expected a text string'],
  ];
  for (const [what, entries, message] of cases) {
    it(`${what} is a structure error at the item's path`, () => {
      const e = structureError(() => decodeIssuerSigned(issuerSigned([item(GOOD), item(entries)])));
      expect(e.message.startsWith(`issuerSigned.nameSpaces["${NS}"][1]`)).toBe(true);
      expect(e.message).toContain(message);
    });
  }

  it('an item that is not a map is a structure error', () => {
    const e = structureError(() => decodeIssuerSigned(issuerSigned([EncodedCbor.wrap(encode(['digestID', 3]), undefined)])));
    expect(e.message).toBe(`issuerSigned.nameSpaces["${NS}"][0]: expected a map, got an array`);
  });
});

// A fuzz finding: the decoder leaves tag 24 undecoded until read, so an element value holding
// malformed embedded CBOR passed verification and threw ERR_CBOR_MALFORMED later, when the
// caller read it (the holder can put one in a device-signed element).
describe('embedded CBOR (tag 24) in a data element value is decoded with the element', () => {
  const valued = (value: unknown) => item(GOOD.map(([k, v]) => [k, k === 'elementValue' ? value : v]));
  const MALFORMED = [Uint8Array.of(0xff), Uint8Array.of(0xa1), Uint8Array.of(0x62, 0x41)];
  /** `depth` tag-24 levels around `inner` (encoded bytes), decoded (lazily): the decoder's nesting limit counts them. */
  const nested = (inner: Uint8Array, depth: number) => {
    let bytes = inner;
    for (let i = 0; i < depth; i++) bytes = encode(new Tag(24, bytes));
    return decode(bytes);
  };

  it('reads well-formed embedded CBOR nested 20 deep, inside arrays, maps and other tags', () => {
    const deep = nested(encode('deep'), 20);
    const value = [new Map([['k', new Tag(24, encode('x'))]]), new Tag(1004, '2024-01-01'), deep];
    const decoded = decodeIssuerSigned(issuerSigned([valued(decode(encode(value as never)))]));
    const read = decoded.nameSpaces.get(NS)![0]!.value.elementValue as unknown[];
    let inner: unknown = read[2];
    for (let i = 0; i < 20; i++) inner = (inner as EncodedCbor<unknown>).value;
    expect(inner).toBe('deep');
  });

  for (const bad of MALFORMED) {
    it(`refuses h'${toHex(bad)}' in tag 24, as the value or deep inside it, with the element's path`, () => {
      for (const value of [new Tag(24, bad), [1, new Map([['k', new Tag(24, bad)]])], nested(bad, 20)]) {
        const e = structureError(() => decodeIssuerSigned(issuerSigned([item(GOOD), valued(value)])));
        expect(e.message).toMatch(`issuerSigned.nameSpaces["${NS}"][1].elementValue: embedded CBOR:`);
      }
    });
  }

  it('refuses it in a device-signed element too', () => {
    const deviceSigned = (value: unknown) => {
      const nameSpaces = new Map([[NS, new Map([['dev_note', value]])]]);
      return new Map<string, unknown>([
        ['nameSpaces', EncodedCbor.wrap(encode(nameSpaces as never), undefined)],
        ['deviceAuth', new Map([['deviceSignature', [encode(new Map([[1, -7]])), new Map(), null, new Uint8Array(64)]]])],
      ]);
    };
    const response = (value: unknown) =>
      encode(new Map<string, unknown>([['version', '1.0'], ['documents', [new Map<string, unknown>([['docType', 'org.iso.18013.5.1.mDL'], ['issuerSigned', decode(issuerSigned([item(GOOD)]))], ['deviceSigned', deviceSigned(value)]])]], ['status', 0]]) as never);
    expect(decodeDeviceResponse(response(new Tag(24, encode(5)))).documents[0]!.deviceSigned!.nameSpaces.value.get(NS)!.get('dev_note')).toBeInstanceOf(EncodedCbor);
    const e = structureError(() => decodeDeviceResponse(response(new Tag(24, Uint8Array.of(0xff)))));
    expect(e.message).toMatch(`deviceResponse.documents[0].deviceSigned.nameSpaces["${NS}"].dev_note: embedded CBOR:`);
  });
});

describe('MSO valueDigests', () => {
  const deviceKey = new Map<number, unknown>([
    [1, 2],
    [-1, 1],
    [-2, Uint8Array.from(Buffer.from('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296', 'hex'))],
    [-3, Uint8Array.from(Buffer.from('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5', 'hex'))],
  ]);
  const mso = (digests: Map<unknown, unknown>) =>
    new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', new Map([[NS, digests]])],
      ['deviceKeyInfo', new Map([['deviceKey', deviceKey]])],
      ['docType', 'org.iso.18013.5.1.mDL'],
      ['validityInfo', new Map([['signed', new TDate('2026-01-01T00:00:00Z')], ['validFrom', new TDate('2026-01-01T00:00:00Z')], ['validUntil', new TDate('2027-01-01T00:00:00Z')]])],
    ]);
  const digest = new Uint8Array(32).fill(1);

  it('reads uint ids with byte-string digests', () => {
    const decoded = decodeMobileSecurityObject(mso(new Map([[0, digest], [2 ** 32, digest]])) as never);
    expect([...decoded.valueDigests.get(NS)!.keys()]).toEqual([0, 2 ** 32]);
    expect(decoded.validityInfo.validUntil.date.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('a digest id that is not a uint, or a digest that is not a byte string, is a structure error with its path', () => {
    expect(structureError(() => decodeMobileSecurityObject(mso(new Map([['0', digest]])) as never)).message).toBe(`mso.valueDigests["${NS}"] key: expected an unsigned integer, got a string`);
    expect(structureError(() => decodeMobileSecurityObject(mso(new Map([[-2, digest]])) as never)).message).toContain(`mso.valueDigests["${NS}"] key: expected an unsigned integer`);
    expect(structureError(() => decodeMobileSecurityObject(mso(new Map([[7, 'digest']])) as never)).message).toBe(`mso.valueDigests["${NS}"][7]: expected a byte string, got a string`);
  });
});

describe(`names longer than MAX_IDENTIFIER_LENGTH (${MAX_IDENTIFIER_LENGTH})`, () => {
  const long = 'n'.repeat(MAX_IDENTIFIER_LENGTH + 1);
  const atCap = 'n'.repeat(MAX_IDENTIFIER_LENGTH);
  const withId = (id: string) => [...GOOD.filter(([k]) => k !== 'elementIdentifier'), ['elementIdentifier', id]] as [string, unknown][];
  const issuerSignedIn = (ns: string, items: EncodedCbor<unknown>[]) =>
    encode(new Map<string, unknown>([['nameSpaces', new Map([[ns, items]])], ['issuerAuth', ISSUER_AUTH]]) as never);

  it('refuses a namespace or an element identifier over the cap, and reads one at the cap', () => {
    expect(decodeIssuerSigned(issuerSignedIn(atCap, [item(withId(atCap))])).nameSpaces.get(atCap)?.[0]?.value.elementIdentifier).toBe(atCap);
    expect(structureError(() => decodeIssuerSigned(issuerSignedIn(long, [item(GOOD)]))).message).toMatch(`a name of ${MAX_IDENTIFIER_LENGTH + 1} characters, more than shomei's cap`);
    expect(structureError(() => decodeIssuerSigned(issuerSigned([item(withId(long))]))).message).toMatch(/elementIdentifier: a name of/);
  });

  it('refuses a docType over the cap in a DeviceResponse, a DeviceRequest and an MSO', async () => {
    const response = encode(new Map<string, unknown>([['version', '1.0'], ['documents', [new Map<string, unknown>([['docType', long], ['issuerSigned', decode(issuerSigned([item(GOOD)]))]])]], ['status', 0]]) as never);
    expect(structureError(() => decodeDeviceResponse(response)).message).toMatch(/docType: a name of/);
    const request = encodeDeviceRequest(await buildDeviceRequest([{ docType: long, nameSpaces: { [NS]: { family_name: false } } }]));
    expect(structureError(() => decodeDeviceRequest(request)).message).toMatch(/docType: a name of/);
    const mso = new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', new Map([[long, new Map([[0, new Uint8Array(32)]])]])],
      ['deviceKeyInfo', new Map()],
      ['docType', 'org.iso.18013.5.1.mDL'],
      ['validityInfo', new Map()],
    ]);
    expect(structureError(() => decodeMobileSecurityObject(mso as never)).message).toMatch(/valueDigests: a name of/);
  });
});

describe(`at most MAX_DOCUMENTS (${MAX_DOCUMENTS}) documents or DocRequests and MAX_ELEMENTS (${MAX_ELEMENTS}) data elements`, () => {
  const doc = (items: EncodedCbor<unknown>[]) => new Map<string, unknown>([['docType', 'org.iso.18013.5.1.mDL'], ['issuerSigned', decode(issuerSigned(items))]]);
  const response = (docs: Map<string, unknown>[]) => encode(new Map<string, unknown>([['version', '1.0'], ['documents', docs], ['status', 0]]) as never);
  const items = (n: number) => Array.from({ length: n }, (_, i) => item([...GOOD.filter(([k]) => k !== 'elementIdentifier'), ['elementIdentifier', `e${i}`]]));

  it('in a DeviceResponse', () => {
    const one = doc(items(1));
    expect(decodeDeviceResponse(response(new Array(MAX_DOCUMENTS).fill(one))).documents).toHaveLength(MAX_DOCUMENTS);
    expect(structureError(() => decodeDeviceResponse(response(new Array(MAX_DOCUMENTS + 1).fill(one)))).message).toMatch(`${MAX_DOCUMENTS + 1} documents (MAX_DOCUMENTS), more than shomei's cap`);
    expect(decodeDeviceResponse(response([doc(items(MAX_ELEMENTS))])).documents).toHaveLength(1);
    expect(structureError(() => decodeDeviceResponse(response([doc(items(MAX_ELEMENTS / 2)), doc(items(MAX_ELEMENTS / 2 + 1))]))).message).toMatch(`${MAX_ELEMENTS + 1} data elements (MAX_ELEMENTS)`);
  });

  it('in a DeviceRequest', async () => {
    const one = { docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: { family_name: false } } };
    expect(decodeDeviceRequest(encodeDeviceRequest(await buildDeviceRequest(new Array(MAX_DOCUMENTS).fill(one)))).docRequests).toHaveLength(MAX_DOCUMENTS);
    const tooMany = encodeDeviceRequest(await buildDeviceRequest(new Array(MAX_DOCUMENTS + 1).fill(one)));
    expect(structureError(() => decodeDeviceRequest(tooMany)).message).toMatch(`${MAX_DOCUMENTS + 1} DocRequests (MAX_DOCUMENTS)`);
    const wide = (n: number) => ({ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: Object.fromEntries(Array.from({ length: n }, (_, i) => [`e${i}`, false])) } });
    expect(decodeDeviceRequest(encodeDeviceRequest(await buildDeviceRequest([wide(MAX_ELEMENTS)]))).docRequests).toHaveLength(1);
    const tooWide = encodeDeviceRequest(await buildDeviceRequest([wide(MAX_ELEMENTS), wide(1)]));
    expect(structureError(() => decodeDeviceRequest(tooWide)).message).toMatch(`${MAX_ELEMENTS + 1} requested data elements (MAX_ELEMENTS)`);
  });
});
