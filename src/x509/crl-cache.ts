/**
 * Fetching and caching CRLs by distribution point (RFC 5280 §4.2.1.13 cRLDistributionPoints,
 * §6.3.3 CRL processing; ISO/IEC 18013-5 2nd edition Annex B.2 CRL profile). shomei never
 * opens a socket: the transport is the caller's (`fetch`), and {@link crlTransportFromFetch}
 * turns a `fetch`-like function into one.
 *
 * - Keyed by distribution point URI (and the issuing CA's key and name, which decide whether
 *   the CRL verifies), bounded (`maxEntries`, least recently used evicted first).
 * - A CRL is kept until its nextUpdate at the latest (and at most `maxAgeSeconds`), never
 *   after: an expired CRL is refused with `CRL_EXPIRED`, not used.
 * - Single-flight: concurrent validations that need one URI share one fetch.
 * - Checked before it is kept: it parses, and its issuer name, authorityKeyIdentifier,
 *   signature and scope pass `checkCrlIssuer` against the CA. A CRL that fails is not kept as
 *   a CRL: the failure is, for `failureTtlSeconds`, which can never exceed how long a good
 *   CRL is kept, so a dead or hostile server is not asked again by every verification.
 */
import { readCapped } from '../internal/stream.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions } from '../crypto/types.js';
import { ExpiringCache } from '../internal/cache.js';
import { equalBytes, toHex } from '../internal/bytes.js';
import type { Certificate } from './certificate.js';
import { type CertificateList, CrlProblem, checkCrlIssuer, MAX_CRL_SIZE, parseCrl } from './crl.js';

/** A CRL transport: the bytes at `uri`, or undefined when there is no CRL there. May throw. */
export type CrlTransport = (uri: string) => Promise<Uint8Array | undefined>;

/** Longest distribution point URI fetched, in characters. */
export const MAX_CRL_URI_LENGTH = 2048;

/** Options of {@link CrlCache}. */
export interface CrlCacheOptions {
  /** The transport: how a CRL is fetched (for HTTP, {@link crlTransportFromFetch}). */
  readonly fetch: CrlTransport;
  /** Most CRLs (and failures) kept; default 256. */
  readonly maxEntries?: number;
  /** Longest a CRL is kept even when its nextUpdate is later, in seconds; default 86400. */
  readonly maxAgeSeconds?: number;
  /** How long a failure (fetch, parse, signature, expired…) is remembered, in seconds; default 60, at most `maxAgeSeconds`. */
  readonly failureTtlSeconds?: number;
  /** The clock in ms since the epoch; `Date.now` by default. */
  readonly now?: () => number;
}

/** The outcome of {@link CrlCache.lookup}: a CRL checked against the CA, or the named reason there is none. */
export type CrlLookup =
  | { readonly ok: true; readonly uri: string; readonly crl: CertificateList; readonly fetchedAt: Date }
  | { readonly ok: false; readonly uri: string; readonly problem: CrlProblem; readonly detail: string; readonly fetchedAt: Date };

/**
 * A bounded, expiring, single-flight cache of CRLs by distribution point, for
 * `verifyChain` / `verifyIssuerChain` / `verifyDeviceResponse` (`crlCache` option). One
 * instance can serve any number of concurrent verifications.
 * @example
 * const crlCache = new CrlCache({ fetch: crlTransportFromFetch(fetch) });
 * const report = await verifyIssuerChain(x5chain, { anchors, crlCache, requireRevocationCheck: true });
 */
export class CrlCache {
  readonly #fetch: CrlTransport;
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  readonly #failureMs: number;
  readonly #cache: ExpiringCache<string, CrlLookup>;
  #fetches = 0;

  constructor(options: CrlCacheOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (typeof options.fetch !== 'function') throw new TypeError('options.fetch must be a function (uri) => Promise<Uint8Array | undefined>');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('options.now must be a function');
    const maxAge = options.maxAgeSeconds ?? 86_400;
    const failure = options.failureTtlSeconds ?? Math.min(60, maxAge);
    if (typeof maxAge !== 'number' || !(maxAge > 0) || !Number.isFinite(maxAge)) throw new RangeError('options.maxAgeSeconds must be a positive number');
    if (typeof failure !== 'number' || !(failure >= 0) || failure > maxAge) throw new RangeError('options.failureTtlSeconds must be a number from 0 to maxAgeSeconds');
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
    this.#maxAgeMs = maxAge * 1000;
    this.#failureMs = failure * 1000;
    this.#cache = new ExpiringCache({ maxEntries: options.maxEntries ?? 256, now: this.#now });
  }

  /** How many times the transport has been called (for monitoring). */
  get fetchCount(): number {
    return this.#fetches;
  }

  /** The number of entries held (CRLs and remembered failures). */
  get size(): number {
    return this.#cache.size;
  }

  /** Forget everything. */
  clear(): void {
    this.#cache.clear();
  }

