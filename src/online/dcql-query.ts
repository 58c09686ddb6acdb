/**
 * Reading a DCQL query, the Digital Credentials Query Language of OpenID for Verifiable
 * Presentations 1.0 §6: the query (§6), Credential Queries (§6.1) with Trusted Authorities
 * Queries (§6.1.1), Credential Set Queries (§6.2), Claims Queries (§6.3) and claims path
 * pointers (§7, §7.2 for mdocs), with the `mso_mdoc` parameters of Appendix B.2.3 (`meta.doctype_value`)
 * and B.2.4 (`intent_to_retain`).
 *
 * Every validity rule of §6 is checked and a breach is an `ERR_ONLINE_MESSAGE` naming the
 * member (`path`, e.g. `dcql_query.credentials[0].claims[2].path`); unknown members are
 * ignored, as §6 requires ("Implementations MUST ignore any unknown properties"), and left
 * out of the copy returned. A query larger than {@link DCQL_LIMITS} is an `ERR_DCQL_LIMIT`.
 */
import { OnlineError } from '../errors.js';
import { fromBase64UrlStrict } from './jwe.js';
import { ID, isObject } from './json.js';

/** The Credential Format Identifier of ISO mdocs (B.2). */
export const MSO_MDOC_FORMAT = 'mso_mdoc';

/** The Trusted Authorities Query types defined by §6.1.1. */
export const DcqlTrustedAuthorityType = {
  /** The base64url KeyIdentifier of an AuthorityKeyIdentifier in the credential's X.509 chain (§6.1.1.1). */
  AKI: 'aki',
  /** An ETSI TS 119 612 Trusted List (§6.1.1.2). */
  ETSI_TL: 'etsi_tl',
  /** An OpenID Federation Entity Identifier (§6.1.1.3). */
  OPENID_FEDERATION: 'openid_federation',
} as const;
export type DcqlTrustedAuthorityType = (typeof DcqlTrustedAuthorityType)[keyof typeof DcqlTrustedAuthorityType];

/** A Trusted Authorities Query (§6.1.1). `type` may be one §6.1.1 does not define (kept, never matched). */
export interface DcqlTrustedAuthoritiesQuery {
  readonly type: string;
  readonly values: readonly string[];
}

/** A DCQL Claims Query (§6.3). */
export interface DcqlClaimsQuery {
  readonly id?: string;
  /** A claims path pointer (§7); for mdocs exactly `[namespace, elementIdentifier]` (§7.2). */
  readonly path: readonly (string | number | null)[];
  readonly values?: readonly (string | number | boolean)[];
  /** mdoc only (B.2.4): IntentToRetain of ISO/IEC 18013-5 §8.3.2.1.2.1. */
  readonly intent_to_retain?: boolean;
}

/** A DCQL Credential Query (§6.1). */
export interface DcqlCredentialQuery {
  readonly id: string;
  readonly format: string;
  /** Default false. */
  readonly multiple?: boolean;
  /** For `mso_mdoc`: `{ doctype_value }` (B.2.3). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly trusted_authorities?: readonly DcqlTrustedAuthoritiesQuery[];
  /** Default true. */
  readonly require_cryptographic_holder_binding?: boolean;
  readonly claims?: readonly DcqlClaimsQuery[];
  readonly claim_sets?: readonly (readonly string[])[];
}

/** A DCQL Credential Set Query (§6.2). */
export interface DcqlCredentialSetQuery {
  readonly options: readonly (readonly string[])[];
  /** Default true. */
  readonly required?: boolean;
}

/** A DCQL query (§6). */
export interface DcqlQuery {
  readonly credentials: readonly DcqlCredentialQuery[];
  readonly credential_sets?: readonly DcqlCredentialSetQuery[];
}

/** One claim of an mdoc credential query, read from DCQL. */
export interface MdocClaimQuery {
  readonly id?: string;
  readonly namespace: string;
  readonly element: string;
  readonly intentToRetain: boolean;
  readonly values?: readonly (string | number | boolean)[];
}

/** An `mso_mdoc` credential query, read from DCQL: what to present for one credential id. */
export interface MdocCredentialQuery {
  readonly id: string;
  readonly docType: string;
  readonly multiple: boolean;
  readonly claims: readonly MdocClaimQuery[];
  /** Alternative claim combinations, by claim id, in the verifier's order of preference; absent: all claims. */
  readonly claimSets?: readonly (readonly string[])[];
  /** namespace → element → intent to retain, over all claims (for display). */
  readonly nameSpaces: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
  /** `require_cryptographic_holder_binding` when the query has it (absent: true). */
  readonly requireCryptographicHolderBinding?: boolean;
  readonly trustedAuthorities?: readonly DcqlTrustedAuthoritiesQuery[];
}

