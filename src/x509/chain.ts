/**
 * Certification path building and validation, RFC 5280 §6.1 (basic path validation) and
 * §6.3 (CRL processing), returning a report of named checks.
 *
 * - Paths are built from the leaf through the given intermediates to one of the caller's
 *   trust anchors by issuer/subject name (byte-exact DER first, RFC 5280 §7.1 matching
 *   second), preferring candidates whose subjectKeyIdentifier equals the child's
 *   authorityKeyIdentifier. Several same-named anchors (JPKI roots) are told apart by
 *   key identifier and then by signature: the first path whose checks all pass wins.
 * - Every signature is verified over the received TBSCertificate bytes with the CryptoBackend.
 * - The search is bounded: at most {@link MAX_INTERMEDIATES} intermediates are considered,
 *   at most {@link MAX_PATH_LENGTH} certificates per path, {@link MAX_CANDIDATE_PATHS}
 *   complete paths and 512 candidate visits, so a hostile set of intermediates cannot blow
 *   it up. Issuers are found through an index keyed by each subject's RFC 5280 §7.1 name key
 *   (each name normalised once, at most 64 attributes per name: see `name.ts`), and each
 *   certificate's candidate list is computed once per search: name work is linear in the
 *   names given, and at most (intermediates + anchors) lookups are made.
 * - Revocation (which may call the caller's `fetchCrl` with a certificate's URIs) and profile
 *   checks run only on a path whose names, signatures and validity passed; otherwise they
 *   are reported as `skipped`.
 * - Chain checks (signature, validity, name chaining, basic constraints, key usage, path
 *   length, critical extensions, revocation) can never be waived; only the checks of a
 *   profile (ISO 18013-5 Annex B…) can, by id, and the report shows them as `waived`.
 */
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, CryptoBackend } from '../crypto/types.js';
import { X509Error, type X509ErrorCode } from '../errors.js';
import { equalBytes, toHex } from '../internal/bytes.js';
import { loadOnce } from '../internal/once.js';
import { type Certificate, toCertificate } from './certificate.js';
import type { CertificateList } from './crl.js';
import { CRL_PROFILE_CHECK_IDS } from './crl-profile.js';
import type { CrlCache } from './crl-cache.js';
import { UNDERSTOOD_EXTENSIONS } from './extensions.js';
import { malformedFinding } from './findings.js';
import { namesMatch, nameKey } from './name.js';
import { ExtensionOid } from './oids.js';
import { verifySignedData, verifySignedDataOrThrow, type X509PublicKey } from './signature.js';

/** Ids of the chain checks: none of them can be waived. */
export const ChainCheck = {
  /** A path from the leaf to one of the trust anchors exists. `ERR_X509_UNTRUSTED`. */
  TRUST_ANCHOR: 'TRUST_ANCHOR',
  /** Each certificate's issuer name matches the next one's subject (RFC 5280 §6.1.3 (a)(4)). */
  NAME_CHAINING: 'NAME_CHAINING',
  /** Each signature verifies with the next certificate's key (§6.1.3 (a)(1)). `ERR_X509_SIGNATURE`. */
  SIGNATURE: 'SIGNATURE',
  /** Every certificate, the anchor included, is valid at the validation time (§6.1.3 (a)(2)). `ERR_X509_VALIDITY`. */
  VALIDITY: 'VALIDITY',
  /** Every issuer is a CA: basicConstraints cA = TRUE (§6.1.4 (k)). */
  BASIC_CONSTRAINTS: 'BASIC_CONSTRAINTS',
  /** Every issuer's keyUsage, when present, asserts keyCertSign (§6.1.4 (n)). */
  KEY_USAGE: 'KEY_USAGE',
  /** No pathLenConstraint is exceeded (§6.1.4 (l), (m)). */
  PATH_LENGTH: 'PATH_LENGTH',
  /** No certificate below the anchor has a critical extension shomei does not process, or one whose value does not decode (§6.1.4 (o)). */
  CRITICAL_EXTENSIONS: 'CRITICAL_EXTENSIONS',
  /** Every name below each CA is within its nameConstraints (§6.1.3 (b)(c), §6.1.4 (g)); the anchor's only with `anchorNameConstraints`. `ERR_X509_NAME_CONSTRAINTS`. */
  NAME_CONSTRAINTS: 'NAME_CONSTRAINTS',
  /** No certificate below the anchor is on a usable CRL (§6.3). `ERR_X509_REVOKED` / `ERR_X509_CRL`. */
  REVOCATION: 'REVOCATION',
} as const;
export type ChainCheck = (typeof ChainCheck)[keyof typeof ChainCheck];

