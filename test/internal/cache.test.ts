import { describe, expect, it } from 'vitest';
import { ExpiringCache, RepeatCache } from '../../src/internal/cache.js';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ExpiringCache', () => {
  it('returns a value until it expires, then forgets it', () => {
    const c = clock();
    const cache = new ExpiringCache<string, number>({ maxEntries: 4, now: c.now });
    cache.set('a', 1, 1_500);
    expect(cache.get('a')).toBe(1);
    c.advance(499);
    expect(cache.get('a')).toBe(1);
    c.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep a value that is already expired', () => {
    const c = clock();
    const cache = new ExpiringCache<string, number>({ maxEntries: 4, now: c.now });
    cache.set('a', 1, 1_000);
    cache.set('b', 2, Number.NaN);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used value beyond maxEntries', () => {
    const c = clock();
    const cache = new ExpiringCache<string, number>({ maxEntries: 2, now: c.now });
    cache.set('a', 1, 9_999);
    cache.set('b', 2, 9_999);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3, 9_999);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('loads a key once however many callers wait for it', async () => {
    const c = clock();
    const cache = new ExpiringCache<string, string>({ maxEntries: 4, now: c.now });
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const loader = async () => {
      calls++;
      await gate;
      return { value: 'list', expiresAt: 2_000 };
    };
    const waiting = Array.from({ length: 1000 }, () => cache.load('k', loader));
    release();
    const values = await Promise.all(waiting);
    expect(calls).toBe(1);
    expect(new Set(values)).toEqual(new Set(['list']));
    expect(await cache.load('k', loader)).toBe('list');
    expect(calls).toBe(1);
    c.advance(1_000);
    await cache.load('k', loader);
    expect(calls).toBe(2);
  });

  it('does not cache a failed load, and retries on the next call', async () => {
    const cache = new ExpiringCache<string, string>({ maxEntries: 4, now: clock().now });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('offline');
    };
    const both = [cache.load('k', failing), cache.load('k', failing)];
    for (const p of both) await expect(p).rejects.toThrow('offline');
    expect(calls).toBe(1);
    await expect(cache.load('k', async () => ({ value: 'ok', expiresAt: 5_000 }))).resolves.toBe('ok');
  });

  it('refuses a bad bound or clock', () => {
    expect(() => new ExpiringCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ExpiringCache({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => new ExpiringCache({ maxEntries: 1, now: 5 as unknown as () => number })).toThrow(TypeError);
  });
});

describe('RepeatCache', () => {
  it('keeps a value only when its key is offered a second time', () => {
    const cache = new RepeatCache<string, number>(2, 4);
    expect(cache.offer('a', 1)).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.offer('a', 2)).toBe(true);
    expect(cache.get('a')).toBe(2);
  });

  it('is bounded on both sides: values least recently used first, and the keys met once', () => {
    const cache = new RepeatCache<string, number>(2, 2);
    for (const k of ['a', 'b', 'c']) {
      cache.offer(k, 0);
      cache.offer(k, 1);
    }
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c')]).toEqual([1, 1]);
    // 'x' and 'y' push 'z' out of the keys met once: 'z' offered again is not kept.
    cache.offer('z', 0);
    cache.offer('x', 0);
    cache.offer('y', 0);
    expect(cache.offer('z', 1)).toBe(false);
    cache.delete('b');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.offer('b', 2)).toBe(false);
  });
});
