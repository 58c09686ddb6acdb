/**
 * The deviation model's API (issue 9): `tolerate` takes only deviation ids (never a check
 * that guards against forgery), `waive` only Annex B profile ids, both named in the error;
 * decoders read past deviations and record them; verifyIssuerSigned reports like
 * verifyDeviceResponse; ISSUING_JURISDICTION compares only when the DS has a
 * stateOrProvinceName (ISO/IEC 18013-5 Annex B: optional in the DS).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CborFloat, EncodedCbor, encode, FullDate, TDate } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import {
  buildDeviceResponse,
  decodeDeviceResponse,
  decodeIssuerAuthPayload,
  decodeMobileSecurityObject,
  encodeDeviceResponse,
  encodeIssuerSigned,
  type IssuerSigned,
  issueMdoc,
  MDOC_DEVIATIONS,
  type MdocDeviation,
  verifyDeviceResponse,
  verifyIssuerSigned,
  waivableCheckIds,
} from '../../src/mdoc/index.js';
import { buildDocumentSigner, buildIaca, type Certificate } from '../../src/x509/index.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer } from './fixtures.js';

const backend = nobleBackend;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const DAY = 86_400_000;
const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['deviations', 1]]), null).tagged;
const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * DAY) };
const ONE_DIGEST = new Map<string, unknown>([[NS, new Map([[0, new Uint8Array(32)]])]]);

let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;

beforeAll(async () => {
  issuer = await testIssuer(backend);
  device = await deviceKey(backend);
  mdl = await issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend });
});

describe('tolerate and waive take only known ids', () => {
  it('tolerating a check that guards against forgery is a TypeError naming the valid ids', async () => {
    for (const id of ['ISSUER_SIGNATURE', 'VALUE_DIGEST', 'DS_CHAIN', 'MSO_VALIDITY', 'DEVICE_AUTH', 'DEVIATION.MSO_UNTAGGED']) {
      const bad = { trustAnchors: [issuer.iaca], tolerate: [id as MdocDeviation] };
      await expect(verifyDeviceResponse(new Uint8Array([0xa0]), bad)).rejects.toThrow(TypeError);
      await expect(verifyDeviceResponse(new Uint8Array([0xa0]), bad)).rejects.toThrow(/valid ids: EMPTY_DOCUMENTS, EMPTY_DOCUMENT_ERRORS/);
      await expect(verifyIssuerSigned(new Uint8Array([0xa0]), bad)).rejects.toThrow(TypeError);
    }
    await expect(verifyDeviceResponse(new Uint8Array([0xa0]), { trustAnchors: [issuer.iaca], tolerate: 'MSO_UNTAGGED' as never })).rejects.toThrow(/array/);
  });

  it('waiving something that is not an Annex B profile check is a RangeError naming the valid ids, even with no document', async () => {
    for (const id of ['NOPE', 'TRUST_ANCHOR', 'SIGNATURE', 'MSO_UNTAGGED']) {
      await expect(verifyDeviceResponse(new Uint8Array([0xa0]), { trustAnchors: [issuer.iaca], waive: [id] })).rejects.toThrow(RangeError);
    }
    await expect(verifyDeviceResponse(new Uint8Array([0xa0]), { trustAnchors: [issuer.iaca], waive: ['NOPE'] })).rejects.toThrow(/valid ids: .*DS_CRL_DP/);
    expect(waivableCheckIds()).toContain('DS_CRL_DP');
  });

  it('every deviation id is listed once, and none is a check id of the report', () => {
    expect(new Set(MDOC_DEVIATIONS).size).toBe(MDOC_DEVIATIONS.length);
    expect(MDOC_DEVIATIONS).not.toContain('ISSUER_SIGNATURE');
  });
});

describe('decoders read past deviations and record them', () => {
  it('documentErrors: [] and errors: {} decode, with the deviation and its path', () => {
    const bytes = encode(new Map<string, unknown>([['version', '1.0'], ['documentErrors', []], ['status', 0]]) as never);
    expect(decodeDeviceResponse(bytes).deviations).toEqual([
      { id: 'EMPTY_DOCUMENT_ERRORS', path: 'deviceResponse.documentErrors', detail: 'an empty array where the CDDL requires at least one entry' },
    ]);
  });

  /** A conformant MSO map with one digest, `members` set over it. */
  const msoWith = (...members: [string, unknown][]) =>
    new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', ONE_DIGEST],
      ['deviceKeyInfo', new Map([['deviceKey', new Map<number, unknown>([[1, 2], [-1, 1], [-2, (device as EcPrivateKey).x], [-3, (device as EcPrivateKey).y]])]])],
      ['docType', MDL],
      ['validityInfo', new Map([['signed', TDate.fromDate(NOW)], ['validFrom', TDate.fromDate(NOW)], ['validUntil', TDate.fromDate(validity.validUntil)]])],
      ...members,
    ]);
  const deviationPaths = (mso: Map<string, unknown>) => decodeMobileSecurityObject(mso as never).deviations?.map((d) => `${d.id} ${d.path}`) ?? [];

  it('valueDigests of {} or a namespace mapped to {} decodes with EMPTY_VALUE_DIGESTS at its path', () => {
    expect(deviationPaths(msoWith(['valueDigests', new Map()]))).toEqual(['EMPTY_VALUE_DIGESTS mso.valueDigests']);
    expect(deviationPaths(msoWith(['valueDigests', new Map([...ONE_DIGEST, ['org.iso.18013.5.1.aamva', new Map()]])]))).toEqual(['EMPTY_VALUE_DIGESTS mso.valueDigests["org.iso.18013.5.1.aamva"]']);
    expect(deviationPaths(msoWith())).toEqual([]);
  });

  it('an MSO read from IssuerAuth keeps its numbers as sent: a float where an integer belongs (3.0) is ERR_MDOC_STRUCTURE, or in the device key an unusable key', () => {
    const fromPayload = (mso: Map<string, unknown>) => decodeIssuerAuthPayload({ payload: EncodedCbor.wrap(encode(mso as never), null).tagged } as never);
    const statusList = (idx: unknown) => ['status', new Map([['status_list', new Map([['idx', idx], ['uri', 'https://status.example.jp/1']])]])] as [string, unknown];
    expect(fromPayload(msoWith(statusList(3))).status?.status_list?.idx).toBe(3);
    const key = (kty: unknown) => ['deviceKeyInfo', new Map([['deviceKey', new Map<number, unknown>([[1, kty], [-1, 1], [-2, (device as EcPrivateKey).x], [-3, (device as EcPrivateKey).y]])]])] as [string, unknown];
    const floats: [string, unknown][] = [
      statusList(new CborFloat(3)),
      ['valueDigests', new Map([[NS, new Map([[new CborFloat(0), new Uint8Array(32)]])]])],
    ];
    for (const member of floats) expect(() => fromPayload(msoWith(member)), member[0]).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE' }));
    // The device key's problem stays with the key (the verifiers fail MSO_STRUCTURE and DEVICE_AUTH for it).
    const floatKty = fromPayload(msoWith(key(new CborFloat(2)))).deviceKeyInfo;
    expect(floatKty.deviceKey).toBeUndefined();
    expect(floatKty.deviceKeyError?.path).toBe('issuerAuth.payload.mso.deviceKeyInfo.deviceKey');
  });

  it('a status identifier_list id sent as text decodes as its UTF-8 bytes, with STATUS_ID_TEXT', () => {
    const status = (id: unknown) => ['status', new Map([['identifier_list', new Map([['id', id], ['uri', 'https://status.example.jp/ids/1']])]])] as [string, unknown];
    expect(deviationPaths(msoWith(status('450')))).toEqual(['STATUS_ID_TEXT mso.status.identifier_list.id']);
    expect(decodeMobileSecurityObject(msoWith(status('450')) as never).status?.identifier_list?.id).toEqual(new TextEncoder().encode('450'));
    expect(deviationPaths(msoWith(status(Uint8Array.of(1))))).toEqual([]);
  });

  it('an MSO with a text kid and status null decodes; the key is the one given', () => {
    const mso = new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', ONE_DIGEST],
      ['deviceKeyInfo', new Map([['deviceKey', new Map<number, unknown>([[1, 2], [2, 'kid-1'], [-1, 1], [-2, (device as EcPrivateKey).x], [-3, (device as EcPrivateKey).y]])]])],
      ['docType', MDL],
      ['validityInfo', new Map([['signed', TDate.fromDate(NOW)], ['validFrom', TDate.fromDate(NOW)], ['validUntil', TDate.fromDate(validity.validUntil)]])],
      ['status', null],
    ]);
    const decoded = decodeMobileSecurityObject(mso as never);
    expect(decoded.deviations?.map((d) => d.id)).toEqual(['DEVICE_KEY_KID_TYPE', 'MSO_STATUS_NULL']);
    expect(decoded.status).toBeUndefined();
    expect(decoded.deviceKeyInfo.deviceKey).toEqual(publicKeyOf(device));
  });

  it('null optional members read as absent (MSO_OPTIONAL_NULL); untagged and full-date validity read with their deviation; a fraction and an offset are named', () => {
    const at = (text: string) => new TDate(text);
    const mso = new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', ONE_DIGEST],
      ['deviceKeyInfo', new Map<string, unknown>([['deviceKey', new Map<number, unknown>([[1, 2], [-1, 1], [-2, (device as EcPrivateKey).x], [-3, (device as EcPrivateKey).y]])], ['keyAuthorizations', null], ['keyInfo', null]])],
      ['docType', MDL],
      ['validityInfo', new Map<string, unknown>([['signed', at('2026-01-01T00:00:00.000Z')], ['validFrom', '2026-01-01T09:00:00+09:00'], ['validUntil', FullDate.of(2026, 7, 1)], ['expectedUpdate', null]])],
    ]);
    const decoded = decodeMobileSecurityObject(mso as never);
    expect(decoded.deviations?.map((d) => `${d.id} ${d.path}`)).toEqual([
      'MSO_OPTIONAL_NULL mso.deviceKeyInfo.keyAuthorizations',
      'MSO_OPTIONAL_NULL mso.deviceKeyInfo.keyInfo',
      'MSO_OPTIONAL_NULL mso.validityInfo.expectedUpdate',
      'TDATE_FRACTIONAL_SECONDS mso.validityInfo.signed',
      'VALIDITY_DATE_UNTAGGED mso.validityInfo.validFrom',
      'TDATE_UTC_OFFSET mso.validityInfo.validFrom',
      'VALIDITY_FULL_DATE mso.validityInfo.validUntil',
    ]);
    expect(decoded.deviceKeyInfo.keyAuthorizations).toBeUndefined();
    expect(decoded.deviceKeyInfo.keyInfo).toBeUndefined();
    expect(decoded.validityInfo.expectedUpdate).toBeUndefined();
    expect(decoded.validityInfo.signed.date.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(decoded.validityInfo.validFrom.date.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(decoded.validityInfo.validUntil.date.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    // Text that is not a date-time stays a structure error.
    const bad = new Map(mso);
    bad.set('validityInfo', new Map<string, unknown>([['signed', '2026-01-01'], ['validFrom', at('2026-01-01T00:00:00Z')], ['validUntil', at('2026-07-01T00:00:00Z')]]));
    expect(() => decodeMobileSecurityObject(bad as never)).toThrow(/validityInfo\.signed: expected a tdate/);
  });
});

