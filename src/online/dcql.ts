/**
 * DCQL on the wallet side (OpenID4VP 1.0 §6.4, for `mso_mdoc` per Appendix B.2): which held
 * documents can answer which Credential Query, with which claims (§6.4.1, `claim_sets` in
 * the verifier's order of preference, `values`, `trusted_authorities` against the held
 * document's issuer chain), which Credential Queries to answer (§6.4.2, `credential_sets`
 * required, optional and alternative options), and an explanation for a consent screen.
 *
 * Also the entry point of the DCQL modules: reading a query (`dcql-query.ts`), claim matching
 * (`dcql-claims.ts`), trusted authorities (`dcql-trust.ts`) and the verifier's evaluator
 * (`dcql-evaluate.ts`) are re-exported from here.
 */
import type { CborValue } from '../cbor/index.js';
import { getX5Chain } from '../cose/index.js';
import { decodeIssuerAuthPayload, decodeIssuerSigned, type ElementSelection, type HeldDocument, type IssuerSignedItemBytes } from '../mdoc/index.js';
import { chooseClaims, type DcqlElements, type DcqlReason, DcqlReasonCode } from './dcql-claims.js';
import { type DcqlQuery, type MdocClaimQuery, type MdocCredentialQuery, type ReadDcqlQueryOptions, readDcqlQuery } from './dcql-query.js';
import { type DcqlIssuerChain, type DcqlTrustOptions, type DcqlTrustResult, issuerChainOf, matchTrustedAuthorities } from './dcql-trust.js';

export * from './dcql-claims.js';
export * from './dcql-evaluate.js';
export * from './dcql-query.js';
export * from './dcql-trust.js';

/** Whether a set of returned credential ids satisfies the query (§6.4.2); `missing` says what is lacking. */
export function credentialsSatisfied(query: DcqlQuery, have: ReadonlySet<string>): { ok: boolean; missing: string[] } {
  if (query.credential_sets === undefined) {
    const missing = query.credentials.map((c) => c.id).filter((id) => !have.has(id));
    return { ok: missing.length === 0, missing };
  }
  const missing: string[] = [];
  for (const set of query.credential_sets) {
    if (set.required === false) continue;
    if (!set.options.some((option) => option.every((id) => have.has(id)))) missing.push(`one of ${set.options.map((o) => `[${o.join(', ')}]`).join(' or ')}`);
  }
  return { ok: missing.length === 0, missing };
}

export const AGE_OVER = /^age_over_\d{2}$/;

/** Which of the query's claims a set of disclosed elements answers (age_over_NN by any age_over_MM, ISO 18013-5 §7.2.5). */
export function claimsAnswered(q: MdocCredentialQuery, has: (ns: string, element: string) => boolean): { ok: boolean; missing: string[] } {
  const answered = (c: MdocClaimQuery) => has(c.namespace, c.element);
  const name = (c: MdocClaimQuery) => `${c.namespace}/${c.element}`;
  if (q.claimSets === undefined) {
    const missing = q.claims.filter((c) => !answered(c)).map(name);
    return { ok: missing.length === 0, missing };
  }
  const byId = new Map(q.claims.map((c) => [c.id!, c]));
  const ok = q.claimSets.some((set) => set.every((id) => answered(byId.get(id)!)));
  return { ok, missing: ok ? [] : [`one of the claim_sets ${q.claimSets.map((s) => `[${s.join(', ')}]`).join(', ')}`] };
}

/** A held document, decoded once for matching. */
export interface Held {
  readonly held: HeldDocument;
  readonly docType: string;
  readonly items: ReadonlyMap<string, ReadonlyMap<string, IssuerSignedItemBytes>>;
  /** The element values the wallet can present (issuer-signed, then device-signed ones it may sign). */
  readonly elements: DcqlElements;
  /** The issuer chain from the IssuerAuth x5chain, for `trusted_authorities`. */
  readonly issuerChain: DcqlIssuerChain;
}

/**
 * Decode held documents once for matching.
 * @throws MdocError `ERR_MDOC_STRUCTURE` for a document that does not decode.
 */
