/**
 * The whole server-side login of issue 13 against the virtual card: the card signs a nonce
 * with its 利用者証明用 key, and `verifyJpkiAuthentication` checks it with the test CA's CRL
 * and OCSP responder served over loopback HTTP (node:http on 127.0.0.1, port 0), as J-LIS
 * serves licensed verifiers. Revoking the auth certificate makes the login fail with a named
 * check; unknown, stale, wrong-nonce and unauthorised-responder answers fail closed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/internal/bytes.js';
import { verifyDetachedCms } from '../../src/jpki/cms.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { buildTestCertificates, DEFAULT_TEST_IDENTITY, TestJpkiCa, type TestOcspResponseOptions } from '../../src/jpki/simulator/index.js';
import { type JpkiStatusOptions, verifyJpkiAuthentication } from '../../src/jpki/index.js';
import { createOcspCache, type OcspTransport } from '../../src/x509/index.js';
import { virtualCard } from './helpers.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const challenge = utf8Encode('server nonce 5f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4f');

let server: Server;
let base = '';
let ca: TestJpkiCa;
let signature: Uint8Array;
let certificate: Uint8Array;
let anchor: Uint8Array;
/** What the loopback responder does next (each test sets it). */
let mode: Omit<TestOcspResponseOptions, 'now'> = {};
let crlNextUpdate: Date | null = new Date('2025-06-08T00:00:00Z');
let requests = 0;

const transport: OcspTransport = async (request, url) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: request.slice() as Uint8Array<ArrayBuffer> });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};
const fetchCrl = async () => new Uint8Array(await (await fetch(`${base}/auth.crl`)).arrayBuffer());