describe('verifyIssuerSigned', () => {
  it('verifies issued data on its own, with the issuer checks and no device check', async () => {
    const result = await verifyIssuerSigned(encodeIssuerSigned(mdl), { trustAnchors: [issuer.iaca], now: NOW, docType: MDL, backend });
    expect(result.valid).toBe(true);
    expect(result.docType).toBe(MDL);
    const ids = result.checks.map((c) => c.id);
    for (const id of ['ISSUER_SIGNED_STRUCTURE', 'DS_CERTIFICATE', 'DS_CHAIN', 'ISSUER_SIGNATURE', 'MSO_STRUCTURE', 'MSO_DOCTYPE', 'MSO_VALIDITY', 'VALUE_DIGEST', 'ISSUING_COUNTRY']) expect(ids).toContain(id);
    expect(ids.some((id) => id.startsWith('DEVICE'))).toBe(false);
    expect(result.issuerSigned[NS]?.family_name).toBe('Yamada');
  });

  it('reports bad bytes as ISSUER_SIGNED_STRUCTURE, a wrong docType as MSO_DOCTYPE, and skips MSO_DOCTYPE without one', async () => {
    const bad = await verifyIssuerSigned(new Uint8Array([0xa1, 0x61]), { trustAnchors: [issuer.iaca], now: NOW });
    expect(bad.valid).toBe(false);
    expect(bad.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['ISSUER_SIGNED_STRUCTURE:failed']);
    const wrong = await verifyIssuerSigned(mdl, { trustAnchors: [issuer.iaca], now: NOW, docType: 'org.example.other' });
    expect(wrong.valid).toBe(false);
    expect(wrong.checks.find((c) => c.id === 'MSO_DOCTYPE')?.status).toBe('failed');
    const none = await verifyIssuerSigned(mdl, { trustAnchors: [issuer.iaca], now: NOW });
    expect(none.valid).toBe(true);
    expect(none.docType).toBe(MDL);
    expect(none.checks.find((c) => c.id === 'MSO_DOCTYPE')?.status).toBe('skipped');
  });

  it('an untrusted issuer or a later time fails as it does in verifyDeviceResponse', async () => {
    const other = await testIssuer(backend);
    expect((await verifyIssuerSigned(mdl, { trustAnchors: [other.iaca], now: NOW })).checks.find((c) => c.id === 'DS_CHAIN')?.status).toBe('failed');
    const late = await verifyIssuerSigned(mdl, { trustAnchors: [issuer.iaca], now: new Date(NOW.getTime() + 60 * DAY) });
    expect(late.valid).toBe(false);
    expect(late.checks.find((c) => c.id === 'MSO_VALIDITY')?.status).toBe('failed');
  });
});