const CHAIN_CHECK_IDS: ReadonlySet<string> = new Set(Object.values(ChainCheck));
/** The chain checks a path must pass before anything is done with what its certificates say (CRL URIs, profiles). */
const SOUNDNESS_CHECKS: ReadonlySet<string> = new Set([ChainCheck.TRUST_ANCHOR, ChainCheck.NAME_CHAINING, ChainCheck.SIGNATURE, ChainCheck.VALIDITY]);

/** Most certificates in a path, leaf and anchor included. */
export const MAX_PATH_LENGTH = 8;
/** Most complete candidate paths evaluated. */
export const MAX_CANDIDATE_PATHS = 8;
/** Most intermediates considered (the rest are ignored). */
export const MAX_INTERMEDIATES = 32;
const MAX_SEARCH_STEPS = 512;

/** The outcome of one check. */
export type CheckStatus = 'passed' | 'failed' | 'waived' | 'skipped';

/** One named check in a report. `code` is the error a failure (or waived failure) maps to. */
export interface X509Check {
  readonly id: string;
  readonly status: CheckStatus;
  readonly detail?: string;
  readonly code?: X509ErrorCode;
}

/** The result of a chain validation. `valid` is true only when no check failed. */
export interface ChainReport {
  readonly valid: boolean;
  /** The path checked, leaf first and anchor last; just the leaf when no path was found. */
  readonly path: readonly Certificate[];
  /** The trust anchor the path ends at, or null. */
  readonly anchor: Certificate | null;
  readonly checks: readonly X509Check[];
}

/** What a profile's checks see. `issuer` is the leaf's direct issuer (the anchor in a two-certificate path). */
export interface ProfileContext {
  readonly leaf: Certificate;
  readonly issuer: Certificate;
  readonly anchor: Certificate;
  readonly path: readonly Certificate[];
  readonly now: Date;
  readonly backend: CryptoBackend;
}