  /**
   * The CRL at `uri` issued by `issuer`: from the cache while it is current, else fetched
   * (once, however many callers wait), parsed and checked against `issuer`. Never throws for
   * what the transport or the server does: a failure is a `{ ok: false, problem }`.
   * @throws TypeError for a `uri` that is not a string or an `issuer` that is not a certificate.
   */
  lookup(uri: string, issuer: Certificate, options: BackendOptions = {}): Promise<CrlLookup> {
    if (typeof uri !== 'string') throw new TypeError('uri must be a string');
    if (typeof issuer !== 'object' || issuer === null || !(issuer.spki instanceof Uint8Array)) throw new TypeError('issuer must be a parsed certificate');
    const backend = resolveBackend(options);
    const key = `${uri}\n${issuerKey(issuer)}`;
    return this.#cache.load(key, async () => {
      const started = this.#now();
      const fail = (problem: CrlProblem, detail: string) => ({
        value: { ok: false as const, uri, problem, detail, fetchedAt: new Date(started) },
        expiresAt: started + this.#failureMs,
      });
      if (uri.length > MAX_CRL_URI_LENGTH) return fail(CrlProblem.CRL_FETCH, `CRL URI longer than ${MAX_CRL_URI_LENGTH} characters`);
      this.#fetches++;
      let bytes: Uint8Array | undefined;
      try {
        bytes = await this.#fetch(uri);
      } catch (e) {
        return fail(CrlProblem.CRL_FETCH, `fetch of ${uri} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (bytes === undefined) return fail(CrlProblem.CRL_FETCH, `no CRL at ${uri}`);
      if (!(bytes instanceof Uint8Array)) return fail(CrlProblem.CRL_FETCH, `the transport did not return bytes for ${uri}`);
      let crl: CertificateList;
      try {
        crl = parseCrl(bytes);
      } catch (e) {
        return fail(CrlProblem.CRL_PARSE, `CRL from ${uri} does not parse: ${(e as Error).message}`);
      }
      const problem = await checkCrlIssuer(crl, issuer, backend);
      if (problem !== null) return fail(problem.problem, `CRL from ${uri}: ${problem.reason}`);
      const now = this.#now();
      const nextUpdate = crl.nextUpdate!.getTime();
      if (nextUpdate <= now) return fail(CrlProblem.CRL_EXPIRED, `CRL from ${uri} is stale: nextUpdate ${crl.nextUpdate!.toISOString()}`);
      return { value: { ok: true as const, uri, crl, fetchedAt: new Date(started) }, expiresAt: Math.min(nextUpdate, now + this.#maxAgeMs) };
    });
  }
}

/** Each issuer's part of the cache key, made once per certificate object while its bytes stay the same. */
const issuerKeys = new WeakMap<Certificate, { readonly spki: Uint8Array; readonly subject: Uint8Array; readonly key: string }>();

function issuerKey(issuer: Certificate): string {
  const known = issuerKeys.get(issuer);
  if (known !== undefined && equalBytes(known.spki, issuer.spki) && equalBytes(known.subject, issuer.subject.der)) return known.key;
  const key = `${toHex(issuer.spki)}\n${toHex(issuer.subject.der)}`;
  issuerKeys.set(issuer, { spki: issuer.spki.slice(), subject: issuer.subject.der.slice(), key });
  return key;
}

/** The parts of a `fetch` Response that {@link crlTransportFromFetch} reads. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly body?: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch`-like function (`globalThis.fetch` fits). */
export type FetchLike = (url: string, init?: { signal?: AbortSignal; redirect?: 'follow' | 'error' | 'manual' }) => Promise<FetchResponseLike>;

/** Options of {@link crlTransportFromFetch}. */
export interface CrlTransportOptions {
  /** Largest CRL read, in bytes; default 8 MiB (at most `MAX_CRL_SIZE`). A larger response is refused. */
  readonly maxBytes?: number;
  /** Abort a fetch after this many ms (needs `AbortSignal.timeout`); default none. */
  readonly timeoutMs?: number;
}

/**
 * Turn a `fetch`-like function into a {@link CrlTransport} for http(s) distribution points:
 * other schemes (ldap:…) and non-2xx answers throw (reported as `CRL_FETCH`); the body is
 * read up to `maxBytes` and no further.
 * @example
 * const crlCache = new CrlCache({ fetch: crlTransportFromFetch(fetch, { timeoutMs: 5000 }) });
 */
export function crlTransportFromFetch(fetchLike: FetchLike, options: CrlTransportOptions = {}): CrlTransport {
  if (typeof fetchLike !== 'function') throw new TypeError('fetch must be a function');
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_CRL_SIZE) throw new RangeError(`options.maxBytes must be an integer from 1 to ${MAX_CRL_SIZE}`);
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1)) throw new RangeError('options.timeoutMs must be a positive integer');
  return async (uri) => {
    if (!/^https?:\/\//i.test(uri)) throw new Error(`not an http(s) distribution point: ${uri.slice(0, 80)}`);
    const signal = timeoutMs !== undefined && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : undefined;
    const response = await fetchLike(uri, signal === undefined ? {} : { signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${uri}`);
    if (response.body === undefined || response.body === null) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > maxBytes) throw new Error(`CRL from ${uri} is larger than ${maxBytes} bytes`);
      return bytes;
    }
    return readCapped(response.body, maxBytes, () => new Error(`CRL from ${uri} is larger than ${maxBytes} bytes`));
  };
}
