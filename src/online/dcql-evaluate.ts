/**
 * The verifier's DCQL evaluator (OpenID4VP 1.0 §6.4 and §8.6 "VP Token Validation", step 2.2
 * and 3): given the query and the verified presentations per credential id, which Credential
 * Query each presented document satisfies and why not, and whether `credential_sets` are
 * satisfied (§6.4.2), with the option met or the required set that is not.
 *
 * Input is what verification established (disclosed elements, docType, issuer chain, whether
 * device authentication passed), so the evaluator never decodes or trusts anything itself;
 * {@link presentedDocument} reads it from a `verifyDeviceResponse` document report.
 */
import type { CborValue } from '../cbor/index.js';
import { MdocCheckId, type VerifiedDocument } from '../mdoc/index.js';
import { type DcqlElements, type DcqlReason, DcqlReasonCode, chooseClaims } from './dcql-claims.js';
import { type DcqlQuery, type MdocCredentialQuery, type ReadDcqlQueryOptions, readDcqlQuery } from './dcql-query.js';
import { type DcqlIssuerChain, type DcqlTrustOptions, type DcqlTrustResult, issuerChainOf, matchTrustedAuthorities } from './dcql-trust.js';

/** One presented (and verified) document, as the evaluator sees it. */
export interface DcqlPresentedDocument {
  readonly docType: string;
  /** The disclosed elements, issuer-signed and device-signed: namespace → element → value. */
  readonly elements: DcqlElements | Readonly<Record<string, Readonly<Record<string, CborValue>>>>;
  /** The issuer chain, for `trusted_authorities`; absent: those are reported as not evaluated. */
  readonly issuerChain?: DcqlIssuerChain;
  /** Whether device authentication (cryptographic holder binding) verified; absent: not checked. */
  readonly holderBinding?: boolean;
  /** False when the presentation failed verification: it then satisfies nothing. Default true. */
  readonly valid?: boolean;
}

/** The evaluation of one presented document against its Credential Query. */
export interface DcqlDocumentResult {
  readonly index: number;
  readonly docType: string;
  readonly ok: boolean;
  readonly reasons: readonly DcqlReason[];
  /** The `claim_sets` option met, when the query has `claim_sets`. */
  readonly claimSet?: readonly string[];
  /** `trusted_authorities`, when the query has them. */
  readonly trust?: DcqlTrustResult;
  /** Disclosed elements the query did not ask for (`namespace/element`), for information. */
  readonly extra: readonly string[];
}

/** The evaluation of one Credential Query. */
export interface DcqlCredentialResult {
  readonly id: string;
  readonly format: string;
  /** True when something was presented, there is no more than `multiple` allows, and every document satisfies the query. */
  readonly ok: boolean;
  readonly presented: number;
  readonly documents: readonly DcqlDocumentResult[];
  /** Reasons about the credential as a whole (`NOT_PRESENTED`, `MULTIPLE`, `FORMAT`). */
  readonly reasons: readonly DcqlReason[];
}

/** The evaluation of one Credential Set Query (§6.2). */
export interface DcqlSetResult {
  readonly index: number;
  readonly required: boolean;
  readonly satisfied: boolean;
  /** The first option whose credentials are all satisfied. */
  readonly option?: readonly string[];
  /** For an unsatisfied set: which credential ids each option lacks. */
  readonly lacking?: readonly (readonly string[])[];
}

/** What {@link evaluateDcql} returns. */
export interface DcqlEvaluation {
  /**
   * True when every required Credential Set Query (or, without `credential_sets`, every Credential
   * Query) is satisfied and the presentations are a well-formed VP Token (§8.1): no more than one
   * for a Credential Query without `multiple`, none for an id the query does not have. A VP Token
   * that breaks §8.1 is rejected whatever `credential_sets` says (§8.6 step 1), even when the
   * Credential Query concerned is only in an optional set.
   */
  readonly satisfied: boolean;
  /** Credential id → its evaluation (a prototype-free record). */
  readonly credentials: Readonly<Record<string, DcqlCredentialResult>>;
  /** One per Credential Set Query, in order; empty without `credential_sets`. */
  readonly sets: readonly DcqlSetResult[];
  /** Human-readable lines on what keeps the query from being satisfied. */
  readonly unmet: readonly string[];
  /** Credential ids presented that the query does not have (a malformed VP Token, §8.1: `satisfied` is false). */
  readonly unexpected: readonly string[];
}