/** The result of one profile check. */
export interface ProfileCheckResult {
  readonly id: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** A named set of waivable checks run on a validated path (ISO 18013-5 Annex B, JPKI…). */
export interface CertificateProfile {
  readonly name: string;
  /** Every id `run` may report, in report order. */
  readonly checkIds: readonly string[];
  run(context: ProfileContext): Promise<readonly ProfileCheckResult[]>;
}

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions extends BackendOptions {
  /** The trust anchors: certificates (or their DER). Nothing is trusted implicitly. */
  readonly anchors: readonly (Certificate | Uint8Array)[];
  /** Untrusted certificates that may complete the path. A copy of an anchor among them is recognised and ignored. */
  readonly intermediates?: readonly (Certificate | Uint8Array)[];
  /** Validation time; defaults to now. */
  readonly now?: Date;
  /** Tolerance applied to every validity and CRL time comparison, in seconds (default 0). */
  readonly clockSkewSeconds?: number;
  /** CRLs to consult: parsed (`parseCrl`, once, for a CRL used by many validations), or DER/PEM bytes, parsed on every call. */
  readonly crls?: readonly (CertificateList | Uint8Array)[];
  /** Called with a certificate's cRLDistributionPoints URIs when no given CRL covers it; shomei never fetches itself. */
  readonly fetchCrl?: (uri: string) => Promise<Uint8Array | undefined>;
  /** A shared CRL cache that fetches by distribution point through the caller's transport (see `CrlCache`); used like `fetchCrl`, before it. */
  readonly crlCache?: CrlCache;
  /** Apply the trust anchor's own nameConstraints extension too (RFC 5280 §6.1.1 trust anchor constraints); default false. */
  readonly anchorNameConstraints?: boolean;
  /** When true, a certificate for which no CRL is available fails REVOCATION (`ERR_X509_CRL`) instead of skipping it. */
  readonly requireRevocationCheck?: boolean;
  /** Profile checks to run on the path found. */
  readonly profile?: CertificateProfile;
  /** Ids of profile checks (and of the CRL profile checks, `CrlProfileCheck`) to waive. Chain checks cannot be waived (`RangeError`). */
  readonly waive?: readonly string[];
  /** Throw the first failure as an X509Error instead of returning an invalid report. */
  readonly strict?: boolean;
}

function validateOptions(options: VerifyChainOptions): { now: Date; skewMs: number; waive: ReadonlySet<string> } {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (!Array.isArray(options.anchors)) throw new TypeError('options.anchors must be an array of certificates');
  if (options.intermediates !== undefined && !Array.isArray(options.intermediates)) throw new TypeError('options.intermediates must be an array');
  if (options.crls !== undefined && !Array.isArray(options.crls)) throw new TypeError('options.crls must be an array');
  if (options.fetchCrl !== undefined && typeof options.fetchCrl !== 'function') throw new TypeError('options.fetchCrl must be a function');
  if (options.crlCache !== undefined && typeof options.crlCache?.lookup !== 'function') throw new TypeError('options.crlCache must be a CrlCache');
  if (options.anchorNameConstraints !== undefined && typeof options.anchorNameConstraints !== 'boolean') throw new TypeError('options.anchorNameConstraints must be a boolean');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('options.now must be a valid Date');
  const skew = options.clockSkewSeconds ?? 0;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new RangeError('options.clockSkewSeconds must be a non-negative number');
  const waive = new Set<string>();
  for (const id of options.waive ?? []) {
    if (typeof id !== 'string') throw new TypeError('options.waive must list check ids');
    if (CHAIN_CHECK_IDS.has(id)) throw new RangeError(`check ${id} is a chain check and cannot be waived`);
    if ((CRL_PROFILE_CHECK_IDS as readonly string[]).includes(id)) {
      waive.add(id);
      continue;
    }
    if (options.profile === undefined || !options.profile.checkIds.includes(id)) {
      throw new RangeError(`check ${id} is not a check of ${options.profile ? `profile ${options.profile.name}` : 'this validation (no profile given)'}`);
    }
    waive.add(id);
  }
  return { now, skewMs: skew * 1000, waive };
}

/** A certificate for a check's detail: its subject, or its serial number (internal). */
export function describe(cert: Certificate): string {
  return cert.subject.text || `(empty subject, serial ${cert.serialNumber})`;
}

/**
 * The issuer-name index of one path search (internal): every anchor and intermediate by the
 * RFC 5280 §7.1 key of its subject, so finding the candidates for a certificate is one map
 * lookup, and each certificate's candidate list is computed once per search.
 */
class IssuerIndex {
  readonly #bySubject = new Map<string, { c: Certificate; anchor: boolean; order: number }[]>();
  readonly #memo = new Map<Certificate, Certificate[]>();

  constructor(anchors: readonly Certificate[], intermediates: readonly Certificate[]) {
    let order = 0;
    for (const [list, anchor] of [
      [anchors, true],
      [intermediates, false],
    ] as const) {
      for (const c of list) {
        const key = nameKey(c.subject);
        let bucket = this.#bySubject.get(key);
        if (bucket === undefined) this.#bySubject.set(key, (bucket = []));
        bucket.push({ c, anchor, order: order++ });
      }
    }
  }

