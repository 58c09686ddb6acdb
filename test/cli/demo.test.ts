import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli as run } from '../helpers/cli.js';
import { scanOutput } from './qr-screen.js';

afterEach(() => vi.restoreAllMocks());


describe('shomei demo', () => {
  it('--json: the whole face-to-face exchange verifies, with both documents and every step timed', async () => {
    const { code, out } = await run('demo', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { valid: boolean; documents: { docType: string; valid: boolean; issuerSigned: Record<string, Record<string, unknown>> }[]; steps: { step: string; ms: number }[] };
    expect(report.valid).toBe(true);
    expect(report.documents.map((d) => [d.docType, d.valid])).toEqual([
      ['org.iso.18013.5.1.mDL', true],
      ['org.iso.23220.1.jp.mnc', true],
    ]);
    expect(report.documents[1]!.issuerSigned['org.iso.23220.1.jp']!.full_name_unicode).toBe('山田　花子');
    expect(report.steps.length).toBeGreaterThanOrEqual(7);
    // Each document's status list was checked, and the revoked mDL was refused afterwards.
    const withStatus = report as unknown as { documents: { checks: { id: string; status: string }[] }[]; revocation: { valid: boolean; check: { status: string; detail: string } } };
    expect(withStatus.documents.map((d) => d.checks.find((c) => c.id === 'MSO_STATUS')?.status)).toEqual(['passed', 'passed']);
    expect(withStatus.revocation.valid).toBe(false);
    expect(withStatus.revocation.check).toMatchObject({ status: 'failed', detail: 'INVALID (revoked): index 0 of https://status.demo.shomei.invalid/lists/1' });
    expect(report.steps.every((s) => typeof s.ms === 'number' && s.ms >= 0)).toBe(true);
  });

  it('prints a short summary by default: the QR engagement, what was asked, what was disclosed, VALID, timings', async () => {
    const { code, out } = await run('demo');
    expect(code).toBe(0);
    const uri = /mdoc:[A-Za-z0-9_-]+/.exec(out)?.[0];
    expect(uri).toBeDefined();
    // The drawn code scans to exactly the printed URI (on a dark terminal as drawn; reversed on a light one).
    expect(scanOutput(out, 'dark')).toBe(uri);
    expect(scanOutput(out, 'light')).toBe(uri);
    expect(out).toContain('The reader asked for:\n  org.iso.18013.5.1.mDL\n    org.iso.18013.5.1: family_name, given_name, age_over_18, portrait');
    expect(out).toContain('      full_name_unicode: 山田　花子');
    expect(out).toContain('      portrait: <14 bytes>');
    expect(out).toMatch(/Result: VALID \(\d+ checks passed, 0 failed\)/);
    expect(out).toContain('Revocation: the issuer revokes the mDL (index 0 of its status list https://status.demo.shomei.invalid/lists/1) and verifies it again:\n  NOT VALID: FAIL MSO_STATUS  (INVALID (revoked): index 0 of https://status.demo.shomei.invalid/lists/1)');
    expect(out).toMatch(/Timings: PKI [\d.]+ ms, issuance [\d.]+ ms, .*; total [\d.]+ ms/);
    // Not every check: those are for --verbose.
    expect(out).not.toContain('VALUE_DIGEST');
    expect(out.split('\n').length).toBeLessThan(75);
  });

  it('--verbose prints every check and every step', async () => {
    const { code, out } = await run('demo', '--verbose', '--no-qr');
    expect(code).toBe(0);
    expect(out).not.toContain('█');
    expect(out).toContain('DeviceResponse 1.0 status 0: VALID');
    expect(out).toMatch(/ok {3}VALUE_DIGEST org\.iso\.18013\.5\.1\/family_name/);
    expect(out).toMatch(/ms {2}reader: decrypt and verify the DeviceResponse/);
    expect(out).toContain('The exchange VERIFIED.');
    expect(out).toContain('ok   MSO_STATUS  (VALID: index 0 of https://status.demo.shomei.invalid/lists/1)');
    expect(out).toContain('NOT VALID: FAIL MSO_STATUS  (INVALID (revoked)');
  });

  it('colours the QR code black on white on a terminal, and not when NO_COLOR is set or output is piped', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    const noColor = process.env.NO_COLOR;
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      delete process.env.NO_COLOR;
      const colored = (await run('demo')).out;
      expect(colored).toContain('\u001b[30;107m');
      const uri = /mdoc:[A-Za-z0-9_-]+/.exec(colored)?.[0];
      expect(scanOutput(colored, 'dark')).toBe(uri);
      expect(scanOutput(colored, 'light')).toBe(uri);
      process.env.NO_COLOR = '1';
      expect((await run('demo')).out).not.toContain('\u001b[');
      Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
      delete process.env.NO_COLOR;
      expect((await run('demo')).out).not.toContain('\u001b[');
    } finally {
      if (tty === undefined) delete (process.stdout as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stdout, 'isTTY', tty);
      if (noColor === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = noColor;
    }
  });
});
