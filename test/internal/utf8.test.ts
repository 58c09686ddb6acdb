/**
 * The plain-JavaScript UTF-8 codec (src/internal/utf8.ts) against the platform's WHATWG
 * codec: `TextDecoder('utf-8', { fatal: true, ignoreBOM: true })` and `TextEncoder`, on
 * every 1- and 2-byte input, the 3- and 4-byte neighbourhoods of every boundary, the
 * classic decoder test classes by name, and a seeded fast-check run; and `bytes.ts`
 * falling back to it where the platform codec is missing or ignores `fatal`.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { decodeUtf8, encodeUtf8 } from '../../src/internal/utf8.js';

const runs = Number(process.env.SHOMEI_FC_RUNS ?? 500) * 4;
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** What the platform's fatal decoder answers: the string, or null for a rejection. */
function platform(bytes: Uint8Array): string | null {
  try {
    return fatal.decode(bytes);
  } catch {
    return null;
  }
}

function ours(bytes: Uint8Array): string | null {
  try {
    return decodeUtf8(bytes, true);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return null;
  }
}

/** Compare both modes on one input; returns a mismatch description or undefined. */
function mismatch(bytes: Uint8Array): string | undefined {
  const [a, b] = [ours(bytes), platform(bytes)];
  if (a !== b) return `fatal ${toHex(bytes)}: ours ${JSON.stringify(a)}, platform ${JSON.stringify(b)}`;
  const [c, d] = [decodeUtf8(bytes, false), lossy.decode(bytes)];
  if (c !== d) return `replacement ${toHex(bytes)}: ours ${JSON.stringify(c)}, platform ${JSON.stringify(d)}`;
  return undefined;
}

function allMismatches(inputs: Iterable<Uint8Array>): { count: number; bad: string[] } {
  let count = 0;
  const bad: string[] = [];
  for (const bytes of inputs) {
    count++;
    const m = mismatch(bytes);
    if (m !== undefined && bad.length < 10) bad.push(m);
  }
  return { count, bad };
}

/** Continuation-byte values at and around every boundary of the WHATWG decoder. */
const EDGE = [0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];

describe('UTF-8 decoder: the same answers as WHATWG fatal (and replacement) decoding', () => {
  it('every 1- and 2-byte input', () => {
    function* inputs() {
      for (let a = 0; a < 256; a++) {
        yield Uint8Array.of(a);
        for (let b = 0; b < 256; b++) yield Uint8Array.of(a, b);
      }
    }
    const { count, bad } = allMismatches(inputs());
    expect(count).toBe(256 + 65536);
    expect(bad).toEqual([]);
  });

  it('every 3- and 4-byte lead with every second byte, and the edge bytes after it', () => {
    const third = [0x41, 0x80, 0xbf, 0xc0];
    const fourth = [0x41, 0x80, 0xbf];
    function* inputs() {
      for (let b = 0; b < 256; b++) {
        for (let a = 0xe0; a <= 0xef; a++) for (const c of third) yield Uint8Array.of(a, b, c);
        for (let a = 0xf0; a <= 0xf5; a++) for (const c of fourth) for (const d of fourth) yield Uint8Array.of(a, b, c, d);
      }
    }
    const { count, bad } = allMismatches(inputs());
    expect(count).toBe(256 * (16 * 4 + 6 * 9));
    expect(bad).toEqual([]);
  });

  // The classes of the well-known UTF-8 decoder stress test, each with its expected answer.
  const cases: [string, string, string | null][] = [
    ['empty', '', ''],
    ['ASCII, NUL and DEL', '00417f', '\u0000A\u007f'],
    ['BOM is kept', 'efbbbf', '\ufeff'],
    ['first of each length', 'c280e0a080f0908080', '\u0080\u0800\u{10000}'],
    ['last of each length', 'dfbfefbfbff48fbfbf', '\u07ff\uffff\u{10ffff}'],
    ['U+D7FF and U+E000 around the surrogates', 'ed9fbfee8080', '\ud7ff\ue000'],
    ['non-characters U+FFFE and U+FFFF are valid', 'efbfbeefbfbf', '\ufffe\uffff'],
    ['overlong "/" in 2 bytes', 'c0af', null],
    ['overlong "/" in 3 bytes', 'e080af', null],
    ['overlong "/" in 4 bytes', 'f08080af', null],
    ['overlong U+007F (C1 BF)', 'c1bf', null],
    ['overlong U+07FF in 3 bytes', 'e09fbf', null],
    ['overlong U+FFFF in 4 bytes', 'f08fbfbf', null],
    ['overlong NUL (C0 80, "modified UTF-8")', 'c080', null],
    ['lone high surrogate D800', 'eda080', null],
    ['lone low surrogate DFFF', 'edbfbf', null],
    ['surrogate pair in CESU-8', 'eda0bdedb880', null],
    ['U+110000', 'f4908080', null],
    ['5-byte form', 'f888808080', null],
    ['6-byte form', 'fc8480808080', null],
    ['F5..FF never appear', 'f5', null],
    ['FE', 'fe', null],
    ['FF', 'ff', null],
    ['lone continuation 80', '80', null],
    ['lone continuation BF', 'bf', null],
    ['continuation after ASCII', '4180', null],
    ['too many continuations', 'c280' + '80', null],
    ['2-byte truncated', 'c2', null],
    ['3-byte truncated after 1', 'e3', null],
    ['3-byte truncated after 2', 'e381', null],
    ['4-byte truncated after 3', 'f09f98', null],
    ['truncated then ASCII', 'e38141', null],
    ['lead then lead', 'c2c280', null],
  ];
  for (const [name, hex, expected] of cases) {
    it(`${name}: ${hex || '(empty)'} → ${expected === null ? 'rejected' : JSON.stringify(expected)}`, () => {
      const bytes = fromHex(hex);
      expect(platform(bytes)).toBe(expected);
      expect(ours(bytes)).toBe(expected);
      expect(mismatch(bytes)).toBeUndefined();
    });
  }

  it('the error names the offending byte', () => {
    expect(() => decodeUtf8(fromHex('4142eda080'), true)).toThrow(/at byte 3/);
    expect(() => decodeUtf8(fromHex('41e381'), true)).toThrow(/at byte 3/);
  });

  it('seeded random byte strings biased towards UTF-8 structure', () => {
    const byte = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0x80, max: 0xbf }) },
      { weight: 2, arbitrary: fc.constantFrom(...EDGE) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), (arr) => {
        expect(mismatch(Uint8Array.from(arr))).toBeUndefined();
      }),
      { numRuns: runs, seed: 0x75f8 },
    );
  });

  it('seeded random valid text round-trips, long inputs included (more than one chunk)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), { maxLength: 32 }), (cps) => {
        const bytes = new TextEncoder().encode(String.fromCodePoint(...cps));
        expect(decodeUtf8(bytes, true)).toBe(fatal.decode(bytes));
      }),
      { numRuns: runs, seed: 0x75f9 },
    );
    const long = '日本語テキスト😀 mixed ASCII '.repeat(2000);
    const bytes = new TextEncoder().encode(long);
    expect(decodeUtf8(bytes, true)).toBe(long);
  });
});