  /** Issuer candidates for `cert`, best first: exact names, then matching key identifiers, then anchors. */
  candidates(cert: Certificate): Certificate[] {
    const hit = this.#memo.get(cert);
    if (hit !== undefined) return hit;
    const aki = cert.authorityKeyIdentifier?.keyIdentifier ?? null;
    const scored = (this.#bySubject.get(nameKey(cert.issuer)) ?? []).map(({ c, anchor, order }) => {
      const exact = equalBytes(c.subject.der, cert.issuer.der);
      const ski = c.subjectKeyIdentifier?.keyIdentifier ?? null;
      const keyScore = aki === null || ski === null ? 1 : equalBytes(aki, ski) ? 0 : 2;
      return { c, score: (exact ? 0 : 8) + keyScore * 2 + (anchor ? 0 : 1), order };
    });
    scored.sort((a, b) => a.score - b.score || a.order - b.order);
    const out = scored.map((s) => s.c);
    this.#memo.set(cert, out);
    return out;
  }
}

/**
 * Complete candidate paths from `leaf` to an anchor, best first (internal, bounded): at most
 * {@link MAX_CANDIDATE_PATHS} paths of at most {@link MAX_PATH_LENGTH} certificates, and
 * at most `MAX_SEARCH_STEPS` candidate visits in all.
 */
function buildPaths(leaf: Certificate, anchors: readonly Certificate[], intermediates: readonly Certificate[]): Certificate[][] {
  // A leaf that is itself an anchor is a path of one, tried after any path through an issuer:
  // a trust list that also holds leaf certificates must not hide the real chain.
  const same = anchors.find((a) => equalBytes(a.der, leaf.der));
  const anchorSet = new Set(anchors);
  const index = new IssuerIndex(anchors, intermediates);
  const paths: Certificate[][] = [];
  let steps = 0;
  const walk = (path: Certificate[]): void => {
    const cert = path[path.length - 1]!;
    for (const cand of index.candidates(cert)) {
      if (paths.length >= MAX_CANDIDATE_PATHS || ++steps > MAX_SEARCH_STEPS) return;
      if (path.includes(cand)) continue;
      if (anchorSet.has(cand)) {
        paths.push([...path, cand]);
      } else if (path.length + 2 <= MAX_PATH_LENGTH) {
        walk([...path, cand]);
      }
    }
  };
  walk([leaf]);
  if (same !== undefined) paths.push([same]);
  return paths;
}

/**
 * Certificate signature results, kept across calls: a server verifying many responses from
 * one issuer checks the DS and IACA signatures once. Keyed by the parsed certificates (the
 * parse cache hands out one object per certificate bytes) and by the backend that computed
 * the result, all held weakly, so the cache is bounded by the certificates and backends alive
 * and entries go when they do. Concurrent calls share one verification (single flight). A
 * verification the backend threw in is never kept: the next call tries again.
 */
const SIGNATURES = new WeakMap<Certificate, WeakMap<Certificate, WeakMap<CryptoBackend, SignatureEntry>>>();

interface SignatureEntry {
  readonly signed: Uint8Array;
  readonly key: Uint8Array;
  readonly result: Promise<boolean>;
}

