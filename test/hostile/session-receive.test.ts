/**
 * Hostile input to the session layer (ISO/IEC 18013-5 §9.1.1, session establishment and
 * session data; status codes 10, 11 and 20 of §9.1.1.4 table 20): HolderSession.receive on
 * mutated SessionEstablishment and SessionData, ReaderSession.receive on mutated SessionData,
 * and the engagement readers on mutated DeviceEngagement. Every call resolves (never a bare
 * TypeError), an error is a SessionError with an ERR_SESSION_* code and its reply, when there
 * is one, a SessionData with status 10 or 11; a mutated message is never answered as if it
 * were the original one with another meaning.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { decode } from '../../src/cbor/index.js';
import { SessionError } from '../../src/errors.js';
import type { IssuerSigned } from '../../src/mdoc/index.js';
import { decodeSessionData, decodeSessionEstablishment, deriveSessionKeys, encodeSessionEstablishment, HolderSession, SessionCipher, type SessionKeys, ReaderSession, type HolderReceiveResult, type ReaderReceiveResult } from '../../src/session/index.js';
import { testMdl, type TestIssuer, NOW } from '../mdoc/fixtures.js';
import { applyByteMutation, applyTreeEdit, byteMutation, expectShomei, sameBytes, treeEdit } from './helpers.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const REQUEST = [{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: false } } }];
const RUNS = 300;

let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;
let eDeviceKey: EcPrivateKey;
let eReaderKey: EcPrivateKey;
/** A backend whose "fresh" ephemeral key is always the same one: every holder engages identically. */
let fixedHolderBackend: CryptoBackend;
let establishment: Uint8Array;
let reply: Uint8Array;
let secondRequest: Uint8Array;
let qrUri: string;
let responseBytes: Uint8Array;
/** The reader's session keys and the DeviceRequest it encrypted, to send mutated requests that decrypt. */
let readerKeys: SessionKeys;
let requestPlaintext: Uint8Array;

const holder = () => HolderSession.create({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend: fixedHolderBackend });
const reader = () => ReaderSession.fromQrUri(qrUri, { verify: { trustAnchors: [issuer.iaca], now: NOW }, backend: nobleBackend, eReaderKey });

beforeAll(async () => {
  ({ issuer, device, mdl } = await testMdl(nobleBackend));
  eDeviceKey = (await nobleBackend.generateKeyPair('P-256')) as EcPrivateKey;
  eReaderKey = (await nobleBackend.generateKeyPair('P-256')) as EcPrivateKey;
  fixedHolderBackend = Object.create(nobleBackend, { generateKeyPair: { value: async () => eDeviceKey } }) as CryptoBackend;
  const h = await holder();
  qrUri = h.qrUri;
  const r = await reader();
  establishment = await r.request(REQUEST);
  const answered = await h.receive(establishment);
  if (answered.kind !== 'request') throw new Error(answered.kind);
  reply = answered.reply;
  const got = await r.receive(reply);
  if (got.kind !== 'response') throw new Error(got.kind);
  responseBytes = got.responseBytes;
  secondRequest = await r.request(REQUEST);
  readerKeys = await deriveSessionKeys(eReaderKey, publicKeyOf(eDeviceKey), r.transcript, { backend: nobleBackend });
  requestPlaintext = await new SessionCipher('mdoc', readerKeys, { backend: nobleBackend }).decrypt(decodeSessionEstablishment(establishment).data);
  // Every fresh holder engages with the same key: the same establishment is accepted again.
  expect((await (await holder()).receive(establishment)).kind).toBe('request');
});

/** An error result: a SessionError, and a reply (if any) that is SessionData with status 10 or 11, or an encrypted DeviceResponse. */
function expectSessionError(r: HolderReceiveResult | ReaderReceiveResult): void {
  if (r.kind !== 'error') return;
  expect(r.error).toBeInstanceOf(SessionError);
  expect(r.error.code).toMatch(/^ERR_SESSION_/);
  if (r.reply === undefined) return;
  // Either a session status (10 or 11), or an encrypted DeviceResponse carrying the error status.
  const reply = decodeSessionData(r.reply);
  if (reply.status === undefined) expect(reply.data).toBeInstanceOf(Uint8Array);
  else expect([10, 11]).toContain(reply.status);
}

