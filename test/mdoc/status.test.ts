/** MSO revocation end to end (ISO 18013-5 2e §12.3.6): issue → revoke → verify, and every way a list fails closed. */
import { describe, expect, it } from 'vitest';
import { type CborValue, decode, encode, Tag } from '../../src/cbor/index.js';
import { CoseHeader, decodeCoseSign1, encodeCoseSign1, signCoseSign1, x5chainValue } from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend, EcPrivateKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import {
  buildIdentifierListToken,
  buildStatusListToken,
  type Check,
  createStatusBytes,
  decodeIssuerAuthPayload,
  decodeStatusListToken,
  type IssuerSigned,
  issueMdoc,
  type MsoStatus,
  type MsoStatusOptions,
  StatusListCache,
  StatusType,
  verifyIssuerSigned,
  verifyMsoStatus,
  verifyStatusListToken,
  writeStatus,
} from '../../src/mdoc/index.js';
import { buildDocumentSigner, buildIaca, type Certificate } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { MDL_DATA, NOW, type TestIssuer, testIssuer } from './fixtures.js';

const DAY = 86_400_000;
const URI = 'https://status.example.jp/lists/1';
const IL_URI = 'https://status.example.jp/identifiers/1';

/** A status list signer certified by `ca`. */
async function signerUnder(backend: CryptoBackend, ca: Certificate, caKey: EcPrivateKey, name = 'status list signer'): Promise<{ cert: Certificate; key: EcPrivateKey }> {
  const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const cert = await buildDocumentSigner({
    iaca: ca,
    iacaKey: caKey,
    commonName: name,
    publicKey: publicKeyOf(key) as never,
    validity: { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 100 * DAY) },
    crlUri: 'https://iaca.example.jp/crl',
    backend,
  });
  return { cert, key };
}

async function issueWith(backend: CryptoBackend, issuer: TestIssuer, status?: MsoStatus): Promise<IssuerSigned> {
  const device = await backend.generateKeyPair('P-256');
  return issueMdoc({
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: MDL_DATA,
    deviceKey: publicKeyOf(device),
    validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * DAY) },
    issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
    ...(status === undefined ? {} : { status }),
    backend,
  });
}

function listToken(backend: CryptoBackend, signer: { cert: Certificate; key: EcPrivateKey }, statuses: Uint8Array, extra: { bits?: 1 | 2 | 4 | 8; uri?: string; exp?: Date; iat?: Date; ttl?: number } = {}): Promise<Uint8Array> {
  return buildStatusListToken({
    uri: extra.uri ?? URI,
    bits: extra.bits ?? 1,
    statuses,
    issuedAt: extra.iat ?? NOW,
    expiresAt: extra.exp ?? new Date(NOW.getTime() + DAY),
    ...(extra.ttl === undefined ? {} : { ttlSeconds: extra.ttl }),
    signer: { signer: signer.key, certificates: [signer.cert.der] },
    backend,
  });
}

const statusChecks = (checks: readonly Check[]) => checks.filter((c) => c.id.startsWith('MSO_STATUS'));
const mso = (mdl: IssuerSigned) => decodeIssuerAuthPayload(mdl.issuerAuth);

/** A fetcher serving `tokens` by URI and counting calls. */
function server(tokens: Map<string, Uint8Array>) {
  const calls: string[] = [];
  const fetch = async (uri: string) => {
    calls.push(uri);
    await new Promise((r) => setTimeout(r, 1));
    return tokens.get(uri);
  };
  return { fetch, calls };
}