function signatureValid(child: Certificate, issuer: Certificate, backend: CryptoBackend): Promise<boolean> {
  let byIssuer = SIGNATURES.get(child);
  if (byIssuer === undefined) SIGNATURES.set(child, (byIssuer = new WeakMap()));
  let byBackend = byIssuer.get(issuer);
  if (byBackend === undefined) byIssuer.set(issuer, (byBackend = new WeakMap()));
  const hit = byBackend.get(backend);
  // Reuse a result only while the bytes it was computed over are unchanged.
  if (hit !== undefined && equalBytes(hit.signed, child.der) && equalBytes(hit.key, issuer.spki)) return hit.result;
  if (!equalBytes(child.signatureAlgorithm.der, child.tbsSignatureAlgorithm.der)) return Promise.resolve(false);
  const cache = byBackend;
  const result: Promise<boolean> = verifySignedDataOrThrow(child.signatureAlgorithm, child.tbs, child.signature, issuer.publicKey, backend).catch(() => {
    // The backend failed (not the signature): forget this attempt, report it as not verified.
    if (cache.get(backend)?.result === result) cache.delete(backend);
    return false;
  });
  cache.set(backend, { signed: child.der.slice(), key: issuer.spki.slice(), result });
  return result;
}

function check(id: string, failures: string[], code: X509ErrorCode, passDetail?: string): X509Check {
  if (failures.length > 0) return { id, status: 'failed', detail: failures.join('; '), code };
  return passDetail === undefined ? { id, status: 'passed' } : { id, status: 'passed', detail: passDetail };
}

/** The name constraints code, loaded by the first path with a nameConstraints extension (Annex B forbids them in an IACA). */
const nameConstraintsModule = loadOnce(() => import('./name-constraints.js'));

/** NAME_CONSTRAINTS failures of `path`: none without a nameConstraints extension in a CA of the path (the anchor's only when asked). */
async function nameConstraintsOf(path: readonly Certificate[], includeAnchor: boolean): Promise<string[]> {
  const n = path.length - 1;
  const constrained = path.some((c, i) => i > 0 && (i < n || includeAnchor) && c.extensions.some((e) => e.oid === ExtensionOid.nameConstraints));
  return constrained ? (await nameConstraintsModule()).nameConstraintFailures(path, includeAnchor, describe) : [];
}

