/**
 * Hostile input to X.509 (RFC 5280 §4.1 certificate syntax, §6 path validation; ISO/IEC
 * 18013-5 Annex B profiles): parseCertificate and verifyIssuerChain on mutated versions of
 * the field-interop certificates in vectors/interop/x509/. A mutated certificate either fails
 * to parse with an X509Error or parses (with findings) and never yields a valid chain: every
 * byte of a certificate is covered by its issuer's signature, except the signature itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { X509Error } from '../../src/errors.js';
import { type Certificate, mdocIssuerProfile, parseCertificate, pemToDer, verifyIssuerChain } from '../../src/x509/index.js';
import { loadVectorText } from '../helpers/vectors.js';
import { FIXTURE_NOW } from '../x509/interop-fixtures.js';
import { applyByteMutation, byteMutation, hex, sameBytes } from './helpers.js';

const NAMES = ['ds-under-iaca-empty-crldp', 'ds-keyusage-trailing-zero-bits', 'ds-policy-unknown-qualifier', 'ds-crldp-not-a-sequence', 'ds-critical-private-extension'];
const pems = NAMES.map((n) => loadVectorText(`interop/x509/${n}.pem`));
const ders = pems.map((p) => pemToDer(p));
const iacaPem = loadVectorText('interop/x509/iaca-empty-crldp.pem');
const iaca = parseCertificate(iacaPem);
const OPTIONS = { anchors: [iaca], now: FIXTURE_NOW, backend: nobleBackend, waive: mdocIssuerProfile().checkIds };
const RUNS = 1500;

/** Parse, or undefined for an X509Error; anything else propagates (fast-check reports it). */
function parseOrUndefined(input: Uint8Array | string): Certificate | undefined {
  try {
    return parseCertificate(input);
  } catch (e) {
    if (e instanceof X509Error && e.code === 'ERR_X509_PARSE') return undefined;
    throw e;
  }
}

describe('mutated certificates', () => {
  it('the unmutated document signers verify with every Annex B check waived (except the critical private extension)', async () => {
    for (const [i, der] of ders.entries()) {
      const report = await verifyIssuerChain([der], OPTIONS);
      expect(report.valid, NAMES[i]).toBe(NAMES[i] !== 'ds-critical-private-extension');
    }
  });

  it('DER mutations: ERR_X509_PARSE or a parsed certificate whose chain never verifies', async () => {
    let parsed = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: ders.length - 1 }), fc.nat({ max: ders.length }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (i, j, ms) => {
        const other = j === ders.length ? iaca.der : ders[j]!;
        const bytes = ms.reduce((b, m) => applyByteMutation(b, m, other), ders[i]!);
        const cert = parseOrUndefined(bytes);
        if (cert === undefined) return;
        parsed++;
        expect(Array.isArray(cert.findings)).toBe(true);
        let report: Awaited<ReturnType<typeof verifyIssuerChain>>;
        try {
          report = await verifyIssuerChain([bytes], OPTIONS);
        } catch (e) {
          if (e instanceof X509Error) return;
          throw e;
        }
        if (!sameBytes(bytes, ders[i]!)) expect(report.valid, `mutated certificate verified: ${hex(bytes)}`).toBe(false);
      }),
      { numRuns: RUNS },
    );
    // Some mutations (inside string and integer values, the signature) still parse.
    expect(parsed).toBeGreaterThan(RUNS / 20);
  });

  it('PEM text mutations: ERR_X509_PARSE or a certificate, never another error', () => {
    fc.assert(
      fc.property(fc.nat({ max: pems.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), (i, ms) => {
        const text = new TextDecoder().decode(ms.reduce<Uint8Array>((b, m) => applyByteMutation(b, m), new TextEncoder().encode(pems[i]!)));
        parseOrUndefined(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('the trust anchor mutated: ERR_X509_PARSE, or a report (never a throw of another kind)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 2 }), async (ms) => {
        const bytes = ms.reduce((b, m) => applyByteMutation(b, m), iaca.der);
        const anchor = parseOrUndefined(bytes);
        if (anchor === undefined) return;
        try {
          const report = await verifyIssuerChain([ders[0]!], { ...OPTIONS, anchors: [anchor] });
          expect(typeof report.valid).toBe('boolean');
        } catch (e) {
          if (!(e instanceof X509Error)) throw e;
        }
      }),
      { numRuns: RUNS / 3 },
    );
  });
});
