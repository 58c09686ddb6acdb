/**
 * The VP Token of OpenID4VP 1.0 for ISO mdocs (§8.1, Appendix B.2.5), shared by every
 * transport (DC API, direct_post, fragment): a JSON object from DCQL credential id to a
 * non-empty array of presentations, each the base64url (no padding) of one CBOR
 * DeviceResponse holding one document.
 *
 * ```
 * vp_token = { + credential_id => [+ base64url(DeviceResponse)] }
 * ```
 *
 * Verifier side: {@link verifyVpToken} runs `verifyDeviceResponse` over the request's
 * SessionTranscript and adds the OpenID4VP checks ({@link OpenId4VpCheckId}). Wallet
 * side: {@link buildVpToken} picks the held documents that answer the DCQL query (§6.4),
 * asks for consent, and device-signs one DeviceResponse per document.
 */

import type { BackendOptions } from '../../crypto/types.js';
import { isShomeiError, MdocError } from '../../errors.js';
import { toBase64Url, utf8Encode } from '../../internal/bytes.js';
import {
  buildDeviceRequest,
  buildDeviceResponse,
  type Check,
  type DeviceResponse,
  decodeDeviceResponse,
  type ElementSelection,
  encodeDeviceResponse,
  type HeldDocument,
  MAX_ELEMENTS,
  MdocCheckId,
  type VerifiedDocument,
  type VerifyDeviceResponseOptions,
  type VerifyDeviceResponseResult,
  verifyDeviceResponse,
} from '../../mdoc/index.js';
import {
  AGE_OVER,
  chooseCredentials,
  claimsAnswered,
  credentialsSatisfied,
  type DcqlQuery,
  type Held,
  holdings,
  type MdocCredentialQuery,
  readDcqlQuery,
  selectionFor,
} from '../dcql.js';
import { type DcqlEvaluation, evaluateDcql, presentedDocument } from '../dcql-evaluate.js';
import type { OnlineTranscript } from '../handovers.js';
import { assignTransactionData, bindMdocTransactionData, checkMdocTransactionData, readTransactionData, type TransactionData, type TransactionDataType } from '../transaction-data.js';
import { fromBase64UrlStrict } from '../jwe.js';
import { bad, jsonObject, nonEmptyArray, own } from '../json.js';

/** Ids of the checks OpenID4VP adds to the mdoc verification. */
export const OpenId4VpCheckId = {
  /** The credentials returned satisfy the query: every credential, or every required credential set. */
  CREDENTIALS: 'OID4VP_CREDENTIALS',
  /** One presentation for the credential id, unless the query allows `multiple`. */
  PRESENTATION_COUNT: 'OID4VP_PRESENTATION_COUNT',
  /** The DeviceResponse holds exactly one document, of the queried `doctype_value`. */
  DOCUMENT: 'OID4VP_DOCUMENT',
  /** The disclosed elements include every queried claim (or one of the `claim_sets`). */
  CLAIMS: 'OID4VP_CLAIMS',
  /** Device authentication verified over this request's transcript (origin or client id, nonce, encryption key, response URI). */
  TRANSCRIPT: 'OID4VP_TRANSCRIPT',
  /** One per `transaction_data` entry: it came back device-signed as its type defines (B.2.1, not final). */
  TRANSACTION_DATA: 'OID4VP_TRANSACTION_DATA',
} as const;
export type OpenId4VpCheckId = (typeof OpenId4VpCheckId)[keyof typeof OpenId4VpCheckId];

/** One presentation (one DeviceResponse) in the VP Token, verified. */
export interface OpenId4VpPresentation {
  readonly credentialId: string;
  readonly response: DeviceResponse;
  /** The mdoc report (issuer data authentication, device authentication, requested elements…). */
  readonly verification: VerifyDeviceResponseResult;
  /** `OID4VP_DOCUMENT`, `OID4VP_CLAIMS`, `OID4VP_TRANSCRIPT`. */
  readonly checks: readonly Check[];
  /** True when the mdoc report and these checks all passed. */
  readonly valid: boolean;
}

