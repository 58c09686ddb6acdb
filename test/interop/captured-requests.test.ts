/**
 * What deployed readers, verifiers and wallets send a holder (vectors/interop/captured-requests.json):
 * Apple iOS 26.0 as a proximity reader, Multipaz's online verifier over the Digital Credentials
 * API (ISO 18013-7 Annex C, ReaderAuth with alg −9), A-SIT Plus VC-K's DC API request options,
 * the web-platform-tests canonical requests, the German Funke verifier's Request Object, walt.id's
 * mdoc library, Multipaz's NFC static and negotiated handover and its NFC v2 engagement, isomdl's
 * QR engagement, and the second edition's extended request example. Each test pins what shomei
 * reports: what it reads, what verifies, and what it refuses and why.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeEmbedded, type EncodedCbor } from '../../src/cbor/index.js';
import { encodeCoseKey } from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { nobleBackend } from '../../src/crypto/index.js';
import type { EcPublicKey } from '../../src/crypto/types.js';
import { fromBase64, fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { decodeDeviceRequest, decodeDeviceResponse, encodeDeviceRequest, readerAuthCertificates, verifyReaderAuthSignature } from '../../src/mdoc/index.js';
import { decodeCoseSign1 } from '../../src/cose/sign1.js';
import {
  authenticateClient,
  decodeJws,
  parseClientId,
  readDcApiRequest,
  readOpenId4VpDcApiRequest,
  readOpenId4VpDcApiSignedRequest,
  resolveOpenId4VpRequest,
} from '../../src/online/index.js';
import {
  decodeDeviceEngagement,
  decodeHandoverRequest,
  encodeHandoverRequest,
  decodeNdefMessage,
  decodeNfcEngagement,
  decodeSessionData,
  buildSessionTranscript,
  deriveSessionKeys,
  encodeSessionEstablishment,
  HolderSession,
  type HolderSessionOptions,
  latin1Text,
  qrUriToEngagement,
  SessionCipher,
} from '../../src/session/index.js';
import { parseCertificate, verifyReaderChain } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVector } from '../helpers/vectors.js';
import { testMdl } from '../mdoc/fixtures.js';

interface Artefact {
  readonly id: string;
  readonly kind: string;
  readonly data: Readonly<Record<string, string>>;
  readonly context: Readonly<Record<string, string | number>>;
  readonly sha256?: string;
}

const artefacts = (loadVector('interop/captured-requests.json') as { artefacts: Artefact[] }).artefacts;
const byId = (id: string): Artefact => {
  const a = artefacts.find((x) => x.id === id);
  if (a === undefined) throw new Error(`no artefact ${id}`);
  return a;
};
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const dcApiData = (a: Artefact) => ({ deviceRequest: a.data.deviceRequest!, encryptionInfo: a.data.encryptionInfo! });
const nameSpacesOf = (m: ReadonlyMap<string, ReadonlyMap<string, boolean>>) => Object.fromEntries([...m].map(([ns, els]) => [ns, Object.fromEntries(els)]));
const recordTypes = (hex: string) => decodeNdefMessage(fromHex(hex)).map((r) => ({ tnf: r.tnf, type: latin1Text(r.type), id: r.id === undefined ? undefined : latin1Text(r.id) }));

/** The primary bytes of an artefact, as its sha256 covers them. */
function primaryBytes(a: Artefact): Uint8Array {
  if (a.data.hex !== undefined) return fromHex(a.data.hex);
  if (a.data.uri !== undefined) return qrUriToEngagement(a.data.uri);
  return fromBase64(a.data.deviceRequest!);
}

