/**
 * CRLs for real, end to end: a test PKI shaped like the J-LIS My Number Card mdoc IACA (same
 * subject shape, P-384, pathlen 0, the same CRL distribution point path) whose distribution
 * point is a loopback HTTP server this test starts; mdocs issued under it are verified with
 * a CrlCache over `fetch`. The clock is injected (cache and verification), never the wall clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { encodeIssuerSigned, issueMdoc, MNC_DOCTYPE, verifyIssuerSigned } from '../../src/mdoc/index.js';
import {
  buildCrl,
  buildDocumentSigner,
  buildIaca,
  type Certificate,
  CrlCache,
  CrlReason,
  crlTransportFromFetch,
  JLIS_MDOC_IACA,
  loadTrustAnchors,
} from '../../src/x509/index.js';

const backend = nobleBackend;
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T00:00:00Z');

/** The loopback CRL server: serves `body` at any path, counts the requests per path. */
interface CrlServer {
  server: Server;
  base: string;
  body: Uint8Array | null;
  hits: Map<string, number>;
}

async function startServer(): Promise<CrlServer> {
  const state: CrlServer = { server: undefined as never, base: '', body: null, hits: new Map() };
  state.server = createServer((req, res) => {
    state.hits.set(req.url ?? '', (state.hits.get(req.url ?? '') ?? 0) + 1);
    if (state.body === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(state.body);
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

let srv: CrlServer;
let dpUri: string;
let dpPath: string;
let iaca: Certificate;
let iacaKey: EcPrivateKey;
let goodMdoc: Uint8Array;
let revokedMdoc: Uint8Array;
let revokedDs: Certificate;

beforeAll(async () => {
  srv = await startServer();
  // The J-LIS IACA's distribution point, rewritten to the loopback server (same path).
  const jlis = loadTrustAnchors(JLIS_MDOC_IACA)[0]!;
  const real = jlis.cRLDistributionPoints!.uris[0]!;
  expect(real).toBe('https://dts.mdoc-iaca.digital.go.jp/certificate/latest/mnc.crl');
  dpPath = new URL(real).pathname;
  dpUri = `${srv.base}${dpPath}`;

  iacaKey = (await backend.generateKeyPair('P-384')) as EcPrivateKey;
  iaca = await buildIaca({
    country: 'JP',
    organization: 'Japan Agency for Local Authority Information Systems (test)',
    commonName: 'mncmdocRootCA test',
    key: iacaKey,
    validity: { notBefore: T0, notAfter: new Date(T0.getTime() + 1000 * DAY) },
    issuerAltName: { uri: 'https://www.j-lis.go.jp/' },
    crlUri: dpUri,
    backend,
  });
  expect(iaca.basicConstraints?.pathLen).toBe(jlis.basicConstraints?.pathLen);
  expect(iaca.publicKey).toMatchObject({ crv: (jlis.publicKey as { crv: string }).crv });

  const issue = async (serialNumber: string): Promise<{ mdoc: Uint8Array; ds: Certificate }> => {
    const dsKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const ds = await buildDocumentSigner({
      iaca,
      iacaKey,
      commonName: `mnc DS ${serialNumber}`,
      publicKey: publicKeyOf(dsKey),
      validity: { notBefore: T0, notAfter: new Date(T0.getTime() + 300 * DAY) },
      serialNumber,
      backend,
    });
    const device = await backend.generateKeyPair('P-256');
    const issuerSigned = await issueMdoc({
      docType: MNC_DOCTYPE,
      nameSpaces: { 'org.iso.23220.1': { family_name_unicode: '山田' } },
      deviceKey: publicKeyOf(device),
      validity: { signed: T0, validFrom: T0, validUntil: new Date(T0.getTime() + 200 * DAY) },
      issuer: { signer: dsKey, certificates: [ds.der] },
      backend,
    });
    return { mdoc: encodeIssuerSigned(issuerSigned), ds };
  };
  const good = await issue('0101');
  const bad = await issue('0202');
  goodMdoc = good.mdoc;
  revokedMdoc = bad.mdoc;
  revokedDs = bad.ds;
  expect(good.ds.cRLDistributionPoints?.uris).toEqual([dpUri]);
});

afterAll(async () => {
  if (srv?.server.listening) await new Promise((resolve) => srv.server.close(resolve));
});

function revocation(result: { checks: readonly { id: string; status: string; detail?: string }[] }) {
  return result.checks.find((c) => c.id === 'DS_CHAIN.REVOCATION')!;
}

describe('CRLs fetched over HTTP from the distribution point (J-LIS-shaped PKI on loopback)', () => {
  it('good DS valid, revoked DS fails, the CRL is fetched once and named in the report', async () => {
    let clock = new Date(T0.getTime() + 10 * DAY).getTime();
    srv.body = (
      await buildCrl({
        issuer: iaca,
        signer: iacaKey,
        thisUpdate: new Date(clock - DAY),
        nextUpdate: new Date(clock + 7 * DAY),
        revoked: [{ serialNumber: revokedDs.serialNumber, revocationDate: new Date(clock - 2 * DAY), reason: CrlReason.keyCompromise }],
        crlNumber: 17,
        backend,
      })
    ).der;
    srv.hits.clear();
    const crlCache = new CrlCache({ fetch: crlTransportFromFetch(fetch), now: () => clock });
    const opts = () => ({ trustAnchors: [iaca], now: new Date(clock), crlCache, requireRevocationCheck: true, profiles: false as const, backend });

    const good = await verifyIssuerSigned(goodMdoc, opts());
    expect(good.valid).toBe(true);
    expect(revocation(good).status).toBe('passed');
    expect(revocation(good).detail).toContain(`CRL ${dpUri} number 11`);
    expect(revocation(good).detail).toContain('nextUpdate 2026-03-18T00:00:00.000Z');

    const revoked = await verifyIssuerSigned(revokedMdoc, opts());
    expect(revoked.valid).toBe(false);
    expect(revocation(revoked).status).toBe('failed');
    expect(revocation(revoked).detail).toMatch(/serial 0202\) was revoked at .* \(reason 1\) on CRL http:\/\/127\.0\.0\.1:\d+\/certificate\/latest\/mnc\.crl number 11/);
    await expect(verifyIssuerSigned(revokedMdoc, { ...opts() })).resolves.toMatchObject({ valid: false });
    expect(srv.hits.get(dpPath)).toBe(1);
    expect(crlCache.fetchCount).toBe(1);

    // Two hundred concurrent verifications against a cold cache: one fetch.
    clock += 30 * 60_000;
    const cold = new CrlCache({ fetch: crlTransportFromFetch(fetch), now: () => clock });
    srv.hits.clear();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => verifyIssuerSigned(i % 2 ? revokedMdoc : goodMdoc, { ...opts(), crlCache: cold })));
    expect(results.filter((r) => r.valid)).toHaveLength(100);
    expect(srv.hits.get(dpPath)).toBe(1);
    expect(cold.fetchCount).toBe(1);
  });

  it('an expired CRL is never used: the cache refetches at nextUpdate, and a stale one served fails as CRL_EXPIRED', async () => {
    let clock = new Date(T0.getTime() + 20 * DAY).getTime();
    const crl = (n: number, next: number) =>
      buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: new Date(clock - DAY), nextUpdate: new Date(next), crlNumber: n, backend }).then((c) => c.der);
    srv.body = await crl(20, clock + DAY);
    srv.hits.clear();
    const crlCache = new CrlCache({ fetch: crlTransportFromFetch(fetch), now: () => clock });
    const opts = () => ({ trustAnchors: [iaca], now: new Date(clock), crlCache, profiles: false as const, backend });
    expect((await verifyIssuerSigned(goodMdoc, opts())).valid).toBe(true);
    // One ms before nextUpdate the cached CRL serves; at nextUpdate it is gone and the server is asked again.
    clock += DAY - 1;
    expect(revocation(await verifyIssuerSigned(goodMdoc, opts())).detail).toContain('number 14');
    expect(srv.hits.get(dpPath)).toBe(1);
    clock += 1;
    // The server still serves the old CRL, now expired: refused by name, not used.
    const stale = await verifyIssuerSigned(goodMdoc, opts());
    expect(stale.valid).toBe(false);
    expect(revocation(stale).status).toBe('failed');
    expect(revocation(stale).detail).toMatch(/CRL_EXPIRED: CRL from .* is stale/);
    expect(srv.hits.get(dpPath)).toBe(2);
    // The failure is remembered briefly (60 s by default), then the server is asked again and a fresh CRL is used.
    srv.body = await crl(21, clock + 7 * DAY);
    expect((await verifyIssuerSigned(goodMdoc, opts())).valid).toBe(false);
    expect(srv.hits.get(dpPath)).toBe(2);
    clock += 60_000;
    const fresh = await verifyIssuerSigned(goodMdoc, opts());
    expect(fresh.valid).toBe(true);
    expect(revocation(fresh).detail).toContain('number 15');
    expect(srv.hits.get(dpPath)).toBe(3);
  });

  it('a CRL signed by another key, and a 404, are reported by name', async () => {
    const clock = new Date(T0.getTime() + 30 * DAY).getTime();
    const otherKey = (await backend.generateKeyPair('P-384')) as EcPrivateKey;
    srv.body = (await buildCrl({ issuer: iaca, signer: otherKey, thisUpdate: new Date(clock - DAY), nextUpdate: new Date(clock + DAY), backend })).der;
    const crlCache = new CrlCache({ fetch: crlTransportFromFetch(fetch), now: () => clock });
    const forged = await verifyIssuerSigned(goodMdoc, { trustAnchors: [iaca], now: new Date(clock), crlCache, profiles: false, backend });
    expect(forged.valid).toBe(false);
    expect(revocation(forged).detail).toMatch(/CRL_SIGNATURE/);
    srv.body = null;
    const missing = await verifyIssuerSigned(goodMdoc, { trustAnchors: [iaca], now: new Date(clock), crlCache: new CrlCache({ fetch: crlTransportFromFetch(fetch), now: () => clock }), profiles: false, backend });
    expect(revocation(missing)).toMatchObject({ status: 'skipped' });
    expect(revocation(missing).detail).toMatch(/CRL_FETCH: fetch of .* failed: HTTP 404/);
  });

  it('server down: reported as could-not-fetch, failing only with requireRevocationCheck', async () => {
    const clock = new Date(T0.getTime() + 40 * DAY).getTime();
    await new Promise((resolve) => srv.server.close(resolve));
    const crlCache = new CrlCache({ fetch: crlTransportFromFetch(fetch), now: () => clock });
    const base = { trustAnchors: [iaca], now: new Date(clock), crlCache, profiles: false as const, backend };
    const lenient = await verifyIssuerSigned(goodMdoc, base);
    expect(lenient.valid).toBe(true);
    expect(revocation(lenient)).toMatchObject({ status: 'skipped' });
    expect(revocation(lenient).detail).toMatch(/no CRL \(CRL_FETCH: fetch of http:\/\/127\.0\.0\.1:\d+\/certificate\/latest\/mnc\.crl failed/);
    const strict = await verifyIssuerSigned(goodMdoc, { ...base, requireRevocationCheck: true });
    expect(strict.valid).toBe(false);
    expect(revocation(strict)).toMatchObject({ status: 'failed' });
    // The failure was remembered: the second verification did not try the dead server again.
    expect(crlCache.fetchCount).toBe(1);
  });
});
