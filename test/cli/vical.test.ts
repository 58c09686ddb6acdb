/** `shomei vical verify|build` and `shomei verify --vical` (ISO/IEC 18013-5 Annex C VICAL). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyToPem } from '../../src/cli/keys.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { derToPem } from '../../src/x509/index.js';
import { runCli as run } from '../helpers/cli.js';
import { NOW } from '../mdoc/fixtures.js';
import { DAY, MDL, MNC, sampleVical, type VicalPki, vicalPki } from '../mdoc/vical-fixtures.js';

afterEach(() => vi.restoreAllMocks());

const backend = nobleBackend;
const dir = mkdtempSync(join(tmpdir(), 'shomei-vical-'));
const f = (name: string) => join(dir, name);
let pki: VicalPki;
const AT = NOW.toISOString();

beforeAll(async () => {
  // The signer is valid around the real clock too, for the `verify --vical` round trip with `shomei pki`.
  pki = await vicalPki(backend, undefined, { notBefore: new Date(Math.min(NOW.getTime(), Date.now()) - DAY), notAfter: new Date(Math.max(NOW.getTime(), Date.now()) + 365 * DAY) });
  writeFileSync(f('root.pem'), derToPem(pki.root.der));
  writeFileSync(f('signer.pem'), derToPem(pki.signer.der));
  writeFileSync(f('signer-key.pem'), keyToPem(pki.signerKey));
  writeFileSync(f('us.pem'), derToPem(pki.us.iaca.der));
  writeFileSync(f('jp.pem'), derToPem(pki.jp.iaca.der));
  writeFileSync(f('sample.cbor'), await sampleVical(pki, backend));
});

describe('shomei vical verify', () => {
  it('lists the IACAs (authority, country, doctypes, validity) and exits 0', async () => {
    const r = await run('vical', 'verify', f('sample.cbor'), '--trust', f('root.pem'), '--at', AT);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^VICAL Example Provider #42 of .*: VALID\n/);
    expect(r.out).toContain('ok   VICAL_SIGNATURE');
    expect(r.out).toContain('[0] Example DMV (US CA)');
    expect(r.out).toContain(`doctypes: ${MDL}`);
    expect(r.out).toContain(`[1] Example J-LIS (JP)`);
    expect(r.out).toContain(`valid ${pki.jp.iaca.notBefore.toISOString().slice(0, 10)} to ${pki.jp.iaca.notAfter.toISOString().slice(0, 10)}`);
  });

  it('prints JSON, and exits 1 when the signer does not chain to --trust or the list is out of date', async () => {
    const r = await run('vical', 'verify', f('sample.cbor'), '--trust', f('root.pem'), '--at', AT, '--json');
    const json = JSON.parse(r.out) as { valid: boolean; vicalIssueID: string; iacas: { issuingAuthority: string; issuingCountry: string; docTypes: string[]; notAfter: string; usable: boolean }[] };
    expect(json.valid).toBe(true);
    expect(json.vicalIssueID).toBe('42');
    expect(json.iacas.map((i) => [i.issuingAuthority, i.issuingCountry, i.docTypes, i.usable])).toEqual([
      ['Example DMV', 'US', [MDL], true],
      ['Example J-LIS', 'JP', [MNC], true],
    ]);
    const wrong = await run('vical', 'verify', f('sample.cbor'), '--trust', f('us.pem'), '--at', AT);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('NOT VALID');
    expect(wrong.out).toContain('FAIL VICAL_SIGNER_CHAIN.TRUST_ANCHOR');
    const stale = await run('vical', 'verify', f('sample.cbor'), '--trust', f('root.pem'), '--at', new Date(NOW.getTime() + 60 * DAY).toISOString());
    expect(stale.code).toBe(1);
    expect(stale.out).toContain('FAIL VICAL_NEXT_UPDATE');
  });

  it('gives usage errors exit 2', async () => {
    expect((await run('vical')).code).toBe(2);
    expect((await run('vical', 'frob')).code).toBe(2);
    expect((await run('vical', 'verify', f('sample.cbor'))).code).toBe(2);
    expect((await run('vical', 'verify', '--trust', f('root.pem'))).code).toBe(2);
    expect((await run('vical', 'verify', f('sample.cbor'), '--trust', f('root.pem'), '--at', 'yesterday')).code).toBe(2);
    expect((await run('vical', 'build', '--out', f('x.cbor'))).code).toBe(2);
    expect((await run('vical', 'build', '--signer-key', f('signer-key.pem'), '--signer-cert', f('signer.pem'), '--iaca', f('us.pem'), '--out', f('x.cbor'))).code).toBe(2);
    expect((await run('vical', 'build', '--signer-key', f('signer-key.pem'), '--signer-cert', f('signer.pem'), '--issue-id', '-1', '--out', f('x.cbor'))).code).toBe(2);
    expect((await run('vical', '--help')).out).toContain('Usage: shomei vical verify');
  });
});

describe('shomei vical build', () => {
  it('builds a VICAL that vical verify accepts, with the doctypes given per IACA', async () => {
    const built = await run(
      'vical', 'build',
      '--signer-key', f('signer-key.pem'), '--signer-cert', f('signer.pem'),
      '--iaca', `${f('us.pem')}:${MDL}`, '--iaca', `${f('jp.pem')}:${MNC},${MDL}`,
      '--provider', 'CLI Provider', '--issue-id', '7', '--date', AT, '--next-update', new Date(NOW.getTime() + 10 * DAY).toISOString(),
      '--out', f('built.cbor'),
    );
    expect(built.err).toBe('');
    expect(built.code).toBe(0);
    expect(built.out).toContain('2 IACA(s)');
    const r = await run('vical', 'verify', f('built.cbor'), '--trust', f('root.pem'), '--at', AT, '--json');
    const json = JSON.parse(r.out) as { valid: boolean; vicalProvider: string; date: string; iacas: { docTypes: string[]; issuingAuthority: string }[] };
    expect(json.valid).toBe(true);
    expect(json.vicalProvider).toBe('CLI Provider');
    expect(json.date).toBe('2026-06-01T00:00:00Z');
    expect(json.iacas.map((i) => [i.issuingAuthority, i.docTypes])).toEqual([
      ['Example US IACA', [MDL]],
      ['Example JP IACA', [MNC, MDL]],
    ]);
  });
});

describe('shomei verify --vical', () => {
  it('trusts a VICAL IACA only for the doctypes the list names', async () => {
    const p = (name: string) => join(dir, 'pki', name);
    expect((await run('pki', '--out', join(dir, 'pki'))).code).toBe(0);
    writeFileSync(f('data.json'), JSON.stringify({ 'org.iso.18013.5.1': { family_name: 'Yamada', issuing_country: 'JP', age_over_18: true } }));
    expect((await run('issue', '--doctype', MDL, '--data', f('data.json'), '--issuer-key', p('ds-key.pem'), '--issuer-cert', p('ds.pem'), '--device-key', p('device.pub.pem'), '-o', f('is.cbor'))).code).toBe(0);
    expect((await run('present', '--mdoc', f('is.cbor'), '--elements', 'org.iso.18013.5.1/family_name', '--device-key', p('device-key.pem'), '--transcript', p('session-transcript.cbor'), '-o', f('resp.cbor'))).code).toBe(0);
    const build = (docTypes: string, out: string) =>
      run('vical', 'build', '--signer-key', f('signer-key.pem'), '--signer-cert', f('signer.pem'), '--iaca', `${p('iaca.pem')}:${docTypes}`, '--out', f(out));
    expect((await build(MDL, 'mdl.cbor')).code).toBe(0);
    expect((await build(MNC, 'mnc.cbor')).code).toBe(0);
    const verify = (vical: string) => run('verify', f('resp.cbor'), '--vical', f(vical), '--vical-trust', f('root.pem'), '--transcript', p('session-transcript.cbor'), '--json');
    const ok = await verify('mdl.cbor');
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const okChecks = (JSON.parse(ok.out) as { documents: { checks: { id: string; status: string; detail: string }[] }[] }).documents[0]!.checks;
    expect(okChecks.find((c) => c.id === 'TRUST_ANCHOR_DOCTYPE')).toMatchObject({ status: 'passed', detail: expect.stringContaining('from VICAL shomei test VICAL') });
    const refused = await verify('mnc.cbor');
    expect(refused.code).toBe(1);
    const checks = (JSON.parse(refused.out) as { documents: { checks: { id: string; status: string }[] }[] }).documents[0]!.checks;
    expect(checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['TRUST_ANCHOR_DOCTYPE']);
    // A VICAL that does not verify is refused with its code; --vical needs --vical-trust.
    const bad = await run('verify', f('resp.cbor'), '--vical', f('mdl.cbor'), '--vical-trust', p('iaca.pem'), '--transcript', p('session-transcript.cbor'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ERR_VICAL_UNTRUSTED');
    expect((await run('verify', f('resp.cbor'), '--vical', f('mdl.cbor'))).code).toBe(2);
    expect((await run('verify', f('resp.cbor'), '--vical-trust', f('root.pem'), '--trust', p('iaca.pem'))).code).toBe(2);
  });
});
