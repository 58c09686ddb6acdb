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

/** `{` then a spread, across line breaks too: an object literal that starts with one. */
const SPREAD_FIRST = /\{\s*\.\.\./g;

/** `line: text` of each object literal in `text` that starts with a spread. */
function spreadFirstIn(text: string): string[] {
  return [...text.matchAll(SPREAD_FIRST)].map((m) => {
    const line = text.slice(0, m.index).split('\n').length;
    return `${line}: ${text.split('\n')[line - 1]!.trim()}`;
  });
}

/** `path:line: text` of each object literal of a source file that starts with a spread. */
const spreadFirst = (path: string) => spreadFirstIn(code(path)).map((hit) => `${path}:${hit}`);

describe('the verification hot path', () => {
  it('builds no object literal that starts with a spread', () => {
    expect(HOT.flatMap(spreadFirst)).toEqual([]);
  });

  it('is what this check reads: the pattern is found where it is written', () => {
    // The check itself must see such a literal (else an empty result would prove nothing).
    expect(spreadFirstIn('const o = { ...base, a };')).toEqual(['1: const o = { ...base, a };']);
    expect(spreadFirstIn('const a = 1;\nconst o = {\n  ...base,\n};')).toEqual(['2: const o = {']);
    expect(spreadFirstIn('const o = { a, ...(x === undefined ? {} : { x }) };')).toEqual([]);
    expect(code('src/mdoc/verify.ts')).toContain('verifyDeviceResponse');
  });
});