/**
 * shomei's caps on a DCQL query (the specification sets none). A query over one is refused
 * with `ERR_DCQL_LIMIT`, so that matching and evaluation stay small whatever is sent; real
 * queries use a handful of each. Override per call with `limits`.
 */
export const DCQL_LIMITS = {
  /** Credential Queries in `credentials`. */
  credentials: 32,
  /** Claims Queries in one Credential Query. */
  claims: 128,
  /** Options in one `claim_sets`, and claim ids in one option. */
  claimSets: 32,
  /** Credential Set Queries in `credential_sets`. */
  credentialSets: 32,
  /** Options in one Credential Set Query, and credential ids in one option. */
  options: 32,
  /** Entries in one `values`. */
  values: 64,
  /** Entries in `trusted_authorities`, and values in one entry. */
  trustedAuthorities: 32,
  /** Components of a claims path pointer. */
  pathLength: 16,
  /** UTF-16 length of any string (ids, namespaces, elements, values, doctypes). */
  stringLength: 2048,
} as const;
export type DcqlLimits = { readonly [K in keyof typeof DCQL_LIMITS]: number };

/** Options of {@link readDcqlQuery}. */
export interface ReadDcqlQueryOptions {
  /** Caps to use instead of (some of) {@link DCQL_LIMITS}. */
  readonly limits?: Partial<DcqlLimits>;
}

/** What {@link readDcqlQuery} returns. */
export interface ReadDcqlQueryResult {
  /** The query, with only the members §6 defines (unknown ones ignored), as plain objects. */
  readonly query: DcqlQuery;
  /** The `mso_mdoc` Credential Queries, read for matching. */
  readonly mdoc: MdocCredentialQuery[];
  /** Ids of the Credential Queries in other formats. */
  readonly other: string[];
}

function fail(path: string, message: string): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', `${path} ${message}`, { path });
}

class Reader {
  constructor(readonly limits: DcqlLimits) {}

  cap(n: number, limit: keyof DcqlLimits, path: string): void {
    if (n > this.limits[limit]) throw new OnlineError('ERR_DCQL_LIMIT', `${path} has ${n} entries, more than shomei's cap of ${this.limits[limit]} (DCQL_LIMITS.${limit})`, { path });
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (!isObject(value)) fail(path, 'must be a JSON object');
    return Object.assign(Object.create(null) as Record<string, unknown>, value);
  }

  /** A dense copy: a hole of a sparse array (never JSON, but a caller's object may have one) reads as undefined and is refused as such. */
  array(value: unknown, path: string, limit: keyof DcqlLimits): readonly unknown[] {
    if (!Array.isArray(value) || value.length === 0) fail(path, 'must be a non-empty array');
    this.cap(value.length, limit, path);
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(value[i]);
    return out;
  }

  string(value: unknown, path: string, nonEmpty = true): string {
    if (typeof value !== 'string' || (nonEmpty && value === '')) fail(path, nonEmpty ? 'must be a non-empty string' : 'must be a string');
    if (value.length > this.limits.stringLength) throw new OnlineError('ERR_DCQL_LIMIT', `${path} is longer than shomei's cap of ${this.limits.stringLength} (DCQL_LIMITS.stringLength)`, { path });
    return value;
  }

  id(value: unknown, path: string): string {
    const s = this.string(value, path);
    if (!ID.test(s)) fail(path, 'must be a non-empty string of alphanumeric, underscore or hyphen characters');
    return s;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value !== undefined && typeof value !== 'boolean') fail(path, 'must be a boolean');
    return value as boolean | undefined;
  }
}

/** §7: a non-empty array of strings, nulls and non-negative integers; for mso_mdoc (§7.2) exactly two strings. */
function readPath(r: Reader, value: unknown, path: string, mdoc: boolean): (string | number | null)[] {
  const p = r.array(value, path, 'pathLength');
  return p.map((c, i) => {
    const at = `${path}[${i}]`;
    if (mdoc) return r.string(c, at, false);
    if (c === null || (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0)) return c;
    if (typeof c === 'string') return r.string(c, at, false);
    return fail(at, 'must be a string, null or a non-negative integer (§7)');
  });
}

