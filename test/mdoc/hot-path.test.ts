/**
 * The modules every verification runs build no object literal that starts with a spread
 * (`{ ...a, b }`, `{ ...(x ? {} : { x }), ... }`): on Node 20's V8 each costs 1–2.6 µs, against
 * tens of nanoseconds on Node 24 or for a literal whose spreads follow plain properties.
 * Removing five of them made a verification on Node 20 about 6 % faster (docs/benchmarks.md).
 * Write such objects out, set their optional fields one by one, or use `Object.assign`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** What `verifyDeviceResponse` runs on every call (decode, MSO, COSE, keys, chain cache, anchors), and session messages. */
const HOT = [
  'src/mdoc/verify.ts',
  'src/mdoc/verify-issuer.ts',
  'src/mdoc/device-response.ts',
  'src/mdoc/issuer-signed.ts',
  'src/mdoc/mso.ts',
  'src/mdoc/device-auth.ts',
  'src/mdoc/structure.ts',
  'src/mdoc/report.ts',
  'src/mdoc/chain-cache.ts',
  'src/cose/sign1.ts',
  'src/cose/mac0.ts',
  'src/cose/headers.ts',
  'src/cose/public-key.ts',
  'src/crypto/node.ts',
  'src/crypto/webcrypto.ts',
  'src/crypto/keys.ts',
  'src/cbor/decode.ts',
  'src/session/messages.ts',
  'src/x509/anchors.ts',
  'src/x509/certificate.ts',
];

/** The source without comments (block comments, keeping their line breaks so line numbers hold, and line comments outside strings well enough for this check). */
function code(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ''))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** `path:line: text` of each object literal that starts with a spread. */
function spreadFirst(path: string): string[] {
  const out: string[] = [];
  code(path)
    .split('\n')
    .forEach((line, i) => {
      if (/\{\s*\.\.\./.test(line)) out.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  return out;
}

describe('the verification hot path', () => {
  it('builds no object literal that starts with a spread', () => {
    expect(HOT.flatMap(spreadFirst)).toEqual([]);
  });

  it('is what this check reads: the pattern is found where it is written', () => {
    // The check itself must see such a literal (else an empty result would prove nothing).
    expect(/\{\s*\.\.\./.test('const o = { ...base, a };')).toBe(true);
    expect(/\{\s*\.\.\./.test('const o = { a, ...(x === undefined ? {} : { x }) };')).toBe(false);
    expect(code('src/mdoc/verify.ts')).toContain('verifyDeviceResponse');
  });
});