/** The chain checks of one complete path, RFC 5280 §6.1 (internal). */
async function coreChecks(path: readonly Certificate[], now: Date, skewMs: number, backend: CryptoBackend, anchorNameConstraints = false): Promise<X509Check[]> {
  const n = path.length - 1;
  const anchor = path[n]!;
  const trust: X509Check = { id: ChainCheck.TRUST_ANCHOR, status: 'passed', detail: `anchor ${describe(anchor)}` };

  const naming: string[] = [];
  let normalized = false;
  const sig: string[] = [];
  for (let i = 0; i < n; i++) {
    const child = path[i]!;
    const parent = path[i + 1]!;
    if (!equalBytes(child.issuer.der, parent.subject.der)) {
      if (namesMatch(child.issuer, parent.subject)) normalized = true;
      else naming.push(`issuer of ${describe(child)} is not ${describe(parent)}`);
    }
    if (!equalBytes(child.signatureAlgorithm.der, child.tbsSignatureAlgorithm.der)) {
      sig.push(`signatureAlgorithm of ${describe(child)} differs from its TBSCertificate signature field`);
    } else if (parent.publicKey === null) {
      sig.push(`key of ${describe(parent)} (${parent.publicKeyAlgorithm}) is not supported`);
    } else if (child.signatureAlgorithm.name === null) {
      sig.push(`signature algorithm ${child.signatureAlgorithm.oid} of ${describe(child)} is not supported`);
    } else if (!(await signatureValid(child, parent, backend))) {
      sig.push(`signature of ${describe(child)} does not verify with the key of ${describe(parent)}`);
    }
  }

  const t = now.getTime();
  const validity: string[] = [];
  for (const c of path) {
    if (c.notBefore.getTime() - skewMs > t) validity.push(`${describe(c)} is not valid before ${c.notBefore.toISOString()}`);
    else if (c.notAfter.getTime() + skewMs < t) validity.push(`${describe(c)} expired at ${c.notAfter.toISOString()}`);
  }

  const bc: string[] = [];
  const ku: string[] = [];
  const pl: string[] = [];
  for (let i = 1; i <= n; i++) {
    const c = path[i]!;
    const isAnchorCert = i === n;
    // An issuer's basicConstraints or keyUsage that does not decode cannot show it may sign certificates.
    if (malformedFinding(c.findings, ExtensionOid.basicConstraints) !== undefined) bc.push(`${describe(c)} basicConstraints does not decode`);
    else if (c.basicConstraints === null ? !isAnchorCert : !c.basicConstraints.cA) bc.push(`${describe(c)} is not a CA (basicConstraints cA)`);
    if (malformedFinding(c.findings, ExtensionOid.keyUsage) !== undefined) ku.push(`${describe(c)} keyUsage does not decode`);
    else if (c.keyUsage !== null && !c.keyUsage.usages.includes('keyCertSign')) ku.push(`${describe(c)} keyUsage lacks keyCertSign`);
    const limit = c.basicConstraints?.pathLen;
    if (limit !== null && limit !== undefined) {
      let below = 0;
      for (let j = 1; j < i; j++) if (!path[j]!.selfIssued) below++;
      if (below > limit) pl.push(`${describe(c)} allows ${limit} intermediate CA certificates below it, the path has ${below}`);
    }
  }

  const crit: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const ext of path[i]!.extensions) {
      if (!ext.critical) continue;
      if (!UNDERSTOOD_EXTENSIONS.has(ext.oid)) crit.push(`${describe(path[i]!)} has an unprocessed critical extension ${ext.oid}`);
      else if (malformedFinding(path[i]!.findings, ext.oid) !== undefined) crit.push(`${describe(path[i]!)} has a critical extension ${ext.oid} that does not decode`);
    }
  }

  return [
    trust,
    check(ChainCheck.NAME_CHAINING, naming, 'ERR_X509_UNTRUSTED', n === 0 ? 'the leaf is a trust anchor' : normalized ? 'names match under RFC 5280 §7.1 (not byte-exact)' : 'byte-exact'),
    check(ChainCheck.SIGNATURE, sig, 'ERR_X509_SIGNATURE', n === 0 ? 'no signature to check: the leaf is a trust anchor' : undefined),
    check(ChainCheck.VALIDITY, validity, 'ERR_X509_VALIDITY'),
    check(ChainCheck.BASIC_CONSTRAINTS, bc, 'ERR_X509_UNTRUSTED'),
    check(ChainCheck.KEY_USAGE, ku, 'ERR_X509_UNTRUSTED'),
    check(ChainCheck.PATH_LENGTH, pl, 'ERR_X509_UNTRUSTED'),
    check(ChainCheck.CRITICAL_EXTENSIONS, crit, 'ERR_X509_UNTRUSTED'),
    check(ChainCheck.NAME_CONSTRAINTS, await nameConstraintsOf(path, anchorNameConstraints), 'ERR_X509_NAME_CONSTRAINTS'),
  ];
}

function rank(checks: readonly X509Check[]): number {
  if (checks.every((c) => c.status !== 'failed')) return 0;
  return checks.find((c) => c.id === ChainCheck.SIGNATURE)?.status === 'failed' ? 2 : 1;
}

/** The CRL code, loaded by the first validation that has a revocation source. */
const revocationModule = loadOnce(() => import('./revocation.js'));

/** Revocation of every certificate below the anchor (internal). */
async function revocationCheck(
  path: readonly Certificate[],
  options: VerifyChainOptions,
  now: Date,
  skewMs: number,
  backend: CryptoBackend,
  waive: ReadonlySet<string>,
): Promise<X509Check[]> {
  const id = ChainCheck.REVOCATION;
  const required = options.requireRevocationCheck === true;
  if (path.length < 2) return [{ id, status: 'skipped', detail: 'the leaf is a trust anchor' }];
  if ((options.crls === undefined || options.crls.length === 0) && options.fetchCrl === undefined && options.crlCache === undefined) {
    return [
      required
        ? { id, status: 'failed', detail: 'no CRLs given and no fetchCrl', code: 'ERR_X509_CRL' }
        : { id, status: 'skipped', detail: 'no CRLs given and no fetchCrl' },
    ];
  }
  const { crlRevocationCheck } = await revocationModule();
  return crlRevocationCheck(path, options, now, skewMs, backend, waive);
}