/** A verified VP Token. */
export interface VpTokenResult {
  /** True only when every presentation is valid and the query is satisfied. */
  readonly valid: boolean;
  /** `OID4VP_CREDENTIALS` and one `OID4VP_PRESENTATION_COUNT` per credential id returned. */
  readonly checks: readonly Check[];
  /** Credential id → its presentations, in the order received. */
  readonly presentations: Readonly<Record<string, readonly OpenId4VpPresentation[]>>;
  /**
   * The DCQL evaluation of what was presented (§6.4): which Credential Query each document
   * satisfies, and why not (values, claim_sets, trusted_authorities, multiple), and which
   * credential_sets option was met. Explanatory: `valid` is decided by the checks above.
   */
  readonly dcql: DcqlEvaluation;
}

/** The verification options the caller gives (the transcript and request come from the OpenID4VP request). */
export type OpenId4VpVerifyOptions = Omit<VerifyDeviceResponseOptions, 'sessionTranscript' | 'request' | 'eReaderKey'>;

/** The most presentations read from one VP Token. */
export const MAX_VP_TOKEN_PRESENTATIONS = 64;

export function check(id: string, ok: boolean, detail?: string): Check {
  return { id, status: ok ? 'passed' : 'failed', required: true, ...(detail === undefined ? {} : { detail }) };
}

function decodePresentation(text: unknown, at: string): DeviceResponse {
  const bytes = fromBase64UrlStrict(text);
  if (bytes === undefined || bytes.length === 0) bad(`${at} is not a base64url-encoded DeviceResponse`);
  try {
    return decodeDeviceResponse(bytes);
  } catch (e) {
    if (isShomeiError(e)) bad(`${at}: DeviceResponse: ${e.message}`, e);
    throw e;
  }
}

async function verifyPresentation(
  credentialId: string,
  response: DeviceResponse,
  q: MdocCredentialQuery,
  transcript: OnlineTranscript,
  binding: string,
  verify: OpenId4VpVerifyOptions,
  transactionData: TransactionDataContext | undefined,
): Promise<OpenId4VpPresentation> {
  const request = await buildDeviceRequest([{ docType: q.docType, nameSpaces: requestedNameSpaces(q, transactionData) }]);
  const verification = await verifyDeviceResponse(response, { ...verify, sessionTranscript: transcript.sessionTranscript.tagged, request });
  const docs = verification.documents;
  const checks: Check[] = [];
  const oneDoc = docs.length === 1 && docs[0]!.docType === q.docType;
  checks.push(check(OpenId4VpCheckId.DOCUMENT, oneDoc, oneDoc ? undefined : `expected one ${q.docType} document, got [${docs.map((d) => d.docType).join(', ')}]`));
  const doc = docs[0];
  const disclosed = (ns: string, element: string): boolean => {
    if (doc === undefined) return false;
    const issued = own(doc.issuerSigned, ns);
    const signed = own(doc.deviceSigned, ns);
    const has = (id: string) => own(issued, id) !== undefined || own(signed, id) !== undefined;
    if (has(element)) return true;
    return AGE_OVER.test(element) && [...Object.keys(issued ?? {}), ...Object.keys(signed ?? {})].some((id) => AGE_OVER.test(id));
  };
  const claims = claimsAnswered(q, disclosed);
  checks.push(check(OpenId4VpCheckId.CLAIMS, claims.ok, claims.ok ? undefined : `not disclosed: ${claims.missing.join(', ')}`));
  // The transcript only enters through device authentication: it is bound when every document's DEVICE_AUTH passed.
  const deviceAuth = (d: (typeof docs)[number]) => d.checks.filter((c) => c.id === MdocCheckId.DEVICE_AUTH);
  const bound = docs.length > 0 && docs.every((d) => deviceAuth(d).length > 0 && deviceAuth(d).every((c) => c.status === 'passed'));
  checks.push(
    check(
      OpenId4VpCheckId.TRANSCRIPT,
      bound,
      bound
        ? undefined
        : `device authentication over the ${binding} of this request failed: the presentation was made for another request (verifier, nonce or key), or its device signature is bad`,
    ),
  );
  return { credentialId, response, verification, checks, valid: verification.valid && checks.every((c) => c.status === 'passed') };
}

