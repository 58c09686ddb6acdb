/** Reader and holder sessions against each other: curves, engagements, device auth, reader auth, hostile messages. */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import type { SessionError } from '../../src/errors.js';
import { fromHex } from '../../src/internal/bytes.js';
import { decodeDeviceResponse, type IssuerSigned, issueMdoc } from '../../src/mdoc/index.js';
import {
  decodeSessionData,
  encodeSessionData,
  terminationReason,
  HolderSession,
  type HolderSessionOptions,
  ReaderSession,
  type ReaderSessionOptions,
  readType4TagNdef,
  SessionCipher,
  Type4TagResponder,
} from '../../src/session/index.js';
import { buildIaca, buildReaderAuthCertificate } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer, testMdl } from '../mdoc/fixtures.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const REQUEST = [{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: false, portrait: true } } }];

describe.each(BACKENDS)('reader ⇄ holder (%s)', (_name, backend) => {
  let issuer: TestIssuer;
  let device: PrivateKey;
  let mdl: IssuerSigned;
  beforeAll(async () => {
    ({ issuer, device, mdl } = await testMdl(backend));
  });
  const readerOptions = (): ReaderSessionOptions => ({ verify: { trustAnchors: [issuer.iaca], now: NOW }, backend });
  const holderOptions = (extra: Partial<HolderSessionOptions> = {}): HolderSessionOptions => ({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend, ...extra });

  it.each([
    ['P-256', 'mac'],
    ['P-384', 'mac'],
    ['P-521', 'signature'],
    ['X25519', 'mac'],
    ['X25519', 'signature'],
  ] as const)('QR engagement, ephemeral keys on %s, device %s', async (curve, deviceAuth) => {
    const holder = await HolderSession.create(holderOptions({ curve, deviceAuth }));
    expect(holder.qrUri).toMatch(/^mdoc:[A-Za-z0-9_-]+$/);
    const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
    const establishment = await reader.request(REQUEST);
    const answered = await holder.receive(establishment);
    if (answered.kind !== 'request') throw new Error(`holder: ${answered.kind}`);
    expect(answered.decisions[0]!.consent.requested).toEqual({ [NS]: { family_name: false, age_over_18: false, portrait: true } });
    const result = await reader.receive(answered.reply);
    if (result.kind !== 'response') throw new Error(`reader: ${result.kind}`);
    expect(result.verification.documents[0]!.checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(result.verification.valid).toBe(true);
    expect(Object.keys(result.verification.documents[0]!.issuerSigned[NS]!).sort()).toEqual(['age_over_18', 'family_name', 'portrait']);
    // The exact decrypted bytes come back too, and they are the response that was verified.
    expect(decodeDeviceResponse(result.responseBytes)).toEqual(result.response);
    // The device key is P-256: a MAC is possible only when the ephemeral keys are on P-256 too.
    const expected = deviceAuth === 'mac' && curve === 'P-256' ? 'deviceMac' : 'deviceSignature';
    expect(result.verification.documents[0]!.checks.find((c) => c.id === 'DEVICE_AUTH')?.detail).toBe(expected);
    expect(holder.transcript!.tagged).toEqual(reader.transcript.tagged);
    // A second request in the same session, then termination from the reader.
    const again = await holder.receive(await reader.request([{ docType: MDL, nameSpaces: { [NS]: { given_name: false } } }]));
    expect(again.kind).toBe('request');
    const second = await reader.receive((again as { reply: Uint8Array }).reply);
    expect(second.kind === 'response' && second.verification.valid).toBe(true);
    expect(await holder.receive(reader.terminate())).toEqual({ kind: 'terminated', status: 20, reason: 'termination' });
    expect(holder.state).toBe('ended');
  });

  it('NFC static handover: the reader reads the Handover Select from a Type 4 Tag and both transcripts hold it', async () => {
    const holder = await HolderSession.create(holderOptions());
    const ndef = holder.nfcStaticHandover([{ kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 256 }]);
    // The reader reads the NDEF message from the mdoc acting as a Type 4 Tag.
    const tag = new Type4TagResponder(ndef);
    const { ndefMessage } = await readType4TagNdef(async (apdu) => tag.respond(apdu));
    expect(ndefMessage).toEqual(ndef);
    const reader = await ReaderSession.fromNfcHandover(ndefMessage, null, readerOptions());
    const answered = await holder.receive(await reader.request(REQUEST));
    const result = await reader.receive((answered as { reply: Uint8Array }).reply);
    expect(result.kind === 'response' && result.verification.valid).toBe(true);
    expect(holder.transcript!.value[2]).toEqual([ndef, null]);
    // A reader that thinks it was QR builds another transcript: the keys differ, nothing decrypts.
    const holder2 = await HolderSession.create(holderOptions());
    holder2.nfcStaticHandover();
    const qrReader = await ReaderSession.fromEngagement(holder2.deviceEngagement, { kind: 'qr' }, readerOptions());
    const reply = await holder2.receive(await qrReader.request(REQUEST));
    expect(reply.kind).toBe('error');
    expect((reply as { error: SessionError }).error.code).toBe('ERR_SESSION_DECRYPT');
    expect(decodeSessionData((reply as { reply: Uint8Array }).reply)).toEqual({ status: 10 });
    // The reader is told the mdoc ended the session with an error, not a plain termination.
    expect(await qrReader.receive((reply as { reply: Uint8Array }).reply)).toEqual({ kind: 'terminated', status: 10, reason: 'encryption-error' });
    expect(qrReader.state).toBe('ended');
  });

  it('a SessionData with data and a status ends the session on both sides, whatever the status (Table 20; fuzz finding)', async () => {
    const withStatus = (bytes: Uint8Array, status: number) => encodeSessionData({ ...decodeSessionData(bytes), status });
    for (const status of [10, 11, 20]) {
      const holder = await HolderSession.create(holderOptions());
      const reader = await ReaderSession.fromQrUri(holder.qrUri, readerOptions());
      const first = await holder.receive(await reader.request(REQUEST));
      expect((await reader.receive((first as { reply: Uint8Array }).reply)).kind).toBe('response');
      // A second request sent with a status beside it: answered, then the holder has ended.
      const answered = await holder.receive(withStatus(await reader.request(REQUEST), status));
      expect(answered.kind, `${status}`).toBe('request');
      expect(holder.state, `${status}`).toBe('ended');
      // The answer sent with a status beside it: verified, then the reader has ended.
      const result = await reader.receive(withStatus((answered as { reply: Uint8Array }).reply, status));
      expect(result.kind === 'response' && result.verification.valid && result.terminated, `${status}`).toBe(true);
      expect(reader.state, `${status}`).toBe('ended');
    }
  });

  it('names the reason for every termination status, undefined ones included', () => {
    expect([20, 10, 11, 0, 99].map(terminationReason)).toEqual(['termination', 'encryption-error', 'decoding-error', 'unknown', 'unknown']);
  });

  it('shows the consent callback the verified reader identity and releases only what it allows', async () => {
    const rootKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const readerKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const validity = { notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 300 * 86_400_000) };
    const root = await buildIaca({ country: 'JP', commonName: 'Reader CA', key: rootKey, validity, issuerAltName: { uri: 'https://r.example/' }, backend });
    const cert = await buildReaderAuthCertificate({ issuer: root, issuerKey: rootKey, commonName: 'Shop reader', publicKey: publicKeyOf(readerKey), validity, crlUri: 'https://r.example/crl', backend });
    const seen: unknown[] = [];
    const holder = await HolderSession.create(
      holderOptions({
        readerTrust: [root],
        now: NOW,
        consent: (c) => {
          seen.push({ trusted: c.reader?.trusted, signatureValid: c.reader?.signatureValid, subject: c.reader?.certificate?.subject.text });
          return { [NS]: (c.available[NS] ?? []).filter((id) => id !== 'portrait') };
        },
      }),
    );
    const reader = await ReaderSession.fromQrUri(holder.qrUri, { ...readerOptions(), readerAuth: { signer: readerKey, certificates: [cert.der] } });
    const answered = await holder.receive(await reader.request(REQUEST));
    expect(seen).toEqual([{ trusted: true, signatureValid: true, subject: 'CN=Shop reader' }]);
    const result = await reader.receive((answered as { reply: Uint8Array }).reply);
    if (result.kind !== 'response') throw new Error(result.kind);
    expect(result.verification.valid).toBe(true);
    expect(Object.keys(result.verification.documents[0]!.issuerSigned[NS]!).sort()).toEqual(['age_over_18', 'family_name']);
    expect(result.verification.documents[0]!.errors).toEqual({ [NS]: { portrait: 0 } });
    // Without trust anchors the same reader is not trusted, though its signature verifies.
    const untrusting = await HolderSession.create(
      holderOptions({
        consent: (c) => {
          seen.push(c.reader?.trusted);
          return c.available;
        },
      }),
    );
    const r2 = await ReaderSession.fromQrUri(untrusting.qrUri, { ...readerOptions(), readerAuth: { signer: readerKey, certificates: [cert.der] } });
    await untrusting.receive(await r2.request(REQUEST));
    expect(seen.at(-1)).toBe(false);
  });
});