describe('vectors/interop/captured-requests.json', () => {
  it('holds the bytes as published: each sha256 matches', () => {
    expect(artefacts.map((a) => a.id)).toEqual([
      'multipaz_verifier_dcapi_2025',
      'asit_vck_dcapi_mdoc',
      'asit_vck_dcapi_openid4vp_signed',
      'wpt_mdoc_validation_canonical',
      'wpt_helper_mdoc_2026',
      'eudi_funke_request_object_2025',
      'waltid_mdoc_device_request',
      'multipaz_nfc_static_handover_select',
      'multipaz_nfc_negotiated_handover_request',
      'multipaz_nfc_negotiated_handover_select',
      'multipaz_nfc_tnep_service_parameter',
      'multipaz_nfc_tnep_service_select',
      'multipaz_nfc_tnep_status',
      'multipaz_nfc_v2_engagement',
      'isomdl_qr_device_engagement',
      'apple_ios26_proximity_reader_device_request',
      'iso18013_5_ed2_d413_extended_request',
    ]);
    for (const a of artefacts) if (a.sha256 !== undefined) expect(sha256(primaryBytes(a)), a.id).toBe(a.sha256);
  });
});

describe('Multipaz online verifier over the DC API (ISO 18013-7 Annex C, ReaderAuth alg -9)', () => {
  const a = byId('multipaz_verifier_dcapi_2025');
  const origin = a.context.origin as string;

  it('reads the request: DeviceRequest 1.0, one mDL age_over_18 request with ReaderAuth, a 16-byte nonce', async () => {
    const w = await readDcApiRequest(dcApiData(a), origin);
    expect(w.deviceRequest.version).toBe('1.0');
    expect(w.deviceRequest.docRequests).toHaveLength(1);
    const dr = w.deviceRequest.docRequests[0]!;
    expect(dr.itemsRequest.value.docType).toBe('org.iso.18013.5.1.mDL');
    expect(nameSpacesOf(dr.itemsRequest.value.nameSpaces)).toEqual({ 'org.iso.18013.5.1': { age_over_18: false } });
    expect(toHex(w.nonce)).toBe('a6e83adba9f7e40ed9fa0f2b7732c45f');
    // ESP256 (RFC 9864, fully specified ECDSA P-256 / SHA-256), not ES256 (-7).
    expect(dr.readerAuth?.protectedHeaders.get(1)).toBe(-9);
    const chain = readerAuthCertificates(dr.readerAuth!).map((der) => parseCertificate(der));
    expect(chain.map((c) => c.subject.text)).toEqual(['CN=OWF Multipaz Online Verifier Single-Use Reader Key', 'CN=verifier.multipaz.org Reader CA,C=US']);
    expect([chain[0]!.notBefore.toISOString(), chain[0]!.notAfter.toISOString()]).toEqual(['2025-12-15T08:57:00.000Z', '2025-12-15T09:17:00.000Z']);
  });

  it.each(BACKENDS)('the ReaderAuth signature verifies over the Annex C transcript of the published origin, and only of it (%s)', async (_, backend) => {
    const w = await readDcApiRequest(dcApiData(a), origin, { backend });
    const dr = w.deviceRequest.docRequests[0]!;
    const key = parseCertificate(readerAuthCertificates(dr.readerAuth!)[0]!).publicKey as EcPublicKey;
    expect(await verifyReaderAuthSignature(dr, w.transcript.sessionTranscript, key, { backend })).toBe(true);
    const other = await readDcApiRequest(dcApiData(a), 'https://verifier.example', { backend });
    expect(await verifyReaderAuthSignature(other.deviceRequest.docRequests[0]!, other.transcript.sessionTranscript, key, { backend })).toBe(false);
  });

  it('the reader chain fails only the Annex B reader profile: no extKeyUsage, no cRLDistributionPoints; valid with those two waived', async () => {
    const w = await readDcApiRequest(dcApiData(a), origin);
    const certs = readerAuthCertificates(w.deviceRequest.docRequests[0]!.readerAuth!);
    const now = new Date(a.context.now as string);
    const strict = await verifyReaderChain(certs, { anchors: [certs[1]!], now });
    expect(strict.valid).toBe(false);
    expect(strict.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['READER_EKU', 'READER_CRL_DP']);
    expect(strict.checks.find((c) => c.id === 'SIGNATURE')?.status).toBe('passed');
    const waived = await verifyReaderChain(certs, { anchors: [certs[1]!], now, waive: ['READER_EKU', 'READER_CRL_DP'] });
    expect(waived.valid).toBe(true);
    // The single-use certificate lives 20 minutes: an hour later the chain fails VALIDITY, waiver or not.
    const late = await verifyReaderChain(certs, { anchors: [certs[1]!], now: new Date('2025-12-15T10:00:00Z'), waive: ['READER_EKU', 'READER_CRL_DP'] });
    expect(late.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['VALIDITY']);
  });

  it('a HolderSession given its Reader CA shows this reader trusted only with waiveReaderChecks READER_EKU and READER_CRL_DP', async () => {
    const w = await readDcApiRequest(dcApiData(a), origin);
    const ca = readerAuthCertificates(w.deviceRequest.docRequests[0]!.readerAuth!)[1]!;
    const bytes = encodeDeviceRequest(w.deviceRequest);
    const now = new Date(a.context.now as string);
    const strict = (await replayToHolder(bytes, { readerTrust: [ca], now })).decisions[0]!.consent.reader!;
    expect([strict.trusted, strict.detail]).toEqual([false, 'READER_EKU, READER_CRL_DP']);
    const waived = (await replayToHolder(bytes, { readerTrust: [ca], now, waiveReaderChecks: ['READER_EKU', 'READER_CRL_DP'] })).decisions[0]!.consent.reader!;
    expect(waived.trusted).toBe(true);
    expect(waived.checks?.filter((c) => c.status === 'waived' || c.status === 'failed').map((c) => [c.id, c.status])).toEqual([
      ['READER_EKU', 'waived'],
      ['READER_CRL_DP', 'waived'],
    ]);
    // Replayed into a proximity session, its signature (over the Annex C transcript) does not verify here.
    expect(waived.signatureValid).toBe(false);
  });
});