describe.each(BACKENDS)('MSO status, issue → revoke → verify (%s)', (_, backend) => {
  it('a status list: VALID passes; revoked (bit set, token rebuilt) fails MSO_STATUS naming the index and URI', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const mdl = await issueWith(backend, issuer, { status_list: { idx: 7, uri: URI } });
    expect(mso(mdl).status).toEqual({ status_list: { idx: 7, uri: URI } });
    const statuses = createStatusBytes(1024, 1);
    const tokens = new Map([[URI, await listToken(backend, signer, statuses)]]);
    const { fetch } = server(tokens);
    const options = { trustAnchors: [issuer.iaca], now: NOW, backend, status: { fetch } };

    const ok = await verifyIssuerSigned(mdl, options);
    expect(ok.valid).toBe(true);
    expect(statusChecks(ok.checks)).toEqual([{ id: 'MSO_STATUS', status: 'passed', required: true, detail: `VALID: index 7 of ${URI}` }]);

    writeStatus(statuses, 1, 7, StatusType.INVALID);
    tokens.set(URI, await listToken(backend, signer, statuses));
    const revoked = await verifyIssuerSigned(mdl, options);
    expect(revoked.valid).toBe(false);
    expect(statusChecks(revoked.checks)).toEqual([{ id: 'MSO_STATUS', status: 'failed', required: true, detail: `INVALID (revoked): index 7 of ${URI}` }]);
    // Every other check still passes: only the status refuses it.
    expect(revoked.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['MSO_STATUS']);
  });

  it('an identifier list: absent passes; listed fails as revoked', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const id = fromHex('a1b2c3d4e5f60718');
    const mdl = await issueWith(backend, issuer, { identifier_list: { id, uri: IL_URI } });
    const build = (ids: Uint8Array[]) =>
      buildIdentifierListToken({ uri: IL_URI, identifiers: ids, issuedAt: NOW, expiresAt: new Date(NOW.getTime() + DAY), ttlSeconds: 600, signer: { signer: signer.key, certificates: [signer.cert.der] }, backend });
    const tokens = new Map([[IL_URI, await build([fromHex('00'), fromHex('ffff')])]]);
    const options = { trustAnchors: [issuer.iaca], now: NOW, backend, status: { fetch: server(tokens).fetch } };
    expect(statusChecks((await verifyIssuerSigned(mdl, options)).checks)).toEqual([
      { id: 'MSO_STATUS', status: 'passed', required: true, detail: `VALID: identifier a1b2c3d4e5f60718 in ${IL_URI}` },
    ]);
    tokens.set(IL_URI, await build([fromHex('00'), id, id.slice()]));
    const revoked = await verifyIssuerSigned(mdl, options);
    expect(revoked.valid).toBe(false);
    expect(statusChecks(revoked.checks)[0]).toMatchObject({ status: 'failed', detail: `INVALID (revoked): identifier a1b2c3d4e5f60718 in ${IL_URI}` });
  });
});

