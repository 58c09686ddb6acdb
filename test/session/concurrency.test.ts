/**
 * Reader and holder sessions called concurrently (ISO/IEC 18013-5 §9.1.1): messages are
 * handled one at a time in call order, so a second SessionEstablishment can never take
 * over a session being established, a duplicated message can never make either side
 * encrypt twice under one key and IV, and the consent callback sees each DocRequest's
 * own reader identity. Every assertion is on the bytes that come out (what decrypts and
 * verifies, and what is refused with which code), never on timing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import type { SessionError } from '../../src/errors.js';
import { buildDeviceRequest, type IssuerSigned, MAX_DOCUMENTS } from '../../src/mdoc/index.js';
import {
  type ConsentRequest,
  decodeSessionData,
  type HolderReceiveResult,
  HolderSession,
  type HolderSessionOptions,
  ReaderSession,
  type ReaderSessionOptions,
} from '../../src/session/index.js';
import { buildIaca, buildReaderAuthCertificate } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { NOW, type TestIssuer, testMdl } from '../mdoc/fixtures.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const REQUEST_A = [{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: false } } }];
const REQUEST_B = [{ docType: MDL, nameSpaces: { [NS]: { portrait: false, given_name: false } } }];

const backend = BACKENDS[0]![1];
let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;
beforeAll(async () => {
  ({ issuer, device, mdl } = await testMdl(backend));
});
const readerOptions = (extra: Partial<ReaderSessionOptions> = {}): ReaderSessionOptions => ({ verify: { trustAnchors: [issuer.iaca], now: NOW }, backend, ...extra });
const holderOptions = (extra: Partial<HolderSessionOptions> = {}): HolderSessionOptions => ({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend, ...extra });
const replyOf = (r: HolderReceiveResult) => (r.kind === 'terminated' ? undefined : r.reply);
const codeOf = (r: { kind: string }) => (r.kind === 'error' ? (r as unknown as { error: SessionError }).error.code : r.kind);

describe('HolderSession under concurrent messages', () => {
  it.each(['mac', 'signature'] as const)('two SessionEstablishments at once: the first is answered for its own reader only, the second is refused (device %s)', async (deviceAuth) => {
    const holder = await HolderSession.create(holderOptions({ deviceAuth }));
    const readerA = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const readerB = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const establishmentA = await readerA.request(REQUEST_A);
    const establishmentB = await readerB.request(REQUEST_B);
    const [answerA, answerB] = await Promise.all([holder.receive(establishmentA), holder.receive(establishmentB)]);
    expect(codeOf(answerA)).toBe('request');
    expect(codeOf(answerB)).toBe('ERR_SESSION_STATE');
    // B gets a status-only reply (11): nothing encrypted, nothing about A's answer.
    expect(decodeSessionData(replyOf(answerB)!)).toEqual({ status: 11 });
    // A's reply decrypts under A's keys and its device authentication verifies over A's transcript.
    const resultA = await readerA.receive(replyOf(answerA)!);
    if (resultA.kind !== 'response') throw new Error(resultA.kind);
    expect(resultA.verification.valid).toBe(true);
    expect(Object.keys(resultA.verification.documents[0]!.issuerSigned[NS]!).sort()).toEqual(['age_over_18', 'family_name']);
    expect(holder.transcript!.tagged).toEqual(readerA.transcript.tagged);
    // Reader B cannot read A's answer.
    const resultB = await readerB.receive(replyOf(answerA)!);
    expect(codeOf(resultB)).toBe('ERR_SESSION_DECRYPT');
  });

  it('the same SessionEstablishment delivered twice: one reply, never two ciphertexts under one key and IV', async () => {
    const holder = await HolderSession.create(holderOptions({ deviceAuth: 'signature' }));
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const establishment = await reader.request(REQUEST_A);
    const answers = await Promise.all([holder.receive(establishment), holder.receive(establishment)]);
    expect(answers.map(codeOf)).toEqual(['request', 'ERR_SESSION_STATE']);
    // Only one SessionData carries data (counter 1 under SKDevice); the other is status 11.
    const withData = answers.map(replyOf).filter((r) => r !== undefined && decodeSessionData(r).data !== undefined);
    expect(withData).toHaveLength(1);
    expect(decodeSessionData(replyOf(answers[1]!)!)).toEqual({ status: 11 });
    const result = await reader.receive(withData[0]!);
    expect(result.kind === 'response' && result.verification.valid).toBe(true);
    expect(holder.state).toBe('ended');
  });

  it('the same SessionData delivered twice: answered once, the copy does not decrypt', async () => {
    const holder = await HolderSession.create(holderOptions());
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const first = await holder.receive(await reader.request(REQUEST_A));
    expect((await reader.receive(replyOf(first)!)).kind).toBe('response');
    const second = await reader.request(REQUEST_B);
    const answers = await Promise.all([holder.receive(second), holder.receive(second)]);
    expect(answers.map(codeOf)).toEqual(['request', 'ERR_SESSION_DECRYPT']);
    expect(decodeSessionData(replyOf(answers[1]!)!)).toEqual({ status: 10 });
    const result = await reader.receive(replyOf(answers[0]!)!);
    expect(result.kind === 'response' && result.verification.valid).toBe(true);
  });

  it('the handover cannot change once a message is queued', async () => {
    const holder = await HolderSession.create(holderOptions());
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const pending = holder.receive(await reader.request(REQUEST_A));
    expect(() => holder.nfcStaticHandover()).toThrow(expect.objectContaining({ code: 'ERR_SESSION_STATE' }));
    const answer = await pending;
    expect((await reader.receive(replyOf(answer)!)).kind).toBe('response');
  });

  it('terminate() while consent is asked: no reply is produced', async () => {
    let holder: HolderSession | undefined;
    holder = await HolderSession.create(
      holderOptions({
        consent: (c) => {
          holder!.terminate();
          return c.available;
        },
      }),
    );
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const answer = await holder.receive(await reader.request(REQUEST_A));
    expect(codeOf(answer)).toBe('ERR_SESSION_STATE');
    expect(replyOf(answer)).toBeUndefined();
    expect(holder.state).toBe('ended');
  });
});

describe('ReaderSession under concurrent calls', () => {
  it('two overlapping request() calls: one is sent, the other refused; the holder decrypts the one sent', async () => {
    const holder = await HolderSession.create(holderOptions());
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const [a, b] = await Promise.allSettled([reader.request(REQUEST_A), reader.request(REQUEST_B)]);
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'ERR_SESSION_STATE' } });
    const answer = await holder.receive((a as PromiseFulfilledResult<Uint8Array>).value);
    expect(codeOf(answer)).toBe('request');
    const result = await reader.receive(replyOf(answer)!);
    expect(result.kind === 'response' && result.verification.valid).toBe(true);
  });

  it('a response delivered twice at once: verified once, the copy ends the session, which stays ended', async () => {
    const holder = await HolderSession.create(holderOptions());
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const answer = await holder.receive(await reader.request(REQUEST_A));
    const [first, copy] = await Promise.all([reader.receive(replyOf(answer)!), reader.receive(replyOf(answer)!)]);
    expect(first.kind === 'response' && first.verification.valid).toBe(true);
    expect(codeOf(copy)).toBe('ERR_SESSION_STATE');
    expect(reader.state).toBe('ended');
    await expect(reader.request(REQUEST_B)).rejects.toMatchObject({ code: 'ERR_SESSION_STATE' });
  });

  it('terminate() while a request is being built: nothing is returned to send', async () => {
    const holder = await HolderSession.create(holderOptions());
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const pending = reader.request(REQUEST_A);
    reader.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_SESSION_STATE' });
  });
});

describe('consent and reader identity per DocRequest', () => {
  it('an unsigned DocRequest is never shown with the identity of a signed one of the same docType', async () => {
    const rootKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const readerKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const validity = { notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 300 * 86_400_000) };
    const root = await buildIaca({ country: 'JP', commonName: 'Reader CA', key: rootKey, validity, issuerAltName: { uri: 'https://r.example/' }, backend });
    const cert = await buildReaderAuthCertificate({ issuer: root, issuerKey: rootKey, commonName: 'Shop reader', publicKey: publicKeyOf(readerKey), validity, crlUri: 'https://r.example/crl', backend });
    const seen: ConsentRequest[] = [];
    const holder = await HolderSession.create(
      holderOptions({
        readerTrust: [root],
        now: NOW,
        consent: (c) => {
          seen.push(c);
          return c.reader?.trusted === true ? c.available : {};
        },
      }),
    );
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    // An unsigned DocRequest for the portrait, then a signed one (a trusted reader) for the age only.
    const unsigned = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { portrait: true } } }], { backend });
    const signed = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { age_over_18: false } } }], {
      readerAuth: { signer: readerKey, certificates: [cert.der], sessionTranscript: reader.transcript },
      backend,
    });
    const answer = await holder.receive(await reader.request({ ...signed, docRequests: [unsigned.docRequests[0]!, signed.docRequests[0]!] }));
    if (answer.kind !== 'request') throw new Error(answer.kind);
    expect(seen.map((c) => ({ requested: { ...c.requested[NS] }, trusted: c.reader?.trusted }))).toEqual([
      { requested: { portrait: true }, trusted: undefined },
      { requested: { age_over_18: false }, trusted: true },
    ]);
    expect(answer.decisions.map((d) => d.released)).toEqual([{}, { [NS]: ['age_over_18'] }]);
    // The portrait was never released: the first document carries no issuer-signed portrait.
    const result = await reader.receive(answer.reply);
    if (result.kind !== 'response') throw new Error(result.kind);
    expect(result.verification.documents.map((d) => Object.keys(d.issuerSigned[NS] ?? {}))).toEqual([[], ['age_over_18']]);
  });

  it('DocRequests for documents not held cost no work per request: the held documents are decoded once', async () => {
    let reads = 0;
    const held = {
      get issuerSigned() {
        reads++;
        return mdl;
      },
      deviceKey: device,
    };
    const seen: string[] = [];
    const holder = await HolderSession.create({
      documents: [held],
      backend,
      consent: (c) => {
        seen.push(c.docType);
        return c.available;
      },
    });
    const readsAtCreate = reads;
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    // As many as a DeviceRequest may hold (MAX_DOCUMENTS), the held one included.
    const unheld = Array.from({ length: MAX_DOCUMENTS - 1 }, (_, i) => ({ docType: `org.example.unheld.${i}`, nameSpaces: { [NS]: { family_name: false } } }));
    const answer = await holder.receive(await reader.request([...unheld, ...REQUEST_A]));
    if (answer.kind !== 'request') throw new Error(answer.kind);
    expect(seen).toEqual([MDL]);
    expect(reads).toBe(readsAtCreate);
    const result = await reader.receive(answer.reply);
    if (result.kind !== 'response') throw new Error(result.kind);
    expect(result.response.documentErrors).toHaveLength(MAX_DOCUMENTS - 1);
    expect(result.response.documents.map((d) => d.docType)).toEqual([MDL]);
    // One more DocRequest than a DeviceRequest may hold: refused before any consent.
    const more = await holder.receive(await reader.request([...unheld, { docType: 'org.example.one.more', nameSpaces: { [NS]: { family_name: false } } }, ...REQUEST_A]));
    expect(more.kind).toBe('error');
    expect(seen).toEqual([MDL]);
  });

  it('namespace and element names from the request do not reach the prototype of what consent sees', async () => {
    const seen: ConsentRequest[] = [];
    const holder = await HolderSession.create(holderOptions({ consent: (c) => {
          seen.push(c);
          return c.available;
        } }));
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const answer = await holder.receive(await reader.request([{ docType: MDL, nameSpaces: new Map([['__proto__', new Map([['__proto__', true], ['toString', false]])]]) }]));
    expect(answer.kind).toBe('request');
    const requested = seen[0]!.requested;
    const PROTO = '__proto__';
    expect(Object.keys(requested)).toEqual([PROTO]);
    expect(Object.getPrototypeOf(requested)).toBe(null);
    const items = Object.getOwnPropertyDescriptor(requested, PROTO)!.value as Record<string, boolean>;
    expect(Object.entries(items).sort()).toEqual([
      [PROTO, true],
      ['toString', false],
    ]);
  });
});