describe('A-SIT Plus VC-K DC API request options', () => {
  it('org-iso-mdoc: read, with a nonce that is the 36 bytes of a UUID string', async () => {
    const a = byId('asit_vck_dcapi_mdoc');
    const w = await readDcApiRequest(dcApiData(a), a.context.origin as string);
    expect(w.nonce).toEqual(utf8Encode('78bc2c30-c46a-429d-9924-197ffadee21f'));
    const items = w.deviceRequest.docRequests[0]!.itemsRequest.value;
    expect(items.docType).toBe('org.iso.18013.5.1.mDL');
    const elements = items.nameSpaces.get('org.iso.18013.5.1')!;
    expect(elements.size).toBe(11);
    expect([...elements.values()].every((retain) => retain === false)).toBe(true);
  });

  it('openid4vp-v1-signed: refused because expected_origins holds "http://localhost:8080/" (a trailing slash) and the platform reports the origin "http://localhost:8080"', async () => {
    const a = byId('asit_vck_dcapi_openid4vp_signed');
    const origin = a.context.origin as string;
    const now = new Date(a.context.now as string);
    await expect(readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', { request: a.data.request }, origin, { now })).rejects.toMatchObject({
      code: 'ERR_ONLINE_MESSAGE',
      check: 'invalid_request',
      message: 'the request came from http://localhost:8080, which is not among its expected_origins',
    });
    const jws = decodeJws(a.data.request);
    const claims = jws.payload as Record<string, unknown>;
    expect(claims.expected_origins).toEqual(['http://localhost:8080/']);
    // Everything else holds: the signature and x509_san_dns:localhost authenticate (no anchors given: untrusted) …
    const client = await authenticateClient(parseClientId(claims.client_id), jws.signatures[0], undefined, { now });
    expect(client).toMatchObject({ trusted: false, clientId: { prefix: 'x509_san_dns', value: 'localhost' } });
    // … and the claims read as a request (the draft-era namespace / claim_name members of each claim are ignored).
    const { client_id: _c, expected_origins: _e, aud: _a, iss: _i, ...rest } = claims;
    const read = await readOpenId4VpDcApiRequest(rest, origin);
    expect(read.responseMode).toBe('dc_api');
    expect(read.credentials.map((c) => c.id)).toEqual(['dc3c0a26-b79e-4792-8683-71bc9d6d3010']);
  });
});

