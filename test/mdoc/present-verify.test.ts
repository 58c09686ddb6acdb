/** Holder choices (errors, consent, device-signed elements, age_over) and verifier strictness. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, EncodedCbor, encode, RawCbor, Tag } from '../../src/cbor/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { nobleBackend } from '../../src/crypto/index.js';
import type { PrivateKey } from '../../src/crypto/types.js';
import { MdocError } from '../../src/errors.js';
import {
  answerFor,
  buildDeviceRequest,
  buildDeviceResponse,
  decodeDeviceResponse,
  DoctypeRegistry,
  decodeIssuerSigned,
  defaultRegistry,
  encodeDeviceResponse,
  type IssuerSigned,
  issueMdoc,
  verifyDeviceResponse,
  verifyIssuerSigned,
} from '../../src/mdoc/index.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer } from './fixtures.js';

const backend = nobleBackend;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['test', 2]]), null).tagged;
const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 90 * 86_400_000) };

let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;
let withDeviceSigned: IssuerSigned;

beforeAll(async () => {
  issuer = await testIssuer(backend);
  device = await deviceKey(backend);
  const base = { docType: MDL, deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend };
  mdl = await issueMdoc({ ...base, nameSpaces: MDL_DATA });
  withDeviceSigned = await issueMdoc({
    ...base,
    nameSpaces: MDL_DATA,
    keyAuthorizations: { dataElements: new Map([['org.example.device', ['nickname']]]) },
  });
});

const verify = (bytes: Uint8Array, extra: Partial<Parameters<typeof verifyDeviceResponse>[1]> = {}) =>
  verifyDeviceResponse(bytes, { trustAnchors: [issuer.iaca], sessionTranscript, now: NOW, backend, ...extra });

describe('holder: what is disclosed and what is reported missing', () => {
  it('reports elements and documents it cannot supply', async () => {
    const request = await buildDeviceRequest([
      { docType: MDL, nameSpaces: { [NS]: { family_name: true, height: false }, 'org.example.none': { x: false } } },
      { docType: 'org.iso.23220.1.jp.mnc', nameSpaces: { 'org.iso.23220.1.jp': { full_name_unicode: false } } },
    ]);
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], request, sessionTranscript, backend });
    expect(response.documentErrors).toEqual([['org.iso.23220.1.jp.mnc', 0]]);
    expect(response.documents[0]!.errors).toEqual(new Map([[NS, new Map([['height', 0]])], ['org.example.none', new Map([['x', 0]])]]));
    const result = await verify(encodeDeviceResponse(response), { request });
    expect(result.valid).toBe(true);
    expect(result.documentErrors).toEqual({ 'org.iso.23220.1.jp.mnc': 0 });
    expect(result.documents[0]!.errors).toEqual({ [NS]: { height: 0 }, 'org.example.none': { x: 0 } });
    expect(Object.keys(result.documents[0]!.issuerSigned[NS]!)).toEqual(['family_name']);
  });

  it('lets a consent callback release less, and reports the rest as not returned', async () => {
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false, birth_date: false, portrait: false } } }]);
    const seen: unknown[] = [];
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: mdl, deviceKey: device }],
      request,
      sessionTranscript,
      consent: (docType, proposed) => {
        seen.push([docType, proposed]);
        return { [NS]: ['birth_date'] };
      },
      backend,
    });
    expect(seen).toEqual([[MDL, { [NS]: ['family_name', 'birth_date', 'portrait'] }]]);
    const result = await verify(encodeDeviceResponse(response), { request });
    expect(result.valid).toBe(true);
    expect(Object.keys(result.documents[0]!.issuerSigned[NS]!)).toEqual(['birth_date']);
    expect(result.documents[0]!.errors).toEqual({ [NS]: { family_name: 0, portrait: 0 } });
  });

  it('applies the age_over_NN nearest-value rule (§7.2.5)', () => {
    const held = new Map(mdl.nameSpaces.get(NS)!.map((i) => [i.value.elementIdentifier, i] as const));
    const answer = (nn: string) => answerFor(nn, held)?.value.elementIdentifier;
    expect(answer('age_over_18')).toBe('age_over_18');
    expect(answer('age_over_20')).toBe('age_over_21');
    expect(answer('age_over_30')).toBe(undefined); // 65 is false but above 30; no true ≥ 30, no false ≤ 30
    expect(answer('age_over_70')).toBe('age_over_65');
    expect(answer('age_over_99')).toBe('age_over_65');
    expect(answer('family_name')).toBe('family_name');
  });

  it('returns authorized device-signed elements, which verify', async () => {
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { 'org.example.device': { nickname: false }, [NS]: { given_name: false } } }]);
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: withDeviceSigned, deviceKey: device, deviceSigned: { 'org.example.device': { nickname: 'taro' } } }],
      request,
      sessionTranscript,
      backend,
    });
    const result = await verify(encodeDeviceResponse(response), { request });
    expect(result.valid).toBe(true);
    expect(result.documents[0]!.deviceSigned).toEqual({ 'org.example.device': { nickname: 'taro' } });
    // Without the authorization the holder does not offer it.
    const unauthorized = await buildDeviceResponse({
      documents: [{ issuerSigned: mdl, deviceKey: device, deviceSigned: { 'org.example.device': { nickname: 'taro' } } }],
      request,
      sessionTranscript,
      backend,
    });
    expect(unauthorized.documents[0]!.errors?.get('org.example.device')).toEqual(new Map([['nickname', 0]]));
  });

  it('refuses a device key that is not the one in the MSO, and ambiguous inputs', async () => {
    const other = await deviceKey(backend);
    await expect(buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: other }], elements: { [NS]: ['family_name'] }, sessionTranscript, backend })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
    await expect(buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], sessionTranscript, backend })).rejects.toBeInstanceOf(MdocError);
  });
});

describe('verifier: strict about what it was given', () => {
  it('fails REQUESTED_ELEMENT and DEVICE_SIGNED_AUTHORIZED for what was not asked or not authorized', async () => {
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], elements: { [NS]: ['family_name', 'portrait'] }, sessionTranscript, backend });
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false } } }]);
    const result = await verify(encodeDeviceResponse(response), { request });
    expect(result.valid).toBe(false);
    expect(result.documents[0]!.checks.filter((c) => c.status === 'failed').map((c) => [c.id, c.element])).toEqual([['REQUESTED_ELEMENT', 'portrait']]);

    // A device-signed element the MSO does not authorize.
    const forged = decodeDeviceResponse(
      encodeDeviceResponse(
        await buildDeviceResponse({
          documents: [{ issuerSigned: withDeviceSigned, deviceKey: device, deviceSigned: { 'org.example.device': { nickname: 'x' } } }],
          elements: { 'org.example.device': ['nickname'] },
          sessionTranscript,
          backend,
        }),
      ),
    );
    const asIfUnauthorized = { ...forged, documents: [{ ...forged.documents[0]!, issuerSigned: { ...forged.documents[0]!.issuerSigned, issuerAuth: mdl.issuerAuth } }] };
    const r2 = await verify(encodeDeviceResponse(asIfUnauthorized));
    expect(r2.documents[0]!.checks.filter((c) => c.id === 'DEVICE_SIGNED_AUTHORIZED').map((c) => c.status)).toEqual(['failed']);
  });

  it('fails ISSUING_COUNTRY when the element disagrees with the DS certificate', async () => {
    const us = await issueMdoc({
      docType: MDL,
      nameSpaces: { [NS]: { issuing_country: 'US', family_name: 'X' } },
      deviceKey: publicKeyOf(device),
      validity,
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: us, deviceKey: device }], elements: { [NS]: ['issuing_country'] }, sessionTranscript, backend });
    const result = await verify(encodeDeviceResponse(response));
    expect(result.documents[0]!.checks.find((c) => c.id === 'ISSUING_COUNTRY')?.status).toBe('failed');
    expect(result.valid).toBe(false);
  });

  // A fuzz finding: the detail printed the value with JSON.stringify, which throws a bare
  // TypeError on a bigint (2^64 in CBOR). The value is read whatever its digest says, so any
  // holder could make verification throw instead of report.
  it('reports an issuing_country or issuing_jurisdiction that is not text, whatever its CBOR type, without throwing', async () => {
    for (const [value, shown] of [
      [2n ** 64n, 'a bigint'],
      [new Map([['C', 'US']]), 'a map'],
      [Uint8Array.of(0x55, 0x53), 'a byte string'],
      [null, 'null'],
    ] as const) {
      const odd = await issueMdoc({
        docType: MDL,
        nameSpaces: { [NS]: { issuing_country: value, issuing_jurisdiction: value, family_name: 'X' } },
        deviceKey: publicKeyOf(device),
        validity,
        issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
        backend,
      });
      const elements = { [NS]: ['issuing_country', 'issuing_jurisdiction'] };
      const result = await verify(encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: odd, deviceKey: device }], elements, sessionTranscript, backend })));
      const country = result.documents[0]!.checks.find((c) => c.id === 'ISSUING_COUNTRY');
      expect(country?.status).toBe('failed');
      expect(country?.detail).toMatch(new RegExp(`^issuing_country ${shown} but the DS certificate says C=`));
      expect(result.valid).toBe(false);
    }
  });

  it('refuses a device-signed element holding malformed embedded CBOR, though the device signed it (not valid now, not a throw later)', async () => {
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { 'org.example.device': { nickname: false } } }]);
    const respond = async (nickname: Tag) =>
      verify(encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: withDeviceSigned, deviceKey: device, deviceSigned: { 'org.example.device': { nickname } } }], request, sessionTranscript, backend })), { request });
    const good = await respond(new Tag(24, encode('taro')));
    expect(good.valid).toBe(true);
    expect((good.documents[0]!.deviceSigned['org.example.device']!.nickname as EncodedCbor<unknown>).value).toBe('taro');
    const bad = await respond(new Tag(24, Uint8Array.of(0xff)));
    expect(bad.valid).toBe(false);
    expect(bad.checks.find((c) => c.id === 'RESPONSE_STRUCTURE')).toMatchObject({ status: 'failed', detail: expect.stringContaining('.nickname: embedded CBOR:') });
  });

  it('reports doctype profile problems as PROFILE.* checks when asked (profiles), required only with strictProfiles', async () => {
    const odd = await issueMdoc({
      docType: MDL,
      nameSpaces: { [NS]: { birth_date: '1990-04-01', family_name: 'X' } },
      deviceKey: publicKeyOf(device),
      validity,
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    const bytes = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: odd, deviceKey: device }], elements: { [NS]: ['birth_date', 'family_name'] }, sessionTranscript, backend }));
    // Opt-in: without `profiles` no PROFILE.* check runs.
    const plain = await verify(bytes);
    expect(plain.valid).toBe(true);
    expect(plain.documents[0]!.checks.some((c) => c.id.startsWith('PROFILE.'))).toBe(false);
    const lenient = await verify(bytes, { profiles: defaultRegistry() });
    expect(lenient.valid).toBe(true);
    const profile = lenient.documents[0]!.checks.filter((c) => c.id.startsWith('PROFILE.') && c.status === 'failed');
    expect(profile.map((c) => [c.id, c.element, c.required])).toEqual([['PROFILE.PROFILE_ELEMENT_TYPE', 'birth_date', false]]);
    // strictProfiles makes them required; it needs a registry (a TypeError without one).
    await expect(verify(bytes, { strictProfiles: true })).rejects.toThrow(TypeError);
    await expect(verify(bytes, { strictProfiles: true, profiles: false })).rejects.toThrow(/needs options.profiles/);
    await expect(verify(bytes, { profiles: {} as never })).rejects.toThrow(/options.profiles must be a DoctypeRegistry/);
    const strict = await verify(bytes, { strictProfiles: true, profiles: defaultRegistry() });
    expect(strict.valid).toBe(false);
    expect(strict.documents[0]!.checks.filter((c) => c.id.startsWith('PROFILE.') && c.status === 'failed').map((c) => [c.id, c.element, c.required])).toEqual([
      ['PROFILE.PROFILE_ELEMENT_TYPE', 'birth_date', true],
    ]);
    expect((await verify(bytes, { strictProfiles: true, profiles: defaultRegistry() })).valid).toBe(false);
    // A registry without the mDL profile: the document's doctype is unknown to it, nothing fails.
    expect((await verify(bytes, { profiles: new DoctypeRegistry([]) })).documents[0]!.checks.some((c) => c.id.startsWith('PROFILE.') && c.status === 'failed')).toBe(false);
    expect((await verify(bytes, { profiles: false })).documents[0]!.checks.some((c) => c.id.startsWith('PROFILE.'))).toBe(false);
  });

  it('checks each value in the CBOR type it was sent as: a float holding a whole number, or a bignum, is no uint (fuzz finding)', async () => {
    const issued = await issueMdoc({ docType: MDL, nameSpaces: { [NS]: { family_name: 'X', sex: 1, height: 180, age_in_years: 0, age_birth_year: 1990 } }, deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend });
    const bytes = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: issued, deviceKey: device }], elements: { [NS]: ['family_name', 'sex', 'height', 'age_in_years', 'age_birth_year'] }, sessionTranscript, backend }));
    const profileFailures = async (b: Uint8Array) =>
      (await verify(b, { strictProfiles: true, profiles: defaultRegistry() })).documents[0]!.checks.filter((c) => c.id === 'PROFILE.PROFILE_ELEMENT_TYPE' && c.status === 'failed').map((c) => [c.element, c.detail]);
    expect(await profileFailures(bytes)).toEqual([]);
    // The same numbers sent as floats (f9 3c00 is 1.0, which reads as the number 1 by default)
    // and as a bignum (tag 2). shomei's issuer writes integers, so the items are rewritten
    // (their digests then fail too, which the profile checks do not depend on).
    const sentAs: Record<string, number[]> = { sex: [0xf9, 0x3c, 0x00], height: [0xfa, 0x43, 0x34, 0x00, 0x00], age_in_years: [0xf9, 0x80, 0x00], age_birth_year: [0xc2, 0x42, 0x07, 0xc6] };
    const response = decode(bytes) as Map<string, unknown>;
    const nameSpaces = ((response.get('documents') as Map<string, unknown>[])[0]!.get('issuerSigned') as Map<string, unknown>).get('nameSpaces') as Map<string, EncodedCbor[]>;
    nameSpaces.set(
      NS,
      nameSpaces.get(NS)!.map((item) => {
        const m = decode(item.bytes) as Map<string, unknown>;
        const raw = sentAs[m.get('elementIdentifier') as string];
        if (raw !== undefined) m.set('elementValue', new RawCbor(Uint8Array.from(raw)));
        return EncodedCbor.wrap(encode(m as never), null);
      }),
    );
    expect(await profileFailures(encode(response as never))).toEqual([
      ['sex', 'expected uint (one of 0/1/2/9), got float'],
      ['height', 'expected uint, got float'],
      ['age_in_years', 'expected uint, got float'],
      ['age_birth_year', 'expected uint, got tag 2'],
    ]);
    // An IssuerSigned a caller built, wrapping bytes that do not decode: the value as given is checked, nothing throws.
    const [first, ...rest] = issued.nameSpaces.get(NS)!;
    const wrapped: IssuerSigned = { ...issued, nameSpaces: new Map([[NS, [EncodedCbor.wrap(Uint8Array.of(0xff), first!.value), ...rest]]]) };
    const own = await verifyIssuerSigned(wrapped, { trustAnchors: [issuer.iaca], now: NOW, profiles: defaultRegistry(), backend });
    expect(own.checks.find((c) => c.id === 'PROFILE.PROFILE_ELEMENT_TYPE' && c.element === first!.value.elementIdentifier)?.status).toBe('passed');
  });

  it('reports a malformed response as RESPONSE_STRUCTURE with the path, never throwing', async () => {
    const response = decode(encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], elements: { [NS]: ['family_name'] }, sessionTranscript, backend }))) as Map<string, unknown>;
    ((response.get('documents') as Map<string, unknown>[])[0]!.get('issuerSigned') as Map<string, unknown>).delete('issuerAuth');
    const result = await verify(encode(response as never));
    expect(result.valid).toBe(false);
    expect(result.checks[0]).toMatchObject({ id: 'RESPONSE_STRUCTURE', status: 'failed' });
    expect(result.checks[0]!.detail).toContain('deviceResponse.documents[0].issuerSigned: missing "issuerAuth"');
    expect(() => decodeIssuerSigned(encode(new Map([['nameSpaces', new Map([[NS, [1]]])]])))).toThrow(/nameSpaces\["org.iso.18013.5.1"\]\[0\]: expected tag 24/);
    // A member outside the CDDL is read past and named (UNKNOWN_MEMBER), never silently dropped.
    expect(decodeDeviceResponse(encode(new Map<string, unknown>([['version', '1.0'], ['status', 0], ['extra', 1]]) as never)).deviations).toEqual([
      { id: 'UNKNOWN_MEMBER', path: 'deviceResponse', detail: 'member "extra" is not in the CDDL: ignored' },
    ]);
  });

  it('never reports mutated responses as valid, and never throws anything but typed errors', async () => {
    const good = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], elements: { [NS]: ['family_name', 'age_over_18'] }, sessionTranscript, backend }));
    expect((await verify(good)).valid).toBe(true);
    // The version text ("1.0") is the one unsigned member a verifier accepts other values of ("1.x").
    const version = Buffer.from(good).indexOf(Buffer.from('63312e30', 'hex'));
    expect(version).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        if (at >= version + 2 && at < version + 4) return;
        const bad = good.slice();
        bad[at]! ^= xor;
        // Every byte is either signed, MACed, checked against the request/response rules, or
        // structure: no single-byte change may leave the response valid.
        expect((await verify(bad)).valid).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
