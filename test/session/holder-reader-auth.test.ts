/**
 * What a HolderSession shows the consent callback about the reader: ReaderAuthAll (second
 * edition, over the whole request) verified and combined with each DocRequest's ReaderAuth,
 * Annex B reader profile checks waived by id (`waiveReaderChecks`), and the request's
 * deviations (an optional member sent as null).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, type EncodedCbor, encode, encodeEmbedded } from '../../src/cbor/index.js';
import { encodeCoseKey } from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { buildDeviceRequest, decodeDeviceResponse, encodeDeviceRequest, type IssuerSigned, type ReaderAuthInput, readSessionTranscript } from '../../src/mdoc/index.js';
import {
  buildSessionTranscript,
  type ConsentRequest,
  decodeDeviceEngagement,
  decodeSessionData,
  deriveSessionKeys,
  encodeSessionEstablishment,
  HolderSession,
  type HolderSessionOptions,
  SessionCipher,
} from '../../src/session/index.js';
import type { SessionTranscriptBytes } from '../../src/mdoc/index.js';
import { buildIaca, buildReaderAuthCertificate, type Certificate } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { NOW, testMdl } from '../mdoc/fixtures.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const DOCS = [{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: false } } }];

describe.each(BACKENDS)('HolderSession reader authentication (%s)', (_name, backend) => {
  let device: PrivateKey;
  let mdl: IssuerSigned;
  let root: Certificate;
  let readerKey: EcPrivateKey;
  let readerCert: Certificate;
  let otherKey: EcPrivateKey;
  let otherCert: Certificate;
  let noEkuKey: EcPrivateKey;
  let noEkuCert: Certificate;

  beforeAll(async () => {
    ({ device, mdl } = await testMdl(backend));
    const rootKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const validity = { notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 300 * 86_400_000) };
    root = await buildIaca({ country: 'JP', commonName: 'Reader CA', key: rootKey, validity, issuerAltName: { uri: 'https://r.example/' }, backend });
    const reader = async (commonName: string, extKeyUsage?: string[]) => {
      const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
      const cert = await buildReaderAuthCertificate({
        issuer: root,
        issuerKey: rootKey,
        commonName,
        publicKey: publicKeyOf(key) as never,
        validity,
        crlUri: 'https://r.example/crl',
        ...(extKeyUsage === undefined ? {} : { extKeyUsage }),
        backend,
      });
      return [key, cert] as const;
    };
    [readerKey, readerCert] = await reader('Shop reader');
    [otherKey, otherCert] = await reader('Other reader');
    // An extKeyUsage other than mdlReaderAuth: READER_EKU fails.
    [noEkuKey, noEkuCert] = await reader('Odd reader', ['1.3.6.1.5.5.7.3.2']);
  });

  /** Engage as a reader by hand; `send` delivers request bytes and returns what the consent callback saw. */
  async function session(options: Partial<HolderSessionOptions> = {}) {
    const seen: ConsentRequest[] = [];
    const holder = await HolderSession.create({
      documents: [{ issuerSigned: mdl, deviceKey: device }],
      backend,
      readerTrust: [root],
      now: NOW,
      consent: (c) => {
        seen.push(c);
        return c.available;
      },
      ...options,
    });
    const engagement = decodeDeviceEngagement(holder.deviceEngagement);
    const eReaderKey = await backend.generateKeyPair('P-256');
    const eReaderKeyBytes = encodeEmbedded(encodeCoseKey(publicKeyOf(eReaderKey))) as EncodedCbor;
    const transcript = buildSessionTranscript({ deviceEngagement: holder.deviceEngagement, eReaderKey: eReaderKeyBytes.bytes, handover: { kind: 'qr' } });
    const cipher = new SessionCipher('reader', await deriveSessionKeys(eReaderKey, engagement.eDeviceKey, transcript, { backend }), { backend });
    const send = async (request: Uint8Array) => {
      const result = await holder.receive(encodeSessionEstablishment(eReaderKeyBytes, await cipher.encrypt(request)));
      if (result.kind !== 'request') throw new Error(`holder: ${result.kind}`);
      const response = decodeDeviceResponse(await cipher.decrypt(decodeSessionData(result.reply).data!));
      return { result, response, seen };
    };
    return { transcript, send };
  }

  const signer = (key: EcPrivateKey, cert: Certificate, sessionTranscript: SessionTranscriptBytes): ReaderAuthInput => ({ signer: key, certificates: [cert.der], sessionTranscript });
  const elsewhere = readSessionTranscript(encodeEmbedded([null, null, ['another session', 1]]).tagged);
  const view = (c: ConsentRequest['reader']) => (c === undefined ? undefined : { subject: c.certificate?.subject.text, signatureValid: c.signatureValid, trusted: c.trusted, detail: c.detail });

  it('a request signed only with ReaderAuthAll shows the reader it proves', async () => {
    const { transcript, send } = await session();
    const request = await buildDeviceRequest(DOCS, { readerAuthAll: signer(readerKey, readerCert, transcript), backend });
    const { seen, response } = await send(encodeDeviceRequest(request));
    expect(view(seen[0]!.reader)).toEqual({ subject: 'CN=Shop reader', signatureValid: true, trusted: true, detail: undefined });
    expect(seen[0]!.readerAuthAll?.map(view)).toEqual([{ subject: 'CN=Shop reader', signatureValid: true, trusted: true, detail: undefined }]);
    expect(seen[0]!.readerAuth).toBeUndefined();
    expect(response.documents).toHaveLength(1);
  });

  it('a ReaderAuthAll made for another session is shown as not valid', async () => {
    const { send } = await session();
    const request = await buildDeviceRequest(DOCS, { readerAuthAll: signer(readerKey, readerCert, elsewhere), backend });
    const { seen } = await send(encodeDeviceRequest(request));
    expect(view(seen[0]!.reader)).toEqual({ subject: 'CN=Shop reader', signatureValid: false, trusted: true, detail: undefined });
  });

  it('ReaderAuth and ReaderAuthAll both present: valid only when both verify; the failing one is named', async () => {
    const { transcript, send } = await session();
    const both = await buildDeviceRequest(DOCS, { readerAuth: signer(readerKey, readerCert, transcript), readerAuthAll: signer(readerKey, readerCert, transcript), backend });
    const ok = await send(encodeDeviceRequest(both));
    expect(view(ok.seen[0]!.reader)).toEqual({ subject: 'CN=Shop reader', signatureValid: true, trusted: true, detail: undefined });
    expect(ok.seen[0]!.readerAuth?.signatureValid).toBe(true);

    // The per-document one valid, the whole-request one from another session.
    const s2 = await session();
    const badAll = await buildDeviceRequest(DOCS, { readerAuth: signer(readerKey, readerCert, s2.transcript), readerAuthAll: signer(readerKey, readerCert, elsewhere), backend });
    const r2 = await s2.send(encodeDeviceRequest(badAll));
    expect(view(r2.seen[0]!.reader)).toEqual({ subject: 'CN=Shop reader', signatureValid: false, trusted: true, detail: 'readerAuthAll[0]: the signature does not verify' });
    expect(r2.seen[0]!.readerAuth?.signatureValid).toBe(true);

    // The reverse.
    const s3 = await session();
    const badOne = await buildDeviceRequest(DOCS, { readerAuth: signer(readerKey, readerCert, elsewhere), readerAuthAll: signer(readerKey, readerCert, s3.transcript), backend });
    const r3 = await s3.send(encodeDeviceRequest(badOne));
    expect(view(r3.seen[0]!.reader)).toEqual({ subject: 'CN=Shop reader', signatureValid: false, trusted: true, detail: 'readerAuth: the signature does not verify' });
  });

  it('ReaderAuth and ReaderAuthAll by two different readers: not trusted as one reader', async () => {
    const { transcript, send } = await session();
    const request = await buildDeviceRequest(DOCS, { readerAuth: signer(otherKey, otherCert, transcript), readerAuthAll: signer(readerKey, readerCert, transcript), backend });
    const { seen } = await send(encodeDeviceRequest(request));
    expect(view(seen[0]!.reader)).toEqual({
      subject: 'CN=Shop reader',
      signatureValid: true,
      trusted: false,
      detail: 'readerAuthAll[0] and readerAuth are signed with different reader certificates',
    });
    expect(view(seen[0]!.readerAuth)).toEqual({ subject: 'CN=Other reader', signatureValid: true, trusted: true, detail: undefined });
  });

  it('every ReaderAuthAll signature is checked: one that fails makes the reader not valid', async () => {
    const { transcript, send } = await session();
    const good = await buildDeviceRequest(DOCS, { readerAuthAll: signer(readerKey, readerCert, transcript), backend });
    const bad = await buildDeviceRequest(DOCS, { readerAuthAll: signer(readerKey, readerCert, elsewhere), backend });
    const two = { ...good, readerAuthAll: [good.readerAuthAll![0]!, bad.readerAuthAll![0]!] };
    const { seen } = await send(encodeDeviceRequest(two));
    expect(seen[0]!.readerAuthAll?.map((r) => r.signatureValid)).toEqual([true, false]);
    expect(view(seen[0]!.reader)).toMatchObject({ signatureValid: false, detail: 'readerAuthAll[1]: the signature does not verify' });
  });

  it('a ReaderAuthAll whose certificate does not parse is shown as not valid, with the reason; the request is still answered', async () => {
    const { transcript, send } = await session();
    const request = await buildDeviceRequest(DOCS, { readerAuthAll: { signer: readerKey, certificates: [new Uint8Array([0x30, 0x00])], sessionTranscript: transcript }, backend });
    const { seen, response } = await send(encodeDeviceRequest(request));
    expect(seen[0]!.reader).toMatchObject({ signatureValid: false, trusted: false });
    expect(seen[0]!.reader?.certificate).toBeUndefined();
    expect(seen[0]!.reader?.detail).toEqual(expect.any(String));
    expect(response.status).toBe(0);
  });

  it('an Apple-shaped request (readerAuthAll and deviceRequestInfo null) signed per document reaches consent verified, its deviations shown', async () => {
    const { transcript, send } = await session();
    const request = await buildDeviceRequest(DOCS, { readerAuth: signer(readerKey, readerCert, transcript), backend });
    const m = decode(encodeDeviceRequest(request)) as Map<string, unknown>;
    m.set('readerAuthAll', null);
    m.set('deviceRequestInfo', null);
    const { seen, response, result } = await send(encode(m as never));
    expect(view(seen[0]!.reader)).toEqual({ subject: 'CN=Shop reader', signatureValid: true, trusted: true, detail: undefined });
    expect(seen[0]!.readerAuthAll).toBeUndefined();
    expect(seen[0]!.deviations?.map((d) => [d.id, d.path])).toEqual([
      ['REQUEST_OPTIONAL_NULL', 'deviceRequest.deviceRequestInfo'],
      ['REQUEST_OPTIONAL_NULL', 'deviceRequest.readerAuthAll'],
    ]);
    expect(result.request.deviations).toBe(seen[0]!.deviations);
    expect(response.status).toBe(0);
    expect(response.documents).toHaveLength(1);
  });

  it('waiveReaderChecks: a reader failing READER_EKU is trusted only with that check waived, and the report shows it waived', async () => {
    const strict = await session();
    const r1 = await strict.send(encodeDeviceRequest(await buildDeviceRequest(DOCS, { readerAuth: signer(noEkuKey, noEkuCert, strict.transcript), backend })));
    expect(view(r1.seen[0]!.reader)).toEqual({ subject: 'CN=Odd reader', signatureValid: true, trusted: false, detail: 'READER_EKU' });
    expect(r1.seen[0]!.reader?.checks?.find((c) => c.id === 'READER_EKU')?.status).toBe('failed');

    const lenient = await session({ waiveReaderChecks: ['READER_EKU'] });
    const r2 = await lenient.send(encodeDeviceRequest(await buildDeviceRequest(DOCS, { readerAuthAll: signer(noEkuKey, noEkuCert, lenient.transcript), backend })));
    expect(view(r2.seen[0]!.reader)).toEqual({ subject: 'CN=Odd reader', signatureValid: true, trusted: true, detail: undefined });
    expect(r2.seen[0]!.reader?.checks?.find((c) => c.id === 'READER_EKU')?.status).toBe('waived');
    // A waiver never makes a reader from an untrusted CA trusted.
    const untrusted = await session({ waiveReaderChecks: ['READER_EKU'], readerTrust: [otherCert] });
    const r3 = await untrusted.send(encodeDeviceRequest(await buildDeviceRequest(DOCS, { readerAuth: signer(noEkuKey, noEkuCert, untrusted.transcript), backend })));
    expect(r3.seen[0]!.reader?.trusted).toBe(false);
  });
});

