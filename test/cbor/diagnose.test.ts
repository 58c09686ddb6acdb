import { describe, expect, it } from 'vitest';
import { CborError } from '../../src/errors.js';
import { diagnose, EncodedCbor, encode } from '../../src/cbor/index.js';
import { fromHex } from '../../src/internal/bytes.js';

describe('diagnose (RFC 8949 §8)', () => {
  it('prints nested tag 24 content as <<…>> by default, h\'…\' on request', () => {
    expect(diagnose(fromHex('d818456449455446'))).toBe('24(<<"IETF">>)');
    expect(diagnose(fromHex('d818456449455446'), { embedded: false })).toBe("24(h'6449455446')");
    expect(diagnose(fromHex('81d81843a10102'))).toBe('[24(<<{1: 2}>>)]');
  });

  it('prints indefinite lengths, empty indefinite strings and floats as the RFC does', () => {
    expect(diagnose(fromHex('5fff'))).toBe("''_");
    expect(diagnose(fromHex('7fff'))).toBe('""_');
    expect(diagnose(fromHex('9fff'))).toBe('[_ ]');
    expect(diagnose(fromHex('bf6161f5ff'))).toBe('{_ "a": true}');
    expect(diagnose(fromHex('f93c00'))).toBe('1.0');
    expect(diagnose(fromHex('fa47c35000'))).toBe('100000.0');
    expect(diagnose(fromHex('fb7e37e43c8800759c'))).toBe('1.0e+300');
    expect(diagnose(fromHex('f9fc00'))).toBe('-Infinity');
    expect(diagnose(fromHex('62c3bc'))).toBe('"\\u00fc"');
  });

  it('unicode: text as the characters it holds, controls, separators and bidirectional overrides still escaped', () => {
    const text = (s: string) => encode(s);
    expect(diagnose(text('山田　花子'), { unicode: true })).toBe('"山田　花子"');
    expect(diagnose(encode(EncodedCbor.wrap(encode('花子'), '花子')), { unicode: true })).toBe('24(<<"花子">>)');
    expect(diagnose(text('山田'))).toBe('"\\u5c71\\u7530"');
    expect(diagnose(text('a"\\b\n\u007f\u0085\u2028\u202e\u2066ü'), { unicode: true })).toBe('"a\\"\\\\b\\u000a\\u007f\\u0085\\u2028\\u202e\\u2066ü"');
  });

  it('indents nested structures when asked', () => {
    expect(diagnose(fromHex('a1616182f401'), { indent: 2 })).toBe('{\n  "a": [\n    false,\n    1\n  ]\n}');
  });

  it('prints bignums as integers up to 1 KiB and as tag and byte string beyond (decimal conversion is super-linear)', () => {
    expect(diagnose(fromHex('c249010000000000000000'))).toBe('18446744073709551616');
    expect(diagnose(fromHex('c349010000000000000000'))).toBe('-18446744073709551617');
    const kib = `c2590400${'ff'.repeat(1024)}`;
    expect(diagnose(fromHex(kib))).toBe(String(2n ** 8192n - 1n));
    const more = `c2590401${'ff'.repeat(1025)}`;
    expect(diagnose(fromHex(more))).toBe(`2(h'${'ff'.repeat(1025)}')`);
  });

  it('refuses what decode refuses', () => {
    expect(() => diagnose(fromHex('a201000100'))).toThrow(CborError);
  });
});
