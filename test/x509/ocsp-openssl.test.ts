/**
 * OCSP interop with OpenSSL (RFC 6960): `openssl ocsp` reads the request shomei builds
 * (serial and nonce), and answers it as a responder from an index file; shomei verifies
 * OpenSSL's good and revoked answers, nonce included. Skipped when no openssl is installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { buildOcspRequest, type Certificate, decodeOcspResponse, parseCertificate, verifyOcspResponse } from '../../src/x509/index.js';
import { hasOpenssl } from '../helpers/openssl.js';

let dir = '';
const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

describe.skipIf(!hasOpenssl())('OCSP interop with openssl', () => {
  let ca: Certificate;
  let good: Certificate;
  let revoked: Certificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shomei-ocsp-'));
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/C=JP/CN=openssl OCSP CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    for (const [name, serial] of [
      ['good', '0x1a2b'],
      ['revoked', '0x3c4d'],
    ]) {
      run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/C=JP/CN=${name}`);
      run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial!, '-days', '10', '-out', `${name}.pem`);
    }
    ca = parseCertificate(readFileSync(join(dir, 'ca.pem'), 'utf8'));
    good = parseCertificate(readFileSync(join(dir, 'good.pem'), 'utf8'));
    revoked = parseCertificate(readFileSync(join(dir, 'revoked.pem'), 'utf8'));
    writeFileSync(join(dir, 'index.txt'), `V\t351231235959Z\t\t1A2B\tunknown\t/C=JP/CN=good\nR\t351231235959Z\t240101000000Z,keyCompromise\t3C4D\tunknown\t/C=JP/CN=revoked\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function ask(cert: Certificate) {
    const req = await buildOcspRequest(cert, ca, { backend: nobleBackend });
    writeFileSync(join(dir, 'req.der'), req.der);
    const text = run('ocsp', '-reqin', 'req.der', '-req_text');
    run('ocsp', '-index', 'index.txt', '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-CA', 'ca.pem', '-reqin', 'req.der', '-respout', 'resp.der', '-ndays', '1');
    const der = new Uint8Array(readFileSync(join(dir, 'resp.der')));
    // OpenSSL stamps thisUpdate with its own clock: validate at that instant, not at ours.
    const now = decodeOcspResponse(der).basic!.responses[0]!.thisUpdate;
    return { text, req, result: await verifyOcspResponse(der, { certificate: cert, issuer: ca, nonce: req.nonce, now, backend: nobleBackend }) };
  }

  it('openssl reads our request and answers good, with our nonce echoed', async () => {
    const { text, req, result } = await ask(good);
    expect(text).toContain('Serial Number: 1A2B');
    expect(text.replace(/[\s:]/g, '').toLowerCase()).toContain(Array.from(req.nonce!, (b) => b.toString(16).padStart(2, '0')).join(''));
    expect(result.certStatus).toEqual({ status: 'good' });
    expect(result.responder).toBe('issuer');
    expect(result.nonceMatched).toBe(true);
  });

  it('openssl answers revoked with time and reason', async () => {
    const { result } = await ask(revoked);
    expect(result.certStatus).toEqual({ status: 'revoked', revocationTime: new Date('2024-01-01T00:00:00Z'), reason: 1 });
  });
});