describe('ISSUING_JURISDICTION (Annex B: stateOrProvinceName is optional in the DS; when present, issuing_jurisdiction must equal it)', () => {
  async function withState(state: string | undefined, jurisdiction: string): Promise<{ iaca: Certificate; bytes: Uint8Array }> {
    const iacaKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const dsKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const v = { notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };
    const iaca = await buildIaca({ country: 'JP', commonName: 'IACA', key: iacaKey, validity: v, issuerAltName: { uri: 'https://iaca.example.jp/' }, crlUri: 'https://iaca.example.jp/crl', backend, ...(state === undefined ? {} : { state }) });
    const ds = await buildDocumentSigner({ iaca, iacaKey, commonName: 'DS', publicKey: publicKeyOf(dsKey) as never, validity: v, crlUri: 'https://iaca.example.jp/crl', backend });
    const is = await issueMdoc({
      docType: MDL,
      nameSpaces: { [NS]: { issuing_country: 'JP', issuing_jurisdiction: jurisdiction } },
      deviceKey: publicKeyOf(device),
      validity,
      issuer: { signer: dsKey, certificates: [ds.der] },
      backend,
    });
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: is, deviceKey: device }], elements: { [NS]: ['issuing_country', 'issuing_jurisdiction'] }, sessionTranscript, backend });
    return { iaca, bytes: encodeDeviceResponse(response) };
  }
  const status = async (state: string | undefined, jurisdiction: string) => {
    const { iaca, bytes } = await withState(state, jurisdiction);
    const result = await verifyDeviceResponse(bytes, { trustAnchors: [iaca], sessionTranscript, now: NOW, backend });
    return [result.valid, result.documents[0]!.checks.find((c) => c.id === 'ISSUING_JURISDICTION')?.status];
  };

  it('no stateOrProvinceName in the DS: skipped, valid', async () => {
    expect(await status(undefined, 'JP-13')).toEqual([true, 'skipped']);
  });
  it('stateOrProvinceName present: equal passes, different fails', async () => {
    expect(await status('JP-13', 'JP-13')).toEqual([true, 'passed']);
    expect(await status('JP-13', 'JP-27')).toEqual([false, 'failed']);
  });
});
