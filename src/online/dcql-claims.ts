/**
 * Matching the claims of a DCQL `mso_mdoc` Credential Query against the elements of one
 * document (OpenID4VP 1.0 §6.3, §6.4.1, §7.2): value matching over the RFC 8949 §6.1 JSON
 * view of CBOR element values, `claim_sets` in the verifier's order of preference, and the
 * reasons a document does not answer a query. Shared by the wallet and the verifier side.
 *
 * An `age_over_NN` claim is answered, as ISO/IEC 18013-5 §7.2.5 allows, by the nearest
 * `age_over_MM` the document holds (the smallest MM ≥ NN that is true, else the largest
 * MM ≤ NN that is false), and its value is that element's.
 */
import { type CborValue, FullDate, TDate } from '../cbor/index.js';
import { toBase64Url } from '../internal/bytes.js';
import type { MdocClaimQuery, MdocCredentialQuery } from './dcql-query.js';

/** Why a document does not answer a Credential Query (or was not counted). */
export const DcqlReasonCode = {
  /** The Credential Query is not `mso_mdoc`: shomei does not evaluate other formats. */
  FORMAT: 'FORMAT',
  /** The document's docType is not the query's `doctype_value`. */
  DOCTYPE: 'DOCTYPE',
  /** A queried claim is not in the document (not disclosed, or not held). */
  CLAIM_MISSING: 'CLAIM_MISSING',
  /** A queried claim's value is none of `values` (§6.3). */
  VALUE_MISMATCH: 'VALUE_MISMATCH',
  /** No option of `claim_sets` is met (§6.4.1). */
  CLAIM_SETS: 'CLAIM_SETS',
  /** Several presentations for a Credential Query without `multiple` (§6.1). */
  MULTIPLE: 'MULTIPLE',
  /** The issuer chain matches none of `trusted_authorities` (§6.1.1). */
  TRUSTED_AUTHORITY: 'TRUSTED_AUTHORITY',
  /** `require_cryptographic_holder_binding` is true but device authentication did not pass. */
  HOLDER_BINDING: 'HOLDER_BINDING',
  /** Nothing was presented for the Credential Query. */
  NOT_PRESENTED: 'NOT_PRESENTED',
  /** The presentation itself failed verification (the caller said so). */
  INVALID: 'INVALID',
} as const;
export type DcqlReasonCode = (typeof DcqlReasonCode)[keyof typeof DcqlReasonCode];

/** One reason, with the claim it concerns when there is one. */
export interface DcqlReason {
  readonly code: DcqlReasonCode;
  readonly detail: string;
  readonly claim?: { readonly namespace: string; readonly element: string; readonly id?: string };
}

/** The elements of one document: namespace → element identifier → value. */
export type DcqlElements = ReadonlyMap<string, ReadonlyMap<string, CborValue>>;

const AGE_OVER = /^age_over_(\d{2})$/;

/**
 * The RFC 8949 §6.1 JSON view of a CBOR value, for `values` matching (§6.3): text, booleans,
 * integers (within ±2^53), tdate and full-date as their text, byte strings as base64url.
 * Undefined for anything else (floats, null, arrays, maps, other tags): such a value never
 * matches, as §6.3 leaves conversions that are not clearly defined out of scope.
 */
export function dcqlJsonValue(v: CborValue): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  if (v instanceof TDate || v instanceof FullDate) return v.text;
  if (v instanceof Uint8Array) return toBase64Url(v);
  return undefined;
}

/** Whether `value` satisfies the claim's `values` (type and value both equal; absent `values`: any value). */
export function valueMatches(c: MdocClaimQuery, value: CborValue): boolean {
  if (c.values === undefined) return true;
  const json = dcqlJsonValue(value);
  return json !== undefined && c.values.some((v) => v === json);
}

type AgeIndex = readonly (readonly [number, string, CborValue])[];

/** The age_over_MM elements of a namespace. */
function ageIndex(ns: ReadonlyMap<string, CborValue>): AgeIndex {
  const found: [number, string, CborValue][] = [];
  for (const [id, v] of ns) {
    const a = AGE_OVER.exec(id);
    if (a !== null) found.push([Number(a[1]), id, v]);
  }
  return found;
}

/** Per-call memo of {@link ageIndex} by namespace, so many age_over claims scan a document once. */
type AgeMemo = Map<string, AgeIndex>;

/** The element answering `element` in `ns` (itself, or the nearest age_over_MM), with its identifier. */
export function findElement(ns: ReadonlyMap<string, CborValue> | undefined, element: string, index?: () => AgeIndex): { element: string; value: CborValue } | undefined {
  if (ns === undefined) return undefined;
  if (ns.has(element)) return { element, value: ns.get(element)! };
  const m = AGE_OVER.exec(element);
  if (m === null) return undefined;
  const nn = Number(m[1]);
  let bestTrue: readonly [number, string, CborValue] | undefined;
  let bestFalse: readonly [number, string, CborValue] | undefined;
  for (const e of index === undefined ? ageIndex(ns) : index()) {
    const [n, , v] = e;
    if (v === true && n >= nn && (bestTrue === undefined || n < bestTrue[0])) bestTrue = e;
    if (v === false && n <= nn && (bestFalse === undefined || n > bestFalse[0])) bestFalse = e;
  }
  const best = bestTrue ?? bestFalse;
  return best === undefined ? undefined : { element: best[1], value: best[2] };
}