/** Options of {@link evaluateDcql}. */
export interface EvaluateDcqlOptions extends DcqlTrustOptions, ReadDcqlQueryOptions {}

function elementsMap(e: DcqlPresentedDocument['elements']): DcqlElements {
  if (e instanceof Map) return e as DcqlElements;
  const out = new Map<string, Map<string, CborValue>>();
  for (const ns of Object.keys(e)) {
    const inner = (e as Record<string, Record<string, CborValue>>)[ns]!;
    if (typeof inner !== 'object' || inner === null) continue;
    out.set(ns, new Map(Object.keys(inner).map((el) => [el, inner[el]!] as const)));
  }
  return out;
}

/**
 * The evaluator's view of one document of a `verifyDeviceResponse` report: the disclosed
 * elements (issuer- and device-signed), the issuer chain (the DS certificate and the IACA it
 * chained to), whether DEVICE_AUTH passed, and the document's validity.
 */
export function presentedDocument(doc: VerifiedDocument): DcqlPresentedDocument {
  const elements = new Map<string, Map<string, CborValue>>();
  for (const part of [doc.issuerSigned, doc.deviceSigned]) {
    for (const ns of Object.keys(part)) {
      const m = elements.get(ns) ?? new Map<string, CborValue>();
      const inner = part[ns]!;
      for (const el of Object.keys(inner)) m.set(el, inner[el]!);
      elements.set(ns, m);
    }
  }
  const deviceAuth = doc.checks.filter((c) => c.id === MdocCheckId.DEVICE_AUTH);
  return {
    docType: doc.docType,
    elements,
    ...(doc.documentSigner === undefined ? {} : { issuerChain: issuerChainOf([doc.documentSigner.der], doc.trustAnchor) }),
    holderBinding: deviceAuth.length > 0 && deviceAuth.every((c) => c.status === 'passed'),
    valid: doc.valid,
  };
}

/** Evaluate one document against an mdoc Credential Query. */
export function evaluateDocument(q: MdocCredentialQuery, doc: DcqlPresentedDocument, index: number, options: DcqlTrustOptions = {}): DcqlDocumentResult {
  const reasons: DcqlReason[] = [];
  const elements = elementsMap(doc.elements);
  if (doc.valid === false) reasons.push({ code: DcqlReasonCode.INVALID, detail: 'the presentation did not verify' });
  if (doc.docType !== q.docType) reasons.push({ code: DcqlReasonCode.DOCTYPE, detail: `docType ${JSON.stringify(doc.docType)} is not ${JSON.stringify(q.docType)}` });
  const choice = chooseClaims(q, elements);
  if (!choice.ok) reasons.push(...choice.reasons);
  let trust: DcqlTrustResult | undefined;
  if (q.trustedAuthorities !== undefined) {
    trust = matchTrustedAuthorities(q.trustedAuthorities, doc.issuerChain, options);
    if (trust.status === 'not-matched') reasons.push({ code: DcqlReasonCode.TRUSTED_AUTHORITY, detail: 'the issuer chain matches none of trusted_authorities' });
  }
  if (q.requireCryptographicHolderBinding !== false && doc.holderBinding === false) {
    reasons.push({ code: DcqlReasonCode.HOLDER_BINDING, detail: 'require_cryptographic_holder_binding is true but device authentication did not verify' });
  }
  const asked = new Set(q.claims.map((c) => `${c.namespace}\u0000${c.element}`));
  const extra: string[] = [];
  for (const [ns, m] of elements) for (const el of m.keys()) if (!asked.has(`${ns}\u0000${el}`)) extra.push(`${ns}/${el}`);
  return {
    index,
    docType: doc.docType,
    ok: reasons.length === 0,
    reasons,
    ...(choice.ok && choice.claimSet !== undefined ? { claimSet: choice.claimSet } : {}),
    ...(trust === undefined ? {} : { trust }),
    extra,
  };
}

/**
 * Evaluate the presentations of a VP Token against the DCQL query (§6.4, §8.6).
 * @param query The query sent (read again, so a stored copy is checked as well).
 * @param presentations Credential id → its presented documents (a record or a Map).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` / `ERR_DCQL_LIMIT` when `query` is not a valid DCQL query.
 * @example
 * const evaluation = evaluateDcql(state.dcqlQuery, { mdl: [presentedDocument(report.documents[0])] })
 * if (!evaluation.satisfied) console.log(evaluation.unmet)
 */
