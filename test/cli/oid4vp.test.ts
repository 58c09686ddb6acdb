/** `shomei oid4vp verifier` and `shomei oid4vp wallet` against each other: two processes on loopback, end to end. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyToPem, readCertificates, readPrivateKey, readPublicKey } from '../../src/cli/keys.js';
import { webCryptoBackend } from '../../src/crypto/index.js';
import type { EcPublicKey } from '../../src/crypto/types.js';
import { encodeIssuerSigned, issueMdoc } from '../../src/mdoc/index.js';
import { derToPem } from '../../src/x509/index.js';
import { runCli as run } from '../helpers/cli.js';
import { verifierPki } from '../online/openid4vp/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = { 'org.iso.18013.5.1': { family_name: 'Yamada', given_name: 'Taro', age_over_18: true } };
let dir = '';
const f = (name: string) => join(dir, name);

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'oid4vp', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    err += String(d);
  });
  const done = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const firstLine = new Promise<string>((resolve) => {
    const look = () => {
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    };
    child.stdout.on('data', look);
    // Exited without a line: '' (the test's expectations on the URL then fail, with the output to read).
    child.on('close', () => resolve(out === '' ? `(no output: ${err})` : out));
  });
  return { done, firstLine, output: () => ({ out, err }) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-oid4vp-'));
  expect((await run('pki', '--out', dir)).code).toBe(0);
  // Issued with one clock reading for signed and validFrom (the issue command reads the clock twice).
  const now = new Date();
  const mdl = await issueMdoc({
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: DATA,
    deviceKey: readPublicKey(f('device.pub.pem')) as EcPublicKey,
    validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * 86_400_000) },
    issuer: { signer: readPrivateKey(f('ds-key.pem')), certificates: [readCertificates(f('ds.pem'))[0]!.der] },
  });
  writeFileSync(f('mdl.cbor'), encodeIssuerSigned(mdl));
  const pki = await verifierPki(webCryptoBackend, '127.0.0.1', new Date());
  writeFileSync(f('verifier-ca.pem'), derToPem(pki.ca.der));
  writeFileSync(f('verifier.pem'), derToPem(pki.leaf.der));
  writeFileSync(f('verifier-key.pem'), keyToPem(pki.key));
  const other = await verifierPki(webCryptoBackend, '127.0.0.1', new Date());
  writeFileSync(f('other-ca.pem'), derToPem(other.ca.der));
}, 60_000);

describe('shomei oid4vp', () => {
  it('verifier ↔ wallet over loopback: x509_san_dns, request_uri POST, direct_post.jwt; both exit 0 and report the disclosure', async () => {
    const verifier = start(['verifier', '--trust', f('iaca.pem'), '--key', f('verifier-key.pem'), '--cert', f('verifier.pem'), '--timeout', '60', '--json']);
    const url = await verifier.firstLine;
    expect(url).toMatch(/^openid4vp:\/\/\?client_id=x509_san_dns%3A127\.0\.0\.1&request_uri=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Frequest%2F/);
    const wallet = start(['wallet', url, '--mdoc', f('mdl.cbor'), '--device-key', f('device-key.pem'), '--trust-reader', f('verifier-ca.pem')]);
    expect(await wallet.done).toBe(0);
    expect(await verifier.done).toBe(0);
    expect(wallet.output().out).toContain('verifier: x509_san_dns:127.0.0.1 (trusted)');
    expect(wallet.output().out).toContain('disclosed mdl (org.iso.18013.5.1.mDL): org.iso.18013.5.1/family_name, org.iso.18013.5.1/age_over_18');
    expect(wallet.output().out).toContain('verifier replied: HTTP 200');
    const report = JSON.parse(verifier.output().out.slice(url.length + 1)) as { valid: boolean; presentations: { mdl: { documents: { issuerSigned: Record<string, Record<string, unknown>> }[] }[] } };
    expect(report.valid).toBe(true);
    expect(report.presentations.mdl[0]!.documents[0]!.issuerSigned['org.iso.18013.5.1']).toEqual({ family_name: 'Yamada', age_over_18: true });
    expect(verifier.output().err).toContain('▀');
  }, 120_000);

  it('a wallet that does not trust the verifier refuses (exit 1, ERR_OID4VP_UNTRUSTED); x509_hash and direct_post work too', async () => {
    const verifier = start(['verifier', '--trust', f('iaca.pem'), '--key', f('verifier-key.pem'), '--cert', f('verifier.pem'), '--client-id-prefix', 'x509_hash', '--response-mode', 'direct_post', '--timeout', '60']);
    const url = await verifier.firstLine;
    expect(url).toContain('client_id=x509_hash%3A');
    const refusing = start(['wallet', url, '--mdoc', f('mdl.cbor'), '--device-key', f('device-key.pem'), '--trust-reader', f('other-ca.pem')]);
    expect(await refusing.done).toBe(1);
    expect(refusing.output().err).toContain('ERR_OID4VP_UNTRUSTED');
    const wallet = start(['wallet', url, '--mdoc', f('mdl.cbor'), '--device-key', f('device-key.pem'), '--trust-reader', f('verifier-ca.pem'), '--json']);
    expect(await wallet.done).toBe(0);
    expect(await verifier.done).toBe(0);
    expect(verifier.output().out).toContain('valid: yes');
    expect((await run('oid4vp', 'nope')).code).toBe(2);
    expect((await run('oid4vp', 'verifier', '--port', '1')).code).toBe(2);
  }, 120_000);
});