describe('web-platform-tests canonical org-iso-mdoc requests', () => {
  it('the validation suite’s canonical request is read; its recipient key is the Annex D EReaderKey', async () => {
    const a = byId('wpt_mdoc_validation_canonical');
    const w = await readDcApiRequest(dcApiData(a), a.context.origin as string);
    expect(w.nonce).toHaveLength(16);
    expect(toHex(w.recipientPublicKey.x)).toBe('60e3392385041f51403051f2415531cb56dd3f999c71687013aac6768bc8187e');
    expect(nameSpacesOf(w.deviceRequest.docRequests[0]!.itemsRequest.value.nameSpaces)).toEqual({
      'org.iso.18013.5.1': { family_name: false, document_number: false },
    });
  });

  it('the shared helper’s deviceRequest has a stray character and cannot be base64url: ERR_ONLINE_MESSAGE', async () => {
    const a = byId('wpt_helper_mdoc_2026');
    expect(a.data.deviceRequest!.length % 4).toBe(1);
    await expect(readDcApiRequest(dcApiData(a), a.context.origin as string)).rejects.toMatchObject({
      code: 'ERR_ONLINE_MESSAGE',
      message: 'request: base64 has an impossible length',
    });
    const repaired = a.data.deviceRequest!.replace('MTgwMTMuNS4x9pWt', 'MTgwMTMuNS4xpWt');
    const w = await readDcApiRequest({ ...dcApiData(a), deviceRequest: repaired }, a.context.origin as string);
    expect([...w.deviceRequest.docRequests[0]!.itemsRequest.value.nameSpaces.get('org.iso.18013.5.1')!.keys()]).toEqual([
      'age_over_21',
      'given_name',
      'family_name',
      'driving_privileges',
      'portrait',
    ]);
  });
});

describe('Funke verifier Request Object (x509_san_dns, SD-JWT only)', () => {
  const a = byId('eudi_funke_request_object_2025');
  const now = new Date(a.context.now as string);

  it('authenticates it, then refuses it for asking no mso_mdoc credential', async () => {
    await expect(resolveOpenId4VpRequest({ client_id: a.data.client_id!, request: a.data.request! }, { now })).rejects.toMatchObject({
      code: 'ERR_ONLINE_MESSAGE',
      check: 'vp_formats_not_supported',
      message: 'the query asks for no mso_mdoc credential',
    });
  });

  it('with its signature altered, it is refused for the signature instead', async () => {
    const [h, p, s] = a.data.request!.split('.');
    const forged = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
    await expect(resolveOpenId4VpRequest({ client_id: a.data.client_id!, request: forged }, { now })).rejects.toMatchObject({ code: 'ERR_OID4VP_SIGNATURE' });
  });
});

describe('walt.id mdoc library DeviceRequest: ReaderAuth with x5chain null', () => {
  it('decodes; the ReaderAuth keeps {33: null}; asking for its certificates is ERR_COSE_STRUCTURE', () => {
    const a = byId('waltid_mdoc_device_request');
    const request = decodeDeviceRequest(fromHex(a.data.hex!));
    const dr = request.docRequests[0]!;
    expect(nameSpacesOf(dr.itemsRequest.value.nameSpaces)).toEqual({ 'org.iso.18013.5.1': { family_name: true, birth_date: false } });
    expect(dr.readerAuth?.protectedHeaders.get(1)).toBe(-7);
    expect([...dr.readerAuth!.unprotectedHeaders]).toEqual([[33, null]]);
    expect(() => readerAuthCertificates(dr.readerAuth!)).toThrow(expect.objectContaining({ code: 'ERR_COSE_STRUCTURE', message: 'x5chain is not a certificate or an array of certificates' }));
  });
});

