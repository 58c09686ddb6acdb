
import { readTransactionData, type TransactionData, type TransactionDataType } from './transaction-data.js';
import { encodeTransactionData, type TransactionDataContext, transactionDataChecks } from './openid4vp/vp-token.js';
import type { DcqlEvaluation } from './dcql-evaluate.js';
import { resolveBackend } from '../crypto/index.js';
import { ecPublicKeyFromRaw, publicKeyOf } from '../crypto/keys.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey } from '../crypto/types.js';
import { isShomeiError, OnlineError } from '../errors.js';
import { concat, toBase64Url, utf8Decode, utf8Encode } from '../internal/bytes.js';
import type {
  Check,
  ElementSelection,
  HeldDocument,
  ItemsRequestInput,
  VerifyDeviceResponseOptions,
} from '../mdoc/index.js';
import { jwkThumbprint, type OnlineTranscript, openId4VpDcApiHandover } from './handovers.js';
import {
  decodeJweHeader,
  decryptJwe,
  encryptJwe,
  fromBase64UrlStrict,
  JWE_ALG_ECDH_ES,
  JweEnc,
  type JweHeader,
  p256PublicJwk,
} from './jwe.js';
import { consumeVerifierState } from './state.js';
import {
  type DcqlClaimsQuery,
  type DcqlCredentialQuery,
  type DcqlQuery,
  type MdocCredentialQuery,
  MSO_MDOC_FORMAT,
  readDcqlQuery,
} from './dcql.js';
import { bad, ID, isObject, jsonObject, NONCE, nonEmptyArray, record } from './json.js';
import { OpenId4VpErrorCode } from './openid4vp/errors.js';
import { buildVpToken, type OpenId4VpPresentation, verifyVpToken } from './openid4vp/vp-token.js';

/** The Digital Credentials API protocol identifier for unsigned OpenID4VP 1.0 requests (A.1). */
export const OPENID4VP_DC_API_PROTOCOL = 'openid4vp-v1-unsigned';

/** Response modes over the DC API (A.2): plain, or encrypted to the verifier (§8.3). */
export type OpenId4VpResponseMode = 'dc_api' | 'dc_api.jwt';

/** COSE algorithms shomei verifies for IssuerAuth and DeviceSignature: ES256, ES384, ES512, EdDSA. */
export const COSE_SIGNATURE_ALGS = [-7, -35, -36, -8] as const;

/** The verifier metadata sent in the request (§5.1). */
export interface OpenId4VpClientMetadata {
  readonly vp_formats_supported?: Readonly<Record<string, unknown>>;
  readonly jwks?: { readonly keys: readonly Readonly<Record<string, unknown>>[] };
  readonly encrypted_response_enc_values_supported?: readonly string[];
}

/** The `data` of an unsigned OpenID4VP request over the DC API (A.2). */
export interface OpenId4VpDcApiRequestData {
  readonly response_type: 'vp_token';
  readonly response_mode: OpenId4VpResponseMode;
  readonly nonce: string;
  readonly client_metadata?: OpenId4VpClientMetadata;
  readonly dcql_query: DcqlQuery;
}

/** The request to hand to `navigator.credentials.get({ digital: { requests: [request] } })`. */
export interface OpenId4VpDcApiRequest {
  readonly protocol: typeof OPENID4VP_DC_API_PROTOCOL;
  readonly data: OpenId4VpDcApiRequestData;
}

/** The `data` of the wallet's answer: the VP Token, or a JWE carrying it. */
export type OpenId4VpDcApiResponseData = { readonly vp_token: Readonly<Record<string, readonly string[]>> } | { readonly response: string };

/**
 * What the verifier keeps until the answer comes back. Keep it secret; it opens one
 * answer: {@link openOpenId4VpDcApiResponse} consumes it (see there).
 */
export interface OpenId4VpDcApiVerifierState {
  readonly origin: string;
  readonly nonce: string;
  readonly responseMode: OpenId4VpResponseMode;
  readonly dcqlQuery: DcqlQuery;
  /** For `dc_api.jwt`: the response decryption key, its `kid`, and the `enc` values offered. */
  readonly encryption?: { readonly key: EcPrivateKey; readonly kid: string; readonly encValues: readonly JweEnc[] };
  readonly transcript: OnlineTranscript;
  /** The `transaction_data` sent, read with the types given (checked on the answer: `OID4VP_TRANSACTION_DATA`). */
  readonly transactionData?: TransactionDataContext;
}