beforeAll(async () => {
  const card = new MyNumberCard(await virtualCard());
  signature = await card.signWithAuthKey(challenge, DEFAULT_TEST_IDENTITY.pins.auth);
  certificate = await card.readAuthCertificate();
  anchor = await card.readAuthCaCertificate();
  ca = await TestJpkiCa.create(await buildTestCertificates(DEFAULT_TEST_IDENTITY));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'GET' && req.url === '/auth.crl') {
          res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(await ca.crl('auth', new Date('2025-05-31T00:00:00Z'), crlNextUpdate));
        } else if (req.method === 'POST' && req.url === '/ocsp') {
          requests++;
          const body = new Uint8Array(Buffer.concat(chunks));
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(await ca.respond(body, { now: new Date(NOW.getTime() - 3_600_000), ...mode }));
        } else {
          res.writeHead(404).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function login(status?: JpkiStatusOptions) {
  return verifyJpkiAuthentication({ challenge, signature, certificate }, { anchors: [anchor], now: NOW, ...(status ? { status } : {}) });
}
const ocsp = () => ({ ocsp: { transport, url: `${base}/ocsp` } });
const failed = (r: { checks: readonly { id: string; status: string; required: boolean }[] }) => r.checks.filter((c) => c.status === 'failed' && c.required).map((c) => c.id);
const detail = (r: { checks: readonly { id: string; detail?: string }[] }, id: string) => r.checks.find((c) => c.id === id)?.detail ?? '';

describe('JPKI login with certificate status over loopback', () => {
  it('good: the login is valid, OCSP answered by the delegated responder', async () => {
    ca.clear();
    mode = {};
    const r = await login(ocsp());
    expect(failed(r)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.hash).toBe('SHA-256');
    expect(r.form).toBe('message');
    expect(r.subjectId).toBe('SHOMEITESTAUTH000000001');
    expect(r.ocsp?.status).toBe('good');
    expect(detail(r, 'OCSP')).toContain('delegated responder, ocsp-nocheck');
    expect(r.checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('passed');
  });

  it('without status options, status is reported as not checked; requiring OCSP without a transport fails', async () => {
    const r = await login();
    expect(r.valid).toBe(true);
    expect(r.checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('skipped');
    const required = await login({ require: 'ocsp' });
    expect(failed(required)).toEqual(['OCSP', 'CERTIFICATE_STATUS']);
  });

  it('revoked: the auth certificate revoked at the CA fails the login by OCSP and by the served CRL', async () => {
    ca.clear();
    ca.revoke('auth', new Date('2025-05-30T12:00:00Z'), 1);
    mode = {};
    const byOcsp = await login(ocsp());
    expect(byOcsp.valid).toBe(false);
    expect(failed(byOcsp)).toEqual(['OCSP', 'CERTIFICATE_STATUS']);
    expect(detail(byOcsp, 'OCSP')).toContain('revoked at 2025-05-30T12:00:00.000Z (reason 1)');
    const byCrl = await login({ crls: [await fetchCrl()] });
    expect(byCrl.valid).toBe(false);
    expect(failed(byCrl)).toEqual(['CRL', 'CERTIFICATE_STATUS']);
    // Suspension (certificateHold) is revocation too, until lifted.
    ca.clear();
    ca.revoke('auth', new Date('2025-05-31T00:00:00Z'), 6);
    expect(detail(await login(ocsp()), 'OCSP')).toContain('on hold');
    ca.clear();
    expect((await login({ crls: [await fetchCrl()] })).valid).toBe(true);
  });

  it('a CRL that is stale, or of another CA, is not an answer; with require "all" both sources must answer', async () => {
    ca.clear();
    crlNextUpdate = new Date('2025-05-31T12:00:00Z');
    const stale = await login({ crls: [await fetchCrl()] });
    expect(failed(stale)).toEqual(['CERTIFICATE_STATUS']);
    expect(detail(stale, 'CRL')).toContain('stale');
    crlNextUpdate = new Date('2025-06-08T00:00:00Z');
    const signCrl = await ca.crl('sign', new Date('2025-05-31T00:00:00Z'), new Date('2025-06-08T00:00:00Z'));
    const other = await login({ crls: [signCrl], require: 'crl' });
    expect(failed(other)).toEqual(['CRL', 'CERTIFICATE_STATUS']);
    mode = {};
    const both = await login({ ...ocsp(), crls: [await fetchCrl()], require: 'all' });
    expect(both.valid).toBe(true);
    expect(detail(both, 'CERTIFICATE_STATUS')).toBe('good by OCSP and CRL (required: all)');
    expect(failed(await login({ ...ocsp(), crls: [signCrl], require: 'all' }))).toEqual(['CRL', 'CERTIFICATE_STATUS']);
  });

  it('fails closed on unknown, an expired response, a wrong nonce and an unauthorised responder', async () => {
    ca.clear();
    const cases: [Omit<TestOcspResponseOptions, 'now'>, string][] = [
      [{ certStatus: { status: 'unknown' } }, 'unknown'],
      [{ thisUpdate: new Date('2025-05-20T00:00:00Z'), nextUpdate: new Date('2025-05-21T00:00:00Z') }, 'stale'],
      [{ nonce: Uint8Array.of(1, 2, 3) }, 'NONCE'],
      [{ nonce: 'none' }, 'NONCE'],
      [{ signer: 'rogue' }, 'RESPONDER'],
    ];
    for (const [m, why] of cases) {
      mode = m;
      const r = await login(ocsp());
      expect(r.valid, why).toBe(false);
      expect(failed(r), why).toEqual(['CERTIFICATE_STATUS']);
      expect(r.checks.find((c) => c.id === 'OCSP')?.status, why).toBe('failed');
      expect(detail(r, 'OCSP'), why).toContain(why);
    }
    // The CA signing its own responses is also authorised.
    mode = { signer: 'ca' };
    expect((await login(ocsp())).valid).toBe(true);
  });

  it('an unreachable responder is reported as such, and fails only when status is required', async () => {
    const down: OcspTransport = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const r = await login({ ocsp: { transport: down, url: `${base}/ocsp` } });
    expect(failed(r)).toEqual(['CERTIFICATE_STATUS']);
    expect(detail(r, 'OCSP')).toContain('unavailable');
    const lenient = await login({ ocsp: { transport: down, url: `${base}/ocsp` }, require: 'none' });
    expect(lenient.valid).toBe(true);
    expect(lenient.checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('skipped');
    // The virtual card's certificate names no OCSP URL: without one, nothing is asked.
    const noUrl = await login({ ocsp: { transport } });
    expect(detail(noUrl, 'OCSP')).toContain('no responder URL');
  });

  it('a cache asks the responder once for many logins', async () => {
    ca.clear();
    mode = {};
    const cache = createOcspCache({ now: () => NOW.getTime() });
    requests = 0;
    const all = await Promise.all(Array.from({ length: 8 }, () => login({ ocsp: { transport, url: `${base}/ocsp`, cache } })));
    expect(all.every((r) => r.valid)).toBe(true);
    expect(requests).toBe(1);
  });

  it('verifyDetachedCms checks the signer certificate status the same way', async () => {
    ca.clear();
    mode = {};
    const card = new MyNumberCard(await virtualCard());
    const content = utf8Encode('contract');
    const p7s = await card.cmsSign(content, DEFAULT_TEST_IDENTITY.pins.sign, { signingTime: NOW });
    const signCa = await card.readSignCaCertificate();
    const opts = { anchors: [signCa], now: NOW, status: ocsp() };
    const good = await verifyDetachedCms(p7s, content, opts);
    expect(good.valid).toBe(true);
    expect(good.signers[0]!.checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('passed');
    ca.revoke('sign', new Date('2025-05-31T00:00:00Z'), 0);
    const revoked = await verifyDetachedCms(p7s, content, opts);
    expect(revoked.status).toBe('invalid');
    expect(revoked.signers[0]!.checks.find((c) => c.id === 'CERTIFICATE_STATUS')).toMatchObject({ status: 'failed' });
    expect(revoked.signers[0]!.status?.ocsp?.status).toBe('revoked');
    const noAnchor = await verifyDetachedCms(p7s, content, { now: NOW, status: ocsp() });
    expect(noAnchor.signers[0]!.checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('unverifiable');
  });
});