export function evaluateDcql(
  query: DcqlQuery,
  presentations: Readonly<Record<string, readonly DcqlPresentedDocument[]>> | ReadonlyMap<string, readonly DcqlPresentedDocument[]>,
  options: EvaluateDcqlOptions = {},
): DcqlEvaluation {
  const parsed = readDcqlQuery(query, options);
  const byId = new Map(parsed.query.credentials.map((c) => [c.id, c]));
  const mdoc = new Map(parsed.mdoc.map((q) => [q.id, q]));
  const given = new Map<string, readonly DcqlPresentedDocument[]>();
  if (presentations instanceof Map) for (const [k, v] of presentations) given.set(k, v);
  else for (const k of Object.keys(presentations)) given.set(k, (presentations as Record<string, readonly DcqlPresentedDocument[]>)[k]!);
  const unexpected = [...given.keys()].filter((id) => !byId.has(id));
  const credentials: Record<string, DcqlCredentialResult> = Object.create(null);
  for (const c of parsed.query.credentials) {
    const docs = given.get(c.id) ?? [];
    const q = mdoc.get(c.id);
    const reasons: DcqlReason[] = [];
    if (docs.length === 0) reasons.push({ code: DcqlReasonCode.NOT_PRESENTED, detail: `nothing was presented for ${c.id}` });
    if (docs.length > 1 && c.multiple !== true) reasons.push({ code: DcqlReasonCode.MULTIPLE, detail: `${docs.length} presentations for ${c.id}, which does not allow multiple` });
    let documents: DcqlDocumentResult[] = [];
    if (q === undefined) {
      if (docs.length > 0) reasons.push({ code: DcqlReasonCode.FORMAT, detail: `${c.id} asks for ${c.format}, which shomei does not evaluate` });
    } else {
      documents = docs.map((d, i) => evaluateDocument(q, d, i, options));
    }
    credentials[c.id] = {
      id: c.id,
      format: c.format,
      ok: reasons.length === 0 && documents.every((d) => d.ok),
      presented: docs.length,
      documents,
      reasons,
    };
  }
  const ok = (id: string) => credentials[id]!.ok;
  const unmet: string[] = [];
  const sets: DcqlSetResult[] = [];
  let satisfied: boolean;
  if (parsed.query.credential_sets === undefined) {
    const failing = parsed.query.credentials.map((c) => c.id).filter((id) => !ok(id));
    for (const id of failing) unmet.push(`${id}: ${describe(credentials[id]!)}`);
    satisfied = failing.length === 0;
  } else {
    satisfied = true;
    parsed.query.credential_sets.forEach((set, index) => {
      const required = set.required !== false;
      const option = set.options.find((o) => o.every(ok));
      if (option !== undefined) {
        sets.push({ index, required, satisfied: true, option });
        return;
      }
      const lacking = set.options.map((o) => o.filter((id) => !ok(id)));
      sets.push({ index, required, satisfied: false, lacking });
      if (required) {
        satisfied = false;
        unmet.push(`credential_sets[${index}]: none of ${set.options.map((o) => `[${o.join(', ')}]`).join(' or ')} is satisfied`);
      }
    });
  }
  // §8.6 step 1: the VP Token's format (§8.1) is checked before any requirement; a breach rejects it.
  if (parsed.query.credential_sets !== undefined) {
    for (const c of parsed.query.credentials) {
      const r = credentials[c.id]!;
      if (r.reasons.some((x) => x.code === DcqlReasonCode.MULTIPLE)) {
        satisfied = false;
        unmet.push(`${c.id}: ${r.presented} presentations, but multiple is not true (§8.1): the VP Token is rejected`);
      }
    }
  }
  for (const id of unexpected) {
    satisfied = false;
    unmet.push(`${id}: the VP Token has an entry for an id the query does not have (§8.1)`);
  }
  return { satisfied, credentials, sets, unmet, unexpected };
}

function describe(r: DcqlCredentialResult): string {
  const lines = [...r.reasons.map((x) => x.detail), ...r.documents.flatMap((d) => d.reasons.map((x) => `document ${d.index}: ${x.detail}`))];
  return lines.join('; ');
}