/** One document to ask for: like the mdoc `ItemsRequestInput` (namespace → element → intent to retain). */
export interface OpenId4VpDocRequest {
  /** The DCQL credential id (`[A-Za-z0-9_-]+`); default derived from the docType. */
  readonly id?: string;
  readonly docType: string;
  readonly nameSpaces: ItemsRequestInput['nameSpaces'];
  /** Accept several credentials of this docType. */
  readonly multiple?: boolean;
}

export { OpenId4VpCheckId, type OpenId4VpPresentation } from './openid4vp/vp-token.js';

/** The verified answer. */
export interface OpenId4VpDcApiResult {
  /** True only when every presentation is valid and the query is satisfied. */
  readonly valid: boolean;
  /** `OID4VP_CREDENTIALS` and one `OID4VP_PRESENTATION_COUNT` per credential id returned. */
  readonly checks: readonly Check[];
  /** Credential id → its presentations, in the order received. */
  readonly presentations: Readonly<Record<string, readonly OpenId4VpPresentation[]>>;
  /** The DCQL evaluation of what was presented (see `evaluateDcql`); explanatory, `valid` is decided by the checks. */
  readonly dcql: DcqlEvaluation;
  /** For `dc_api.jwt`, the decrypted JWE's protected header. */
  readonly jweHeader?: JweHeader;
}