describe('Multipaz NFC engagement', () => {
  it('static handover: the Handover Select reads, with a BLE and an NFC carrier and a DeviceEngagement 1.0', () => {
    const n = decodeNfcEngagement(fromHex(byId('multipaz_nfc_static_handover_select').data.hex!));
    expect(n.handoverSelect.version).toBe(0x15);
    expect(n.handoverSelect.alternativeCarriers.map((c) => [c.carrierDataReference, c.auxiliaryDataReferences])).toEqual([
      ['0', ['mdoc']],
      ['nfc', ['mdoc']],
    ]);
    expect(n.carriers[0]!.configuration).toMatchObject({ kind: 'ble', leRole: 3 });
    expect(n.carriers[1]!.configuration).toEqual({ kind: 'nfc', maxCommandDataLength: 65535, maxResponseDataLength: 65536 });
    const de = decodeDeviceEngagement(n.deviceEngagement);
    expect(de.version).toBe('1.0');
    expect(de.deviceRetrievalMethods).toEqual([]);
    expect(toHex((de.eDeviceKey as EcPublicKey).x)).toBe('7104f7e2c2e95ca76482c0c963d454b7e5d053c5b59ce89d00ff7c7d7ab6ff7d');
  });

  it('negotiated handover: the reader’s Handover Request has no cr record and reads with collisionResolution absent, encoding back to the bytes sent', () => {
    const hex = byId('multipaz_nfc_negotiated_handover_request').data.hex!;
    const hr = decodeHandoverRequest(fromHex(hex));
    expect('collisionResolution' in hr).toBe(false);
    expect(hr.alternativeCarriers.map((ac) => ac.carrierDataReference)).toEqual(['0', 'nfc']);
    expect(toHex(encodeHandoverRequest(hr))).toBe(hex);
    expect(recordTypes(hex)).toEqual([
      { tnf: 1, type: 'Hr', id: undefined },
      { tnf: 4, type: 'iso.org:18013:readerengagement', id: 'mdocreader' },
      { tnf: 2, type: 'application/vnd.bluetooth.le.oob', id: '0' },
      { tnf: 4, type: 'iso.org:18013:nfc', id: 'nfc' },
    ]);
    expect(decode(decodeNdefMessage(fromHex(hex))[1]!.payload)).toEqual(new Map([[0, '1.0']]));
  });

  it('negotiated handover: the mdoc’s Handover Select reads, one BLE carrier without UUID', () => {
    const n = decodeNfcEngagement(fromHex(byId('multipaz_nfc_negotiated_handover_select').data.hex!));
    expect(n.carriers.map((c) => c.configuration)).toEqual([{ kind: 'ble', leRole: 1 }]);
    expect(decodeDeviceEngagement(n.deviceEngagement).version).toBe('1.0');
  });

  it('the TNEP records decode as NDEF messages of one record each', () => {
    expect(recordTypes(byId('multipaz_nfc_tnep_service_parameter').data.hex!)).toEqual([{ tnf: 1, type: 'Tp', id: undefined }]);
    expect(recordTypes(byId('multipaz_nfc_tnep_service_select').data.hex!)).toEqual([{ tnf: 1, type: 'Ts', id: undefined }]);
    expect(recordTypes(byId('multipaz_nfc_tnep_status').data.hex!)).toEqual([{ tnf: 1, type: 'Te', id: undefined }]);
  });

  it('NFC v2: the DeviceEngagement 1.1 reads, with a type-5 retrieval method, empty originInfos and capabilities kept', () => {
    const a = byId('multipaz_nfc_v2_engagement');
    const bytes = fromHex(a.data.hex!);
    expect(toHex(bytes.subarray(0, 4))).toBe('5368a100');
    const de = decodeDeviceEngagement(bytes.subarray(a.context.device_engagement_offset as number));
    expect(de.version).toBe('1.1');
    expect(de.deviceRetrievalMethods).toEqual([{ type: 5, version: 1, options: new Map() }]);
    expect(de.originInfos).toEqual([]);
    expect(de.capabilities).toEqual(
      new Map([
        [3, true],
        [4, true],
      ]),
    );
  });
});

