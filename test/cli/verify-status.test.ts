/** `shomei verify --status`: status lists fetched over HTTP from a loopback server the test starts. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import { webCryptoBackend as backend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { buildDeviceResponse, buildStatusListToken, createStatusBytes, encodeDeviceResponse, issueMdoc, StatusType, writeStatus } from '../../src/mdoc/index.js';
import { buildCrl, buildDocumentSigner, derToPem } from '../../src/x509/index.js';
import { runCli as run } from '../helpers/cli.js';
import { MDL_DATA, NOW as now, testIssuer } from '../mdoc/fixtures.js';

const DAY = 86_400_000;
const tokens = new Map<string, Uint8Array>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const token = tokens.get(req.url ?? '');
    if (token === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/statuslist+cwt' }).end(token);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => vi.unstubAllGlobals());

/** The fixtures' DS names https://iaca.example.jp/crl: answered from the loopback server, so no test reaches the network. */
function routeCrlToLoopback(): void {
  const real = globalThis.fetch;
  vi.stubGlobal('fetch', (url: string | URL | Request, init?: RequestInit) =>
    real(String(url) === 'https://iaca.example.jp/crl' ? `${base}/crl` : url, init),
  );
}

describe('shomei verify --status', () => {
  it('reports VALID, then refuses the credential once revoked; a list that is not there is skipped, or fails with --require-status', async () => {
    const issuer = await testIssuer(backend);
    const signerKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const signer = await buildDocumentSigner({
      iaca: issuer.iaca,
      iacaKey: issuer.iacaKey,
      commonName: 'cli status signer',
      publicKey: publicKeyOf(signerKey) as never,
      validity: { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 50 * DAY) },
      crlUri: 'https://iaca.example.jp/crl',
      backend,
    });
    const { iaca, ds } = issuer;
    const device = await backend.generateKeyPair('P-256');
    const uri = `${base}/lists/1`;
    const issue = (u: string) =>
      issueMdoc({ docType: 'org.iso.18013.5.1.mDL', nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 10 * DAY) }, issuer: { signer: issuer.dsKey, certificates: [ds.der] }, status: { status_list: { idx: 2, uri: u } }, backend });
    const transcript = encode([null, null, 'shomei cli status test']);
    const respond = async (u: string) =>
      encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: await issue(u), deviceKey: device }], elements: { 'org.iso.18013.5.1': ['family_name'] }, sessionTranscript: transcript, backend }));
    const dir = mkdtempSync(join(tmpdir(), 'shomei-status-'));
    const f = (name: string) => join(dir, name);
    writeFileSync(f('iaca.pem'), derToPem(iaca.der, 'CERTIFICATE'));
    writeFileSync(f('transcript.cbor'), transcript);
    writeFileSync(f('r.cbor'), await respond(uri));
    writeFileSync(f('missing.cbor'), await respond(`${base}/lists/404`));
    const statuses = createStatusBytes(128, 1);
    const publish = async () => tokens.set('/lists/1', await buildStatusListToken({ uri, bits: 1, statuses, issuedAt: now, expiresAt: new Date(now.getTime() + DAY), ttlSeconds: 300, signer: { signer: signerKey, certificates: [signer.der] }, backend }));
    await publish();
    const verify = (file: string, ...extra: string[]) => run('verify', f(file), '--trust', f('iaca.pem'), '--transcript', f('transcript.cbor'), '--at', now.toISOString(), ...extra);

    routeCrlToLoopback();
    const crl = (revoked: boolean, crlNumber: number) =>
      buildCrl({ issuer: iaca, signer: issuer.iacaKey, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), revoked: revoked ? [{ serialNumber: ds.serialNumber, revocationDate: now }] : [], crlNumber, backend });
    tokens.set('/crl', (await crl(false, 1)).der);

    const valid = await verify('r.cbor', '--status');
    expect(valid.err).toBe('');
    expect(valid.out).toContain(`ok   MSO_STATUS  (VALID: index 2 of ${uri})`);
    expect(valid.code).toBe(0);
    // Without --status the list is not fetched: the report says so, and it stays valid.
    const without = await verify('r.cbor');
    expect(without.out).toContain('skip MSO_STATUS');
    expect(without.code).toBe(0);

    expect(valid.out).toMatch(/ok {3}DS_CHAIN\.REVOCATION {2}\(.*CRL https:\/\/iaca\.example\.jp\/crl number 01/);
    // A CRL that lists the DS refuses the credential through --status too.
    tokens.set('/crl', (await crl(true, 2)).der);
    const dsRevoked = await verify('r.cbor', '--status');
    expect(dsRevoked.out).toMatch(/FAIL DS_CHAIN\.REVOCATION/);
    expect(dsRevoked.code).toBe(1);
    tokens.set('/crl', (await crl(false, 3)).der);

    writeStatus(statuses, 1, 2, StatusType.INVALID);
    await publish();
    const revoked = await verify('r.cbor', '--status', '--json');
    expect(revoked.code).toBe(1);
    const report = JSON.parse(revoked.out) as { valid: boolean; documents: { checks: { id: string; status: string; detail?: string }[] }[] };
    expect(report.valid).toBe(false);
    expect(report.documents[0]!.checks.find((c) => c.id === 'MSO_STATUS')).toEqual({ id: 'MSO_STATUS', status: 'failed', required: true, detail: `INVALID (revoked): index 2 of ${uri}` });

    const missing = await verify('missing.cbor', '--status');
    expect(missing.out).toContain(`skip MSO_STATUS  (could not fetch ${base}/lists/404: HTTP 404)`);
    expect(missing.code).toBe(0);
    const required = await verify('missing.cbor', '--status', '--require-status');
    expect(required.out).toContain('FAIL MSO_STATUS.FETCH');
    expect(required.code).toBe(1);
    expect((await verify('r.cbor', '--require-status')).code).toBe(2);
  });
});