/** An Origin as the platform asserts it (§2): a web origin without path, or an opaque app origin such as `android:apk-key-hash:…`. */
export function checkOrigin(origin: string): void {
  const ok =
    typeof origin === 'string' &&
    !origin.startsWith('origin:') &&
    (/^https?:/i.test(origin) ? /^https?:\/\/[^/\s?#]+$/i.test(origin) : /^[a-z][a-z0-9+.-]*:\S+$/i.test(origin));
  if (!ok) throw new TypeError(`origin must be the platform-asserted origin, such as https://verifier.example, without an origin: prefix (got ${JSON.stringify(origin)})`);
}

function entriesOf(nameSpaces: ItemsRequestInput['nameSpaces']): [string, [string, boolean][]][] {
  const outer = nameSpaces instanceof Map ? [...nameSpaces] : Object.entries(nameSpaces);
  return outer.map(([ns, els]) => [ns, els instanceof Map ? [...els] : Object.entries(els as Record<string, boolean>)]);
}

/**
 * The DCQL query (§6) asking for `docRequests`: one `mso_mdoc` credential query each, its
 * claims with `intent_to_retain`.
 * @throws TypeError for a malformed document request or a credential id used twice.
 */
export function dcqlQueryFor(docRequests: readonly OpenId4VpDocRequest[]): DcqlQuery {
  if (!Array.isArray(docRequests) || docRequests.length === 0) throw new TypeError('docRequests must be a non-empty array');
  const used = new Set<string>();
  const credentials: DcqlCredentialQuery[] = docRequests.map((r, i) => {
    if (typeof r?.docType !== 'string' || r.docType === '') throw new TypeError(`docRequests[${i}].docType must be a non-empty string`);
    let id = r.id ?? r.docType.replace(/[^A-Za-z0-9_-]/g, '_');
    if (r.id === undefined && used.has(id)) id = `${id}_${i}`;
    if (!ID.test(id)) throw new TypeError(`docRequests[${i}].id must be a non-empty string of [A-Za-z0-9_-] (got ${JSON.stringify(id)})`);
    if (used.has(id)) throw new TypeError(`docRequests[${i}].id ${id} is used twice`);
    used.add(id);
    const claims: DcqlClaimsQuery[] = entriesOf(r.nameSpaces).flatMap(([ns, els]) => els.map(([el, retain]) => ({ path: [ns, el], intent_to_retain: retain === true })));
    return {
      id,
      format: MSO_MDOC_FORMAT,
      ...(r.multiple === true ? { multiple: true } : {}),
      meta: { doctype_value: r.docType },
      ...(claims.length === 0 ? {} : { claims }),
    };
  });
  return { credentials };
}

/**
 * Verifier side: build an unsigned OpenID4VP request for the DC API and the secrets to
 * keep: a fresh 256-bit nonce and, for `dc_api.jwt`, a fresh P-256 encryption key.
 * @throws TypeError for a malformed origin, credential id or document request.
 * @example
 * const { request, state } = await createOpenId4VpDcApiRequest({ origin: location.origin, responseMode: 'dc_api.jwt',
 *   docRequests: [{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }] })
 * const credential = await navigator.credentials.get({ mediation: 'required', digital: { requests: [request] } })
 * const result = await openOpenId4VpDcApiResponse(credential.data, state, { trustAnchors })
 */
export async function createOpenId4VpDcApiRequest(
  options: BackendOptions & {
    /** The verifier page's origin, as the platform will report it to the wallet. */
    readonly origin: string;
    readonly docRequests: readonly OpenId4VpDocRequest[];
    readonly responseMode: OpenId4VpResponseMode;
    /** For `dc_api.jwt`, the content encryption algorithms offered; default A128GCM and A256GCM. */
    readonly encValues?: readonly JweEnc[];
    /** `transaction_data` objects (§5.1), each of one of `transactionDataTypes` (B.2.1 mdoc binding, not final). */
    readonly transactionData?: readonly Readonly<Record<string, unknown>>[];
    readonly transactionDataTypes?: readonly TransactionDataType[];
  },
): Promise<{ request: OpenId4VpDcApiRequest; state: OpenId4VpDcApiVerifierState }> {
  checkOrigin(options.origin);
  const mode = options.responseMode;
  if (mode !== 'dc_api' && mode !== 'dc_api.jwt') throw new TypeError(`responseMode must be dc_api or dc_api.jwt (got ${String(mode)})`);
  if (!Array.isArray(options.docRequests) || options.docRequests.length === 0) throw new TypeError('docRequests must be a non-empty array');
  const backend = resolveBackend(options);
  const dcqlQuery = dcqlQueryFor(options.docRequests);
  const transactionData = encodeTransactionData(options.transactionData, dcqlQuery, options.transactionDataTypes);
  const nonce = toBase64Url(backend.randomBytes(32));
  const vpFormats = { [MSO_MDOC_FORMAT]: { issuerauth_alg_values: [...COSE_SIGNATURE_ALGS], deviceauth_alg_values: [...COSE_SIGNATURE_ALGS] } };
  let encryption: OpenId4VpDcApiVerifierState['encryption'];
  let clientMetadata: OpenId4VpClientMetadata = { vp_formats_supported: vpFormats };
  let thumbprint: Uint8Array | null = null;
  if (mode === 'dc_api.jwt') {
    const encValues = options.encValues ?? [JweEnc.A128GCM, JweEnc.A256GCM];
    if (encValues.length === 0 || !encValues.every((e) => e === JweEnc.A128GCM || e === JweEnc.A256GCM)) throw new TypeError('encValues must list A128GCM and/or A256GCM');
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    thumbprint = await jwkThumbprint(publicKeyOf(key), { backend });
    const kid = toBase64Url(thumbprint);
    encryption = { key, kid, encValues: [...encValues] };
    clientMetadata = {
      ...clientMetadata,
      jwks: { keys: [{ ...p256PublicJwk(key), use: 'enc', alg: JWE_ALG_ECDH_ES, kid }] },
      encrypted_response_enc_values_supported: [...encValues],
    };
  }
  const transcript = await openId4VpDcApiHandover({ origin: options.origin, nonce, jwkThumbprint: thumbprint }, { backend });
  return {
    request: {
      protocol: OPENID4VP_DC_API_PROTOCOL,
      data: {
        response_type: 'vp_token',
        response_mode: mode,
        nonce,
        client_metadata: clientMetadata,
        dcql_query: dcqlQuery,
        ...(transactionData === undefined ? {} : { transaction_data: transactionData }),
      },
    },
    state: {
      origin: options.origin,
      nonce,
      responseMode: mode,
      dcqlQuery,
      ...(encryption === undefined ? {} : { encryption }),
      transcript,
      ...(transactionData === undefined ? {} : { transactionData: { entries: readTransactionData(transactionData, dcqlQuery, options.transactionDataTypes!), types: options.transactionDataTypes! } }),
    },
  };
}

function rejectError(payload: Record<string, unknown>): void {
  if (payload.error !== undefined) {
    const description = typeof payload.error_description === 'string' ? ` (${payload.error_description})` : '';
    bad(`the wallet answered with the error ${JSON.stringify(payload.error)}${description}`);
  }
}

/**
 * Verifier side: open the wallet's answer with the kept state (decrypting it for
 * `dc_api.jwt`) and verify every presentation: the mdoc checks of `verifyDeviceResponse`
 * over this request's SessionTranscript, plus the OpenID4VP checks ({@link OpenId4VpCheckId}).
 * `data` is the `data` of the DigitalCredential (an object, or its JSON text).
 *
 * The state is consumed on entry, synchronously and whatever the outcome (a failed open
 * consumes it too, so an answer cannot be retried or replayed, and the request's key never
 * opens a second JWE): a second open with it, or with a shallow copy of it, throws
 * `ERR_ONLINE_REPLAY`, even while the first is still running. A state serialised and read
 * back is a new object: delete a stored state when you load it.
 * @throws OnlineError `ERR_ONLINE_REPLAY` when the state was already used; `ERR_JWE_DECRYPT` when a `dc_api.jwt` answer does not decrypt with this
 *   request's key (for example one encrypted to another key); `ERR_ONLINE_MESSAGE` when the
 *   answer is not an OpenID4VP response to this request (wrong shape, the wrong response
 *   mode, an unknown credential id, an undecodable DeviceResponse) or is an error response.
 */
export async function openOpenId4VpDcApiResponse(
  data: OpenId4VpDcApiResponseData | Readonly<Record<string, unknown>> | string,
  state: OpenId4VpDcApiVerifierState,
  verify: Omit<VerifyDeviceResponseOptions, 'sessionTranscript' | 'request' | 'eReaderKey'>,
): Promise<OpenId4VpDcApiResult> {
  consumeVerifierState('state', state, state?.transcript, state?.encryption);
  const backend = verify.backend === undefined ? {} : { backend: verify.backend };
  let payload = jsonObject(data, 'the answer');
  rejectError(payload);
  let jweHeader: JweHeader | undefined;
  if (state.responseMode === 'dc_api.jwt') {
    if (state.encryption === undefined) throw new TypeError('state has no encryption key for dc_api.jwt');
    if (typeof payload.response !== 'string') bad('a dc_api.jwt answer must carry the encrypted "response" (and no plain vp_token)');
    const header = decodeJweHeader(payload.response);
    if (header.kid !== undefined && header.kid !== state.encryption.kid) throw new OnlineError('ERR_JWE_DECRYPT', 'the JWE does not decrypt with this key');
    const opened = await decryptJwe(payload.response, { recipientKey: state.encryption.key, encValues: state.encryption.encValues, ...backend });
    jweHeader = opened.header;
    let text: string;
    try {
      text = utf8Decode(opened.plaintext);
    } catch (e) {
      bad('the decrypted response is not UTF-8', e);
    }
    payload = jsonObject(text, 'the decrypted response');
    rejectError(payload);
  } else if (payload.response !== undefined) {
    bad('an encrypted "response" answers a dc_api request, which asked for a plain vp_token');
  }
  const binding = `OpenID4VPDCAPIHandover (origin ${state.origin}${state.responseMode === 'dc_api.jwt' ? ', nonce and encryption key' : ' and nonce'})`;
  const tx = state.transactionData;
  const verified = await verifyVpToken(payload.vp_token, { dcqlQuery: state.dcqlQuery, transcript: state.transcript, binding, ...(tx === undefined ? {} : { transactionData: tx }) }, verify);
  const transaction = tx === undefined ? [] : await transactionDataChecks(tx, verified.presentations, backend);
  const valid = verified.valid && transaction.every((c) => c.status === 'passed');
  return { valid, checks: [...verified.checks, ...transaction], presentations: verified.presentations, dcql: verified.dcql, ...(jweHeader === undefined ? {} : { jweHeader }) };
}

/** What a wallet reads from an OpenID4VP DC API request. */
export interface OpenId4VpDcApiWalletRequest {
  /** The origin the platform reported for the caller. */
  readonly origin: string;
  readonly nonce: string;
  readonly responseMode: OpenId4VpResponseMode;
  readonly dcqlQuery: DcqlQuery;
  /** The `mso_mdoc` credential queries: what may be presented. */
  readonly credentials: readonly MdocCredentialQuery[];
  /** Ids of credential queries in other formats (never answered by this wallet). */
  readonly otherFormats: readonly string[];
  /** For `dc_api.jwt`: the verifier key chosen from `client_metadata.jwks`, its kid, and the `enc` chosen. */
  readonly encryption?: { readonly key: EcPublicKey; readonly kid: string; readonly enc: JweEnc };
  readonly transcript: OnlineTranscript;
  /** The `transaction_data` entries, read with `transactionDataTypes`; the answer binds them (B.2.1, not final). */
  readonly transactionData?: readonly TransactionData[];
  readonly transactionDataTypes?: readonly TransactionDataType[];
}

/**
 * `verifier_info` (§5.1): a non-empty array of objects, each with `format` (a string), `data`
 * (an object or a string) and optionally `credential_ids` (a non-empty array of strings, each
 * the `id` of a Credential Query). Only its shape is checked: what an attestation says is for
 * the wallet's policy (§5.11), which must verify one before using it. Read the same way from a
 * URL, a Request Object or a DC API request.
 * @throws OnlineError `ERR_ONLINE_MESSAGE` (`invalid_request`) naming the entry that breaks it.
 */
export function checkVerifierInfo(value: unknown, query: DcqlQuery): void {
  const bad: (text: string) => never = (text) => {
    throw new OnlineError('ERR_ONLINE_MESSAGE', text, { check: OpenId4VpErrorCode.INVALID_REQUEST });
  };
  if (!Array.isArray(value) || value.length === 0) bad('verifier_info must be a non-empty array of objects');
  const ids = new Set(query.credentials.map((c) => c.id));
  value.forEach((entry: unknown, i) => {
    const at = `verifier_info[${i}]`;
    if (!isObject(entry)) bad(`${at} is not an object`);
    const e = record(entry, at);
    if (typeof e.format !== 'string' || e.format === '') bad(`${at}.format must be a non-empty string`);
    if (typeof e.data !== 'string' && !isObject(e.data)) bad(`${at}.data must be an object or a string`);
    if (e.credential_ids === undefined) return;
    const list = e.credential_ids;
    if (!Array.isArray(list) || list.length === 0) bad(`${at}.credential_ids must be a non-empty array of strings`);
    list.forEach((id: unknown, j) => {
      if (typeof id !== 'string' || !ids.has(id)) bad(`${at}.credential_ids[${j}] is not the id of a Credential Query in dcql_query`);
    });
  });
}

export function chooseEncryption(metadata: unknown): { key: EcPublicKey; kid: string; enc: JweEnc } {
  if (!isObject(metadata)) bad('a dc_api.jwt request needs client_metadata');
  const meta = record(metadata, 'client_metadata');
  if (!isObject(meta.jwks)) bad('a dc_api.jwt request needs client_metadata.jwks');
  const keys = nonEmptyArray(record(meta.jwks, 'client_metadata.jwks').keys, 'client_metadata.jwks.keys');
  let chosen: { key: EcPublicKey; kid: string } | undefined;
  for (const [i, item] of keys.entries()) {
    const jwk = record(item, `client_metadata.jwks.keys[${i}]`);
    if (typeof jwk.kid !== 'string' || jwk.kid === '') bad(`client_metadata.jwks.keys[${i}] has no kid`);
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.alg !== JWE_ALG_ECDH_ES || (jwk.use !== undefined && jwk.use !== 'enc')) continue;
    if (jwk.d !== undefined) bad(`client_metadata.jwks.keys[${i}] holds a private key`);
    const x = fromBase64UrlStrict(jwk.x);
    const y = fromBase64UrlStrict(jwk.y);
    if (x === undefined || y === undefined || x.length !== 32 || y.length !== 32) bad(`client_metadata.jwks.keys[${i}]: x and y must be 32-byte base64url coordinates`);
    try {
      chosen = { key: ecPublicKeyFromRaw('P-256', concat(Uint8Array.of(4), x, y)), kid: jwk.kid };
    } catch (e) {
      if (isShomeiError(e)) bad(`client_metadata.jwks.keys[${i}] is not a point on P-256`, e);
      throw e;
    }
    break;
  }
  if (chosen === undefined) bad('client_metadata.jwks has no EC P-256 key with alg ECDH-ES for encryption');
  const offered = meta.encrypted_response_enc_values_supported === undefined ? [JweEnc.A128GCM] : nonEmptyArray(meta.encrypted_response_enc_values_supported, 'client_metadata.encrypted_response_enc_values_supported');
  const enc = offered.find((e): e is JweEnc => e === JweEnc.A128GCM || e === JweEnc.A256GCM);
  if (enc === undefined) bad(`none of the offered enc values ${JSON.stringify(offered)} is supported (A128GCM, A256GCM)`);
  return { ...chosen, enc };
}

/**
 * Wallet side: read an unsigned OpenID4VP request's `data` (an object or its JSON text),
 * with the origin the platform reports for the caller, and compute the transcript to sign.
 * Unknown parameters are ignored, as are `client_id` and `expected_origins` (A.2).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for a malformed request, a signed request
 *   (`request`), `transaction_data` without `options.transactionDataTypes` (or
 *   `ERR_TRANSACTION_DATA` for an entry they do not accept), or a `dc_api.jwt` request without a
 *   usable P-256 ECDH-ES key or `enc` value.
 */
export async function readOpenId4VpDcApiRequest(
  data: OpenId4VpDcApiRequestData | Readonly<Record<string, unknown>> | string,
  origin: string,
  options: BackendOptions & { readonly transactionDataTypes?: readonly TransactionDataType[] } = {},
): Promise<OpenId4VpDcApiWalletRequest> {
  checkOrigin(origin);
  const d = jsonObject(data, 'the request');
  if (d.request !== undefined) bad('a signed request (openid4vp-v1-signed): read it with readOpenId4VpDcApiSignedRequest');
  if (d.response_type !== 'vp_token') bad(`response_type must be vp_token (got ${JSON.stringify(d.response_type)})`);
  const mode = d.response_mode;
  if (mode !== 'dc_api' && mode !== 'dc_api.jwt') bad(`response_mode must be dc_api or dc_api.jwt (got ${JSON.stringify(mode)})`);
  if (typeof d.nonce !== 'string' || !NONCE.test(d.nonce)) bad('nonce must be a non-empty string of URL-safe characters');
  if (d.transaction_data !== undefined && options.transactionDataTypes === undefined) bad('transaction_data is not supported');
  if (d.client_metadata !== undefined && !isObject(d.client_metadata)) bad('client_metadata is not a JSON object');
  const { query, mdoc, other } = readDcqlQuery(d.dcql_query);
  if (d.verifier_info !== undefined) checkVerifierInfo(d.verifier_info, query);
  const transactionData = d.transaction_data === undefined ? undefined : readTransactionData(d.transaction_data, query, options.transactionDataTypes ?? []);
  const encryption = mode === 'dc_api.jwt' ? chooseEncryption(d.client_metadata) : undefined;
  const thumbprint = encryption === undefined ? null : await jwkThumbprint(encryption.key, options);
  const transcript = await openId4VpDcApiHandover({ origin, nonce: d.nonce, jwkThumbprint: thumbprint }, options);
  return {
    origin,
    nonce: d.nonce,
    responseMode: mode,
    dcqlQuery: query,
    credentials: mdoc,
    otherFormats: other,
    ...(encryption === undefined ? {} : { encryption }),
    transcript,
    ...(transactionData === undefined ? {} : { transactionData, transactionDataTypes: options.transactionDataTypes ?? [] }),
  };
}

/**
 * Wallet side: answer a request with the held documents. For each credential query chosen
 * (all of them, or per `credential_sets` the first option that can be answered), the
 * matching documents (the first, or all with `multiple`) are presented, each as one
 * DeviceResponse device-signed over the OpenID4VP DC API transcript, disclosing exactly
 * the queried claims (or the first `claim_sets` option held). For `dc_api.jwt` the answer
 * is encrypted to the verifier's key. Returns the `data` to give back to the API.
 *
 * `consent` is asked once per presentation with the elements about to be disclosed; a
 * presentation whose elements are not all kept is withdrawn, as DCQL does not allow a
 * credential to be returned with fewer claims than asked (§6.4.1).
 * @throws MdocError `ERR_MDOC_INPUT` when the held documents (after consent) cannot satisfy
 *   the query, or a device key does not match its MSO; `ERR_MDOC_STRUCTURE` for a malformed
 *   held document.
 */
export async function createOpenId4VpDcApiResponse(
  request: OpenId4VpDcApiWalletRequest,
  options: BackendOptions & {
    readonly documents: readonly HeldDocument[];
    readonly consent?: (docType: string, proposed: ElementSelection, credentialId: string) => ElementSelection | Promise<ElementSelection>;
  },
): Promise<OpenId4VpDcApiResponseData> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const vp_token = await buildVpToken(request, options);
  if (request.responseMode === 'dc_api') return { vp_token };
  const enc = request.encryption;
  if (enc === undefined) throw new TypeError('a dc_api.jwt request needs its encryption key');
  const response = await encryptJwe({
    recipientKey: enc.key,
    kid: enc.kid,
    enc: enc.enc,
    plaintext: utf8Encode(JSON.stringify({ vp_token })),
    ...backend,
  });
  return { response };
}