describe('MSO status checks (webcrypto)', () => {
  const backend = webCryptoBackend;

  it('SUSPENDED (bits 2) and an application-specific value 3 fail; VALID beside them passes', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const statuses = createStatusBytes(64, 2);
    writeStatus(statuses, 2, 5, StatusType.SUSPENDED);
    writeStatus(statuses, 2, 6, 3);
    const tokens = new Map([[URI, await listToken(backend, signer, statuses, { bits: 2 })]]);
    const check = async (idx: number) => statusChecks(await verifyMsoStatus({ status_list: { idx, uri: URI } }, { fetch: server(tokens).fetch }, { trustAnchor: issuer.iaca, now: NOW, backend }));
    expect(await check(5)).toEqual([{ id: 'MSO_STATUS', status: 'failed', required: true, detail: `SUSPENDED: index 5 of ${URI}` }]);
    expect(await check(6)).toEqual([{ id: 'MSO_STATUS', status: 'failed', required: true, detail: `status 3: index 6 of ${URI}` }]);
    expect((await check(4))[0]!.status).toBe('passed');
    // Past the end: 64 entries.
    expect((await check(64)).map((c) => [c.id, c.status])).toEqual([
      ['MSO_STATUS.INDEX', 'failed'],
      ['MSO_STATUS', 'failed'],
    ]);
  });

  it('the MSO certificate is the trust point when given: a signer under it passes, the same signer without it fails SIGNER_CHAIN', async () => {
    const issuer = await testIssuer(backend);
    const otherKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const otherRoot = await buildIaca({
      country: 'JP',
      commonName: 'status root',
      key: otherKey,
      validity: { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 1000 * DAY) },
      issuerAltName: { uri: 'https://status.example.jp/' },
      crlUri: 'https://status.example.jp/crl',
      backend,
    });
    const signer = await signerUnder(backend, otherRoot, otherKey);
    const tokens = new Map([[URI, await listToken(backend, signer, createStatusBytes(16, 1))]]);
    const fetch = server(tokens).fetch;
    const withCert = await verifyMsoStatus({ status_list: { idx: 1, uri: URI, certificate: otherRoot.der } }, { fetch }, { trustAnchor: issuer.iaca, now: NOW, backend });
    expect(withCert.map((c) => c.status)).toEqual(['passed']);
    // The signer's own certificate may be the trust point too.
    const self = await verifyMsoStatus({ status_list: { idx: 1, uri: URI, certificate: signer.cert.der } }, { fetch }, { trustAnchor: issuer.iaca, now: NOW, backend });
    expect(self.map((c) => c.status)).toEqual(['passed']);
    const wrong = await verifyMsoStatus({ status_list: { idx: 1, uri: URI } }, { fetch }, { trustAnchor: issuer.iaca, now: NOW, backend });
    expect(wrong.map((c) => [c.id, c.status])).toEqual([
      ['MSO_STATUS.SIGNER_CHAIN', 'failed'],
      ['MSO_STATUS', 'failed'],
    ]);
    const garbled = await verifyMsoStatus({ status_list: { idx: 1, uri: URI, certificate: fromHex('3000') } }, { fetch }, { trustAnchor: issuer.iaca, now: NOW, backend });
    expect(garbled[0]!.id).toBe('MSO_STATUS.SIGNER_CHAIN');
  });

  it('fails closed, with the reason named: expired, not yet issued, bad signature, wrong sub, malformed, too large', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const list = createStatusBytes(1 << 16, 1);
    const good = await listToken(backend, signer, list);
    const flipped = good.slice();
    flipped[flipped.length - 5]! ^= 1;
    const cases: [string, Uint8Array, Partial<MsoStatusOptions>][] = [
      ['VALIDITY', await listToken(backend, signer, list, { iat: new Date(NOW.getTime() - 3 * DAY), exp: new Date(NOW.getTime() - DAY) }), {}],
      ['VALIDITY', await listToken(backend, signer, list, { iat: new Date(NOW.getTime() + DAY), exp: new Date(NOW.getTime() + 2 * DAY) }), {}],
      ['SIGNATURE', flipped, {}],
      ['SUBJECT', await listToken(backend, signer, list, { uri: 'https://status.example.jp/lists/2' }), {}],
      ['STRUCTURE', fromHex('d28443a10126a0f6f6'), {}],
      ['STRUCTURE', new Uint8Array([0xff, 0x00]), {}],
      ['SIZE', good, { maxBytes: 1024 }],
      ['SIZE', good, { maxTokenBytes: 64 }],
    ];
    for (const [reason, token, extra] of cases) {
      const checks = await verifyMsoStatus({ status_list: { idx: 0, uri: URI } }, { fetch: async () => token, ...extra }, { trustAnchor: issuer.iaca, now: NOW, backend });
      expect(checks.map((c) => [c.id, c.status]), reason).toEqual([
        [`MSO_STATUS.${reason}`, 'failed'],
        ['MSO_STATUS', 'failed'],
      ]);
      expect(checks[1]!.detail).toContain(URI);
    }
  });

  it('refuses a token on the second its exp plus the skew is reached, and accepts it the second before (RFC 8392 §3.1.4)', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const list = createStatusBytes(16, 1);
    const iat = new Date(NOW.getTime() - DAY);
    const at = async (skewSeconds: number) => {
      const token = await listToken(backend, signer, list, { iat, exp: new Date(NOW.getTime() - skewSeconds * 1000) });
      const checks = await verifyMsoStatus({ status_list: { idx: 0, uri: URI } }, { fetch: async () => token }, { trustAnchor: issuer.iaca, now: NOW, backend });
      return checks.map((c) => [c.id, c.status]);
    };
    expect(await at(299)).toEqual([['MSO_STATUS', 'passed']]);
    expect(await at(300)).toEqual([
      ['MSO_STATUS.VALIDITY', 'failed'],
      ['MSO_STATUS', 'failed'],
    ]);
  });

  it('"could not fetch" is skipped, and fails only with requireStatusCheck', async () => {
    const issuer = await testIssuer(backend);
    const ref = { status_list: { idx: 0, uri: URI } };
    const ctx = { trustAnchor: issuer.iaca, now: NOW, backend };
    const none = await verifyMsoStatus(ref, { fetch: async () => undefined }, ctx);
    expect(none).toEqual([{ id: 'MSO_STATUS', status: 'skipped', required: true, detail: `could not fetch ${URI}: the fetcher has no token` }]);
    const thrown = await verifyMsoStatus(ref, { fetch: async () => Promise.reject(new Error('ECONNREFUSED')) }, ctx);
    expect(thrown[0]).toMatchObject({ status: 'skipped', detail: `could not fetch ${URI}: ECONNREFUSED` });
    const required = await verifyMsoStatus(ref, { fetch: async () => undefined, requireStatusCheck: true }, ctx);
    expect(required.map((c) => [c.id, c.status])).toEqual([
      ['MSO_STATUS.FETCH', 'failed'],
      ['MSO_STATUS', 'failed'],
    ]);
    // Through verifyIssuerSigned: skipped keeps the document valid; required makes it invalid.
    const mdl = await issueWith(backend, issuer, ref);
    expect((await verifyIssuerSigned(mdl, { trustAnchors: [issuer.iaca], now: NOW, backend, status: { fetch: async () => undefined } })).valid).toBe(true);
    expect((await verifyIssuerSigned(mdl, { trustAnchors: [issuer.iaca], now: NOW, backend, status: { fetch: async () => undefined, requireStatusCheck: true } })).valid).toBe(false);
  });

  it('skipped with the reason: no status in the MSO, no status option, issuer checks failed', async () => {
    const issuer = await testIssuer(backend);
    const fetch = async () => undefined;
    const plain = await issueWith(backend, issuer);
    expect(statusChecks((await verifyIssuerSigned(plain, { trustAnchors: [issuer.iaca], now: NOW, backend, status: { fetch } })).checks)).toEqual([
      { id: 'MSO_STATUS', status: 'skipped', required: true, detail: 'the MSO has no status' },
    ]);
    expect(statusChecks((await verifyIssuerSigned(plain, { trustAnchors: [issuer.iaca], now: NOW, backend })).checks)).toEqual([]);
    const withStatus = await issueWith(backend, issuer, { status_list: { idx: 0, uri: URI } });
    expect(statusChecks((await verifyIssuerSigned(withStatus, { trustAnchors: [issuer.iaca], now: NOW, backend })).checks)[0]!.detail).toContain('no status fetcher');
    const other = await testIssuer(backend);
    const untrusted = await verifyIssuerSigned(withStatus, { trustAnchors: [other.iaca], now: NOW, backend, status: { fetch } });
    expect(statusChecks(untrusted.checks)).toEqual([{ id: 'MSO_STATUS', status: 'skipped', required: true, detail: 'not checked: the issuer checks failed' }]);
    expect(await verifyMsoStatus({}, { fetch })).toEqual([{ id: 'MSO_STATUS', status: 'skipped', required: true, detail: 'the MSO status names no status_list or identifier_list' }]);
    expect((await verifyMsoStatus({ status_list: { idx: 0, uri: URI } }, { fetch }))[0]!.detail).toContain('no trust point');
  });

  it('issueMdoc refuses a status reference that is not its CDDL shape (ERR_MDOC_INPUT naming the member)', async () => {
    const issuer = await testIssuer(backend);
    const bad: [unknown, string][] = [
      [{}, 'status'],
      [{ status_list: { idx: -1, uri: URI } }, 'status.status_list.idx'],
      [{ status_list: { idx: 1.5, uri: URI } }, 'status.status_list.idx'],
      [{ status_list: { idx: 1, uri: '' } }, 'status.status_list.uri'],
      [{ status_list: { idx: 1, uri: URI, certificate: 'pem' } }, 'status.status_list.certificate'],
      [{ status_list: { idx: 1, uri: URI, extra: 1 } }, 'status.status_list'],
      [{ identifier_list: { id: 'ab', uri: URI } }, 'status.identifier_list.id'],
    ];
    for (const [status, path] of bad) await expect(issueWith(backend, issuer, status as MsoStatus)).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT', path });
  });

  it('bad status options are programmer errors', async () => {
    const issuer = await testIssuer(backend);
    const mdl = await issueWith(backend, issuer);
    const base = { trustAnchors: [issuer.iaca], now: NOW, backend };
    await expect(verifyIssuerSigned(mdl, { ...base, status: {} as never })).rejects.toThrow(TypeError);
    await expect(verifyIssuerSigned(mdl, { ...base, status: { fetch: async () => undefined, cache: {} as never } })).rejects.toThrow(TypeError);
    await expect(verifyIssuerSigned(mdl, { ...base, status: { fetch: async () => undefined, maxBytes: -1 } })).rejects.toThrow(RangeError);
    await expect(verifyMsoStatus({ status_list: { idx: 0, uri: URI } }, { fetch: async () => 'x' as never }, { trustAnchor: issuer.iaca })).rejects.toThrow(TypeError);
  });
});