/** §6.3 `values`: a non-empty array of strings, integers or booleans. */
function readValues(r: Reader, value: unknown, path: string): (string | number | boolean)[] {
  return r.array(value, path, 'values').map((v, i) => {
    if (typeof v === 'string') return r.string(v, `${path}[${i}]`, false);
    if (typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v))) return v;
    return fail(`${path}[${i}]`, 'must be a string, an integer or a boolean');
  });
}

function readTrustedAuthorities(r: Reader, value: unknown, path: string): DcqlTrustedAuthoritiesQuery[] {
  return r.array(value, path, 'trustedAuthorities').map((item, i) => {
    const at = `${path}[${i}]`;
    const o = r.object(item, at);
    const type = r.string(o.type, `${at}.type`);
    const values = r.array(o.values, `${at}.values`, 'trustedAuthorities').map((v, j) => r.string(v, `${at}.values[${j}]`));
    if (type === DcqlTrustedAuthorityType.AKI) {
      values.forEach((v, j) => {
        const bytes = fromBase64UrlStrict(v);
        if (bytes === undefined || bytes.length === 0) fail(`${at}.values[${j}]`, 'must be a base64url KeyIdentifier (§6.1.1.1)');
      });
    }
    return { type, values };
  });
}

interface ReadClaims {
  claims: DcqlClaimsQuery[];
  ids: Set<string>;
}

function readClaims(r: Reader, value: unknown, path: string, mdoc: boolean): ReadClaims {
  const ids = new Set<string>();
  const claims = r.array(value, path, 'claims').map((item, j) => {
    const at = `${path}[${j}]`;
    const q = r.object(item, at);
    let id: string | undefined;
    if (q.id !== undefined) {
      id = r.id(q.id, `${at}.id`);
      if (ids.has(id)) fail(`${at}.id`, `${JSON.stringify(id)} is used twice in this claims array (§6.3)`);
      ids.add(id);
    }
    const claimPath = readPath(r, q.path, `${at}.path`, mdoc);
    if (mdoc && claimPath.length !== 2) fail(`${at}.path`, 'must be [namespace, element] for mso_mdoc (§7.2)');
    const values = q.values === undefined ? undefined : readValues(r, q.values, `${at}.values`);
    const retain = mdoc ? r.boolean(q.intent_to_retain, `${at}.intent_to_retain`) : undefined;
    return {
      ...(id === undefined ? {} : { id }),
      path: claimPath,
      ...(values === undefined ? {} : { values }),
      ...(retain === undefined ? {} : { intent_to_retain: retain }),
    };
  });
  return { claims, ids };
}

function readClaimSets(r: Reader, value: unknown, path: string, claims: ReadClaims | undefined): string[][] {
  if (claims === undefined) fail(path, 'must not be present without claims (§6.4.1)');
  const noId = claims.claims.findIndex((c) => c.id === undefined);
  if (noId >= 0) fail(`${path.replace(/\.claim_sets$/, '')}.claims[${noId}].id`, 'is required when claim_sets is present (§6.3)');
  return r.array(value, path, 'claimSets').map((set, k) =>
    r.array(set, `${path}[${k}]`, 'claimSets').map((id, m) => {
      const at = `${path}[${k}][${m}]`;
      const s = r.string(id, at);
      if (!claims.ids.has(s)) fail(at, `names the claim id ${JSON.stringify(s)}, which is not in claims`);
      return s;
    }),
  );
}

/**
 * §6.1: a query "MUST NOT point to the same claim more than once"; wallets "SHOULD ignore
 * such duplicate claim queries". Without claim_sets a repeated [namespace, element] is
 * dropped (the first is kept); with claim_sets each is kept, as options name them by id.
 */
