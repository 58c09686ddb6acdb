/**
 * Byte helpers (src/internal/bytes.ts) that other tests do not already pin: the FNV-1a hash
 * used as a cache key prefix, the binary strings that key the public-key and chain caches, and
 * byte equality (word-wise on aligned views).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryString, equalBytes, hashBytes, leftPad, utf8Encode, fromBase64, toBase64, toBase64Url } from '../../src/internal/bytes.js';

describe('hashBytes (32-bit FNV-1a)', () => {
  it('gives the published FNV-1a values (Fowler/Noll/Vo test suite)', () => {
    expect(hashBytes(new Uint8Array(0))).toBe(0x811c9dc5);
    expect(hashBytes(utf8Encode('a'))).toBe(0xe40c292c);
    expect(hashBytes(utf8Encode('foobar'))).toBe(0xbf9cf968);
  });

  it('reads only the view it is given, and differs for one changed byte', () => {
    const backing = utf8Encode('xxfoobarxx');
    expect(hashBytes(backing.subarray(2, 8))).toBe(0xbf9cf968);
    const changed = utf8Encode('foobaR');
    expect(hashBytes(changed)).not.toBe(0xbf9cf968);
  });
});

describe('binaryString (cache keys)', () => {
  it('is the length, a colon, then one code unit per byte, from the view only', () => {
    expect(binaryString(new Uint8Array(0))).toBe('0:');
    const backing = Uint8Array.of(9, 0x00, 0x7f, 0x80, 0xff, 9);
    const s = binaryString(backing.subarray(1, 5));
    expect(s).toBe('4:\u0000\u007f\u0080\u00ff');
    expect([...s.slice(2)].map((c) => c.charCodeAt(0))).toEqual([0x00, 0x7f, 0x80, 0xff]);
  });

  it('keeps every byte across its 8192-byte chunks, and tells inputs apart that differ in one byte or in length', () => {
    const big = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7919) & 0xff);
    const s = binaryString(big);
    expect(s.length).toBe('20000:'.length + 20_000);
    expect(s.charCodeAt('20000:'.length + 8192)).toBe(big[8192]);
    expect(s.charCodeAt(s.length - 1)).toBe(big[19_999]);
    const other = big.slice();
    other[16_384] = (big[16_384] as number) ^ 1;
    expect(binaryString(other)).not.toBe(s);
    // The length prefix keeps concatenated keys apart: [1] then [2, 3] is not [1, 2] then [3].
    expect(binaryString(Uint8Array.of(1)) + binaryString(Uint8Array.of(2, 3))).not.toBe(binaryString(Uint8Array.of(1, 2)) + binaryString(Uint8Array.of(3)));
  });
});

describe('equalBytes', () => {
  // Views at every offset mod 4 in their buffers (aligned or not), 0-300 bytes: equal copies
  // are equal; one changed byte anywhere (the words or the tail) or another length is not.
  it('agrees with a byte-by-byte comparison for any offsets, lengths and changed byte', () => {
    // Lengths spread evenly over 0-300 (most above the 64 of the word path), offsets aligned half the time.
    const bytesArb = fc.integer({ min: 0, max: 300 }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    const offsetArb = fc.constantFrom(0, 4, 8, 1, 2, 3);
    fc.assert(
      fc.property(bytesArb, offsetArb, offsetArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, offA, offB, where, flip) => {
        const place = (off: number) => {
          const buf = new Uint8Array(off + bytes.length + 3);
          buf.set(bytes, off);
          return buf.subarray(off, off + bytes.length);
        };
        const a = place(offA);
        const b = place(offB);
        expect(equalBytes(a, b)).toBe(true);
        if (bytes.length > 0) {
          const i = where % bytes.length;
          b[i] = (b[i] as number) ^ flip;
          expect(equalBytes(a, b)).toBe(false);
          expect(equalBytes(b, a)).toBe(false);
          expect(equalBytes(a, a.subarray(0, bytes.length - 1))).toBe(false);
        }
      }),
      { seed: 0x5eed, numRuns: 2000 },
    );
  });

  it('compares views of SharedArrayBuffers too', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(128)).fill(7);
    expect(equalBytes(shared, new Uint8Array(128).fill(7))).toBe(true);
    shared[127] = 8;
    expect(equalBytes(shared, new Uint8Array(128).fill(7))).toBe(false);
  });
});

describe('leftPad', () => {
  it('pads a shorter array with leading zeros into a new array, and returns a long enough one as it is', () => {
    const short = Uint8Array.of(1, 2);
    const padded = leftPad(short, 4);
    expect([...padded]).toEqual([0, 0, 1, 2]);
    expect(padded).not.toBe(short);
    const full = Uint8Array.of(1, 2, 3);
    expect(leftPad(full, 3)).toBe(full);
    expect(leftPad(full, 2)).toBe(full);
    expect([...leftPad(new Uint8Array(0), 2)]).toEqual([0, 0]);
  });
});

describe('toBase64 / toBase64Url', () => {
  it("agrees with Node's Buffer on both sides of the scratch buffer and of each 8,192-character string, every length mod 3", () => {
    const rand = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 3)) & 0xff);
    // 3,072 bytes fill the 4,096-character scratch buffer; 6,144 make one 8,192-character string.
    for (const n of [0, 1, 2, 3, 31, 32, 33, 3070, 3071, 3072, 3073, 3074, 3075, 6143, 6144, 6145, 8191 * 3, 8192 * 3 + 1, 100_000]) {
      const bytes = rand(n, n);
      const b = Buffer.from(bytes);
      expect(toBase64(bytes), `${n}`).toBe(b.toString('base64'));
      expect(toBase64Url(bytes), `${n}`).toBe(b.toString('base64url'));
      expect(fromBase64(toBase64Url(bytes))).toEqual(bytes);
    }
    // The scratch buffer a short output is written to is not shared by the strings returned.
    const first = toBase64Url(rand(32, 1));
    toBase64Url(rand(32, 2));
    expect(first).toBe(Buffer.from(rand(32, 1)).toString('base64url'));
  });
});