export function holdings(documents: readonly HeldDocument[]): Held[] {
  return documents.map((held, i) => {
    const issuerSigned = held.issuerSigned instanceof Uint8Array ? decodeIssuerSigned(held.issuerSigned, `documents[${i}]`) : held.issuerSigned;
    const mso = decodeIssuerAuthPayload(issuerSigned.issuerAuth, `documents[${i}].issuerAuth`);
    const items = new Map([...issuerSigned.nameSpaces].map(([ns, list]) => [ns, new Map(list.map((it) => [it.value.elementIdentifier, it] as const))] as const));
    const elements = new Map<string, Map<string, CborValue>>();
    for (const [ns, m] of items) elements.set(ns, new Map([...m].map(([id, it]) => [id, it.value.elementValue] as const)));
    const device = held.deviceSigned;
    if (device !== undefined) {
      for (const ns of Object.keys(device)) {
        const m = elements.get(ns) ?? new Map<string, CborValue>();
        for (const el of Object.keys(device[ns]!)) if (!m.has(el)) m.set(el, device[ns]![el] as CborValue);
        elements.set(ns, m);
      }
    }
    let chain: Uint8Array[] = [];
    try {
      chain = getX5Chain(issuerSigned.issuerAuth.protectedHeaders, issuerSigned.issuerAuth.unprotectedHeaders);
    } catch {
      chain = [];
    }
    return { held, docType: mso.docType, items, elements, issuerChain: issuerChainOf(chain) };
  });
}

/** Options of wallet-side matching. */
export interface DcqlMatchOptions extends DcqlTrustOptions {
  /** Treat `trusted_authorities` that could not be evaluated as not matched (default: a document is not excluded for them). */
  readonly strictTrustedAuthorities?: boolean;
}

/** Why `h` cannot answer `q`, or the claims it answers with (§6.4.1). */
function candidate(h: Held, q: MdocCredentialQuery, options: DcqlMatchOptions): { claims: readonly MdocClaimQuery[]; claimSet?: readonly string[]; trust?: DcqlTrustResult } | { reasons: DcqlReason[] } {
  if (h.docType !== q.docType) return { reasons: [{ code: DcqlReasonCode.DOCTYPE, detail: `docType ${JSON.stringify(h.docType)} is not ${JSON.stringify(q.docType)}` }] };
  const reasons: DcqlReason[] = [];
  let trust: DcqlTrustResult | undefined;
  if (q.trustedAuthorities !== undefined) {
    trust = matchTrustedAuthorities(q.trustedAuthorities, h.issuerChain, options);
    if (trust.status === 'not-matched' || (trust.status === 'not-evaluated' && options.strictTrustedAuthorities === true)) {
      reasons.push({ code: DcqlReasonCode.TRUSTED_AUTHORITY, detail: `the issuer chain matches none of trusted_authorities${trust.status === 'not-evaluated' ? ` (not evaluated: ${trust.notEvaluated.join(', ')})` : ''}` });
    }
  }
  const choice = chooseClaims(q, h.elements);
  if (!choice.ok) reasons.push(...choice.reasons);
  if (reasons.length > 0 || !choice.ok) return { reasons };
  return { claims: choice.claims, ...(choice.claimSet === undefined ? {} : { claimSet: choice.claimSet }), ...(trust === undefined ? {} : { trust }) };
}

/** The elements to disclose for `claims` (an age_over_NN is answered with the nearest held one when the response is built, §7.2.5). */
function selectionOf(claims: readonly MdocClaimQuery[]): ElementSelection {
  const sets = new Map<string, Set<string>>();
  for (const c of claims) {
    const set = sets.get(c.namespace) ?? new Set<string>();
    sets.set(c.namespace, set.add(c.element));
  }
  const out: Record<string, string[]> = Object.create(null);
  for (const [ns, set] of sets) out[ns] = [...set];
  return out;
}

/** The elements to disclose from `h` for query `q`, or undefined when `h` cannot answer it (§6.4.1). */
export function selectionFor(h: Held, q: MdocCredentialQuery, options: DcqlMatchOptions = {}): ElementSelection | undefined {
  const c = candidate(h, q, options);
  return 'reasons' in c ? undefined : selectionOf(c.claims);
}

/** Which credential ids to answer, given those that can be: all of them, or an option of every credential set (§6.4.2). */
export function chooseCredentials(query: DcqlQuery, can: ReadonlySet<string>): string[] | undefined {
  if (query.credential_sets === undefined) return query.credentials.every((c) => can.has(c.id)) ? query.credentials.map((c) => c.id) : undefined;
  const out = new Set<string>();
  for (const set of query.credential_sets) {
    const option = set.options.find((o) => o.every((id) => can.has(id)));
    if (option === undefined) {
      if (set.required === false) continue;
      return undefined;
    }
    for (const id of option) out.add(id);
  }
  return [...out];
}

