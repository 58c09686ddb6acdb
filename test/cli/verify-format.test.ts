/**
 * `shomei verify`'s readable report: a run of three or more skipped checks with one reason
 * (a chain with no path to an anchor skips some forty Annex B checks) is one line naming the
 * first and the last; shorter runs, checks of an element and every other status stay one line
 * each. `--json` is not touched by this.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/cli/verify.js';
import type { Check, VerifyDeviceResponseResult } from '../../src/mdoc/index.js';

const skip = (id: string, detail?: string, element?: string): Check =>
  element === undefined ? { id, status: 'skipped', required: true, ...(detail === undefined ? {} : { detail }) } : { id, status: 'skipped', required: true, namespace: 'ns', element };

function result(checks: Check[]): VerifyDeviceResponseResult {
  const doc = { docType: 'org.example.doc', valid: false, checks, issuerSigned: Object.create(null), deviceSigned: Object.create(null), errors: Object.create(null) };
  return { valid: false, status: 0, version: '1.0', checks: [], documents: [doc], documentErrors: Object.create(null) } as unknown as VerifyDeviceResponseResult;
}

describe('formatReport', () => {
  it('folds a run of skipped checks with one reason into one line', () => {
    const text = formatReport(
      result([
        { id: 'DS_CHAIN.TRUST_ANCHOR', status: 'failed', required: true, detail: 'no path' },
        skip('DS_CHAIN.A', 'no path'),
        skip('DS_CHAIN.B', 'no path'),
        skip('DS_CHAIN.C', 'no path'),
        skip('DS_CHAIN.D', 'no path'),
        { id: 'DS_CHAIN', status: 'failed', required: true },
      ]),
    );
    expect(text).toContain('  skip DS_CHAIN.A … DS_CHAIN.D: 4 checks  (no path)');
    expect(text).not.toContain('skip DS_CHAIN.B');
    expect(text).toContain('FAIL DS_CHAIN.TRUST_ANCHOR  (no path)');
    expect(text).toMatch(/FAIL DS_CHAIN$/m);
  });

  it('keeps two skipped checks, other reasons and element checks one line each', () => {
    const text = formatReport(
      result([
        skip('A', 'one'),
        skip('B', 'one'),
        skip('C', 'two'),
        skip('D', 'three'),
        skip('E', 'three'),
        skip('VALUE_DIGEST', undefined, 'x'),
        skip('VALUE_DIGEST', undefined, 'y'),
        skip('VALUE_DIGEST', undefined, 'z'),
      ]),
    );
    for (const l of ['skip A  (one)', 'skip B  (one)', 'skip C  (two)', 'skip D  (three)', 'skip E  (three)', 'skip VALUE_DIGEST ns/x', 'skip VALUE_DIGEST ns/y', 'skip VALUE_DIGEST ns/z']) expect(text).toContain(l);
    expect(text).not.toContain('…');
  });
});