async function profileChecks(profile: CertificateProfile, path: readonly Certificate[], now: Date, backend: CryptoBackend, waive: ReadonlySet<string>): Promise<X509Check[]> {
  const context: ProfileContext = { leaf: path[0]!, issuer: path[Math.min(1, path.length - 1)]!, anchor: path[path.length - 1]!, path, now, backend };
  const results = await profile.run(context);
  return results.map((r) => {
    if (r.ok) return r.detail === undefined ? { id: r.id, status: 'passed' } : { id: r.id, status: 'passed', detail: r.detail };
    const status = waive.has(r.id) ? 'waived' : 'failed';
    return { id: r.id, status, detail: r.detail ?? 'failed', code: 'ERR_X509_PROFILE' };
  });
}

/** Throw the first failed check of an invalid report as an X509Error (internal). */
export function throwIfInvalid(report: ChainReport): ChainReport {
  if (report.valid) return report;
  const failed = report.checks.find((c) => c.status === 'failed')!;
  throw new X509Error(failed.code ?? 'ERR_X509_UNTRUSTED', `${failed.id}: ${failed.detail ?? 'failed'}`, { check: failed.id });
}

/**
 * Validate a certification path from `leaf` to one of `options.anchors` and return a report
 * of named checks (see {@link ChainCheck}, plus the profile's). With `strict: true`, an
 * invalid result throws instead: `ERR_X509_UNTRUSTED`, `ERR_X509_SIGNATURE`,
 * `ERR_X509_VALIDITY`, `ERR_X509_REVOKED`, `ERR_X509_CRL` or `ERR_X509_PROFILE`, with `check`
 * naming the failed check.
 * @throws X509Error `ERR_X509_PARSE` when a given certificate does not parse.
 * @throws TypeError / RangeError for bad options, or a waiver of a chain check.
 * @example
 * const report = await verifyChain(ds, { anchors: [iaca], now: new Date('2020-10-01T13:30:02Z') });
 * report.valid; report.checks.find((c) => c.id === 'SIGNATURE')?.status // 'passed'
 */