/** The request's `transaction_data`, read with the verifier's types. */
export interface TransactionDataContext {
  readonly entries: readonly TransactionData[];
  readonly types: readonly TransactionDataType[];
}

/** What the query asks of `q`, plus the DeviceSigned elements its `transaction_data` entries bind (B.2.1), so they count as requested. */
function requestedNameSpaces(q: MdocCredentialQuery, tx: TransactionDataContext | undefined): MdocCredentialQuery['nameSpaces'] {
  if (tx === undefined) return q.nameSpaces;
  const out: Record<string, Record<string, boolean>> = Object.create(null);
  for (const ns of Object.keys(q.nameSpaces)) out[ns] = Object.assign(Object.create(null), q.nameSpaces[ns]);
  for (const e of tx.entries) {
    const el = tx.types.find((t) => t.type === e.type)?.mdocDeviceSigned;
    if (el === undefined || !e.credential_ids.includes(q.id)) continue;
    out[el.nameSpace] ??= Object.create(null);
    out[el.nameSpace]![el.elementIdentifier] = false;
  }
  return out;
}

/**
 * Verifier side: verify a VP Token (an object, or its JSON text) against the DCQL query of
 * the request and its SessionTranscript. `binding` names the handover in failure details.
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for a malformed VP Token, an unknown credential id
 *   or an undecodable DeviceResponse.
 */
export async function verifyVpToken(
  vpToken: unknown,
  context: { readonly dcqlQuery: DcqlQuery; readonly transcript: OnlineTranscript; readonly binding: string; readonly transactionData?: TransactionDataContext },
  verify: OpenId4VpVerifyOptions,
): Promise<VpTokenResult> {
  const token = jsonObject(vpToken, 'vp_token');
  const parsed = readDcqlQuery(context.dcqlQuery);
  const queries = new Map(parsed.mdoc.map((q) => [q.id, q]));
  const ids = Object.keys(token);
  let total = 0;
  for (const id of ids) {
    if (!queries.has(id)) bad(`vp_token has an entry for ${JSON.stringify(id)}, which was not asked for`);
    total += nonEmptyArray(own(token, id), `vp_token.${id}`).length;
  }
  if (total > MAX_VP_TOKEN_PRESENTATIONS) bad(`vp_token holds ${total} presentations, more than ${MAX_VP_TOKEN_PRESENTATIONS}`);
  // Every presentation decoded before any is verified, their data elements counted together
  // as those of one DeviceResponse (MAX_ELEMENTS): 64 presentations of thousands of tiny
  // elements each held about 56 times the vp_token's size.
  const decoded = new Map<string, DeviceResponse[]>();
  let elements = 0;
  for (const id of ids) {
    const responses: DeviceResponse[] = [];
    for (const [i, item] of (own(token, id) as readonly unknown[]).entries()) {
      const at = `vp_token.${id}[${i}]`;
      const response = decodePresentation(item, at);
      for (const doc of response.documents) {
        for (const list of doc.issuerSigned.nameSpaces.values()) elements += list.length;
        for (const map of doc.deviceSigned?.nameSpaces.value.values() ?? []) elements += map.size;
      }
      if (elements > MAX_ELEMENTS) bad(`${at}: the vp_token holds more than ${MAX_ELEMENTS} data elements (MAX_ELEMENTS)`);
      responses.push(response);
    }
    decoded.set(id, responses);
  }
  const presentations: [string, OpenId4VpPresentation[]][] = [];
  const checks: Check[] = [];
  for (const [id, responses] of decoded) {
    const q = queries.get(id)!;
    const list: OpenId4VpPresentation[] = [];
    for (const response of responses) list.push(await verifyPresentation(id, response, q, context.transcript, context.binding, verify, context.transactionData));
    const countOk = q.multiple || list.length === 1;
    checks.push(check(OpenId4VpCheckId.PRESENTATION_COUNT, countOk, `${id}: ${list.length} presentation(s)${countOk ? '' : ', but multiple was not allowed'}`));
    presentations.push([id, list]);
  }
  const returned = new Set(presentations.filter(([, list]) => list.length > 0 && list.every((p) => p.valid)).map(([id]) => id));
  const satisfied = credentialsSatisfied(context.dcqlQuery, returned);
  checks.unshift(check(OpenId4VpCheckId.CREDENTIALS, satisfied.ok, satisfied.ok ? undefined : `no valid presentation of ${satisfied.missing.join('; ')}`));
  const valid = checks.every((c) => c.status === 'passed') && presentations.every(([, list]) => list.every((p) => p.valid));
  const out: Record<string, readonly OpenId4VpPresentation[]> = Object.create(null);
  for (const [id, list] of presentations) out[id] = list;
  const dcql = evaluateDcql(context.dcqlQuery, new Map(presentations.map(([id, list]) => [id, list.flatMap((p) => p.verification.documents.map(presentedDocument))])));
  return { valid, checks, presentations: out, dcql };
}