/** A held document that can answer a Credential Query. */
export interface DcqlCandidate {
  /** Index into the documents given. */
  readonly index: number;
  readonly docType: string;
  /** The elements to disclose (the requested identifiers; an age_over_NN is answered by the nearest held one). */
  readonly selection: ElementSelection;
  /** The claims chosen, with their intent to retain, for display. */
  readonly claims: readonly MdocClaimQuery[];
  /** The `claim_sets` option chosen (the first the document meets). */
  readonly claimSet?: readonly string[];
  readonly trust?: DcqlTrustResult;
}

/** One Credential Query as the wallet sees it. */
export interface DcqlWalletCredential {
  readonly id: string;
  readonly format: string;
  readonly multiple: boolean;
  /** Documents that can answer, in the order given. */
  readonly candidates: readonly DcqlCandidate[];
  /** Documents that cannot, and why. */
  readonly rejected: readonly { readonly index: number; readonly docType: string; readonly reasons: readonly DcqlReason[] }[];
}

/** What {@link matchDcql} returns: for a consent screen, which documents can answer which query and with which claims. */
export interface DcqlWalletMatch {
  /** True when the held documents can satisfy the query (§6.4.2). */
  readonly satisfiable: boolean;
  /** Credential id → candidates and rejections (a prototype-free record). */
  readonly credentials: Readonly<Record<string, DcqlWalletCredential>>;
  /** Per Credential Set Query: whether required, and which options can be answered. */
  readonly sets: readonly { readonly index: number; readonly required: boolean; readonly options: readonly { readonly ids: readonly string[]; readonly satisfiable: boolean }[] }[];
  /** The credential ids a wallet would answer by default (every set's first answerable option), when satisfiable. */
  readonly proposal?: readonly string[];
}

/**
 * Wallet side: match held documents against a DCQL query (§6.4) and explain the result.
 * @param query The query (read and checked again here).
 * @param documents Held documents, or their {@link holdings}.
 * @throws OnlineError `ERR_ONLINE_MESSAGE` / `ERR_DCQL_LIMIT` for an invalid query; MdocError
 *   `ERR_MDOC_STRUCTURE` for a held document that does not decode.
 */
export function matchDcql(query: DcqlQuery, documents: readonly HeldDocument[] | readonly Held[], options: DcqlMatchOptions & ReadDcqlQueryOptions = {}): DcqlWalletMatch {
  const parsed = readDcqlQuery(query, options);
  const held: readonly Held[] = documents.length > 0 && 'items' in documents[0]! && 'issuerChain' in documents[0]! ? (documents as readonly Held[]) : holdings(documents as readonly HeldDocument[]);
  const mdoc = new Map(parsed.mdoc.map((q) => [q.id, q]));
  const credentials: Record<string, DcqlWalletCredential> = Object.create(null);
  for (const c of parsed.query.credentials) {
    const q = mdoc.get(c.id);
    const candidates: DcqlCandidate[] = [];
    const rejected: { index: number; docType: string; reasons: DcqlReason[] }[] = [];
    held.forEach((h, index) => {
      if (q === undefined) {
        rejected.push({ index, docType: h.docType, reasons: [{ code: DcqlReasonCode.FORMAT, detail: `${c.id} asks for ${c.format}; held documents are mso_mdoc` }] });
        return;
      }
      const r = candidate(h, q, options);
      if ('reasons' in r) rejected.push({ index, docType: h.docType, reasons: r.reasons });
      else candidates.push({ index, docType: h.docType, selection: selectionOf(r.claims), claims: r.claims, ...(r.claimSet === undefined ? {} : { claimSet: r.claimSet }), ...(r.trust === undefined ? {} : { trust: r.trust }) });
    });
    credentials[c.id] = { id: c.id, format: c.format, multiple: c.multiple === true, candidates, rejected };
  }
  const can = new Set(Object.keys(credentials).filter((id) => credentials[id]!.candidates.length > 0));
  const sets = (parsed.query.credential_sets ?? []).map((set, index) => ({
    index,
    required: set.required !== false,
    options: set.options.map((ids) => ({ ids, satisfiable: ids.every((id) => can.has(id)) })),
  }));
  const proposal = chooseCredentials(parsed.query, can);
  return { satisfiable: proposal !== undefined, credentials, sets, ...(proposal === undefined ? {} : { proposal }) };
}
