/**
 * Byte helpers (src/internal/bytes.ts) that other tests do not already pin: the FNV-1a hash
 * used as a cache key prefix.
 */
import { describe, expect, it } from 'vitest';
import { hashBytes, utf8Encode } from '../../src/internal/bytes.js';

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