/** `selection` with `more` added (prototype-free copies). */
function withElements(selection: ElementSelection, more: Readonly<Record<string, readonly string[]>>): ElementSelection {
  const out: Record<string, string[]> = Object.create(null);
  for (const [ns, els] of Object.entries(selection)) out[ns] = [...els];
  for (const [ns, els] of Object.entries(more)) out[ns] = [...new Set([...(out[ns] ?? []), ...els])];
  return out;
}

/** Whether consent kept every element of `wanted` (`kept` is the caller's object, its keys the verifier's names). */
function covers(kept: ElementSelection, wanted: ElementSelection): boolean {
  return Object.entries(wanted).every(([ns, els]) => {
    const list = own(kept, ns);
    if (!Array.isArray(list)) return false;
    const have = new Set(list);
    return els.every((el) => have.has(el));
  });
}

/** Asked once per presentation with the elements about to be disclosed; return those the holder allows. */
export type OpenId4VpConsent = (docType: string, proposed: ElementSelection, credentialId: string) => ElementSelection | Promise<ElementSelection>;

/**
 * Wallet side: the VP Token answering a query with the held documents. For each credential
 * query chosen (all of them, or per `credential_sets` the first option that can be
 * answered), the matching documents (the first, or all with `multiple`) are presented,
 * each as one DeviceResponse device-signed over `transcript`, disclosing exactly the
 * queried claims (or the first `claim_sets` option held). A presentation whose elements
 * consent does not all keep is withdrawn (DCQL §6.4.1 does not allow fewer claims).
 * @throws MdocError `ERR_MDOC_INPUT` when the held documents (after consent) cannot satisfy
 *   the query, or a device key does not match its MSO; `ERR_MDOC_STRUCTURE` for a malformed held document.
 */
