/**
 * Byte helpers (src/internal/bytes.ts) that other tests do not already pin: the FNV-1a hash
 * used as a cache key prefix, and the binary strings that key the public-key and chain caches.
 */
import { describe, expect, it } from 'vitest';
import { binaryString, hashBytes, utf8Encode } from '../../src/internal/bytes.js';

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
