/**
 * DCQL, the Digital Credentials Query Language of OpenID for Verifiable Presentations 1.0
 * (§6), for ISO mdocs (`mso_mdoc`, Appendix B.2): reading a query (shape, ids,
 * references), whether a set of returned credentials satisfies it (§6.4.2), which claims
 * a presentation answers (§6.4.1), and, for a wallet, which held documents can answer
 * which credential query and which elements to disclose.
 */
import type { CborValue } from '../cbor/index.js';
import { FullDate, TDate } from '../cbor/index.js';
import { answerFor, decodeIssuerAuthPayload, decodeIssuerSigned, type ElementSelection, type HeldDocument, type IssuerSignedItemBytes } from '../mdoc/index.js';
import { bad, ID, nonEmptyArray, own, record } from './json.js';

/** The Credential Format Identifier of ISO mdocs (B.2). */
export const MSO_MDOC_FORMAT = 'mso_mdoc';

/** A DCQL Claims Query (§6.3). */
export interface DcqlClaimsQuery {
  readonly id?: string;
  /** For mdocs exactly `[namespace, elementIdentifier]` (§7.2). */
  readonly path: readonly (string | number | null)[];
  readonly values?: readonly (string | number | boolean)[];
  /** mdoc only (B.2.4): IntentToRetain of ISO/IEC 18013-5 §8.3.2.1.2.1. */
  readonly intent_to_retain?: boolean;
}

/** A DCQL Credential Query (§6.1). */
export interface DcqlCredentialQuery {
  readonly id: string;
  readonly format: string;
  readonly multiple?: boolean;
  /** For `mso_mdoc`: `{ doctype_value }` (B.2.3). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly claims?: readonly DcqlClaimsQuery[];
  readonly claim_sets?: readonly (readonly string[])[];
  readonly require_cryptographic_holder_binding?: boolean;
}

/** A DCQL Credential Set Query (§6.2). */
export interface DcqlCredentialSetQuery {
  readonly options: readonly (readonly string[])[];
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
}

/** Read a DCQL query (§6): its shape, ids and references; the `mso_mdoc` queries read into {@link MdocCredentialQuery}. */
export function readDcqlQuery(raw: unknown): { query: DcqlQuery; mdoc: MdocCredentialQuery[]; other: string[] } {
  const value = record(raw, 'dcql_query');
  const credentials = nonEmptyArray(value.credentials, 'dcql_query.credentials');
  const ids = new Set<string>();
  const mdoc: MdocCredentialQuery[] = [];
  const other: string[] = [];
  const copies: DcqlCredentialQuery[] = [];
  credentials.forEach((item, i) => {
    const at = `dcql_query.credentials[${i}]`;
    const c = record(item, at);
    if (typeof c.id !== 'string' || !ID.test(c.id)) bad(`${at}.id must be a non-empty string of [A-Za-z0-9_-]`);
    if (ids.has(c.id)) bad(`${at}.id ${c.id} is used twice`);
    ids.add(c.id);
    if (typeof c.format !== 'string') bad(`${at}.format must be a string`);
    const meta = record(c.meta, `${at}.meta`);
    if (c.multiple !== undefined && typeof c.multiple !== 'boolean') bad(`${at}.multiple must be a boolean`);
    copies.push({ ...c, meta } as unknown as DcqlCredentialQuery);
    if (c.format !== MSO_MDOC_FORMAT) {
      other.push(c.id);
      return;
    }
    const docType = meta.doctype_value;
    if (typeof docType !== 'string' || docType === '') bad(`${at}.meta.doctype_value must be a doctype string`);
    const claims: MdocClaimQuery[] = [];
    const claimIds = new Set<string>();
    if (c.claims !== undefined) {
      nonEmptyArray(c.claims, `${at}.claims`).forEach((claim, j) => {
        const cat = `${at}.claims[${j}]`;
        const q = record(claim, cat);
        if (q.id !== undefined) {
          if (typeof q.id !== 'string' || !ID.test(q.id)) bad(`${cat}.id must be a non-empty string of [A-Za-z0-9_-]`);
          if (claimIds.has(q.id)) bad(`${cat}.id ${q.id} is used twice`);
          claimIds.add(q.id);
        }
        const path = q.path;
        if (!Array.isArray(path) || path.length !== 2 || typeof path[0] !== 'string' || typeof path[1] !== 'string') {
          bad(`${cat}.path must be [namespace, element] for mso_mdoc`);
        }
        if (q.intent_to_retain !== undefined && typeof q.intent_to_retain !== 'boolean') bad(`${cat}.intent_to_retain must be a boolean`);
        let values: (string | number | boolean)[] | undefined;
        if (q.values !== undefined) {
          values = nonEmptyArray(q.values, `${cat}.values`) as (string | number | boolean)[];
          if (!values.every((v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v)))) {
            bad(`${cat}.values must hold strings, integers or booleans`);
          }
        }
        claims.push({
          ...(q.id === undefined ? {} : { id: q.id as string }),
          namespace: path[0] as string,
          element: path[1] as string,
          intentToRetain: q.intent_to_retain === true,
          ...(values === undefined ? {} : { values }),
        });
      });
    }
    let claimSets: string[][] | undefined;
    if (c.claim_sets !== undefined) {
      if (c.claims === undefined) bad(`${at}.claim_sets needs claims`);
      if (claims.some((q) => q.id === undefined)) bad(`${at}: every claim needs an id when claim_sets is present`);
      claimSets = nonEmptyArray(c.claim_sets, `${at}.claim_sets`).map((set, k) => {
        const s = nonEmptyArray(set, `${at}.claim_sets[${k}]`);
        if (!s.every((id) => typeof id === 'string' && claimIds.has(id))) bad(`${at}.claim_sets[${k}] names a claim id that is not in claims`);
        return s as string[];
      });
    }
    const nameSpaces: Record<string, Record<string, boolean>> = Object.create(null);
    for (const q of claims) {
      nameSpaces[q.namespace] ??= Object.create(null);
      nameSpaces[q.namespace]![q.element] = (nameSpaces[q.namespace]![q.element] ?? false) || q.intentToRetain;
    }
    mdoc.push({ id: c.id, docType, multiple: c.multiple === true, claims, ...(claimSets === undefined ? {} : { claimSets }), nameSpaces });
  });
  let sets: DcqlCredentialSetQuery[] | undefined;
  if (value.credential_sets !== undefined) {
    sets = nonEmptyArray(value.credential_sets, 'dcql_query.credential_sets').map((item, i) => {
      const at = `dcql_query.credential_sets[${i}]`;
      const set = record(item, at);
      if (set.required !== undefined && typeof set.required !== 'boolean') bad(`${at}.required must be a boolean`);
      const options = nonEmptyArray(set.options, `${at}.options`).map((option, j) => {
        const o = nonEmptyArray(option, `${at}.options[${j}]`);
        if (!o.every((id) => typeof id === 'string' && ids.has(id))) bad(`${at}.options[${j}] names a credential id that is not in credentials`);
        return o as string[];
      });
      return { ...set, options } as unknown as DcqlCredentialSetQuery;
    });
  }
  const query: DcqlQuery = { ...value, credentials: copies, ...(sets === undefined ? {} : { credential_sets: sets }) } as unknown as DcqlQuery;
  return { query, mdoc, other };
}

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
}

