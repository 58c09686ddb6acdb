/**
 * The per-DS decision of issuer data authentication (ISO/IEC 18013-5:2021 §9.3.3, Annex B
 * profile), made once and reused: a server verifying many responses from one issuer walks
 * the same IACA → DS chain every time, and only the time comparisons can change its verdict.
 *
 * - Only a valid chain report is kept. It is reused only when everything that decided it is
 *   the same: the crypto backend object (a custom or HSM backend never sees another's
 *   verdict), the x5chain (bytes by content; a parsed certificate, like each trust anchor, by
 *   object with its DER bytes compared on every use, so a certificate changed in place is a
 *   new one), and every other option. Any
 *   option that is not a plain value or a list of plain values (anything a later version
 *   adds) turns the cache off for that call.
 * - Revocation is never cached here: with `crls`, `fetchCrl`, `crlCache` or
 *   `requireRevocationCheck`, the kept verdict is the path's without them, and the REVOCATION
 *   check is made on every call (from the CrlCache's parsed, signature-checked CRL, a lookup).
 * - Time: the report is reused only while the validation time lies inside every path
 *   certificate's validity (with the clock skew), where the chain's VALIDITY check passes
 *   exactly as it did; outside it the chain is validated afresh (and fails).
 * - Invalid reports are never kept, so a failure is always recomputed.
 * - Bounded: at most {@link MAX_CHAINS} reports per backend, each for at most {@link TTL_MS}.
 */
import type { CryptoBackend } from '../crypto/types.js';
import { resolveBackend } from '../crypto/default.js';
import { ExpiringCache } from '../internal/cache.js';
import { binaryString, equalBytes } from '../internal/bytes.js';
import type { Certificate, ChainReport, VerifyX5ChainOptions } from '../x509/index.js';
import { withRevocation } from '../x509/chain.js';
import { verifyIssuerChain } from '../x509/profiles/mdoc.js';

/** Most chain reports kept per backend. */
export const MAX_CHAINS = 256;
/** Longest a chain report is kept (ms of the cache's clock). */
export const TTL_MS = 10 * 60_000;

interface Entry {
  readonly report: ChainReport;
  /** The validation times (ms) for which the report's VALIDITY check passes unchanged. */
  readonly from: number;
  readonly until: number;
}

const byBackend = new WeakMap<CryptoBackend, ExpiringCache<string, Entry>>();

/** A stable id per certificate object (an anchor, or a parsed chain certificate), kept with a copy of the DER it was given for. */
const objectIds = new WeakMap<object, { readonly id: number; readonly der: Uint8Array }>();
let nextObjectId = 0;

function objectId(cert: Certificate | Uint8Array): number | undefined {
  const der = cert instanceof Uint8Array ? cert : (cert as Partial<Certificate>)?.der;
  if (!(der instanceof Uint8Array) || typeof cert !== 'object') return undefined;
  const seen = objectIds.get(cert);
  if (seen !== undefined && equalBytes(seen.der, der)) return seen.id;
  const id = nextObjectId++;
  objectIds.set(cert, { id, der: der.slice() });
  return id;
}

const isPlain = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The cache key of one call, or undefined when something in it cannot be keyed (then nothing is cached). */
function cacheKey(x5chain: readonly (Certificate | Uint8Array)[], options: VerifyX5ChainOptions): string | undefined {
  const parts: string[] = [];
  // A parsed certificate is keyed by its object (parseCertificate hands out one object per
  // DER while it is cached), raw bytes by their content (each decode makes new views).
  for (const c of x5chain) {
    if (c instanceof Uint8Array) parts.push(binaryString(c));
    else {
      const id = objectId(c);
      if (id === undefined) return undefined;
      parts.push(`#${id}`);
    }
  }
  parts.push('|');
  if (!Array.isArray(options.anchors)) return undefined;
  for (const a of options.anchors) {
    const id = objectId(a);
    if (id === undefined) return undefined;
    parts.push(String(id));
  }
  for (const name of Object.keys(options).sort()) {
    if (name === 'anchors' || name === 'now' || name === 'backend') continue;
    const value: unknown = (options as unknown as Record<string, unknown>)[name];
    if (Array.isArray(value) ? !value.every(isPlain) : !isPlain(value)) return undefined;
    parts.push(`${name}=${JSON.stringify(value)}`);
  }
  return parts.join(',');
}

/**
 * `verifyIssuerChain(x5chain, options)`, reusing a valid report made earlier for the same
 * backend, chain, anchors and options while the validation time keeps every certificate of
 * its path valid (internal).
 */
export async function cachedIssuerChain(x5chain: readonly (Certificate | Uint8Array)[], options: VerifyX5ChainOptions): Promise<ChainReport> {
  const revocation = options.crls !== undefined || options.fetchCrl !== undefined || options.crlCache !== undefined || options.requireRevocationCheck !== undefined;
  if (!revocation || options.strict === true) return cachedPath(x5chain, options);
  // Revocation is checked on every call, on the path whose verdict was kept (chain.ts's
  // `withRevocation` puts the check where verifyChain would); a path that fails is validated
  // afresh with everything, so that its report is exactly verifyChain's. (The rest of the
  // options is built only here: an object rest pattern costs microseconds on Node 20.)
  const { crls: _crls, fetchCrl: _fetchCrl, crlCache: _crlCache, requireRevocationCheck: _required, ...rest } = options;
  const report = await cachedPath(x5chain, rest);
  return report.valid ? withRevocation(report, options) : verifyIssuerChain(x5chain, options);
}

/** {@link cachedIssuerChain} for options without a revocation source. */
async function cachedPath(x5chain: readonly (Certificate | Uint8Array)[], options: VerifyX5ChainOptions): Promise<ChainReport> {
  const key = cacheKey(x5chain, options);
  const now = options.now;
  if (key === undefined || !(now instanceof Date)) return verifyIssuerChain(x5chain, options);
  const backend = resolveBackend(options);
  let cache = byBackend.get(backend);
  if (cache === undefined) byBackend.set(backend, (cache = new ExpiringCache({ maxEntries: MAX_CHAINS })));
  const t = now.getTime();
  const hit = cache.get(key);
  if (hit !== undefined && hit.from <= t && t <= hit.until) return hit.report;
  const report = await verifyIssuerChain(x5chain, options);
  if (report.valid && report.path.length > 0) {
    const skewMs = (options.clockSkewSeconds ?? 0) * 1000;
    const from = Math.max(...report.path.map((c) => c.notBefore.getTime())) - skewMs;
    const until = Math.min(...report.path.map((c) => c.notAfter.getTime())) + skewMs;
    cache.set(key, { report, from, until }, Date.now() + TTL_MS);
  }
  return report;
}