describe('isomdl QR engagement', () => {
  it('reads: one BLE method in peripheral server mode', () => {
    const de = decodeDeviceEngagement(qrUriToEngagement(byId('isomdl_qr_device_engagement').data.uri!));
    expect(de.version).toBe('1.0');
    expect(de.deviceRetrievalMethods).toHaveLength(1);
    const m = de.deviceRetrievalMethods[0]!;
    expect(m.type).toBe('ble');
    expect(m.options).toMatchObject({ peripheralServerMode: true, centralClientMode: false });
    expect(toHex((m.options as { peripheralServerUuid: Uint8Array }).peripheralServerUuid)).toBe('7d918ae0046d4573aecace8949d23c3c');
  });
});

/** Send DeviceRequest bytes to a HolderSession holding an mDL, playing the reader by hand (a ReaderSession would never send them). */
async function replayToHolder(request: Uint8Array, options: Partial<HolderSessionOptions> = {}) {
  const backend = nobleBackend;
  const { device, mdl } = await testMdl(backend);
  const holder = await HolderSession.create({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend, ...options });
  const engagement = decodeDeviceEngagement(holder.deviceEngagement);
  const eReaderKey = await backend.generateKeyPair('P-256');
  const eReaderKeyBytes = encodeEmbedded(encodeCoseKey(publicKeyOf(eReaderKey))) as EncodedCbor;
  const transcript = buildSessionTranscript({ deviceEngagement: holder.deviceEngagement, eReaderKey: eReaderKeyBytes.bytes, handover: { kind: 'qr' } });
  const cipher = new SessionCipher('reader', await deriveSessionKeys(eReaderKey, engagement.eDeviceKey, transcript, { backend }), { backend });
  const result = await holder.receive(encodeSessionEstablishment(eReaderKeyBytes, await cipher.encrypt(request)));
  if (result.kind !== 'request') throw new Error(`holder: ${result.kind}`);
  return { result, decisions: result.decisions, response: decodeDeviceResponse(await cipher.decrypt(decodeSessionData(result.reply).data!)) };
}