function withoutDuplicates(c: DcqlCredentialQuery): readonly DcqlClaimsQuery[] {
  const claims = c.claims ?? [];
  if (c.claim_sets !== undefined) return claims;
  const seen = new Set<string>();
  return claims.filter((q) => {
    const key = `${q.path[0]}\u0000${q.path[1]}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function mdocQuery(c: DcqlCredentialQuery): MdocCredentialQuery {
  const claims: MdocClaimQuery[] = withoutDuplicates(c).map((q) => ({
    ...(q.id === undefined ? {} : { id: q.id }),
    namespace: q.path[0] as string,
    element: q.path[1] as string,
    intentToRetain: q.intent_to_retain === true,
    ...(q.values === undefined ? {} : { values: q.values }),
  }));
  const nameSpaces: Record<string, Record<string, boolean>> = Object.create(null);
  for (const q of claims) {
    nameSpaces[q.namespace] ??= Object.create(null);
    const ns = nameSpaces[q.namespace]!;
    ns[q.element] = (Object.hasOwn(ns, q.element) && ns[q.element] === true) || q.intentToRetain;
  }
  return {
    id: c.id,
    docType: c.meta.doctype_value as string,
    multiple: c.multiple === true,
    claims,
    ...(c.claim_sets === undefined ? {} : { claimSets: c.claim_sets }),
    nameSpaces,
    ...(c.require_cryptographic_holder_binding === undefined ? {} : { requireCryptographicHolderBinding: c.require_cryptographic_holder_binding }),
    ...(c.trusted_authorities === undefined ? {} : { trustedAuthorities: c.trusted_authorities }),
  };
}

/**
 * Read a DCQL query (§6): check every validity rule, keep the members §6 defines, and read
 * the `mso_mdoc` Credential Queries for matching.
 * @param raw The `dcql_query` value (a parsed JSON object).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` (with `path`) for a query that breaks §6, §7 or
 *   B.2.3/B.2.4; `ERR_DCQL_LIMIT` for one over {@link DCQL_LIMITS}.
 * @example
 * const { mdoc } = readDcqlQuery({ credentials: [{ id: 'mdl', format: 'mso_mdoc',
 *   meta: { doctype_value: 'org.iso.18013.5.1.mDL' }, claims: [{ path: ['org.iso.18013.5.1', 'age_over_18'] }] }] })
 */
export function readDcqlQuery(raw: unknown, options: ReadDcqlQueryOptions = {}): ReadDcqlQueryResult {
  const r = new Reader({ ...DCQL_LIMITS, ...options.limits });
  const top = r.object(raw, 'dcql_query');
  const ids = new Set<string>();
  const credentials: DcqlCredentialQuery[] = r.array(top.credentials, 'dcql_query.credentials', 'credentials').map((item, i) => {
    const at = `dcql_query.credentials[${i}]`;
    const c = r.object(item, at);
    const id = r.id(c.id, `${at}.id`);
    if (ids.has(id)) fail(`${at}.id`, `${JSON.stringify(id)} is used twice (§6.1)`);
    ids.add(id);
    const format = r.string(c.format, `${at}.format`);
    const multiple = r.boolean(c.multiple, `${at}.multiple`);
    const meta = r.object(c.meta, `${at}.meta`);
    const mdoc = format === MSO_MDOC_FORMAT;
    if (mdoc) r.string(meta.doctype_value, `${at}.meta.doctype_value`);
    const trusted = c.trusted_authorities === undefined ? undefined : readTrustedAuthorities(r, c.trusted_authorities, `${at}.trusted_authorities`);
    const binding = r.boolean(c.require_cryptographic_holder_binding, `${at}.require_cryptographic_holder_binding`);
    const claims = c.claims === undefined ? undefined : readClaims(r, c.claims, `${at}.claims`, mdoc);
    const claimSets = c.claim_sets === undefined ? undefined : readClaimSets(r, c.claim_sets, `${at}.claim_sets`, claims);
    return {
      id,
      format,
      ...(multiple === undefined ? {} : { multiple }),
      meta: { ...meta },
      ...(trusted === undefined ? {} : { trusted_authorities: trusted }),
      ...(binding === undefined ? {} : { require_cryptographic_holder_binding: binding }),
      ...(claims === undefined ? {} : { claims: claims.claims }),
      ...(claimSets === undefined ? {} : { claim_sets: claimSets }),
    };
  });
  let sets: DcqlCredentialSetQuery[] | undefined;
  if (top.credential_sets !== undefined) {
    sets = r.array(top.credential_sets, 'dcql_query.credential_sets', 'credentialSets').map((item, i) => {
      const at = `dcql_query.credential_sets[${i}]`;
      const set = r.object(item, at);
      const required = r.boolean(set.required, `${at}.required`);
      const options = r.array(set.options, `${at}.options`, 'options').map((option, j) =>
        r.array(option, `${at}.options[${j}]`, 'options').map((id, k) => {
          const p = `${at}.options[${j}][${k}]`;
          const s = r.string(id, p);
          if (!ids.has(s)) fail(p, `names the credential id ${JSON.stringify(s)}, which is not in credentials (§6.2)`);
          return s;
        }),
      );
      return { options, ...(required === undefined ? {} : { required }) };
    });
  }
  const query: DcqlQuery = { credentials, ...(sets === undefined ? {} : { credential_sets: sets }) };
  return {
    query,
    mdoc: credentials.filter((c) => c.format === MSO_MDOC_FORMAT).map(mdocQuery),
    other: credentials.filter((c) => c.format !== MSO_MDOC_FORMAT).map((c) => c.id),
  };
}
