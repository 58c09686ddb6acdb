/**
 * `shomei verify` on field data (issue 9): `--tolerate ID` (repeatable) turns a named
 * deviation into `tol`, an unknown `--waive` / `--tolerate` id is a usage error (exit 2)
 * listing the valid ids, and shomei's own pki → issue → present output, with
 * issuing_jurisdiction and a DS without stateOrProvinceName, verifies with no waiver.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromHex } from '../../src/internal/bytes.js';
import { derToPem } from '../../src/x509/index.js';
import { runCli as run } from '../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

const fixtures = JSON.parse(readFileSync(new URL('../../vectors/interop/mdoc-deviations.json', import.meta.url), 'utf8')) as {
  now: string;
  trust_anchor_hex: string;
  session_transcript_hex: string;
  cases: { deviation: string | null; hex: string }[];
};

function files(deviation: string): { response: string; trust: string; transcript: string } {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-verify-'));
  const c = fixtures.cases.find((x) => x.deviation === deviation)!;
  writeFileSync(join(dir, 'r.cbor'), fromHex(c.hex));
  writeFileSync(join(dir, 'iaca.pem'), derToPem(fromHex(fixtures.trust_anchor_hex), 'CERTIFICATE'));
  writeFileSync(join(dir, 'st.cbor'), fromHex(fixtures.session_transcript_hex));
  return { response: join(dir, 'r.cbor'), trust: join(dir, 'iaca.pem'), transcript: join(dir, 'st.cbor') };
}

describe('shomei verify --tolerate', () => {
  it('fails a deviation strictly (exit 1) and verifies it tolerated (exit 0), shown as tol', async () => {
    const f = files('EMPTY_DOCUMENT_ERRORS');
    const base = ['verify', f.response, '--trust', f.trust, '--transcript', f.transcript, '--at', fixtures.now];
    const strict = await run(...base);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('FAIL DEVIATION.EMPTY_DOCUMENT_ERRORS');
    expect(strict.out).toContain('ok   DEVICE_AUTH');
    const tolerated = await run(...base, '--tolerate', 'EMPTY_DOCUMENT_ERRORS', '--tolerate', 'MSO_UNTAGGED');
    expect(tolerated.code).toBe(0);
    expect(tolerated.out).toContain('tol  DEVIATION.EMPTY_DOCUMENT_ERRORS');
    const json = await run(...base, '--tolerate', 'EMPTY_DOCUMENT_ERRORS', '--json');
    expect(JSON.parse(json.out).checks.find((c: { id: string }) => c.id === 'DEVIATION.EMPTY_DOCUMENT_ERRORS').status).toBe('tolerated');
  });

  it('an unknown --tolerate or --waive id is a usage error (exit 2) naming the valid ids, never an internal error', async () => {
    const f = files('EMPTY_DOCUMENT_ERRORS');
    const base = ['verify', f.response, '--trust', f.trust, '--transcript', f.transcript];
    for (const bad of [
      ['--tolerate', 'ISSUER_SIGNATURE'],
      ['--tolerate', 'nope'],
    ]) {
      const r = await run(...base, ...bad);
      expect(r.code).toBe(2);
      expect(r.err).toContain('EMPTY_DOCUMENT_ERRORS');
      expect(r.err).not.toContain('internal error');
    }
    for (const bad of ['NOPE', 'TRUST_ANCHOR']) {
      const r = await run(...base, '--waive', bad);
      expect(r.code).toBe(2);
      expect(r.err).toContain('DS_CRL_DP');
      expect(r.err).not.toContain('internal error');
    }
  });
});

describe('shomei pki → issue → present → verify with issuing_jurisdiction (issue 9 item 6)', () => {
  it('verifies shomei\'s own output with no waiver or tolerance; ISSUING_JURISDICTION is skipped (the DS has no stateOrProvinceName)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-st-'));
    const f = (name: string) => join(dir, name);
    expect((await run('pki', '--out', dir)).code).toBe(0);
    const data = { 'org.iso.18013.5.1': { family_name: 'Yamada', issuing_country: 'JP', issuing_jurisdiction: 'JP-13' } };
    writeFileSync(f('data.json'), JSON.stringify(data));
    const issued = await run('issue', '--doctype', 'org.iso.18013.5.1.mDL', '--data', f('data.json'), '--issuer-key', f('ds-key.pem'), '--issuer-cert', f('ds.pem'), '--device-key', f('device.pub.pem'), '-o', f('is.cbor'));
    expect(issued.code).toBe(0);
    const elements = 'org.iso.18013.5.1/family_name,org.iso.18013.5.1/issuing_country,org.iso.18013.5.1/issuing_jurisdiction';
    expect((await run('present', '--mdoc', f('is.cbor'), '--elements', elements, '--device-key', f('device-key.pem'), '--transcript', f('session-transcript.cbor'), '-o', f('r.cbor'))).code).toBe(0);
    const verified = await run('verify', f('r.cbor'), '--trust', f('iaca.pem'), '--transcript', f('session-transcript.cbor'));
    expect(verified.out).toContain('skip ISSUING_JURISDICTION');
    expect(verified.out).toContain('ok   ISSUING_COUNTRY');
    expect(verified.code).toBe(0);
  });
});

describe('shomei verify --strict-deviations', () => {
  // Google's CMWallet writes validityInfo dates with a fraction of a second (vectors/interop/captured.json).
  const captured = JSON.parse(readFileSync(new URL('../../vectors/interop/captured.json', import.meta.url), 'utf8')) as { artefacts: { id: string; hex: string; verify: { now: string } }[] };
  const cmwallet = captured.artefacts.find((a) => a.id === 'google_cmwallet_dcapi_2025')!;

  it('TDATE_FRACTIONAL_SECONDS is tolerated by default, fails with the flag, and --tolerate accepts it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-verify-strict-'));
    writeFileSync(join(dir, 'r.cbor'), fromHex(cmwallet.hex));
    writeFileSync(join(dir, 'iaca.pem'), derToPem(fromHex(fixtures.trust_anchor_hex), 'CERTIFICATE'));
    const base = ['verify', join(dir, 'r.cbor'), '--trust', join(dir, 'iaca.pem'), '--at', cmwallet.verify.now];
    expect((await run(...base)).out).toMatch(/^ {2}tol {2}DEVIATION\.TDATE_FRACTIONAL_SECONDS /m);
    const strict = await run(...base, '--strict-deviations');
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/^ {2}FAIL DEVIATION\.TDATE_FRACTIONAL_SECONDS /m);
    expect((await run(...base, '--strict-deviations', '--tolerate', 'TDATE_FRACTIONAL_SECONDS')).out).toMatch(/^ {2}tol {2}DEVIATION\.TDATE_FRACTIONAL_SECONDS /m);
  });
});