describe('Apple iOS 26.0 as a reader (ProximityReader Verifier API): readerAuthAll and deviceRequestInfo written as null', () => {
  const a = byId('apple_ios26_proximity_reader_device_request');
  const bytes = fromHex(a.data.hex!);
  const raw = decode(bytes) as Map<string, unknown>;
  const without = (...keys: string[]) => encode(new Map([...raw].filter(([k]) => !keys.includes(k))) as never);

  it('the request as sent is read: the null readerAuthAll and deviceRequestInfo are absent, each named REQUEST_OPTIONAL_NULL', () => {
    expect([...raw.keys()]).toEqual(['version', 'docRequests', 'readerAuthAll', 'deviceRequestInfo']);
    expect([raw.get('version'), raw.get('readerAuthAll'), raw.get('deviceRequestInfo')]).toEqual(['1.0', null, null]);
    const read = decodeDeviceRequest(bytes);
    expect('readerAuthAll' in read || 'deviceRequestInfo' in read).toBe(false);
    expect(read.deviations?.map((d) => [d.id, d.path])).toEqual([
      ['REQUEST_OPTIONAL_NULL', 'deviceRequest.deviceRequestInfo'],
      ['REQUEST_OPTIONAL_NULL', 'deviceRequest.readerAuthAll'],
    ]);
    const items = read.docRequests[0]!.itemsRequest.value;
    expect(nameSpacesOf(items.nameSpaces)).toEqual({ 'org.iso.18013.5.1': { portrait: false, age_over_21: false } });
    expect(items.requestInfo).toEqual(new Map([['com.apple.interpret-will-not-retain-intent-as-display-only', true]]));
    expect(items.docRequestInfo).toEqual({});
    expect(read.docRequests[0]!.readerAuth?.protectedHeaders.get(1)).toBe(-7);
    // Without the two nulls it reads the same, with no deviation.
    const clean = decodeDeviceRequest(without('deviceRequestInfo', 'readerAuthAll'));
    expect('deviations' in clean).toBe(false);
    expect(clean.docRequests).toEqual(read.docRequests);
  });

  it('so a HolderSession holding an mDL answers an iPhone reader with the mDL (status 0), the deviations shown to consent', async () => {
    const { result, response } = await replayToHolder(bytes);
    expect(result.request.deviations?.map((d) => d.id)).toEqual(['REQUEST_OPTIONAL_NULL', 'REQUEST_OPTIONAL_NULL']);
    expect(result.decisions[0]!.consent.deviations).toBe(result.request.deviations);
    expect(response.status).toBe(0);
    expect(response.documents?.map((d) => d.docType)).toEqual(['org.iso.18013.5.1.mDL']);
    // The ReaderAuth was signed in Apple's session, not this one: it does not verify here.
    expect(result.decisions[0]!.consent.reader?.signatureValid).toBe(false);
  });

  it('given Apple Root CA - G3, a HolderSession shows the reader trusted with waiveReaderChecks READER_CRL_DP, and only so', async () => {
    const root = readerAuthCertificates(decodeDeviceRequest(bytes).docRequests[0]!.readerAuth!)[2]!;
    const now = new Date(a.context.now as string);
    const strict = (await replayToHolder(bytes, { readerTrust: [root], now })).result.decisions[0]!.consent.reader!;
    expect([strict.certificate?.subject.attributes.CN?.[0], strict.trusted, strict.detail]).toEqual(['139e39c237b40af50f1af646c3f6093c4d65c806727dace2e9c0216d20e42db8', false, 'READER_CRL_DP']);
    const waived = (await replayToHolder(bytes, { readerTrust: [root], now, waiveReaderChecks: ['READER_CRL_DP'] })).result.decisions[0]!.consent.reader!;
    expect(waived.trusted).toBe(true);
    expect(waived.checks?.filter((c) => c.status === 'waived' || c.status === 'failed').map((c) => [c.id, c.status])).toEqual([['READER_CRL_DP', 'waived']]);
    await expect(replayToHolder(bytes, { readerTrust: [root], now, waiveReaderChecks: ['VALIDITY'] })).rejects.toThrow(RangeError);
  });

  it('its reader chain to Apple Root CA - G3 fails only READER_CRL_DP', async () => {
    const readerAuth = decodeCoseSign1(((raw.get('docRequests') as Map<string, unknown>[])[0]!).get('readerAuth') as never);
    const certs = readerAuthCertificates(readerAuth);
    expect(certs.map((c) => parseCertificate(c).subject.attributes.CN?.[0])).toEqual([
      '139e39c237b40af50f1af646c3f6093c4d65c806727dace2e9c0216d20e42db8',
      'Apple Application Integration CA 7 - G1',
      'Apple Root CA - G3',
    ]);
    const report = await verifyReaderChain(certs, { anchors: [certs[2]!], now: new Date(a.context.now as string) });
    expect(report.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['READER_CRL_DP']);
  });
});

describe('ISO 18013-5 second edition D.4.1.3 extended request', () => {
  it('reads: version 1.1, three DocRequests with uniqueDocSetRequired and alternativeDataElements, two use cases', () => {
    const request = decodeDeviceRequest(fromHex(byId('iso18013_5_ed2_d413_extended_request').data.hex!));
    expect(request.version).toBe('1.1');
    expect(request.docRequests.map((d) => d.itemsRequest.value.docType)).toEqual(['org.iso.18013.5.1.mDL', 'org.iso.18013.5.1.mDL', 'org.iso.23220.photoID']);
    expect(request.docRequests.map((d) => d.itemsRequest.value.docRequestInfo?.uniqueDocSetRequired)).toEqual([true, true, true]);
    expect(request.docRequests.map((d) => d.itemsRequest.value.docRequestInfo?.alternativeDataElements?.length)).toEqual([3, 2, 6]);
    expect(request.deviceRequestInfo?.value.useCases).toEqual([
      { mandatory: false, documentSets: [[0]], purposeHints: new Map([['org.iso.jtc1.sc17', 2]]) },
      { mandatory: false, documentSets: [[1], [2]], purposeHints: new Map([['org.iso.jtc1.sc17', 1]]) },
    ]);
  });
});