export async function verifyChain(leaf: Certificate | Uint8Array, options: VerifyChainOptions): Promise<ChainReport> {
  const { now, skewMs, waive } = validateOptions(options);
  const backend = resolveBackend(options);
  const leafCert = toCertificate(leaf, 'leaf');
  const anchors = options.anchors.map((a) => toCertificate(a, 'anchor'));
  const intermediates = (options.intermediates ?? [])
    .slice(0, MAX_INTERMEDIATES)
    .map((c) => toCertificate(c, 'intermediate'))
    .filter((c) => !anchors.some((a) => equalBytes(a.der, c.der)) && !equalBytes(c.der, leafCert.der));

  const paths = buildPaths(leafCert, anchors, intermediates);
  const profileIds = options.profile?.checkIds ?? [];
  if (paths.length === 0) {
    const detail =
      anchors.length === 0
        ? 'no trust anchors given'
        : `no path from ${describe(leafCert)} to a trust anchor (issuer ${leafCert.issuer.text || '(empty)'}${leafCert.authorityKeyIdentifier?.keyIdentifier ? `, key ${toHex(leafCert.authorityKeyIdentifier.keyIdentifier)}` : ''})`;
    const checks: X509Check[] = [
      { id: ChainCheck.TRUST_ANCHOR, status: 'failed', detail, code: 'ERR_X509_UNTRUSTED' },
      ...[...CHAIN_CHECK_IDS].filter((id) => id !== ChainCheck.TRUST_ANCHOR).map((id): X509Check => ({ id, status: 'skipped', detail: 'no path' })),
      ...profileIds.map((id): X509Check => ({ id, status: 'skipped', detail: 'no path' })),
    ];
    return finish({ valid: false, path: [leafCert], anchor: null, checks }, options);
  }

  let best: { path: Certificate[]; checks: X509Check[]; rank: number } | undefined;
  for (const path of paths) {
    const checks = await coreChecks(path, now, skewMs, backend, options.anchorNameConstraints === true);
    const r = rank(checks);
    if (best === undefined || r < best.rank) best = { path, checks, rank: r };
    if (r === 0) break;
  }
  const { path, checks } = best!;
  // Revocation and profile checks run only on a path whose names, signatures and validity
  // hold: a certificate nobody trusted signed must not make the verifier fetch its CRL URIs.
  const unproven = checks.filter((c) => SOUNDNESS_CHECKS.has(c.id) && c.status === 'failed').map((c) => c.id);
  if (unproven.length > 0) {
    const detail = `not run: the path failed ${unproven.join(', ')}`;
    checks.push({ id: ChainCheck.REVOCATION, status: 'skipped', detail });
    for (const id of profileIds) checks.push({ id, status: 'skipped', detail });
  } else {
    checks.push(...(await revocationCheck(path, options, now, skewMs, backend, waive)));
    if (options.profile !== undefined) checks.push(...(await profileChecks(options.profile, path, now, backend, waive)));
  }
  const report: ChainReport = {
    valid: checks.every((c) => c.status !== 'failed'),
    path,
    anchor: path[path.length - 1]!,
    checks,
  };
  return finish(report, options);
}

/**
 * `report` (a valid report made without any revocation source) with its REVOCATION check made
 * afresh for `options`, on the same path, as `verifyChain` would make it (internal: the
 * mdoc chain cache reuses a path's verdict and checks revocation on every call).
 */
export async function withRevocation(report: ChainReport, options: VerifyChainOptions): Promise<ChainReport> {
  const { now, skewMs, waive } = validateOptions(options);
  const revocation = await revocationCheck(report.path, options, now, skewMs, resolveBackend(options), waive);
  const checks = report.checks.slice();
  // verifyChain gives every report it completes one REVOCATION check.
  const at = checks.findIndex((c) => c.id === ChainCheck.REVOCATION);
  if (at < 0) throw new Error('withRevocation: the report has no REVOCATION check');
  checks.splice(at, 1, ...revocation);
  return finish({ valid: checks.every((c) => c.status !== 'failed'), path: report.path, anchor: report.anchor, checks }, options);
}

function finish(report: ChainReport, options: VerifyChainOptions): ChainReport {
  const frozen: ChainReport = Object.freeze({
    valid: report.valid,
    path: Object.freeze([...report.path]),
    anchor: report.anchor,
    checks: Object.freeze(report.checks.map((c) => Object.freeze(c))),
  });
  return options.strict === true ? throwIfInvalid(frozen) : frozen;
}

/**
 * Verify `cert`'s signature with `issuer`'s key (a certificate or a public key), over the
 * received TBSCertificate. False when it does not verify, the algorithm or key is not
 * supported, or the outer and inner signature algorithms differ; never throws for bad data.
 */
export async function verifyCertificateSignature(cert: Certificate, issuer: Certificate | X509PublicKey, options: BackendOptions = {}): Promise<boolean> {
  const c = toCertificate(cert, 'cert');
  if (!('kty' in issuer)) return signatureValid(c, toCertificate(issuer, 'issuer'), resolveBackend(options));
  if (!equalBytes(c.signatureAlgorithm.der, c.tbsSignatureAlgorithm.der)) return false;
  return verifySignedData(c.signatureAlgorithm, c.tbs, c.signature, issuer, resolveBackend(options));
}