export function holdings(documents: readonly HeldDocument[]): Held[] {
  return documents.map((held, i) => {
    const issuerSigned = held.issuerSigned instanceof Uint8Array ? decodeIssuerSigned(held.issuerSigned, `documents[${i}]`) : held.issuerSigned;
    const mso = decodeIssuerAuthPayload(issuerSigned.issuerAuth, `documents[${i}].issuerAuth`);
    const items = new Map([...issuerSigned.nameSpaces].map(([ns, list]) => [ns, new Map(list.map((it) => [it.value.elementIdentifier, it] as const))] as const));
    return { held, docType: mso.docType, items };
  });
}

/** RFC 8949 §6.1-style JSON view of a CBOR element value, for DCQL `values` matching (primitives and dates only). */
function jsonValue(v: CborValue): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  if (v instanceof TDate || v instanceof FullDate) return v.text;
  return undefined;
}

function available(h: Held, c: MdocClaimQuery): boolean {
  const item = answerFor(c.element, h.items.get(c.namespace) ?? new Map());
  const value: CborValue | undefined = item !== undefined ? item.value.elementValue : (own(own(h.held.deviceSigned, c.namespace), c.element) as CborValue | undefined);
  if (value === undefined) return false;
  if (c.values === undefined) return true;
  const json = jsonValue(value);
  return json !== undefined && c.values.includes(json);
}

/** The elements to disclose from `h` for query `q`, or undefined when `h` cannot answer it (§6.4.1). */
export function selectionFor(h: Held, q: MdocCredentialQuery): ElementSelection | undefined {
  if (h.docType !== q.docType) return undefined;
  let chosen: readonly MdocClaimQuery[] | undefined;
  if (q.claimSets === undefined) {
    chosen = q.claims.every((c) => available(h, c)) ? q.claims : undefined;
  } else {
    const byId = new Map(q.claims.map((c) => [c.id!, c]));
    const set = q.claimSets.find((s) => s.every((id) => available(h, byId.get(id)!)));
    chosen = set?.map((id) => byId.get(id)!);
  }
  if (chosen === undefined) return undefined;
  const sets = new Map<string, Set<string>>();
  for (const c of chosen) {
    const set = sets.get(c.namespace) ?? new Set<string>();
    sets.set(c.namespace, set.add(c.element));
  }
  const out: Record<string, string[]> = Object.create(null);
  for (const [ns, set] of sets) out[ns] = [...set];
  return out;
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
