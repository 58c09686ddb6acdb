/**
 * The cache of verified MSO revocation list tokens (ISO/IEC 18013-5 2nd edition §12.3.6;
 * caching per draft-ietf-oauth-status-list §8.3 step 4d and §13.7): bounded, single-flight
 * (a thousand concurrent verifications that need one list fetch it once), and each token kept
 * no longer than the earliest of `exp`, the time it was fetched plus `ttl`, and its signer
 * certificate's notAfter. Give one cache to every verification that should share it.
 *
 * Entries are keyed by everything that decides the verdict: the kind of list, its URI, the
 * trust point its signer was checked against (an IACA, or the MSO's `certificate`), the crypto
 * backend that checked it, and the size limits. A failed fetch or verification is never kept.
 */

import { ExpiringCache, type Expiring } from '../../internal/cache.js';
import type { VerifiedStatusListToken } from './verify.js';

/** How to make a {@link StatusListCache}. */
export interface StatusListCacheOptions {
  /** The most tokens kept; default 256. */
  readonly maxEntries?: number;
  /** The clock, in ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/** A bounded, expiring, single-flight cache of verified status list tokens. */
export class StatusListCache {
  readonly #entries: ExpiringCache<string, VerifiedStatusListToken>;
  readonly #now: () => number;
  readonly #backendIds = new WeakMap<object, number>();
  #nextBackendId = 0;

  constructor(options: StatusListCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#entries = new ExpiringCache({ maxEntries: options.maxEntries ?? 256, now: this.#now });
  }

  /** The number of tokens held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forget every token (after a key compromise, say). */
  clear(): void {
    this.#entries.clear();
  }

  /** @internal The cache's clock. */
  now(): number {
    return this.#now();
  }

  /** @internal A stable number for a backend object, for keys. */
  backendId(backend: object): number {
    let id = this.#backendIds.get(backend);
    if (id === undefined) {
      id = this.#nextBackendId++;
      this.#backendIds.set(backend, id);
    }
    return id;
  }

  /** @internal The verified token for `key`, or `loader`'s, loaded once at a time. */
  load(key: string, loader: () => Promise<Expiring<VerifiedStatusListToken>>): Promise<VerifiedStatusListToken> {
    return this.#entries.load(key, loader);
  }
}