describe('UTF-8 encoder: the same bytes as TextEncoder', () => {
  it('edge code points and lone surrogates', () => {
    const enc = new TextEncoder();
    for (const s of ['', 'A', '\u0000', '\u007f\u0080', '\u07ff\u0800', '\ud7ff\ue000', '\uffff', '\u{10000}', '\u{10ffff}', '\ud800', '\udfff', 'a\ud800b', '\udc00\ud800', '\ud83d\ude00\ud83d']) {
      expect(toHex(encodeUtf8(s)), JSON.stringify(s)).toBe(toHex(enc.encode(s)));
    }
  });

  it('seeded random UTF-16 (lone surrogates included)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(toHex(encodeUtf8(s))).toBe(toHex(enc.encode(s)));
      }),
      { numRuns: runs, seed: 0x75fa },
    );
  });
});

describe('bytes.ts falls back to this codec where the platform has none, or one that ignores fatal', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('imports and works with no TextEncoder and no TextDecoder at all (QuickJS, Hermes)', async () => {
    vi.stubGlobal('TextEncoder', undefined);
    vi.stubGlobal('TextDecoder', undefined);
    vi.resetModules();
    const bytes = await import('../../src/internal/bytes.js');
    const { decode, encode } = await import('../../src/cbor/index.js');
    const { CborError } = await import('../../src/errors.js');
    expect(typeof TextDecoder).toBe('undefined');
    expect(toHex(bytes.utf8Encode('山田　花子'))).toBe('e5b1b1e794b0e38080e88ab1e5ad90');
    expect(bytes.utf8Decode(fromHex('efbbbfe5b1b1'))).toBe('\ufeff山');
    expect(() => bytes.utf8Decode(fromHex('eda080'))).toThrow(TypeError);
    expect(decode(encode({ name: '山田　花子' }))).toEqual(new Map([['name', '山田　花子']]));
    // A CBOR text string (major 3) holding a surrogate: rejected with its code.
    let err: unknown;
    try {
      decode(fromHex('63eda080'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CborError);
    expect((err as InstanceType<typeof CborError>).code).toBe('ERR_CBOR_UTF8');
  });

  it('ignores a TextDecoder polyfill that accepts invalid input despite fatal: true', async () => {
    class LaxDecoder {
      decode(b: Uint8Array): string {
        return String.fromCharCode(...b);
      }
    }
    vi.stubGlobal('TextDecoder', LaxDecoder);
    vi.resetModules();
    const bytes = await import('../../src/internal/bytes.js');
    expect(() => bytes.utf8Decode(fromHex('c080'))).toThrow(TypeError);
    expect(bytes.utf8Decode(fromHex('e38182'))).toBe('あ');
  });

  it('ignores a TextEncoder that writes CESU-8 for astral characters', async () => {
    class CesuEncoder {
      encode(s: string): Uint8Array {
        const out: number[] = [];
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c < 0x80) out.push(c);
          else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
          else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        }
        return Uint8Array.from(out);
      }
    }
    vi.stubGlobal('TextEncoder', CesuEncoder);
    vi.resetModules();
    const bytes = await import('../../src/internal/bytes.js');
    expect(toHex(bytes.utf8Encode('\u{1f600}'))).toBe('f09f9880');
  });

  it('uses the platform codec when it behaves, and chooses at first use, not at import', async () => {
    const constructed: string[] = [];
    const Real = globalThis.TextDecoder;
    class Counting extends Real {
      constructor(...args: ConstructorParameters<typeof TextDecoder>) {
        super(...args);
        constructed.push(String(args[0]));
      }
    }
    vi.stubGlobal('TextDecoder', Counting);
    vi.resetModules();
    const bytes = await import('../../src/internal/bytes.js');
    expect(constructed).toEqual([]);
    expect(bytes.utf8Decode(fromHex('e38182'))).toBe('あ');
    expect(bytes.utf8Decode(fromHex('e38184'))).toBe('い');
    expect(constructed).toEqual(['utf-8']);
  });
});
