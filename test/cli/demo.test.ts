import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli as run } from '../helpers/cli.js';

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
    expect(report.steps.every((s) => typeof s.ms === 'number' && s.ms >= 0)).toBe(true);
  });

  it('prints the QR engagement as blocks and the verified report', async () => {
    const { code, out } = await run('demo');
    expect(code).toBe(0);
    expect(out).toMatch(/mdoc:[A-Za-z0-9_-]+/);
    expect(out).toContain('█');
    expect(out).toContain('DeviceResponse 1.0 status 0: VALID');
    expect(out).toContain('The exchange VERIFIED.');
  });
});
