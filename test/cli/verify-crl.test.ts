/** `shomei verify --crl FILE` (repeatable): local CRLs for the DS chain (RFC 5280 §6.3). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCertificates, readPrivateKey } from '../../src/cli/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { buildCrl, derToPem } from '../../src/x509/index.js';
import { runCli as run } from '../helpers/cli.js';

const DATA = { 'org.iso.18013.5.1': { family_name: 'Yamada', issuing_country: 'JP', age_over_18: true } };

describe('shomei verify --crl', () => {
  it('passes with a CRL that does not list the DS, fails with one that does, and refuses a file that is not a CRL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-crl-'));
    const f = (name: string) => join(dir, name);
    expect((await run('pki', '--out', dir)).code).toBe(0);
    writeFileSync(f('data.json'), JSON.stringify(DATA));
    expect((await run('issue', '--doctype', 'org.iso.18013.5.1.mDL', '--data', f('data.json'), '--issuer-key', f('ds-key.pem'), '--issuer-cert', f('ds.pem'), '--device-key', f('device.pub.pem'), '-o', f('is.cbor'))).code).toBe(0);
    const elements = 'org.iso.18013.5.1/family_name';
    expect((await run('present', '--mdoc', f('is.cbor'), '--elements', elements, '--device-key', f('device-key.pem'), '--transcript', f('session-transcript.cbor'), '-o', f('r.cbor'))).code).toBe(0);

    const iaca = readCertificates(f('iaca.pem'))[0]!;
    const ds = readCertificates(f('ds.pem'))[0]!;
    const signer = readPrivateKey(f('iaca-key.pem')) as EcPrivateKey;
    // The CRL covers the DS validity, so it is current whenever the DS is.
    const window = { thisUpdate: ds.notBefore, nextUpdate: ds.notAfter };
    const good = await buildCrl({ issuer: iaca, signer, ...window, revoked: [{ serialNumber: '01', revocationDate: ds.notBefore }], crlNumber: 7 });
    const bad = await buildCrl({ issuer: iaca, signer, ...window, revoked: [{ serialNumber: ds.serialNumber, revocationDate: ds.notBefore, reason: 1 }], crlNumber: 8 });
    writeFileSync(f('good.crl'), good.der);
    writeFileSync(f('bad.crl.pem'), derToPem(bad.der, 'X509 CRL'));
    writeFileSync(f('not.crl'), 'hello');
    const base = ['verify', f('r.cbor'), '--trust', f('iaca.pem'), '--transcript', f('session-transcript.cbor')];

    const ok = await run(...base, '--crl', f('good.crl'));
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/ok {3}DS_CHAIN\.REVOCATION {2}\(1 certificate\(s\) checked against CRLs: .* number 07/);
    const revoked = await run(...base, '--crl', f('good.crl'), '--crl', f('bad.crl.pem'));
    expect(revoked.code).toBe(1);
    expect(revoked.out).toMatch(/FAIL DS_CHAIN\.REVOCATION {2}\(.* was revoked at .* \(reason 1\) on CRL \(given\) number 08/);
    const notCrl = await run(...base, '--crl', f('not.crl'));
    expect(notCrl.code).toBe(2);
    expect(notCrl.err).toMatch(/--crl .*not\.crl/);
    // Without --crl the revocation check is skipped, as before.
    expect((await run(...base)).out).toMatch(/skip DS_CHAIN\.REVOCATION/);
  });
});
