/**
 * A bounded cache of values that expire, with single-flight loading: the one cache that
 * revocation data (CRLs, status list tokens, OCSP responses) and per-key verification
 * decisions share. Internal, never exported.
 *
 * - Bounded: at most `maxEntries` values; the least recently used one is evicted first.
 * - Expiring: each value carries the instant (ms since the epoch) after which it is no
 *   longer returned. The clock is the caller's (`now`), so tests never read the wall clock.
 * - Single-flight: while a load for a key is in flight, every other `load` of that key waits
 *   for the same promise, so a thousand concurrent verifications fetch a list once. A load
 *   that rejects is not cached: every waiter sees the rejection, and the next call retries.
 *
 * Keys must already include everything that decides the answer (the bytes or URI, and the
 * crypto backend where a verdict depends on it): the cache never looks inside values.
 */

/** What a loader returns: the value, and the instant (ms) after which it must not be used. */
export interface Expiring<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export interface ExpiringCacheOptions {
  /** The most values kept (≥ 1). */
  readonly maxEntries: number;
  /** The clock in ms since the epoch; `Date.now` by default. */
  readonly now?: () => number;
}

export class ExpiringCache<K, V> {
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<K, Expiring<V>>();
  readonly #inflight = new Map<K, Promise<V>>();

  constructor(options: ExpiringCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError('options.maxEntries must be a positive integer');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('options.now must be a function');
    this.#max = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The number of values held (expired ones included until they are next looked at). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key` when held and not expired; marks it as recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keep `value` until `expiresAt` (ms); a value already expired is not kept. */
  set(key: K, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    if (!(expiresAt > this.#now())) return;
    this.#entries.set(key, { value, expiresAt });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as K;
      this.#entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  /**
   * The cached value for `key`, or the result of `loader` (called at most once at a time
   * per key, however many callers wait), kept until its `expiresAt`.
   */
  load(key: K, loader: () => Promise<Expiring<V>>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    const promise: Promise<V> = new Promise<Expiring<V>>((resolve) => resolve(loader())).then(
      (loaded) => {
        this.#inflight.delete(key);
        this.set(key, loaded.value, loaded.expiresAt);
        return loaded.value;
      },
      (error: unknown) => {
        this.#inflight.delete(key);
        throw error;
      },
    );
    this.#inflight.set(key, promise);
    return promise;
  }
}

/**
 * A bounded LRU of values that keeps a value only when its key is offered a second time
 * (the ids of keys offered once are remembered in a second, larger LRU). For imported public
 * keys: a verifier sees the same document-signer keys again and again, but almost every
 * device key once, and a key object kept for hundreds of verifications outlives the young
 * generation, so freeing it costs a full collection, more than the import it might save.
 */
export class RepeatCache<K, V> {
  readonly #values: ExpiringCache<K, V>;
  readonly #seen: ExpiringCache<K, true>;

  /** `maxEntries` values at most, and the ids of `maxSeen` keys offered once. */
  constructor(maxEntries: number, maxSeen: number) {
    this.#values = new ExpiringCache({ maxEntries });
    this.#seen = new ExpiringCache({ maxEntries: maxSeen });
  }

  /** The value kept for `key` (marked recently used), or undefined. */
  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  /** Offer `value` for `key`: kept when the key was offered before, else only the key is remembered. True when kept. */
  offer(key: K, value: V): boolean {
    if (this.#seen.get(key) === undefined) {
      this.#seen.set(key, true, Number.POSITIVE_INFINITY);
      return false;
    }
    this.#values.set(key, value, Number.POSITIVE_INFINITY);
    return true;
  }

  /** Forget `key` (its value, and that it was offered). */
  delete(key: K): void {
    this.#values.delete(key);
    this.#seen.delete(key);
  }
}