export async function buildVpToken(
  request: {
    readonly dcqlQuery: DcqlQuery;
    readonly credentials: readonly MdocCredentialQuery[];
    readonly transcript: OnlineTranscript;
    /** The request's `transaction_data`, read with the types below: bound into the presentations (B.2.1, not final). */
    readonly transactionData?: readonly TransactionData[];
    readonly transactionDataTypes?: readonly TransactionDataType[];
  },
  options: BackendOptions & { readonly documents: readonly HeldDocument[]; readonly consent?: OpenId4VpConsent },
): Promise<Record<string, string[]>> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const held = holdings(options.documents);
  const matches = new Map<string, { h: Held; selection: ElementSelection }[]>();
  for (const q of request.credentials) {
    const found = held.flatMap((h) => {
      const selection = selectionFor(h, q);
      return selection === undefined ? [] : [{ h, selection }];
    });
    if (found.length > 0) matches.set(q.id, q.multiple ? found : found.slice(0, 1));
  }
  // Ask for consent only for what would be sent; a refusal withdraws that credential and the choice is made again.
  const asked = new Set<string>();
  let chosen = chooseCredentials(request.dcqlQuery, new Set(matches.keys()));
  while (chosen !== undefined && options.consent !== undefined && chosen.some((id) => !asked.has(id))) {
    for (const id of chosen.filter((i) => !asked.has(i))) {
      asked.add(id);
      const kept: { h: Held; selection: ElementSelection }[] = [];
      for (const m of matches.get(id)!) if (covers(await options.consent(m.h.docType, m.selection, id), m.selection)) kept.push(m);
      if (kept.length > 0) matches.set(id, kept);
      else matches.delete(id);
    }
    chosen = chooseCredentials(request.dcqlQuery, new Set(matches.keys()));
  }
  if (chosen === undefined) {
    const can = [...matches.keys()];
    throw new MdocError('ERR_MDOC_INPUT', `documents: the held documents${options.consent === undefined ? '' : ' consented to'} cannot satisfy the query (can answer: [${can.join(', ')}])`, {
      path: 'documents',
    });
  }
  // §5.1: each transaction_data entry is processed with one of the credentials it names that is answered.
  const assigned = request.transactionData === undefined ? undefined : assignTransactionData(request.transactionData, chosen);
  const vpToken: Record<string, string[]> = Object.create(null);
  for (const id of chosen) {
    const list: string[] = [];
    for (const m of matches.get(id)!) {
      let document = m.h.held;
      let elements = m.selection;
      const entries = assigned?.get(id);
      if (entries !== undefined) {
        const bound = await bindMdocTransactionData(document, entries, request.transactionDataTypes ?? [], backend);
        document = bound.document;
        elements = withElements(elements, bound.elements);
      }
      const response = await buildDeviceResponse({
        documents: [document],
        elements,
        sessionTranscript: request.transcript.sessionTranscript.tagged,
        ...backend,
      });
      list.push(toBase64Url(encodeDeviceResponse(response)));
    }
    vpToken[id] = list;
  }
  return vpToken;
}

/** One `OID4VP_TRANSACTION_DATA` check per `transaction_data` entry the request carried. */
export async function transactionDataChecks(tx: TransactionDataContext, presentations: Readonly<Record<string, readonly OpenId4VpPresentation[]>>, backend: BackendOptions): Promise<Check[]> {
  const documents: Record<string, VerifiedDocument[]> = Object.create(null);
  for (const id of Object.keys(presentations)) documents[id] = presentations[id]!.flatMap((p) => [...p.verification.documents]);
  const checks = await checkMdocTransactionData(tx.entries, tx.types, documents, backend);
  return checks.map((c) => check(OpenId4VpCheckId.TRANSACTION_DATA, c.ok, `transaction_data[${c.index}] (${c.type}): ${c.detail}`));
}

/** The `transaction_data` parameter for `objects`: each base64url(JSON), checked as a wallet would read it. */
export function encodeTransactionData(
  objects: readonly Readonly<Record<string, unknown>>[] | undefined,
  dcqlQuery: DcqlQuery,
  types: readonly TransactionDataType[] | undefined,
): string[] | undefined {
  if (objects === undefined) return undefined;
  if (types === undefined) throw new TypeError('transactionData needs transactionDataTypes');
  if (!Array.isArray(objects) || objects.length === 0) throw new TypeError('transactionData must be a non-empty array of objects');
  const encoded = objects.map((o) => toBase64Url(utf8Encode(JSON.stringify(o))));
  try {
    readTransactionData(encoded, dcqlQuery, types);
  } catch (e) {
    if (isShomeiError(e)) throw new TypeError(`transactionData: ${e.message}`);
    throw e;
  }
  return encoded;
}