function claimRef(c: MdocClaimQuery): NonNullable<DcqlReason['claim']> {
  return { namespace: c.namespace, element: c.element, ...(c.id === undefined ? {} : { id: c.id }) };
}

/**
 * A reason's detail quotes at most this many UTF-16 units of any one text, and lists at most
 * {@link DETAIL_ITEMS} values or claims: a query may repeat a claim with 64 long `values` in
 * every `claim_sets` option, and a detail that spelled it all out grew to about a thousand
 * times the query for every document matched.
 */
const DETAIL_TEXT = 64;
const DETAIL_ITEMS = 4;

/** `s` for a reason's detail, cut at {@link DETAIL_TEXT}. */
const clip = (s: string) => (s.length > DETAIL_TEXT ? `${s.slice(0, DETAIL_TEXT)}…` : s);

/** The first {@link DETAIL_ITEMS} of `items`, and how many there are in all when more. */
function listed(items: readonly string[], separator = ', '): string {
  const shown = items.slice(0, DETAIL_ITEMS).join(separator);
  return items.length > DETAIL_ITEMS ? `${shown}${separator}… (${items.length} in all)` : shown;
}

const show = (c: MdocClaimQuery) => `${clip(c.namespace)}/${clip(c.element)}`;

/** Whether one claim is answered by `elements`; undefined when it is, else the reason. */
export function claimReason(c: MdocClaimQuery, elements: DcqlElements, memo: AgeMemo = new Map()): DcqlReason | undefined {
  const ns = elements.get(c.namespace);
  const found = findElement(ns, c.element, () => {
    let list = memo.get(c.namespace);
    if (list === undefined) memo.set(c.namespace, (list = ns === undefined ? [] : ageIndex(ns)));
    return list;
  });
  if (found === undefined) return { code: DcqlReasonCode.CLAIM_MISSING, detail: `${show(c)} is not present`, claim: claimRef(c) };
  if (!valueMatches(c, found.value)) {
    const json = dcqlJsonValue(found.value);
    const got = json === undefined ? 'a value without a JSON form' : JSON.stringify(typeof json === 'string' ? clip(json) : json);
    const asked = (c.values ?? []).map((v) => JSON.stringify(typeof v === 'string' ? clip(v) : v));
    return { code: DcqlReasonCode.VALUE_MISMATCH, detail: `${show(c)} is ${got}, none of [${listed(asked, ',')}]`, claim: claimRef(c) };
  }
  return undefined;
}

/** The claims chosen for a document, or why none can be (§6.4.1). */
export type DcqlClaimChoice =
  | { readonly ok: true; readonly claims: readonly MdocClaimQuery[]; readonly claimSet?: readonly string[] }
  | { readonly ok: false; readonly reasons: readonly DcqlReason[] };

/**
 * Choose the claims of `q` that `elements` answers (§6.4.1): every claim, or the first option
 * of `claim_sets` (in the verifier's order of preference) whose claims are all answered.
 * A query without claims asks for none and is always met.
 */
export function chooseClaims(q: MdocCredentialQuery, elements: DcqlElements): DcqlClaimChoice {
  const memo: AgeMemo = new Map();
  if (q.claimSets === undefined) {
    const reasons = q.claims.map((c) => claimReason(c, elements, memo)).filter((r): r is DcqlReason => r !== undefined);
    return reasons.length === 0 ? { ok: true, claims: q.claims } : { ok: false, reasons };
  }
  const byId = new Map(q.claims.map((c) => [c.id!, c]));
  // Each claim is looked at once however many options name it.
  const seen = new Map<MdocClaimQuery, DcqlReason | undefined>();
  const reasonOf = (c: MdocClaimQuery) => {
    if (!seen.has(c)) seen.set(c, claimReason(c, elements, memo));
    return seen.get(c);
  };
  for (const set of q.claimSets) {
    const chosen = set.map((id) => byId.get(id)!);
    if (chosen.every((c) => reasonOf(c) === undefined)) return { ok: true, claims: chosen, claimSet: set };
  }
  const unanswered = [...seen.values()].filter((r): r is DcqlReason => r !== undefined).map((r) => r.detail);
  return {
    ok: false,
    reasons: [{ code: DcqlReasonCode.CLAIM_SETS, detail: `none of the ${q.claimSets.length} options of claim_sets is met: ${listed(unanswered)}` }],
  };
}
