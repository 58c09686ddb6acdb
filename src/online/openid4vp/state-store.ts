/**
 * The verifier's store of pending OpenID4VP requests (OpenID4VP 1.0 §14.1, §13.3): each
 * request's `nonce`, `state`, response decryption key and query live here from the
 * Authorization Request until the one answer that consumes them. A server with several
 * processes backs {@link OpenId4VpStateStore} with its database; {@link MemoryStateStore}
 * is the single-process default, bounded in size and with expiry.
 *
 * How the verifier uses it: `get` reads the request to serve its `request_uri` and to verify
 * an answer against; only an answer that verifies is then consumed with `take`. Single use is
 * that `take`: it must remove and return the record atomically (a `DELETE … RETURNING`, a
 * Redis `GETDEL`), so that of two valid answers verified concurrently only one is accepted.
 * An answer that does not verify never reaches `take`, so it cannot cancel the request.
 */

/** One pending request, as a plain JSON value (a database stores `JSON.stringify(record)`). */
export interface OpenId4VpTransaction {
  /** The request id: also the `state` sent, and the `kid` of the response encryption key. */
  readonly id: string;
  /** The Request Object claims (without `wallet_nonce`, added per fetch). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The response decryption key as a private JWK (`direct_post.jwt`), and the `enc` values offered. */
  readonly encryption?: { readonly jwk: { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string; readonly d: string }; readonly encValues: readonly string[] };
  /** Where the verifier sends the user after a same-device `direct_post` (returned as `redirect_uri`). */
  readonly walletRedirectUri?: string;
  /** The `request_uri_method` the request was made for, when passed by reference. */
  readonly requestUriMethod?: 'get' | 'post';
  /** Creation time, milliseconds since the epoch. */
  readonly createdAt: number;
}

/**
 * Where a verifier keeps its pending requests. Every method may be async.
 *
 * The verifier reads a request with `get` (to serve its `request_uri`, and to verify an answer
 * against it) and removes it with `take` only once an answer has verified; an answer that
 * fails, or a wallet error response, leaves it in place until it expires. A store therefore
 * needs no compare-and-delete of its own: `take` being atomic is what makes each request
 * accepted at most once.
 */
export interface OpenId4VpStateStore {
  /** Keep `record` under `id` until `expiresAt` (milliseconds since the epoch). */
  put(id: string, record: OpenId4VpTransaction, expiresAt: number): Promise<void> | void;
  /** The record under `id`, unless absent or expired; does not consume it (serving a `request_uri`, verifying an answer). */
  get(id: string): Promise<OpenId4VpTransaction | undefined> | OpenId4VpTransaction | undefined;
  /**
   * Remove and return the record under `id`, atomically: of two concurrent takes, one gets
   * undefined. Called only for an answer that verified.
   */
  take(id: string): Promise<OpenId4VpTransaction | undefined> | OpenId4VpTransaction | undefined;
}

/** Options of {@link MemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** The most pending requests kept; the oldest is dropped beyond it (default 10 000). */
  readonly maxEntries?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * The in-memory store: a Map with expiry, bounded by `maxEntries` (oldest dropped first).
 * All its operations are synchronous, so `take` is atomic within the process.
 */
export class MemoryStateStore implements OpenId4VpStateStore {
  readonly #entries = new Map<string, { record: OpenId4VpTransaction; expiresAt: number }>();
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: MemoryStateStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
    this.#max = max;
    this.#now = options.now ?? Date.now;
  }

  /** How many requests are pending (expired ones included until they are swept). */
  get size(): number {
    return this.#entries.size;
  }

  put(id: string, record: OpenId4VpTransaction, expiresAt: number): void {
    if (typeof id !== 'string' || id === '') throw new TypeError('id must be a non-empty string');
    this.#entries.delete(id);
    if (this.#entries.size >= this.#max) this.#sweep();
    while (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(id, { record, expiresAt });
  }

  get(id: string): OpenId4VpTransaction | undefined {
    const e = this.#entries.get(id);
    if (e === undefined) return undefined;
    if (e.expiresAt <= this.#now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return e.record;
  }

  take(id: string): OpenId4VpTransaction | undefined {
    const record = this.get(id);
    this.#entries.delete(id);
    return record;
  }

  /** Drop the expired entries at the front (oldest first; stops at the first live one, so amortised O(1)). */
  #sweep(): void {
    const now = this.#now();
    for (const [id, e] of this.#entries) {
      if (e.expiresAt > now) break;
      this.#entries.delete(id);
    }
  }
}
