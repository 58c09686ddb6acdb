import { describe, expect, it } from 'vitest';
import { CborError } from '../../src/errors.js';
import { encodeEmbeddedBytes } from '../../src/cbor/encode.js';
import { CborFloat, decode, encode, encodeEmbedded, EncodedCbor, encodeOrderedMap, FullDate, RawCbor, Simple, Tag, TDate } from '../../src/cbor/index.js';
import { encodeSized } from '../../src/cbor/encode.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { runUnderSmallHeap } from '../helpers/small-heap.js';

const hex = (v: Parameters<typeof encode>[0]) => toHex(encode(v));

describe('encode: core deterministic encoding (RFC 8949 §4.2.1)', () => {
  it('uses the shortest heads', () => {
    expect(hex(0)).toBe('00');
    expect(hex(23)).toBe('17');
    expect(hex(24)).toBe('1818');
    expect(hex(255)).toBe('18ff');
    expect(hex(256)).toBe('190100');
    expect(hex(65536)).toBe('1a00010000');
    expect(hex(2 ** 32)).toBe('1b0000000100000000');
    expect(hex(-1)).toBe('20');
    expect(hex(-25)).toBe('3818');
    expect(hex(Number.MAX_SAFE_INTEGER)).toBe('1b001fffffffffffff');
    expect(hex(2n ** 64n - 1n)).toBe('1bffffffffffffffff');
    expect(hex(-(2n ** 64n))).toBe('3bffffffffffffffff');
    expect(hex(5n)).toBe('05');
    expect(hex(2n ** 64n)).toBe('c249010000000000000000');
    expect(hex(-(2n ** 64n) - 1n)).toBe('c349010000000000000000');
    expect(hex('a'.repeat(24))).toBe(`7818${'61'.repeat(24)}`);
    expect(hex(new Uint8Array(300)).slice(0, 6)).toBe('59012c');
  });

  it('writes floats in the shortest exact width, NaN as f97e00', () => {
    expect(hex(1.5)).toBe('f93e00');
    expect(hex(-4.1)).toBe('fbc010666666666666');
    expect(hex(100000.5)).toBe('fa47c35040');
    expect(hex(1.1)).toBe('fb3ff199999999999a');
    expect(hex(2 ** -24)).toBe('f90001');
    expect(hex(0.00006103515625)).toBe('f90400');
    expect(hex(Number.NaN)).toBe('f97e00');
    expect(hex(Number.POSITIVE_INFINITY)).toBe('f97c00');
    expect(hex(Number.NEGATIVE_INFINITY)).toBe('f9fc00');
    expect(hex(-0)).toBe('f98000');
    expect(hex(1e300)).toBe('fb7e37e43c8800759c');
    expect(hex(new CborFloat(1))).toBe('f93c00');
    expect(hex(new CborFloat(65504))).toBe('f97bff');
    expect(hex(new CborFloat(100000))).toBe('fa47c35000');
  });

  it('sorts map keys bytewise by their encoding (the §4.2.1 example order)', () => {
    const m = new Map<unknown, unknown>([
      [false, 0],
      [[-1], 0],
      [[100], 0],
      ['aa', 0],
      ['z', 0],
      [-1, 0],
      [100, 0],
      [10, 0],
    ]);
    const d = decode(encode(m as never)) as Map<unknown, unknown>;
    expect([...d.keys()]).toEqual([10, 100, -1, 'z', 'aa', [100], [-1], false]);
    expect(hex({ b: 1, a: 2 })).toBe('a2616102616201');
  });

  it('encodes the value types and re-emits EncodedCbor verbatim', () => {
    expect(hex(null)).toBe('f6');
    expect(hex(undefined)).toBe('f7');
    expect(hex(true)).toBe('f5');
    expect(hex(new Simple(16))).toBe('f0');
    expect(hex(new Simple(255))).toBe('f8ff');
    expect(hex(new Tag(32, 'a'))).toBe('d8206161');
    expect(hex(new Tag(2n ** 64n - 1n, 0))).toBe('dbffffffffffffffff00');
    expect(hex(FullDate.of(2019, 10, 20))).toBe('d903ec6a323031392d31302d3230');
    expect(hex(new Date('2020-10-01T13:30:02Z'))).toBe('c074323032302d31302d30315431333a33303a30325a');
    expect(TDate.fromDate(new Date('2020-10-01T13:30:02.250Z')).text).toBe('2020-10-01T13:30:02.250Z');
    const e = encodeEmbedded(new Map([[1, 2]]));
    expect(toHex(e.tagged)).toBe('d81843a10102');
    expect(toHex(e.bytes)).toBe('a10102');
    expect(hex([e])).toBe('81d81843a10102');
    const odd = EncodedCbor.wrap(fromHex('a2020104'.replace('04', '03')), null);
    expect(hex(odd)).toBe('d81844a2020103');
  });

  it('tag-24 bytes carry the shortest byte-string head for every content length, in one buffer or a view of one', () => {
    // Contents of 1 to 70,000 bytes: each byte-string head length (1, 2, 3, 5) and its edges.
    for (const n of [1, 23, 24, 255, 256, 65_535, 65_536, 70_000]) {
      const value = new Uint8Array(n - (n < 25 ? 1 : n < 258 ? 2 : n < 65_539 ? 3 : 5)).fill(7);
      const expected = toHex(EncodedCbor.wrap(encode(value), value).tagged);
      const e = encodeEmbedded(value);
      expect([toHex(e.tagged), e.bytes.length]).toEqual([expected, n]);
      expect(e.tagged.byteOffset === 0 && e.tagged.buffer.byteLength === e.tagged.length).toBe(true);
      // The size hint too small, exact and too large: the same bytes.
      for (const hint of [0, n, n + 100]) expect(toHex(encodeEmbeddedBytes(value, hint))).toBe(expected);
    }
  });

  it('ERR_CBOR_UNSUPPORTED for what CBOR cannot represent', () => {
    const bad: unknown[] = [() => 1, Symbol('x'), new Uint16Array(2), new ArrayBuffer(2), new (class Foo {})()];
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    bad.push(cyclic);
    for (const v of bad) {
      let error: unknown;
      try {
        encode(v as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CborError);
      expect((error as CborError).code).toBe('ERR_CBOR_UNSUPPORTED');
    }
    // The same object twice (not a cycle) is fine.
    const shared = [1];
    expect(hex([shared, shared])).toBe('82810181' + '01');
  });

  it('rejects impossible values given by the programmer', () => {
    expect(() => new Simple(24)).toThrow(RangeError);
    expect(() => FullDate.of(2023, 2, 29)).toThrow(RangeError);
    expect(() => encode(new Tag(-1, 0))).toThrow(RangeError);
    expect(() => new TDate('yesterday')).toThrow(CborError);
  });
});

describe('encodeOrderedMap', () => {
  it('keeps the given key order (not deterministic encoding, on purpose)', () => {
    expect(toHex(encodeOrderedMap([['b', 1], ['a', 2]]))).toBe('a2616201616102');
    expect(toHex(encode(new Map([['b', 1], ['a', 2]])))).toBe('a2616102616201');
  });
});

describe('RawCbor', () => {
  it('is spliced verbatim, without a tag', () => {
    expect(toHex(encode(['x', new RawCbor(fromHex('b900010102'))]))).toBe('826178b900010102');
    expect(() => new RawCbor(new Uint8Array(0))).toThrow(TypeError);
  });
});

describe('encodeSized (internal)', () => {
  const value = ['Signature1', new Uint8Array([0xa1, 0x01, 0x26]), new Uint8Array(0), new Uint8Array(3000).fill(7)];
  const expected = encode(value);

  it('gives the bytes of encode() whatever the size hint: exact, too small or too large', () => {
    for (const size of [expected.length, 1, 16, expected.length - 1, expected.length + 1, 4 * expected.length]) {
      const got = encodeSized(value, size);
      expect(toHex(got)).toBe(toHex(expected));
      expect(got.byteLength).toBe(expected.length);
      expect(got.buffer.byteLength).toBe(expected.length);
    }
  });

  // A fuzz finding: deviceAuthenticationBytes with a docType that is not a string made a NaN
  // size hint, the writer a buffer of no bytes, and its growth loop (doubling the length)
  // never ended. In a child, so that a hang fails the test instead of stopping the run.
  it('ends with the bytes of encode() for a hint that is not a size, and deviceAuthenticationBytes refuses a docType that is not a string', { timeout: 120_000 }, async () => {
    const { exitCode, signal, stderr, lines } = await runUnderSmallHeap<{ name: string; outcome: string }>(new URL('./encode-size.child.ts', import.meta.url), 256, 100_000);
    expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
    const hints = ['NaN', '0', '-1', '0.5', 'Infinity'];
    expect(Object.fromEntries(lines.map((l) => [l.name, l.outcome]))).toEqual({
      ...Object.fromEntries(hints.flatMap((h) => [[`encodeSized ${h}`, 'same bytes'], [`encodeEmbeddedBytes ${h}`, 'same bytes']])),
      'docType {}': 'TypeError',
      'docType 5': 'TypeError',
      'docType null': 'TypeError',
      'docType [1]': 'TypeError',
    });
  });
});
