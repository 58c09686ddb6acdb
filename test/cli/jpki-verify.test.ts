/**
 * `shomei jpki verify-auth` and `shomei jpki verify-cms` against the virtual card, with its
 * test CA's OCSP responder on loopback HTTP and a CRL file: exit 0 valid, 1 not, 2 usage.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/internal/bytes.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { buildTestCertificates, createVirtualMyNumberCard, DEFAULT_TEST_IDENTITY, TestJpkiCa } from '../../src/jpki/simulator/index.js';
import { contextTag, encodeOctetString, encodeSequence, encodeTlv } from '../../src/x509/der.js';
import { runCli } from '../helpers/cli.js';
import { derChildren } from '../helpers/der.js';

const AT = '2025-06-01T00:00:00Z';
let dir = '';
let server: Server;
let url = '';
let ca: TestJpkiCa;
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-jpki-verify-'));
  const card = new MyNumberCard(await createVirtualMyNumberCard());
  const challenge = utf8Encode('login nonce 7d1c0e5b9a2f4c3e8b6a1d0f');
  writeFileSync(f('challenge.bin'), challenge);
  writeFileSync(f('auth.sig'), await card.signWithAuthKey(challenge, DEFAULT_TEST_IDENTITY.pins.auth));
  writeFileSync(f('auth.der'), await card.readAuthCertificate());
  writeFileSync(f('auth-ca.der'), await card.readAuthCaCertificate());
  writeFileSync(f('sign-ca.der'), await card.readSignCaCertificate());
  writeFileSync(f('doc.txt'), 'contract');
  const p7s = await card.cmsSign(utf8Encode('contract'), DEFAULT_TEST_IDENTITY.pins.sign, { signingTime: new Date(AT) });
  writeFileSync(f('doc.p7s'), p7s);
  writeFileSync(f('attached.p7s'), attach(p7s, utf8Encode('contract')));
  ca = await TestJpkiCa.create(await buildTestCertificates(DEFAULT_TEST_IDENTITY));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void ca.respond(new Uint8Array(Buffer.concat(chunks)), { now: new Date('2025-05-31T23:00:00Z') }).then((der) => res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(der));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** `p7s` (detached, DER) with `content` as its eContent. */
function attach(p7s: Uint8Array, content: Uint8Array): Uint8Array {
  const [contentType, wrapper] = derChildren(p7s) as [Uint8Array, Uint8Array];
  const [version, digestAlgorithms, encap, ...rest] = derChildren(derChildren(wrapper)[0]!);
  const encapContentInfo = encodeSequence(derChildren(encap!)[0]!, encodeTlv(contextTag(0, true), encodeOctetString(content)));
  return encodeSequence(contentType, encodeTlv(contextTag(0, true), encodeSequence(version!, digestAlgorithms!, encapContentInfo, ...rest)));
}

const auth = (...more: string[]) => runCli('jpki', 'verify-auth', '--challenge', f('challenge.bin'), '--signature', f('auth.sig'), '--cert', f('auth.der'), '--at', AT, ...more);

describe('shomei jpki verify-auth', () => {
  it('valid with the test CA as anchor and a good OCSP answer (exit 0); JSON on request', async () => {
    ca.clear();
    const text = await auth('--trust', f('auth-ca.der'), '--ocsp', url);
    expect(text.code).toBe(0);
    expect(text.out).toContain('VALID: JPKI authentication of SHOMEITESTAUTH000000001');
    expect(text.out).toMatch(/passed\s+OCSP/);
    const json = await auth('--trust', f('auth-ca.der'), '--ocsp', url, '--json');
    const report = JSON.parse(json.out) as { valid: boolean; hash: string; checks: { id: string; status: string }[] };
    expect([json.code, report.valid, report.hash]).toEqual([0, true, 'SHA-256']);
  });

  it('revoked by OCSP or by a CRL file: exit 1 with CERTIFICATE_STATUS failed', async () => {
    ca.clear();
    ca.revoke('auth', new Date('2025-05-30T00:00:00Z'), 1);
    const byOcsp = await auth('--trust', f('auth-ca.der'), '--ocsp', url, '--json');
    expect(byOcsp.code).toBe(1);
    const checks = (JSON.parse(byOcsp.out) as { checks: { id: string; status: string }[] }).checks;
    expect(checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('failed');
    writeFileSync(f('auth.crl'), await ca.crl('auth', new Date('2025-05-31T00:00:00Z'), new Date('2025-06-07T00:00:00Z')));
    const byCrl = await auth('--trust', f('auth-ca.der'), '--crl', f('auth.crl'));
    expect(byCrl.code).toBe(1);
    expect(byCrl.out).toContain('NOT VALID');
    expect(byCrl.out).toMatch(/failed\s+CRL\s+CRL: revoked at 2025-05-30/);
    ca.clear();
  });

  it('against the J-LIS roots (the default), the test card does not chain: exit 1', async () => {
    const r = await auth();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/failed\s+CHAIN/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli('jpki', 'verify-auth', '--challenge', f('challenge.bin'))).code).toBe(2);
    expect((await auth('--require', 'sometimes')).code).toBe(2);
    expect((await auth('--at', 'yesterday')).code).toBe(2);
    expect((await runCli('jpki', 'verify-cms')).code).toBe(2);
    expect((await runCli('jpki', 'verify-cms', f('doc.p7s'), '--content', f('doc.txt'), '--out', f('x.txt'))).code).toBe(2);
  });
});

describe('shomei jpki verify-cms', () => {
  it('valid with a good OCSP answer; revoked: exit 1', async () => {
    ca.clear();
    const ok = await runCli('jpki', 'verify-cms', f('doc.p7s'), '--content', f('doc.txt'), '--trust', f('sign-ca.der'), '--ocsp', url, '--at', AT);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('VALID: detached CMS');
    ca.revoke('sign', new Date('2025-05-30T00:00:00Z'));
    const revoked = await runCli('jpki', 'verify-cms', f('doc.p7s'), '--content', f('doc.txt'), '--trust', f('sign-ca.der'), '--ocsp', url, '--at', AT, '--json');
    expect(revoked.code).toBe(1);
    const report = JSON.parse(revoked.out) as { signers: { checks: { id: string; status: string }[] }[] };
    expect(report.signers[0]!.checks.find((c) => c.id === 'CERTIFICATE_STATUS')?.status).toBe('failed');
    ca.clear();
  });

  it('without --content: an attached CMS (its content written by --out when valid); a detached one exits 1', async () => {
    const ok = await runCli('jpki', 'verify-cms', f('attached.p7s'), '--trust', f('sign-ca.der'), '--at', AT, '--out', f('carried.txt'));
    expect([ok.code, ok.out.split('\n')[0]]).toEqual([0, 'VALID: attached CMS (8 bytes of content)']);
    expect(readFileSync(f('carried.txt'), 'utf8')).toBe('contract');
    const json = await runCli('jpki', 'verify-cms', f('attached.p7s'), '--trust', f('sign-ca.der'), '--at', AT, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ valid: true, contentLength: 8 });
    // The same SignedData with the content given: as detached.
    expect((await runCli('jpki', 'verify-cms', f('attached.p7s'), '--content', f('doc.txt'), '--trust', f('sign-ca.der'), '--at', AT)).code).toBe(0);
    const detached = await runCli('jpki', 'verify-cms', f('doc.p7s'), '--trust', f('sign-ca.der'), '--at', AT);
    expect(detached.code).toBe(1);
    expect(detached.err).toMatch(/detached/);
  });
});
