import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborError, type CborErrorCode } from '../../src/errors.js';
import { CborFloat, decode, diagnose, EncodedCbor, encode, FullDate, Simple, Tag, TDate } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';

function fails(hex: string, code: CborErrorCode, options = {}, offset?: number): CborError {
  let error: unknown;
  try {
    decode(fromHex(hex), options);
  } catch (e) {
    error = e;
  }
  expect(error, `${hex} should fail with ${code}`).toBeInstanceOf(CborError);
  const e = error as CborError;
  expect(e.code).toBe(code);
  expect(typeof e.offset).toBe('number');
  if (offset !== undefined) expect(e.offset).toBe(offset);
  return e;
}

describe('decode: the data model', () => {
  it('decodes integers as numbers when safe and bigints beyond', () => {
    expect(decode(fromHex('00'))).toBe(0);
    expect(decode(fromHex('1903e8'))).toBe(1000);
    expect(decode(fromHex('3903e7'))).toBe(-1000);
    expect(decode(fromHex('1b001fffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decode(fromHex('1b0020000000000000'))).toBe(2n ** 53n);
    expect(decode(fromHex('1bffffffffffffffff'))).toBe(2n ** 64n - 1n);
    expect(decode(fromHex('3bffffffffffffffff'))).toBe(-(2n ** 64n));
    expect(decode(fromHex('3b001ffffffffffffe'))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decode(fromHex('c249010000000000000000'))).toBe(2n ** 64n);
    expect(decode(fromHex('c349010000000000000000'))).toBe(-(2n ** 64n) - 1n);
  });

  it('decodes maps to Map with integer keys and byte strings to Uint8Array', () => {
    const v = decode(fromHex('a201420102613163616263')) as Map<unknown, unknown>;
    expect(v).toBeInstanceOf(Map);
    expect(v.get(1)).toEqual(new Uint8Array([1, 2]));
    expect(v.get('1')).toBe('abc');
  });

  it('decodes simple values and floats', () => {
    expect(decode(fromHex('f4'))).toBe(false);
    expect(decode(fromHex('f5'))).toBe(true);
    expect(decode(fromHex('f6'))).toBe(null);
    expect(decode(fromHex('f7'))).toBe(undefined);
    expect(decode(fromHex('f0'))).toEqual(new Simple(16));
    expect(decode(fromHex('f8ff'))).toEqual(new Simple(255));
    expect(decode(fromHex('f93e00'))).toBe(1.5);
    expect(Object.is(decode(fromHex('f98000')), -0)).toBe(true);
    expect(decode(fromHex('f90001'))).toBe(2 ** -24);
    expect(decode(fromHex('fa47c35000'))).toBe(100000);
    expect(decode(fromHex('fb3ff199999999999a'))).toBe(1.1);
    expect(Number.isNaN(decode(fromHex('f97e00')))).toBe(true);
  });

  it('keeps tag 24 content as EncodedCbor with the exact received bytes', () => {
    // A non-preferred bstr head (59 0001) must survive: digests are over the received bytes.
    const hex = 'd81859000101';
    const v = decode(fromHex(hex)) as EncodedCbor;
    expect(v).toBeInstanceOf(EncodedCbor);
    expect(toHex(v.tagged)).toBe(hex);
    expect(toHex(v.bytes)).toBe('01');
    expect(v.value).toBe(1);
    expect(toHex(encode(v))).toBe(hex);
    expect(toHex(encode([v]))).toBe(`81${hex}`);
  });

  it('decodes in place: byte strings and tag 24 items are views of exactly the received bytes', () => {
    // Non-preferred heads (59 0004, 18 01) that any re-encoding would shorten.
    const input = fromHex('83d8185900048218010242050640');
    const v = decode(input) as [EncodedCbor, Uint8Array, Uint8Array];
    expect(v[0].tagged.buffer).toBe(input.buffer);
    expect(v[0].tagged.byteOffset).toBe(input.byteOffset + 1);
    expect(toHex(v[0].tagged)).toBe(toHex(input.subarray(1, 10)));
    expect(toHex(v[0].bytes)).toBe('82180102');
    expect(v[0].value).toEqual([1, 2]);
    expect(toHex(encode(v[0]))).toBe('d81859000482180102');
    expect(toHex(encode(v[0].value))).toBe('820102');
    expect(v[1].buffer).toBe(input.buffer);
    expect(v[1].byteOffset).toBe(input.byteOffset + 11);
    expect(v[2].length).toBe(0);
  });

  it('digests a tag 24 item over the received bytes, not over a re-encoding', async () => {
    const input = fromHex('a1616dd81859000482180102');
    const item = (decode(input) as Map<string, EncodedCbor>).get('m')!;
    const sha256 = async (b: Uint8Array) => toHex(await nobleBackend.digest('SHA-256', b));
    expect(await sha256(item.tagged)).toBe(await sha256(input.subarray(3, 12)));
    expect(await sha256(item.tagged)).not.toBe(await sha256(encode(new Tag(24, encode(item.value)))));
  });

  it('returns plain Uint8Array views also for a Node.js Buffer input', () => {
    const input = Buffer.from('82d81843820102420506', 'hex');
    const v = decode(input) as [EncodedCbor, Uint8Array];
    expect(Object.getPrototypeOf(v[1])).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(v[0].tagged)).toBe(Uint8Array.prototype);
    expect(v[1].buffer).toBe(input.buffer);
    expect(toHex(v[1])).toBe('0506');
  });

  it('decodes tdate and full-date to typed values that re-encode identically', () => {
    const t = decode(fromHex('c074323031332d30332d32315432303a30343a30305a')) as TDate;
    expect(t).toBeInstanceOf(TDate);
    expect(t.text).toBe('2013-03-21T20:04:00Z');
    expect(t.date.toISOString()).toBe('2013-03-21T20:04:00.000Z');
    expect(toHex(encode(t))).toBe('c074323031332d30332d32315432303a30343a30305a');
    const d = decode(fromHex('d903ec6a323031392d31302d3230')) as FullDate;
    expect(d).toBeInstanceOf(FullDate);
    expect([d.year, d.month, d.day]).toEqual([2019, 10, 20]);
    expect(toHex(encode(d))).toBe('d903ec6a323031392d31302d3230');
  });

  it('keeps unknown tags as Tag', () => {
    const v = decode(fromHex('d82076687474703a2f2f7777772e6578616d706c652e636f6d')) as Tag;
    expect(v).toEqual(new Tag(32, 'http://www.example.com'));
    // Tags that cbor-x interprets globally keep their generic meaning here.
    expect(decode(fromHex('d81c01'))).toEqual(new Tag(28, 1));
    expect(decode(fromHex('d81d00'))).toEqual(new Tag(29, 0));
    expect(decode(fromHex('d9010280'))).toEqual(new Tag(258, []));
  });

  it('joins indefinite-length strings and reads indefinite arrays and maps', () => {
    expect(decode(fromHex('5f42010243030405ff'))).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    expect(decode(fromHex('7f657374726561646d696e67ff'))).toBe('streaming');
    expect(decode(fromHex('9f018202039f0405ffff'))).toEqual([1, [2, 3], [4, 5]]);
    expect(decode(fromHex('bf61610161629f0203ffff'))).toEqual(
      new Map<unknown, unknown>([
        ['a', 1],
        ['b', [2, 3]],
      ]),
    );
  });
});

describe('decode: exactNumbers keeps the CBOR type a number was sent as', () => {
  const exact = (hex: string) => decode(fromHex(hex), { exactNumbers: true });

  it('floats as CborFloat (whole ones included), bignums as Tag of their bytes; integers stay numbers', () => {
    expect(decode(fromHex('f93c00'))).toBe(1);
    expect(exact('f93c00')).toEqual(new CborFloat(1));
    expect(exact('fa43340000')).toEqual(new CborFloat(180));
    expect(exact('fb3ff8000000000000')).toEqual(new CborFloat(1.5));
    expect(Object.is((exact('f98000') as CborFloat).value, -0)).toBe(true);
    expect(decode(fromHex('c24207c6'))).toBe(1990n);
    expect(exact('c24207c6')).toEqual(new Tag(2, Uint8Array.of(0x07, 0xc6)));
    expect(exact('c34100')).toEqual(new Tag(3, Uint8Array.of(0)));
    expect(exact('01')).toBe(1);
    expect(exact('1b0020000000000000')).toBe(2n ** 53n);
    expect(exact('20')).toBe(-1);
  });

  it('a CborFloat reads as diagnostic notation in messages (String(), template literals)', () => {
    expect([2, -0, 1.5, -180, 1e21, Number.POSITIVE_INFINITY, Number.NaN].map((v) => String(new CborFloat(v)))).toEqual(['2.0', '-0.0', '1.5', '-180.0', '1e+21', 'Infinity', 'NaN']);
    expect(`kty ${exact('f94000')}`).toBe('kty 2.0');
  });

  it('reaches lazily decoded tag 24 content, and rejects what the default rejects', () => {
    const wrapped = exact('d81843f93c00') as EncodedCbor;
    expect(wrapped.value).toEqual(new CborFloat(1));
    expect(() => exact('c201')).toThrow(expect.objectContaining({ code: 'ERR_CBOR_INVALID' }));
    expect(() => decode(fromHex('f97e01'), { exactNumbers: true, deterministic: true })).toThrow(expect.objectContaining({ code: 'ERR_CBOR_NOT_DETERMINISTIC' }));
  });
});

describe('decode: every rejection has a code and an offset', () => {
  it('ERR_CBOR_MALFORMED: truncation, reserved values, misplaced breaks', () => {
    fails('', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('18', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('1b0000', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('43010203'.slice(0, 6), 'ERR_CBOR_MALFORMED', {}, 0);
    fails('8301', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('83011903', 'ERR_CBOR_MALFORMED', {}, 2);
    fails('a20102031903', 'ERR_CBOR_MALFORMED', {}, 4);
    fails('1c', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('5d', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('fe', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('f818', 'ERR_CBOR_MALFORMED', {}, 0); // reserved two-byte simple value
    fails('ff', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('8201ff', 'ERR_CBOR_MALFORMED', {}, 2);
    fails('bf01ff', 'ERR_CBOR_MALFORMED', {}, 2); // break in value position
    fails('5f4101', 'ERR_CBOR_MALFORMED'); // not closed
    fails('5f6161ff', 'ERR_CBOR_MALFORMED', {}, 1); // wrong chunk type
    fails('5f5f4101ffff', 'ERR_CBOR_MALFORMED', {}, 1); // nested indefinite chunk
    fails('1f', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('3f', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('df00', 'ERR_CBOR_MALFORMED', {}, 0);
    fails('c6', 'ERR_CBOR_MALFORMED', {}, 0); // tag without content
  });

  it('ERR_CBOR_MALFORMED: a declared length beyond the input is refused before allocating', () => {
    for (const hex of ['5bffffffffffffffff', '9bffffffffffffffff', 'bb7fffffffffffffff', '9a7fffffff', 'ba00100000']) {
      fails(hex, 'ERR_CBOR_MALFORMED', {}, 0);
    }
    // A map of n pairs needs at least 2n bytes.
    fails('a3010203040506'.slice(0, 12), 'ERR_CBOR_MALFORMED', {}, 0);
  });

  it('ERR_CBOR_LIMIT: depth, item count and input size', () => {
    fails(`${'81'.repeat(33)}00`, 'ERR_CBOR_LIMIT', {}, 32);
    expect(decode(fromHex(`${'81'.repeat(32)}00`))).toBeDefined();
    fails(`${'81'.repeat(5)}00`, 'ERR_CBOR_LIMIT', { maxDepth: 4 }, 4);
    fails('d81844d8184101', 'ERR_CBOR_LIMIT', { maxDepth: 1, embedded: 'eager' }, 3);
    fails(`${'9f'.repeat(100000)}`, 'ERR_CBOR_LIMIT');
    fails('83010203', 'ERR_CBOR_LIMIT', { maxItems: 3 }, 3);
    fails('83010203', 'ERR_CBOR_LIMIT', { maxBytes: 3 }, 0);
    // Depth counts through tag 24 content.
    fails('81d818428100', 'ERR_CBOR_LIMIT', { maxDepth: 2, embedded: 'eager' });
  });

  it('ERR_CBOR_DUPLICATE_KEY for integer, text and structured keys', () => {
    fails('a201000100', 'ERR_CBOR_DUPLICATE_KEY', {}, 3);
    fails('a2616101616102', 'ERR_CBOR_DUPLICATE_KEY', {}, 4);
    fails('a2820102008201020f', 'ERR_CBOR_DUPLICATE_KEY', {}, 5);
    fails('a24101004101f5', 'ERR_CBOR_DUPLICATE_KEY', {}, 4);
    // The third structured key repeats the first, with a primitive key between.
    fails('a48101000100810200810100', 'ERR_CBOR_DUPLICATE_KEY', {}, 9);
    // The same key in a longer head, one level down: keys compare as data, not as bytes.
    fails('a2a18101f500a1811801f500', 'ERR_CBOR_DUPLICATE_KEY', {}, 6);
    fails('bf0100010fff', 'ERR_CBOR_DUPLICATE_KEY', {}, 3);
    // 1 and 1 written in a longer head are the same key.
    fails('a20100180101', 'ERR_CBOR_DUPLICATE_KEY', {}, 3);
    // Distinct keys of different types are fine.
    expect((decode(fromHex('a301006131004101f5')) as Map<unknown, unknown>).size).toBe(3);
  });

  it('ERR_CBOR_DUPLICATE_KEY for an integer and a bignum of the same value, either order (RFC 8949 §3.4.3)', () => {
    // [map, offset of the second key]
    const pairs: [string, number][] = [
      ['a201f5c24101f4', 3], // {1, 2(h'01')}
      ['a220f5c34100f4', 3], // {-1, 3(h'00')}
      ['a2c24101f501f4', 5], // {2(h'01'), 1}
      ['a21b001ffffffffffffff5c2471ffffffffffffff4', 11], // {2^53-1, 2(2^53-1)}
      ['a21b0020000000000000f5fb4340000000000000f4', 11], // {2^53, 2^53 as a float64}
      ['a21bfffffffffffffffff5c248fffffffffffffffff4', 11], // {2^64-1, 2(2^64-1)}
    ];
    for (const [hex, at] of pairs) fails(hex, 'ERR_CBOR_DUPLICATE_KEY', {}, at);
    // A bignum too large for a double, beside an integer: two keys.
    const big = `c25881${'01'.repeat(129)}`;
    expect((decode(fromHex(`a2${big}f501f4`)) as Map<unknown, unknown>).size).toBe(2);
    // The duplicate inside a structured key is what is reported, not the outer comparison.
    expect(fails('a2a20100c2410100008000', 'ERR_CBOR_DUPLICATE_KEY', {}, 4).message).toMatch(/duplicate map key 1/);
  });

  it('ERR_CBOR_LIMIT when comparing structured map keys would re-encode far more than the input', () => {
    // At each level a map with two structured keys, one of them the whole structure below:
    // comparing them re-encodes every level again (quadratic). 300 levels are 1,501 bytes.
    let below = '80';
    for (let i = 0; i < 300; i++) below = `a2810000${below}00`;
    expect(fails(below, 'ERR_CBOR_LIMIT', { maxDepth: 1000 }).message).toMatch(/structured map keys too large to compare/);
    // 30 levels (the same shape) re-encode about 2 KB: decoded.
    let small = '80';
    for (let i = 0; i < 30; i++) small = `a2810000${small}00`;
    expect(decode(fromHex(small), { maxDepth: 1000 })).toBeInstanceOf(Map);
  });

  it('maxDepth is an integer from 0 to 1000: the decoder and the printer recurse per level', () => {
    for (const maxDepth of [1001, 1e6, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => decode(fromHex('00'), { maxDepth })).toThrow(RangeError);
    }
    // 1000 levels of arrays, maps and tags decode and print at the ceiling.
    for (const head of ['81', 'a100', 'c6']) {
      const deep = fromHex(`${head.repeat(999)}00`);
      expect(decode(deep, { maxDepth: 1000 })).toBeDefined();
      expect(diagnose(deep, { maxDepth: 1000 }).length).toBeGreaterThan(999);
    }
  });

  it('ERR_CBOR_UTF8 for invalid UTF-8, short and long', () => {
    fails('62c328', 'ERR_CBOR_UTF8', {}, 1);
    fails('63eda080', 'ERR_CBOR_UTF8'); // a surrogate
    fails(`7841${'61'.repeat(64)}ff`, 'ERR_CBOR_UTF8');
    fails('7f6161' + '61ff' + 'ff', 'ERR_CBOR_UTF8');
    expect(decode(fromHex('63e6b0b4'))).toBe('水');
  });

  it('ERR_CBOR_MALFORMED messages say what was declared and what is left', () => {
    // A map of 3 pairs needs at least 6 bytes; 5 are left.
    expect(fails('a30102030405', 'ERR_CBOR_MALFORMED', {}, 0).message).toBe('3 declared map pairs (at least 6 bytes) exceed the 5 bytes left (at byte 0)');
    expect(fails('83010203'.slice(0, 6), 'ERR_CBOR_MALFORMED', {}, 0).message).toBe('declared length 3 exceeds the 2 bytes left (at byte 0)');
    expect(fails('4201', 'ERR_CBOR_MALFORMED', {}, 0).message).toBe('declared length 2 exceeds the 1 byte left (at byte 0)');
  });

  it('ERR_CBOR_INVALID for tag 24 around an indefinite-length byte string (no received span to digest)', () => {
    // 24(_ h'82', h'0102') would otherwise be digested over a re-encoding of the joined chunks.
    for (const embedded of ['lazy', 'eager'] as const) {
      const e = fails('d8185f41824201 02ff'.replace(' ', ''), 'ERR_CBOR_INVALID', { embedded }, 2);
      expect(e.message).toMatch(/indefinite-length byte string/);
    }
    fails('81d8185f4101ff', 'ERR_CBOR_INVALID', {}, 3);
    // Still malformed first when the chunks are.
    fails('d8185f4101', 'ERR_CBOR_MALFORMED');
  });

  it('ERR_CBOR_TRAILING for bytes after the item, also inside tag 24', () => {
    fails('0000', 'ERR_CBOR_TRAILING', {}, 1);
    fails('d818420000', 'ERR_CBOR_TRAILING', { embedded: 'eager' }, 4);
  });

  it('decodes tag 24 content lazily by default, with the same checks and absolute offsets', () => {
    const v = decode(fromHex('82f5d81843a20100')) as [boolean, EncodedCbor];
    expect(toHex(v[1].bytes)).toBe('a20100');
    let error: unknown;
    try {
      void v[1].value;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CborError);
    expect((error as CborError).code).toBe('ERR_CBOR_MALFORMED');
    expect((error as CborError).offset).toBe(5);
    // Limits carry into lazily decoded content: depth 2 at the tag, 3 inside.
    const deep = decode(fromHex('81d818428100'), { maxDepth: 2 }) as [EncodedCbor];
    expect(() => deep[0].value).toThrow(CborError);
    // Duplicate keys inside, found on access; decoded once, then cached.
    const dup = decode(fromHex('d81845a201000100')) as EncodedCbor;
    expect(() => dup.value).toThrow(/duplicate map key 1 \(at byte 6\)/);
    const ok = decode(fromHex('d81843a10102')) as EncodedCbor<Map<number, number>>;
    expect(ok.value).toBe(ok.value);
    expect(ok.value.get(1)).toBe(2);
  });

  it('ERR_CBOR_NOT_DETERMINISTIC when deterministic encoding is required', () => {
    const strict = { deterministic: true };
    fails('1817', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('190017', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('1a0000ffff', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('1b00000000ffffffff', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('a203040102', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 3);
    fails('a2616201616102', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 4);
    fails('fa3fc00000', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('fb3ff8000000000000', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('f97e01', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('9fff', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('c24101', 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    fails('c249000100000000000000000000'.slice(0, 22), 'ERR_CBOR_NOT_DETERMINISTIC', strict, 0);
    expect(decode(fromHex('a201020304'), strict)).toBeInstanceOf(Map);
    expect(decode(fromHex('1903e8'), strict)).toBe(1000);
  });

  it('ERR_CBOR_INDEFINITE when indefinite lengths are not allowed', () => {
    fails('9fff', 'ERR_CBOR_INDEFINITE', { allowIndefinite: false }, 0);
    fails('5fff', 'ERR_CBOR_INDEFINITE', { allowIndefinite: false }, 0);
    fails('a1019f01ff', 'ERR_CBOR_INDEFINITE', { allowIndefinite: false }, 2);
  });

  it('ERR_CBOR_INVALID for tag content that breaks the tag definition', () => {
    fails('c001', 'ERR_CBOR_INVALID', {}, 0);
    fails('c06a323031332d30332d3231', 'ERR_CBOR_INVALID', {}, 0);
    fails('c074323031332d30322d33305432303a30343a30305a', 'ERR_CBOR_INVALID', {}, 0); // 30 February
    fails('d903ec6a323031392d31332d3230', 'ERR_CBOR_INVALID', {}, 0); // month 13
    fails('d903ec01', 'ERR_CBOR_INVALID', {}, 0);
    fails('d81801', 'ERR_CBOR_INVALID', {}, 2);
    fails('d81840', 'ERR_CBOR_INVALID', {}, 2);
    fails('c26161', 'ERR_CBOR_INVALID', {}, 0);
  });

  it('converts a 512 KiB bignum without quadratic work (a shift per byte ran for minutes here)', () => {
    const content = new Uint8Array(512 * 1024).map((_, i) => (i * 7 + 1) & 0xff);
    const input = new Uint8Array(6 + content.length);
    input.set([0xc2, 0x5a, 0x00, 0x08, 0x00, 0x00]);
    input.set(content, 6);
    const expected = BigInt(`0x${toHex(content)}`);
    expect(decode(input)).toBe(expected);
    input[0] = 0xc3;
    expect(decode(input)).toBe(-1n - expected);
  });

  it('throws TypeError for a non-Uint8Array argument (misuse, not data)', () => {
    expect(() => decode('a0' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('decode: one maxItems budget for a call and all the tag 24 content in it', () => {
  /** Tag 24 content of `n` items: an array of n - 1 zeros. */
  const content = (n: number) => EncodedCbor.wrap(encode(new Array(n - 1).fill(0)), null);
  /** An array of tag 24 items holding `sizes` items each: 1 + 2 per tag 24 (tag and byte string) outside. */
  const embedding = (sizes: readonly number[]) => encode(sizes.map(content));
  const limitError = (read: () => unknown): CborError => {
    try {
      read();
    } catch (e) {
      expect(e).toBeInstanceOf(CborError);
      return e as CborError;
    }
    return expect.unreachable('expected ERR_CBOR_LIMIT');
  };

  it('caps the items of lazily decoded content together with the outer ones (10 × 200 > 1000)', () => {
    const input = embedding(new Array(10).fill(200));
    const v = decode(input, { maxItems: 1000 }) as EncodedCbor[];
    // 21 outside, then 200 per content: four fit (821), the fifth stops at its 180th item.
    for (let i = 0; i < 4; i++) expect(v[i]!.value).toHaveLength(199);
    const e = limitError(() => v[4]!.value);
    expect(e.code).toBe('ERR_CBOR_LIMIT');
    expect(e.offset).toBe(v[4]!.bytes.byteOffset - input.byteOffset + 180);
    for (let i = 4; i < 10; i++) expect(limitError(() => v[i]!.value).code).toBe('ERR_CBOR_LIMIT');
    // Read in reverse, from a new decode: a new budget, and again only four fit.
    const w = decode(input, { maxItems: 1000 }) as EncodedCbor[];
    for (let i = 9; i >= 6; i--) expect(w[i]!.value).toHaveLength(199);
    expect(limitError(() => w[0]!.value).code).toBe('ERR_CBOR_LIMIT');
  });

  it('counts items up to maxItems exactly, the outer ones included (10 × 90)', () => {
    const input = embedding(new Array(10).fill(90));
    for (const maxItems of [921, 1000]) {
      const v = decode(input, { maxItems }) as EncodedCbor[];
      // A value read again is the one decoded the first time, and costs nothing more.
      for (let i = 0; i < 3; i++) expect(v[0]!.value).toBe(v[0]!.value);
      for (const e of v) expect(e.value).toHaveLength(89);
    }
    const v = decode(input, { maxItems: 920 }) as EncodedCbor[];
    for (let i = 0; i < 9; i++) void v[i]!.value;
    expect(limitError(() => v[9]!.value).code).toBe('ERR_CBOR_LIMIT');
    // Content wrapped by the caller has its value already: nothing to decode or count.
    const wrapped = content(5000);
    expect(decode(encode([wrapped]), { maxItems: 5003 })).toBeDefined();
  });

  it('whatever the order of reading, a read succeeds only while the total stays within maxItems', () => {
    const sizes = [200, 50, 300, 120, 90, 400, 10, 250, 60, 180];
    const input = embedding(sizes);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 30 }), (order) => {
        const v = decode(input, { maxItems: 1000 }) as EncodedCbor[];
        let used = 21;
        const read = new Set<number>();
        for (const i of order) {
          if (read.has(i) || used + sizes[i]! <= 1000) {
            expect(v[i]!.value).toHaveLength(sizes[i]! - 1);
            if (!read.has(i)) used += sizes[i]!;
            read.add(i);
          } else {
            // A failed read holds nothing and costs nothing: a smaller content may still fit.
            expect(limitError(() => v[i]!.value).code).toBe('ERR_CBOR_LIMIT');
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('eagerly decoded content counts the same way', () => {
    expect(limitError(() => decode(embedding(new Array(10).fill(200)), { maxItems: 1000, embedded: 'eager' })).code).toBe('ERR_CBOR_LIMIT');
    expect(decode(embedding(new Array(10).fill(90)), { maxItems: 921, embedded: 'eager' })).toHaveLength(10);
    expect(limitError(() => decode(embedding(new Array(10).fill(90)), { maxItems: 920, embedded: 'eager' })).code).toBe('ERR_CBOR_LIMIT');
  });

  it('nested tag 24 content draws on the same budget', () => {
    // 24(<< [10 × 24(<< 200 items >>)] >>): 2 outside, 21 in the first content, 200 in each inner one.
    const nested = encode(EncodedCbor.wrap(embedding(new Array(10).fill(200)), null));
    const outer = decode(nested, { maxItems: 1000 }) as EncodedCbor<EncodedCbor[]>;
    const inner = outer.value;
    for (let i = 0; i < 4; i++) expect(inner[i]!.value).toHaveLength(199);
    const e = limitError(() => inner[4]!.value);
    expect(e.code).toBe('ERR_CBOR_LIMIT');
    // 823 counted before it, so its 178th item (after a 2-byte head) is one too many.
    expect(e.offset).toBe(inner[4]!.bytes.byteOffset - nested.byteOffset + 178);
    expect(limitError(() => decode(nested, { maxItems: 1000, embedded: 'eager' })).code).toBe('ERR_CBOR_LIMIT');
    const small = encode(EncodedCbor.wrap(embedding(new Array(10).fill(90)), null));
    expect(decode(small, { maxItems: 923, embedded: 'eager' })).toBeInstanceOf(EncodedCbor);
    expect(limitError(() => decode(small, { maxItems: 922, embedded: 'eager' })).code).toBe('ERR_CBOR_LIMIT');
    const lazy = decode(small, { maxItems: 922 }) as EncodedCbor<EncodedCbor[]>;
    for (let i = 0; i < 9; i++) void lazy.value[i]!.value;
    expect(limitError(() => lazy.value[9]!.value).code).toBe('ERR_CBOR_LIMIT');
  });
});
