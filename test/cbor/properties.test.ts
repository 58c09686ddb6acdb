import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CborValue, decode, diagnose, EncodedCbor, encode, encodeEmbedded, FullDate, Simple, Tag, TDate } from '../../src/cbor/index.js';
import { CborError } from '../../src/errors.js';

/** Arbitrary CBOR values in the form decode produces, so that decode(encode(x)) equals x. */
const leaf: fc.Arbitrary<CborValue> = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).filter((b) => b < -(2n ** 53n) || b >= 2n ** 53n),
  fc.double().filter((d) => !Number.isSafeInteger(d) || Object.is(d, -0)),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(true, false, null, undefined),
  fc.integer({ min: 32, max: 255 }).map((n) => new Simple(n)),
  fc.date({ min: new Date(0), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => TDate.fromDate(d)),
  fc
    .tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => FullDate.of(y, m, d)),
);

const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.integer(), fc.string()), tie('value')), { maxLength: 5, selector: ([k]) => k })
      .map((entries) => new Map<CborValue, CborValue>(entries)),
    fc
      .tuple(fc.integer({ min: 4, max: 100000 }).filter((t) => t !== 24 && t !== 1004), tie('value'))
      .map(([t, v]) => new Tag(t, v)),
    tie('value').map((v) => encodeEmbedded(v) as CborValue),
  ),
}));

const runs = Number(process.env.SHOMEI_FC_RUNS ?? 500);
/** A fixed seed, so that every run checks the same cases (SHOMEI_FC_SEED picks another). */
const seed = Number(process.env.SHOMEI_FC_SEED ?? 20261206);

/** Read every value, so that lazily decoded tag 24 content is decoded too. */
function touch(v: unknown): void {
  if (v instanceof EncodedCbor) touch(v.value);
  else if (v instanceof Tag) touch(v.value);
  else if (Array.isArray(v)) v.forEach(touch);
  else if (v instanceof Map) {
    for (const [key, value] of v) {
      touch(key);
      touch(value);
    }
  }
}

/** A form toEqual can compare fully: EncodedCbor's value is a getter, so spell it out. */
function plain(v: unknown): unknown {
  if (v instanceof EncodedCbor) return { embedded: v.tagged, value: plain(v.value) };
  if (v instanceof Tag) return { tag: v.tag, value: plain(v.value) };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([...v].map(([k, value]) => [plain(k), plain(value)]));
  return v;
}

function onlyCborErrors(bytes: Uint8Array): void {
  try {
    touch(decode(bytes));
  } catch (e) {
    if (!(e instanceof CborError)) throw e;
  }
}