describe('HolderSessionOptions.waiveReaderChecks validation', () => {
  const backend = BACKENDS[0]![1];
  let documents: HolderSessionOptions['documents'];
  beforeAll(async () => {
    const { device, mdl } = await testMdl(backend);
    documents = [{ issuerSigned: mdl, deviceKey: device }];
  });

  it('accepts the reader profile and CRL profile ids', async () => {
    await expect(HolderSession.create({ documents, backend, waiveReaderChecks: ['READER_EKU', 'READER_CRL_DP'] })).resolves.toBeInstanceOf(HolderSession);
  });

  it.each(['SIGNATURE', 'TRUST_ANCHOR', 'VALIDITY', 'REVOCATION', 'DS_EKU', 'NOPE'])('refuses %s with a RangeError naming the valid ids', async (id) => {
    await expect(HolderSession.create({ documents, backend, waiveReaderChecks: [id] })).rejects.toThrow(RangeError);
    await expect(HolderSession.create({ documents, backend, waiveReaderChecks: [id] })).rejects.toThrow(
      new RegExp(`^options\\.waiveReaderChecks: "${id}" is not a waivable Annex B reader check; valid ids: READER_EKU, .*READER_CRL_DP`),
    );
  });

  it('refuses a non-array with a TypeError', async () => {
    await expect(HolderSession.create({ documents, backend, waiveReaderChecks: 'READER_EKU' as never })).rejects.toThrow(TypeError);
  });
});