describe('the status list cache', () => {
  const backend = webCryptoBackend;

  it('1000 concurrent verifications of the same list fetch it once; a cached list is reused until its ttl', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const statuses = createStatusBytes(2048, 1);
    writeStatus(statuses, 1, 3, 1);
    const tokens = new Map([[URI, await listToken(backend, signer, statuses, { ttl: 600 })]]);
    const { fetch, calls } = server(tokens);
    let clock = NOW.getTime();
    const cache = new StatusListCache({ now: () => clock, maxEntries: 4 });
    const options = { fetch, cache };
    const ctx = { trustAnchor: issuer.iaca, now: NOW, backend };
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => verifyMsoStatus({ status_list: { idx: i, uri: URI } }, options, ctx)));
    expect(calls.length).toBe(1);
    expect(cache.size).toBe(1);
    expect(results.filter((r) => r[0]!.status === 'failed').length).toBe(1);
    expect(results[3]![0]!.detail).toBe(`INVALID (revoked): index 3 of ${URI}`);
    // Within ttl: no fetch. After ttl: fetched again.
    clock += 599_000;
    await verifyMsoStatus({ status_list: { idx: 0, uri: URI } }, options, ctx);
    expect(calls.length).toBe(1);
    clock += 2_000;
    await verifyMsoStatus({ status_list: { idx: 0, uri: URI } }, options, ctx);
    expect(calls.length).toBe(2);
  });

  it('never beyond exp; keyed by trust point; failures are not kept; a cached token past exp at verification time fails', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    // exp in 10 minutes, ttl a day: exp wins.
    const tokens = new Map([[URI, await listToken(backend, signer, createStatusBytes(8, 1), { ttl: 86_400, exp: new Date(NOW.getTime() + 600_000) })]]);
    const { fetch, calls } = server(tokens);
    let clock = NOW.getTime();
    const cache = new StatusListCache({ now: () => clock });
    const ref = { status_list: { idx: 0, uri: URI } };
    const ctx = { trustAnchor: issuer.iaca, now: NOW, backend };
    await verifyMsoStatus(ref, { fetch, cache }, ctx);
    await verifyMsoStatus(ref, { fetch, cache }, ctx);
    expect(calls.length).toBe(1);
    // Another trust point is another entry.
    const other = await verifyMsoStatus({ status_list: { idx: 0, uri: URI, certificate: signer.cert.der } }, { fetch, cache }, ctx);
    expect(other[0]!.status).toBe('passed');
    expect(calls.length).toBe(2);
    // A verification at a later time than the cached token's exp fails, without a fetch.
    const late = await verifyMsoStatus(ref, { fetch, cache }, { ...ctx, now: new Date(NOW.getTime() + 3_600_000) });
    expect(late[0]!.id).toBe('MSO_STATUS.VALIDITY');
    expect(calls.length).toBe(2);
    // Past exp on the cache's clock: fetched again (ttl would have allowed a day).
    clock += 601_000;
    await verifyMsoStatus(ref, { fetch, cache }, ctx);
    expect(calls.length).toBe(3);
    // A failing fetch is not cached: the next verification tries again.
    const failing = server(new Map());
    const uri2 = 'https://status.example.jp/lists/9';
    await verifyMsoStatus({ status_list: { idx: 0, uri: uri2 } }, { fetch: failing.fetch, cache }, ctx);
    await verifyMsoStatus({ status_list: { idx: 0, uri: uri2 } }, { fetch: failing.fetch, cache }, ctx);
    expect(failing.calls.length).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('status list tokens on their own', () => {
  const backend = webCryptoBackend;

  it('verifyStatusListToken throws ERR_MDOC_STATUS_INVALID with the check named', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const token = await listToken(backend, signer, createStatusBytes(8, 1));
    const verified = await verifyStatusListToken(token, { uri: URI, trustAnchor: issuer.iaca.der, now: NOW, backend });
    expect(verified.token.kind).toBe('status_list');
    expect(verified.statuses).toEqual(new Uint8Array(1));
    await expect(verifyStatusListToken(token, { uri: 'https://other.example/', trustAnchor: issuer.iaca, now: NOW, backend })).rejects.toMatchObject({ code: 'ERR_MDOC_STATUS_INVALID', check: 'SUBJECT' });
    await expect(verifyStatusListToken(token, { uri: URI, trustAnchor: issuer.iaca, now: new Date(NOW.getTime() + 2 * DAY), backend })).rejects.toMatchObject({ code: 'ERR_MDOC_STATUS_INVALID', check: 'VALIDITY' });
    await expect(verifyStatusListToken(token, { uri: URI, trustAnchor: signer.cert, now: new Date(NOW.getTime() + 200 * DAY), clockSkewSeconds: 0, backend })).rejects.toMatchObject({ check: 'SIGNER_CHAIN' });
    await expect(verifyStatusListToken(token, { uri: 1 as never, trustAnchor: issuer.iaca })).rejects.toThrow(TypeError);
  });

  it('a signed iat or exp past what a Date holds fails VALIDITY with a message, never a RangeError (fuzz finding)', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const resigned = async (claim: number, value: number) => {
      const sign1 = decodeCoseSign1(decode(await listToken(backend, signer, createStatusBytes(8, 1))));
      const claims = decode(sign1.payload!) as Map<CborValue, CborValue>;
      claims.set(claim, value);
      const headers = new Map(sign1.protectedHeaders);
      headers.delete(CoseHeader.alg);
      return encodeCoseSign1(await signCoseSign1({ payload: encode(claims), signer: signer.key, protectedHeaders: headers, backend }), true);
    };
    const token = await resigned(6, Number.MAX_SAFE_INTEGER);
    await expect(verifyStatusListToken(token, { uri: URI, trustAnchor: issuer.iaca, now: NOW, backend })).rejects.toMatchObject({
      code: 'ERR_MDOC_STATUS_INVALID',
      check: 'VALIDITY',
      message: expect.stringMatching(/issued in the future \(9007199254740991 s after 1970\)/),
    });
    // exp that far ahead is not expired; iat in range reads as ISO 8601.
    const late = await resigned(4, Number.MAX_SAFE_INTEGER);
    expect((await verifyStatusListToken(late, { uri: URI, trustAnchor: issuer.iaca, now: NOW, backend })).token.exp).toBe(Number.MAX_SAFE_INTEGER);
    await expect(verifyStatusListToken(await resigned(6, NOW.getTime() / 1000 + 86_400), { uri: URI, trustAnchor: issuer.iaca, now: NOW, backend })).rejects.toMatchObject({
      message: expect.stringMatching(/issued in the future \(\d{4}-\d\d-\d\dT/),
    });
  });

  it('decodeStatusListToken refuses what is not a status list or identifier list token', async () => {
    const issuer = await testIssuer(backend);
    const signer = await signerUnder(backend, issuer.iaca, issuer.iacaKey);
    const chain = x5chainValue([signer.cert.der]);
    const lst = new Map<string, CborValue>([
      ['bits', 1],
      ['lst', fromHex('78dadbb918000217015d')],
    ]);
    const claims = (extra: [number, CborValue][] = [], drop: number[] = []) =>
      new Map<CborValue, CborValue>(
        (
          [
            [2, URI],
            [6, 1],
            [4, 2],
            [65533, lst],
            ...extra,
          ] as [number, CborValue][]
        ).filter(([k]) => !drop.includes(k)),
      );
    const make = async (c: Map<CborValue, CborValue>, headers: [number, CborValue][] = [[16, 'application/statuslist+cwt']], opts: { tagged?: boolean; x5?: boolean } = {}) => {
      const prot = new Map<CborValue, CborValue>(headers);
      if (opts.x5 !== false) prot.set(CoseHeader.x5chain, chain);
      const s = await signCoseSign1({ payload: encode(c), signer: signer.key, protectedHeaders: prot, backend });
      return opts.tagged === false ? encodeCoseSign1(s, false) : encodeCoseSign1(s, true);
    };
    expect(decodeStatusListToken(await make(claims())).statusList?.bits).toBe(1);
    // A media type's name is case-insensitive (RFC 6838 §4.2).
    expect(decodeStatusListToken(await make(claims(), [[16, 'Application/StatusList+CWT']])).statusList?.bits).toBe(1);
    const refused: [string, Uint8Array][] = [
      ['untagged', await make(claims(), undefined, { tagged: false })],
      ['no typ', await make(claims(), [])],
      ['other typ', await make(claims(), [[16, 'application/cwt']])],
      ['numeric typ', await make(claims(), [[16, 61]])],
      ['no x5chain', await make(claims(), undefined, { x5: false })],
      ['no sub', await make(claims([], [2]))],
      ['no iat', await make(claims([], [6]))],
      ['text exp', await make(claims([[4, 'soon']]))],
      ['ttl 0', await make(claims([[65534, 0]]))],
      ['iss not text', await make(claims([[1, 5]]))],
      ['no status_list', await make(claims([], [65533]))],
      ['bits 3', await make(claims([[65533, new Map<string, CborValue>([['bits', 3], ['lst', new Uint8Array(1)]])]]))],
      ['identifier list with status_list', await make(claims([[65530, new Map([['identifiers', new Map()]])]]), [[16, 'application/identifierlist+cwt']])],
      ['identifier list without claim', await make(claims([], [65533]), [[16, 'application/identifierlist+cwt']])],
      ['identifier not bstr', await make(claims([[65530, new Map([['identifiers', new Map([['x', new Map()]])]])]], [65533]), [[16, 'application/identifierlist+cwt']])],
      ['identifier info not map', await make(claims([[65530, new Map([['identifiers', new Map([[new Uint8Array(1), 1]])]])]], [65533]), [[16, 'application/identifierlist+cwt']])],
      ['identifiers not map', await make(claims([[65530, new Map([['identifiers', []]])]], [65533]), [[16, 'application/identifierlist+cwt']])],
      ['claims not a map', encodeCoseSign1(await signCoseSign1({ payload: encode([1]), signer: signer.key, protectedHeaders: new Map<CborValue, CborValue>([[16, 'application/statuslist+cwt'], [33, chain]]), backend }), true)],
      ['MAC tag 17', encode(new Tag(17, [new Uint8Array(0), new Map(), new Uint8Array(0), new Uint8Array(0)]))],
      ['CWT tag 61', encode(new Tag(61, new Tag(18, [])))],
      ['not CBOR', fromHex('ff')],
    ];
    for (const [name, bytes] of refused) expect(() => decodeStatusListToken(bytes), name).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN' }));
    const il = decodeStatusListToken(await make(claims([[65530, new Map<string, CborValue>([['identifiers', new Map([[fromHex('0102'), new Map()]])], ['aggregation_uri', 'https://a.example/']])]], [65533]), [[16, 'application/identifierlist+cwt']]));
    expect([...il.identifierList!.identifiers]).toEqual(['0102']);
    expect(il.identifierList!.aggregation_uri).toBe('https://a.example/');
    expect(() => decodeStatusListToken(new Uint8Array(100), { maxTokenBytes: 99 })).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_LIMIT' }));
    expect(() => decodeStatusListToken('x' as never)).toThrow(TypeError);
  });

  it('buildStatusListToken and buildIdentifierListToken refuse bad input', async () => {
    const issuer = await testIssuer(backend);
    const signer = { signer: issuer.dsKey, certificates: [issuer.ds.der] };
    const base = { uri: URI, issuedAt: NOW, expiresAt: new Date(NOW.getTime() + DAY), signer, backend };
    await expect(buildStatusListToken({ ...base, bits: 3 as never, statuses: new Uint8Array(1) })).rejects.toThrow(RangeError);
    await expect(buildStatusListToken({ ...base, bits: 1, statuses: new Uint8Array(0) })).rejects.toThrow(TypeError);
    await expect(buildStatusListToken({ ...base, bits: 1, statuses: new Uint8Array(1), expiresAt: NOW })).rejects.toThrow(RangeError);
    await expect(buildStatusListToken({ ...base, bits: 1, statuses: new Uint8Array(1), ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(buildStatusListToken({ ...base, uri: '', bits: 1, statuses: new Uint8Array(1) })).rejects.toThrow(TypeError);
    await expect(buildIdentifierListToken({ ...base, identifiers: ['x' as never] })).rejects.toThrow(TypeError);
    const withAgg = decodeStatusListToken(await buildStatusListToken({ ...base, bits: 1, statuses: new Uint8Array(1), aggregationUri: 'https://agg.example/', iss: 'https://iss.example/' }));
    expect([withAgg.statusList?.aggregation_uri, withAgg.iss]).toEqual(['https://agg.example/', 'https://iss.example/']);
  });
});