describe('CBOR properties (fast-check)', () => {
  it('decode(encode(x)) equals x', () => {
    fc.assert(
      fc.property(value, (x) => {
        expect(plain(decode(encode(x)))).toEqual(plain(x));
      }),
      { numRuns: runs, seed },
    );
  });

  it('encode output is deterministic: accepted by the strict decoder and re-encoded byte for byte', () => {
    fc.assert(
      fc.property(value, (x) => {
        const bytes = encode(x);
        const again = encode(decode(bytes, { deterministic: true, allowIndefinite: false, embedded: 'eager' }));
        expect(again).toEqual(bytes);
        expect(typeof diagnose(bytes)).toBe('string');
      }),
      { numRuns: runs, seed },
    );
  });

  it('random bytes give a value or a CborError, never anything else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyCborErrors), { numRuns: runs * 4, seed });
  });

  it('mutated encodings give a value or a CborError, never anything else', () => {
    const mutation = fc.tuple(value, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(mutation, ([x, edits]) => {
        const bytes = [...encode(x)];
        for (const [at, b, op] of edits) {
          const i = bytes.length === 0 ? 0 : at % bytes.length;
          if (op === 'set') bytes[i] = b;
          else if (op === 'insert') bytes.splice(i, 0, b);
          else bytes.splice(i, 1);
        }
        onlyCborErrors(Uint8Array.from(bytes));
        try {
          diagnose(Uint8Array.from(bytes));
        } catch (e) {
          if (!(e instanceof CborError)) throw e;
        }
      }),
      { numRuns: runs * 2, seed },
    );
  });

  it('small versions of the hostile-memory shapes end in ERR_CBOR_LIMIT or ERR_CBOR_MALFORMED', () => {
    const head = (major: number, n: number) => [(major << 5) | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    // Heads that each declare as many items (or map pairs, or bstr bytes) as there are bytes left.
    const declaring = fc.record({
      kind: fc.constant('declaring' as const),
      heads: fc.array(fc.constantFrom('array', 'map', 'tag', 'tag24', 'indefinite'), { minLength: 1, maxLength: 6 }),
      size: fc.integer({ min: 16, max: 3000 }),
    });
    // A run of one short item to the end, after a head that cannot be satisfied.
    const run = fc.record({
      kind: fc.constant('run' as const),
      prefix: fc.constantFrom('array+1', 'indefinite-array', 'indefinite-bstr', 'indefinite-text'),
      unit: fc.constantFrom([0xa0], [0x40], [0x80], [0x60], [0x00], [0xe0], [0xc6, 0x00], [0xd8, 0x18, 0x41, 0x00], [0xa1, 0x80, 0x00], [0x9f], [0xbf], [0xc6]),
      size: fc.integer({ min: 16, max: 3000 }),
    });
    const limits = fc.record({ maxItems: fc.integer({ min: 1, max: 5000 }), maxDepth: fc.integer({ min: 1, max: 40 }) });
    type Shape = { kind: 'declaring'; heads: string[]; size: number } | { kind: 'run'; prefix: string; unit: readonly number[]; size: number };
    const build = (shape: Shape): Uint8Array => {
      const b: number[] = [];
      if (shape.kind === 'declaring') {
        for (let i = 0; b.length + 8 <= shape.size; i++) {
          const left = shape.size - b.length - 5;
          const h = shape.heads[i % shape.heads.length]!;
          if (h === 'array') b.push(...head(4, left));
          else if (h === 'map') b.push(...head(5, Math.floor(left / 2)));
          else if (h === 'tag') b.push(...head(6, 1000));
          else if (h === 'tag24') b.push(0xd8, 0x18, ...head(2, left - 2));
          else b.push(0x9f);
        }
        while (b.length < shape.size) b.push(0x9f);
        return Uint8Array.from(b);
      }
      if (shape.prefix === 'array+1') b.push(...head(4, shape.size - 5 + 1));
      else if (shape.prefix === 'indefinite-array') b.push(0x9f);
      else if (shape.prefix === 'indefinite-bstr') b.push(0x5f);
      else b.push(0x7f);
      while (b.length < shape.size) b.push(...shape.unit);
      return Uint8Array.from(b.slice(0, shape.size));
    };
    fc.assert(
      fc.property(fc.oneof(declaring, run as fc.Arbitrary<Shape>), limits, fc.constantFrom('lazy' as const, 'eager' as const), (shape, limit, embedded) => {
        let error: unknown;
        try {
          touch(decode(build(shape), { ...limit, embedded }));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CborError);
        expect(['ERR_CBOR_LIMIT', 'ERR_CBOR_MALFORMED']).toContain((error as CborError).code);
      }),
      { numRuns: runs, seed },
    );
  });

  it('hostile nesting and lengths fail (the test timeout is the hang guard) with ERR_CBOR_LIMIT or ERR_CBOR_MALFORMED', () => {
    const hostile = [
      new Uint8Array(1_000_000).fill(0x81),
      new Uint8Array(1_000_000).fill(0x9f),
      new Uint8Array(1_000_000).fill(0xd8).map((b, i) => (i % 2 ? 0x18 : b)),
      Uint8Array.of(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    ];
    for (const bytes of hostile) {
      let error: unknown;
      try {
        decode(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CborError);
      expect(['ERR_CBOR_LIMIT', 'ERR_CBOR_MALFORMED', 'ERR_CBOR_INVALID']).toContain((error as CborError).code);
    }
  });
});

describe('TDate: the instant computed from the parts', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  const tdateText = fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 60 }),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
      offset: fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([sign, oh, om]) => `${sign}${two(oh)}:${two(om)}`)),
    })
    .map((p) => `${String(p.y).padStart(4, '0')}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}:${two(p.s)}${p.fraction === undefined ? '' : `.${p.fraction}`}${p.offset}`);

  it('is what the platform parser gives for the same text (a leap second read as :59, fractions truncated to ms)', () => {
    fc.assert(
      fc.property(tdateText, (text) => {
        // The reference keeps 3 fraction digits: V8 keeps more, then truncates the instant
        // toward zero, which before 1970 rounds a sub-millisecond fraction up.
        const expected = new Date(text.replace(/:60(?=[.Z+-])/, ':59').replace(/(\.\d{1,3})\d*/, '$1')).getTime();
        expect(new TDate(text).date.getTime()).toBe(expected);
        expect(new TDate(text.replace('T', 't').replace('Z', 'z')).date.getTime()).toBe(expected);
      }),
      { numRuns: 2000, seed },
    );
  });

  it('reads the edges exactly: years below 100, offsets, many fraction digits', () => {
    expect(new TDate('0050-03-01T00:00:00Z').date.getTime()).toBe(-60584198400000);
    expect(new TDate('0000-01-01T00:00:00Z').date.getTime()).toBe(-62167219200000);
    expect(new TDate('2020-01-01T00:00:00.123456789+09:30').date.getTime()).toBe(1577802600123);
    expect(new TDate('2020-01-01T00:00:00.9999Z').date.getTime()).toBe(1577836800999);
    expect(new TDate('2016-12-31T23:59:60Z').date.getTime()).toBe(Date.UTC(2016, 11, 31, 23, 59, 59));
    expect(new TDate('9999-12-31T23:59:59.999-23:59').date.getTime()).toBe(253402387139999);
  });

  it('rejects impossible dates and times in the plain form an MSO uses, and still reads its lower-case variant', () => {
    expect(new TDate('2024-02-29T00:00:00Z').date.getTime()).toBe(Date.UTC(2024, 1, 29));
    expect(new TDate('2026-01-01t00:00:00z').date.getTime()).toBe(Date.UTC(2026, 0, 1));
    for (const text of ['2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:61Z', '2026-01-01T0a:00:00Z', '2026-01-01 00:00:00Z', '+026-01-01T00:00:00Z']) {
      expect(() => new TDate(text), text).toThrow(CborError);
    }
  });
});