describe('hostile and misordered messages', () => {
  const backend = BACKENDS[0]![1];
  let setup: () => Promise<{ holder: HolderSession; reader: ReaderSession }>;
  beforeAll(async () => {
    const issuer = await testIssuer(backend);
    const device = await deviceKey(backend);
    const mdl = await issueMdoc({
      docType: MDL,
      nameSpaces: MDL_DATA,
      deviceKey: publicKeyOf(device),
      validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * 86_400_000) },
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    setup = async () => {
      const holder = await HolderSession.create({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend });
      const reader = await ReaderSession.fromQrUri(holder.qrUri, { verify: { trustAnchors: [issuer.iaca], now: NOW }, backend });
      return { holder, reader };
    };
  });

  const statusOf = (r: { reply?: Uint8Array | undefined }) => (r.reply === undefined ? undefined : decodeSessionData(r.reply).status);

  it('holder, before establishment: garbage → ERR_SESSION_MESSAGE and status 11', async () => {
    for (const bad of [fromHex('ff'), fromHex('a0'), fromHex('a1646461746140'), new Uint8Array(0)]) {
      const { holder } = await setup();
      const r = await holder.receive(bad);
      expect(r.kind).toBe('error');
      expect((r as { error: SessionError }).error.code).toBe('ERR_SESSION_MESSAGE');
      expect(statusOf(r as never)).toBe(11);
      expect(holder.state).toBe('ended');
    }
  });

  it('holder: a tampered ciphertext → ERR_SESSION_DECRYPT, status 10, and the session ends', async () => {
    const { holder, reader } = await setup();
    const establishment = await reader.request(REQUEST);
    const tampered = establishment.slice();
    tampered[tampered.length - 1]! ^= 1;
    const r = await holder.receive(tampered);
    expect((r as { error: SessionError }).error.code).toBe('ERR_SESSION_DECRYPT');
    expect(statusOf(r as never)).toBe(10);
    // Nothing more is accepted.
    const after = await holder.receive(establishment);
    expect((after as { error: SessionError }).error.code).toBe('ERR_SESSION_STATE');
    expect(statusOf(after as never)).toBe(undefined);
  });

  it('holder: a replayed establishment after the session started is refused (ERR_SESSION_STATE) with status 11', async () => {
    const { holder, reader } = await setup();
    const establishment = await reader.request(REQUEST);
    expect((await holder.receive(establishment)).kind).toBe('request');
    const r = await holder.receive(establishment);
    expect((r as { error: SessionError }).error.code).toBe('ERR_SESSION_STATE');
    expect(statusOf(r as never)).toBe(11);
  });

  it('holder: a replayed SessionData (old counter) does not decrypt → status 10', async () => {
    const { holder, reader } = await setup();
    const first = await holder.receive(await reader.request(REQUEST));
    await reader.receive((first as { reply: Uint8Array }).reply);
    const second = await reader.request(REQUEST);
    expect((await holder.receive(second)).kind).toBe('request');
    const replay = await holder.receive(second);
    expect((replay as { error: SessionError }).error.code).toBe('ERR_SESSION_DECRYPT');
    expect(statusOf(replay as never)).toBe(10);
  });

  it('holder: a request that does not parse gets an encrypted DeviceResponse with status 12', async () => {
    const { holder, reader } = await setup();
    const first = await holder.receive(await reader.request(REQUEST));
    await reader.receive((first as { reply: Uint8Array }).reply);
    // A second request of a shape the holder refuses (no document requests).
    const bogus = await reader.request({ version: '1.0', docRequests: [] } as never);
    const r = await holder.receive(bogus);
    expect(r.kind).toBe('error');
    const back = await reader.receive((r as { reply: Uint8Array }).reply);
    expect(back.kind).toBe('response');
    expect((back as { response: { status: number } }).response.status).toBe(12);
    expect((back as { verification: { valid: boolean } }).verification.valid).toBe(false);
  });

  it('reader: misordered, garbage, tampered and status messages', async () => {
    const { holder, reader } = await setup();
    const early = await reader.receive(encodeSessionData({ status: 20 }));
    expect((early as { error: SessionError }).error.code).toBe('ERR_SESSION_STATE');
    const { holder: h2, reader: r2 } = await setup();
    await expect(r2.request(REQUEST)).resolves.toBeInstanceOf(Uint8Array);
    await expect(r2.request(REQUEST)).rejects.toMatchObject({ code: 'ERR_SESSION_STATE' });
    const garbage = await r2.receive(fromHex('00'));
    expect((garbage as { error: SessionError }).error.code).toBe('ERR_SESSION_MESSAGE');
    expect(statusOf(garbage as never)).toBe(11);
    const { holder: h3, reader: r3 } = await setup();
    const answered = await h3.receive(await r3.request(REQUEST));
    const tampered = (answered as { reply: Uint8Array }).reply.slice();
    tampered[20]! ^= 1;
    const t = await r3.receive(tampered);
    expect((t as { error: SessionError }).error.code).toBe('ERR_SESSION_DECRYPT');
    expect(statusOf(t as never)).toBe(10);
    const { holder: h4, reader: r4 } = await setup();
    await r4.request(REQUEST);
    expect(await r4.receive(h4.terminate())).toEqual({ kind: 'terminated', status: 20, reason: 'termination' });
    void holder;
    void h2;
  });

  it('ERR_SESSION_ENGAGEMENT for an unusable engagement or mdoc: URI', async () => {
    for (const bad of ['https://example.com', 'mdoc:', 'mdoc:!!!!', 'mdoc:oQ']) {
      await expect(ReaderSession.fromQrUri(bad, { verify: { trustAnchors: [] }, backend })).rejects.toMatchObject({ code: 'ERR_SESSION_ENGAGEMENT' });
    }
    // A map with the wrong cipher suite, and one whose key is a signing key.
    const { holder } = await setup();
    const wrongSuite = holder.deviceEngagement.slice();
    wrongSuite[wrongSuite.indexOf(0x82) + 1] = 0x02;
    await expect(ReaderSession.fromEngagement(wrongSuite, { kind: 'qr' }, { verify: { trustAnchors: [] }, backend })).rejects.toMatchObject({ code: 'ERR_SESSION_ENGAGEMENT' });
  });

  it('refuses to encrypt or decrypt past the counter limit', async () => {
    const keys = { skReader: new Uint8Array(32).fill(1), skDevice: new Uint8Array(32).fill(2) };
    const c = new SessionCipher('reader', keys, { backend });
    c._setCounters(0xffff_ffff, 0xffff_ffff);
    await expect(c.encrypt(new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_SESSION_COUNTER' });
    await expect(c.decrypt(new Uint8Array(17))).rejects.toMatchObject({ code: 'ERR_SESSION_COUNTER' });
    expect(() => new SessionCipher('other' as never, keys)).toThrow(TypeError);
  });
});

describe.each(BACKENDS)('an engagement whose EDeviceKey ECDH refuses (%s)', (_name, backend) => {
  it('a small-order X25519 EDeviceKey is ERR_SESSION_ENGAGEMENT, as documented, not a crypto error', async () => {
    // DeviceEngagement {0: "1.0", 1: [1, #6.24(<< {1: 1, -1: 4, -2: h'00…00'} >>)]}: well-formed, the all-zero u-coordinate.
    const engagement = fromHex(`a20063312e30018201d8185828a301012004215820${'00'.repeat(32)}`);
    await expect(ReaderSession.fromEngagement(engagement, { kind: 'qr' }, { verify: { trustAnchors: [] }, backend })).rejects.toMatchObject({
      name: 'SessionError',
      code: 'ERR_SESSION_ENGAGEMENT',
    });
  });
});