const mutants = (base: () => Uint8Array) =>
  fc.oneof(
    fc.array(byteMutation, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((b, m) => applyByteMutation(b, m), base())),
    treeEdit.map((e) => applyTreeEdit(base(), e) ?? base().subarray(1)),
  );

describe('HolderSession.receive on hostile messages', () => {
  it('a mutated SessionEstablishment: resolves, a SessionError with status 10/11 (or the same request when nothing that matters changed)', async () => {
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(
        mutants(() => establishment),
        async (bytes) => {
          const h = await holder();
          const r = await h.receive(bytes);
          expectSessionError(r);
          if (r.kind === 'error') errors++;
          if (r.kind === 'request') expect(r.request.docRequests.map((d) => d.itemsRequest.value.docType)).toEqual([MDL]);
          if (r.kind !== 'request') expect(h.state).toBe('ended');
          if (sameBytes(bytes, establishment)) expect(r.kind).toBe('request');
        },
      ),
      { numRuns: RUNS },
    );
    expect(errors).toBeGreaterThan(RUNS / 2);
  });

  it('a mutated SessionData after establishment: resolves, a SessionError with status 10/11, or a termination', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutants(() => secondRequest),
        async (bytes) => {
          const h = await holder();
          expect((await h.receive(establishment)).kind).toBe('request');
          const r = await h.receive(bytes);
          expectSessionError(r);
          if (r.kind === 'terminated') expect([10, 11, 20]).toContain(r.status);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });
});

describe('HolderSession.receive: a hostile DeviceRequest inside a well-encrypted establishment', () => {
  it('a mutated DeviceRequest (bytes or structure) is answered: a request, or an error whose reply is an encrypted DeviceResponse status 11/12 (§8.3.2.1.2.3)', async () => {
    const eReaderKeyBytes = decodeSessionEstablishment(establishment).eReaderKeyBytes;
    const seen = { request: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(
        mutants(() => requestPlaintext),
        async (plaintext) => {
          const cipher = new SessionCipher('reader', readerKeys, { backend: nobleBackend });
          const h = await holder();
          const r = await h.receive(encodeSessionEstablishment(eReaderKeyBytes, await cipher.encrypt(plaintext)));
          expectSessionError(r);
          expect(r.kind === 'request' || r.kind === 'error').toBe(true);
          if (r.kind === 'error') {
            seen.error++;
            // The reply decrypts for the reader and carries a DeviceResponse status, no document.
            const data = decodeSessionData(r.reply!).data!;
            const response = decode(await cipher.decrypt(data)) as Map<string, unknown>;
            expect([11, 12]).toContain(response.get('status'));
            expect(response.get('documents') ?? []).toEqual([]);
          } else seen.request++;
        },
      ),
      { numRuns: RUNS },
    );
    if (process.env.SHOMEI_HOSTILE_STATS) console.log('device request', seen);
    expect(seen.error).toBeGreaterThan(RUNS / 4);
  });
});

describe('ReaderSession.receive on hostile messages', () => {
  it('a mutated SessionData reply: resolves; an error is a SessionError with status 10/11; a response is only ever the one the holder encrypted', async () => {
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(
        mutants(() => reply),
        async (bytes) => {
          const r = await reader();
          await r.request(REQUEST);
          const got = await r.receive(bytes);
          expectSessionError(got);
          if (got.kind === 'error') errors++;
          // AES-GCM: only a mutation outside the ciphertext (the SessionData map around it) still decrypts.
          if (got.kind === 'response') expect(sameBytes(got.responseBytes, responseBytes)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
    expect(errors).toBeGreaterThan(RUNS / 2);
  });

  it('a mutated DeviceEngagement: fromEngagement / fromQrUri resolve or throw a ShomeiError', async () => {
    const h = await holder();
    const engagement = h.deviceEngagement;
    await fc.assert(
      fc.asyncProperty(
        mutants(() => engagement),
        async (bytes) => {
          try {
            await ReaderSession.fromEngagement(bytes, { kind: 'qr' }, { verify: { trustAnchors: [issuer.iaca], now: NOW }, backend: nobleBackend, eReaderKey });
          } catch (e) {
            expect(expectShomei(e)).toMatch(/^ERR_/);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
