/**
 * OpenID4VP 1.0 Authorization Requests outside the Digital Credentials API (§5): the
 * wallet invocation URL (any scheme: `openid4vp://`, `haip-vp://`, `mdoc-openid4vp://`, a
 * custom one or an https link), the request by value (parameters, or a Request Object in
 * `request`) and by reference (`request_uri`, fetched with GET or with POST carrying
 * `wallet_metadata` and `wallet_nonce`, §5.10), and the wallet's reading of it: Request
 * Object signature and `typ` (RFC 9101, `oauth-authz-req+jwt`), client identifier prefix
 * rules (§5.9), the parameters (§5.1, §8.2 `response_uri` / `redirect_uri`), the response
 * encryption key (§8.3), and the SessionTranscript of Appendix B.2.6.1.
 *
 * ```
 * openid4vp://?client_id=x509_san_dns%3Averifier.example&request_uri=https%3A%2F%2F…&request_uri_method=post
 * OpenID4VPHandover = [ "OpenID4VPHandover", SHA-256(CBOR([clientId, nonce, jwkThumbprint / null, responseUri])) ]
 * ```
 */

import { readTransactionData, type TransactionData, type TransactionDataType } from '../transaction-data.js';
import { resolveBackend } from '../../crypto/index.js';
import type { BackendOptions, EcPublicKey } from '../../crypto/types.js';
import { toBase64Url } from '../../internal/bytes.js';
import { OnlineError } from '../../errors.js';
import { type Certificate, parseCertificate } from '../../x509/index.js';
import { type DcqlQuery, type MdocCredentialQuery, readDcqlQuery } from '../dcql.js';
import { jwkThumbprint, type OnlineTranscript, openId4VpHandover } from '../handovers.js';
import type { JweEnc } from '../jwe.js';
import { isObject, NONCE, parseJson, record } from '../json.js';
import { checkVerifierInfo, chooseEncryption } from '../openid4vp.js';
import { type AuthenticateClientOptions, authenticateClient, type ClientAuthentication, parseClientId } from './client-id.js';
import { OpenId4VpErrorCode } from './errors.js';
import { haipFindings } from './haip.js';
import { acceptableUri, call, expectOk, type FetchLike, formEncode } from './http.js';
import { decodeJws, type JwsSignature, jwtTimeProblem, MAX_JWS_LENGTH, typIs } from './jws.js';

/** Wallet invocation schemes in use: OpenID4VP 1.0 §13.1.2, HAIP, ISO/IEC TS 18013-7 Annex B. */
export const OpenId4VpScheme = { OPENID4VP: 'openid4vp://', HAIP: 'haip-vp://', MDOC: 'mdoc-openid4vp://' } as const;

/** The JWS `typ` of a Request Object (RFC 9101 §10.8, OpenID4VP 1.0 §5). */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
/** The `aud` of a Request Object when the wallet's issuer is not known (§5.8, static discovery). */
export const SELF_ISSUED_AUDIENCE = 'https://self-issued.me/v2';

/** Response modes of redirect-based flows (§8.2, §8.3, RFC 6749 / OAuth Multiple Response Types). */
export type OpenId4VpRedirectResponseMode = 'direct_post' | 'direct_post.jwt' | 'fragment' | 'query';

/** The longest invocation URL read: 64 KiB. */
export const MAX_REQUEST_URL_LENGTH = 64 * 1024;

/** Parameters carried in the invocation URL. */
export type OpenId4VpUrlParams = Readonly<Record<string, string>>;

/**
 * The invocation URL: `scheme` (`openid4vp://`, `haip-vp://`, a custom `myapp://path`, or an
 * https link) with `params` as query parameters; object values are JSON-encoded (§5.1).
 * @throws TypeError for a scheme that is not a URL prefix.
 */
export function buildOpenId4VpUrl(scheme: string, params: Readonly<Record<string, unknown>>): string {
  if (typeof scheme !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(scheme)) throw new TypeError('scheme must be a URL scheme such as openid4vp://');
  const base = /^[a-z][a-z0-9+.-]*:$/i.test(scheme) ? `${scheme}//` : scheme;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return `${base}${base.includes('?') ? '&' : '?'}${query.toString()}`;
}

function message(text: string, oauthError: string = OpenId4VpErrorCode.INVALID_REQUEST): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', text, { check: oauthError });
}

/**
 * Request parameters given as a record (a query a web framework parsed): prototype-free, and
 * each one text, as in a URL. Frameworks turn `?client_id[a]=x` into an object, which would
 * otherwise reach string checks and messages as one.
 */
function stringParams(input: unknown): Record<string, string> {
  const params = record(input, 'the request parameters');
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') message(`the request parameter ${name.length > 64 ? `${name.slice(0, 64)}…` : name} is not a string`);
  }
  return params as Record<string, string>;
}

/** The query parameters of an invocation URL, prototype-free; repeated parameters are refused. */
export function readOpenId4VpUrl(url: string): Record<string, string> {
  if (typeof url !== 'string') throw new TypeError('url must be a string');
  if (url.length > MAX_REQUEST_URL_LENGTH) message(`the request URL is longer than ${MAX_REQUEST_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    message(`not a URL: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of new URLSearchParams(parsed.search)) {
    if (Object.hasOwn(out, k)) message(`the request URL repeats the parameter ${k}`);
    out[k] = v;
  }
  return out;
}

/** What the wallet read from an Authorization Request, and checked. */
export interface OpenId4VpAuthorizationRequest {
  /** The request parameters: the Request Object claims, or the URL parameters of an unsigned request (JSON values parsed). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The verifier, as its client identifier authenticates it. */
  readonly client: ClientAuthentication;
  readonly clientId: string;
  /** Whether the request was a signed Request Object, and whether passed by reference. */
  readonly signed: boolean;
  readonly byReference: boolean;
  readonly responseMode: OpenId4VpRedirectResponseMode;
  /** Where the response goes: `response_uri` (direct_post) or `redirect_uri` (fragment, query). */
  readonly responseUri: string;
  readonly nonce: string;
  readonly state?: string;
  readonly dcqlQuery: DcqlQuery;
  /** The `mso_mdoc` credential queries. */
  readonly credentials: readonly MdocCredentialQuery[];
  /** Ids of credential queries in other formats (not answered by this wallet). */
  readonly otherFormats: readonly string[];
  readonly clientMetadata?: Readonly<Record<string, unknown>>;
  /** For `direct_post.jwt`: the verifier key chosen from `client_metadata.jwks`, its `kid` and the `enc` chosen. */
  readonly encryption?: { readonly key: EcPublicKey; readonly kid: string; readonly enc: JweEnc };
  /** The OpenID4VPHandover SessionTranscript (Appendix B.2.6.1). */
  readonly transcript: OnlineTranscript;
  /** The `transaction_data` entries, read with `transactionDataTypes` (B.2.1 mdoc binding, not final); the answer binds them. */
  readonly transactionData?: readonly TransactionData[];
  readonly transactionDataTypes?: readonly TransactionDataType[];
}

/** Options of {@link resolveOpenId4VpRequest}. */
export interface ResolveOpenId4VpRequestOptions extends AuthenticateClientOptions, BackendOptions {
  /** For `request_uri`: the HTTP client (the global `fetch` fits). */
  readonly fetch?: FetchLike;
  /** For `request_uri_method=post`: the wallet metadata to send (§10). */
  readonly walletMetadata?: Readonly<Record<string, unknown>>;
  /** For `request_uri_method=post`: a fresh `wallet_nonce` to send and expect back (default: 32 random bytes, base64url). */
  readonly walletNonce?: string | false;
  /** Client identifier prefixes accepted (default x509_san_dns, x509_hash, verifier_attestation, redirect_uri, pre-registered). */
  readonly allowedPrefixes?: readonly string[];
  /** `'haip'`: refuse what the HAIP profile does not allow ({@link HaipCheck}); trust anchors are then required. */
  readonly profile?: 'haip';
  /**
   * The `transaction_data` types this wallet processes (see `TransactionDataType`); a request
   * with `transaction_data` is refused (`invalid_transaction_data`) without them, or when an
   * entry is of another type.
   */
  readonly transactionDataTypes?: readonly TransactionDataType[];
}

const DEFAULT_PREFIXES = ['x509_san_dns', 'x509_hash', 'verifier_attestation', 'redirect_uri', 'pre-registered'];

/** JSON-valued parameters of an unsigned request sent as URL parameters (§5.1). */
const JSON_PARAMS = ['dcql_query', 'client_metadata', 'transaction_data', 'verifier_info', 'presentation_definition'];

function parseJsonParams(params: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(params)) {
    if (!JSON_PARAMS.includes(k)) {
      out[k] = v;
      continue;
    }
    out[k] = parseJson(v, (problem, e) => message(`the ${k} parameter ${problem}${e === undefined ? '' : `: ${e instanceof Error ? e.message : String(e)}`}`));
  }
  return out;
}

async function fetchRequestObject(url: Record<string, string>, options: ResolveOpenId4VpRequestOptions): Promise<{ jws: string; walletNonce?: string }> {
  const uri = url.request_uri!;
  if (!acceptableUri(uri)) message(`request_uri ${JSON.stringify(String(uri).slice(0, 200))} is not an https URL`, OpenId4VpErrorCode.INVALID_REQUEST_URI);
  if (options.fetch === undefined) throw new TypeError('options.fetch is needed to fetch a request_uri');
  const method = url.request_uri_method ?? 'get';
  if (method !== 'get' && method !== 'post') message(`request_uri_method ${JSON.stringify(method)} is not supported (get or post)`, OpenId4VpErrorCode.INVALID_REQUEST_URI_METHOD);
  const accept = `${'application/oauth-authz-req+jwt'}, application/jwt;q=0.8`;
  let walletNonce: string | undefined;
  let res: Awaited<ReturnType<typeof call>>;
  if (method === 'get') {
    res = await call(options.fetch, uri, { method: 'GET', headers: { accept } });
  } else {
    const body: Record<string, string> = {};
    if (options.walletMetadata !== undefined) body.wallet_metadata = JSON.stringify(options.walletMetadata);
    if (options.walletNonce !== false) {
      walletNonce = options.walletNonce ?? randomNonce(options);
      if (!NONCE.test(walletNonce)) throw new TypeError('walletNonce must be URL-safe characters');
      body.wallet_nonce = walletNonce;
    }
    res = await call(options.fetch, uri, { method: 'POST', headers: { accept, 'content-type': 'application/x-www-form-urlencoded' }, body: formEncode(body) });
  }
  const text = (await expectOk(res, 'the request_uri')).trim();
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  // §5.10.1 names application/oauth-authz-req+jwt. application/jwt, no type and text/plain are
  // read too: the OpenWallet Foundation's wallet library asks for text/plain, so verifiers are
  // met that serve it, and what is checked is the JWS itself (its signature and its typ).
  if (type !== '' && type !== 'application/oauth-authz-req+jwt' && type !== 'application/jwt' && type !== 'text/plain') {
    message(`the request_uri answered with content type ${type}, not application/oauth-authz-req+jwt`, OpenId4VpErrorCode.INVALID_REQUEST_URI);
  }
  if (text.length > MAX_JWS_LENGTH) message('the Request Object is too long', OpenId4VpErrorCode.INVALID_REQUEST_OBJECT);
  return { jws: text, ...(walletNonce === undefined ? {} : { walletNonce }) };
}

function randomNonce(options: BackendOptions): string {
  return toBase64Url(resolveBackend(options).randomBytes(32));
}

function x5cOf(signature: JwsSignature): Certificate[] | undefined {
  const x5c = signature.header.x5c;
  if (!Array.isArray(x5c)) return undefined;
  try {
    return x5c.slice(0, 10).map((c) => parseCertificate(Uint8Array.from(atob(String(c)), (ch) => ch.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

/**
 * Wallet side: read an Authorization Request from its invocation URL (or its parameters),
 * fetch the Request Object of a `request_uri` through `options.fetch`, verify its
 * signature and client identifier, check the parameters, and compute the transcript.
 *
 * A signed request whose verifier certificate is not checked against trust anchors (none
 * given) is returned with `client.trusted` false: show the user that the verifier is not
 * authenticated, or refuse. Thrown OnlineErrors carry in `check` the OpenID4VP error code
 * to report, where there is a `response_uri` to report it to
 * ({@link openId4VpErrorCodeFor}).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for a malformed request or one this wallet does
 *   not support (`transaction_data`, `scope`, Presentation Exchange, an unknown response
 *   mode); `ERR_OID4VP_SIGNATURE`, `ERR_OID4VP_CLIENT_ID`, `ERR_OID4VP_UNTRUSTED` (see
 *   {@link authenticateClient}); `ERR_OID4VP_PROFILE` for a HAIP violation (`check` is its
 *   {@link HaipCheck} id); `ERR_OID4VP_HTTP` / `ERR_OID4VP_ERROR_RESPONSE` when fetching the
 *   `request_uri` fails.
 */
export async function resolveOpenId4VpRequest(input: string | Readonly<Record<string, string>>, options: ResolveOpenId4VpRequestOptions = {}): Promise<OpenId4VpAuthorizationRequest> {
  if (options.profile !== undefined && options.profile !== 'haip') throw new TypeError("profile must be 'haip' or undefined");
  if (options.profile === 'haip' && options.trustAnchors === undefined) throw new TypeError('the HAIP profile needs trustAnchors to validate the verifier certificate');
  const url = typeof input === 'string' ? readOpenId4VpUrl(input) : stringParams(input);
  let jws: string | undefined;
  let walletNonce: string | undefined;
  const byReference = url.request_uri !== undefined;
  if (byReference) {
    if (url.request !== undefined) message('a request has both request and request_uri');
    if (url.client_id === undefined) message('a request by reference needs client_id');
    ({ jws, walletNonce } = await fetchRequestObject(url, options));
  } else if (url.request !== undefined) {
    // RFC 9101 §5, which §5 adopts for Request Objects: client_id is REQUIRED beside
    // `request` as beside `request_uri`, and must equal the Request Object's (checked below).
    if (url.client_id === undefined) message('a Request Object by value needs client_id beside it (RFC 9101 §5)');
    jws = url.request;
  }
  let params: Record<string, unknown>;
  let signature: JwsSignature | undefined;
  if (jws !== undefined) {
    let decoded: ReturnType<typeof decodeJws>;
    try {
      decoded = decodeJws(jws);
    } catch (e) {
      throw new OnlineError('ERR_OID4VP_SIGNATURE', `the Request Object is not a signed JWT: ${(e as Error).message}`, { cause: e, check: OpenId4VpErrorCode.INVALID_REQUEST_OBJECT });
    }
    signature = decoded.signatures[0]!;
    if (!typIs(signature.header.typ, REQUEST_OBJECT_TYP)) {
      throw new OnlineError('ERR_OID4VP_SIGNATURE', `the Request Object typ is ${JSON.stringify(signature.header.typ)}, not ${REQUEST_OBJECT_TYP}`, { check: OpenId4VpErrorCode.INVALID_REQUEST_OBJECT });
    }
    params = Object.assign(Object.create(null), decoded.payload);
    // RFC 9101 §5: the client_id outside must be the one inside.
    if (url.client_id !== undefined && params.client_id !== url.client_id) {
      throw new OnlineError('ERR_OID4VP_CLIENT_ID', `the URL client_id ${url.client_id} is not the Request Object's ${JSON.stringify(params.client_id)}`, { check: OpenId4VpErrorCode.INVALID_REQUEST_OBJECT });
    }
    // §5.10.1: a wallet that sent a wallet_nonce must find it in the Request Object. One it did
    // not send is not refused: §5.10.1 asks nothing of it, and it proves no less freshness
    // than its absence would (a GET, or `walletNonce: false`, has none to prove).
    if (walletNonce !== undefined && params.wallet_nonce !== walletNonce) message('the Request Object does not carry the wallet_nonce sent (§5.10.1)', OpenId4VpErrorCode.INVALID_REQUEST_OBJECT);
    const late = jwtTimeProblem(params, options.now ?? new Date(), options.clockSkewSeconds ?? 60);
    if (late !== undefined) message(`the Request Object ${late}`, OpenId4VpErrorCode.INVALID_REQUEST_OBJECT);
  } else {
    params = parseJsonParams(url);
  }
  const clientId = parseClientId(params.client_id);
  const allowed = options.allowedPrefixes ?? DEFAULT_PREFIXES;
  if (!allowed.includes(clientId.prefix)) throw new OnlineError('ERR_OID4VP_CLIENT_ID', `the client identifier prefix ${clientId.prefix} is not allowed here`, { check: OpenId4VpErrorCode.INVALID_CLIENT });
  if (params.response_type !== 'vp_token') message(`response_type must be vp_token (got ${JSON.stringify(params.response_type)})`, OpenId4VpErrorCode.UNSUPPORTED_RESPONSE_TYPE);
  // §5.2 calls response_mode REQUIRED, but the section "Response Type vp_token" gives it a
  // default, fragment, for when none is supplied, and the spec's first example omits it: a
  // verifier that follows the example is read, with that default.
  const mode = params.response_mode ?? 'fragment';
  if (mode !== 'direct_post' && mode !== 'direct_post.jwt' && mode !== 'fragment' && mode !== 'query') message(`response_mode ${JSON.stringify(mode)} is not supported`);
  const post = mode === 'direct_post' || mode === 'direct_post.jwt';
  if (post && params.redirect_uri !== undefined) message('redirect_uri must not be sent with a direct_post response mode (§8.2)');
  const responseUri = post ? params.response_uri : params.redirect_uri;
  if (!acceptableUri(responseUri)) message(`${post ? 'response_uri' : 'redirect_uri'} must be an https URL`);
  if (typeof params.nonce !== 'string' || !NONCE.test(params.nonce) || params.nonce.length > 512) message('nonce must be a non-empty string of URL-safe characters');
  if (params.state !== undefined && (typeof params.state !== 'string' || !NONCE.test(params.state) || params.state.length > 512)) message('state must be a string of URL-safe characters');
  if (params.presentation_definition !== undefined || params.scope !== undefined) message('only DCQL queries are supported (no scope, no presentation_definition)');
  if (params.transaction_data !== undefined && options.transactionDataTypes === undefined) message('transaction_data is not supported', OpenId4VpErrorCode.INVALID_TRANSACTION_DATA);
  if (params.client_metadata !== undefined && !isObject(params.client_metadata)) message('client_metadata is not a JSON object');
  if (options.profile === 'haip') {
    const findings = haipFindings({ flow: 'redirect', signed: signature !== undefined, byReference, ...(signature === undefined ? {} : { alg: signature.alg, x5c: x5cOf(signature) ?? [] }), claims: params });
    if (findings.length > 0) {
      throw new OnlineError('ERR_OID4VP_PROFILE', `the request breaks HAIP: ${findings.map((f) => `${f.id} (${f.detail})`).join('; ')}`, { check: findings[0]!.id });
    }
  }
  const client = await authenticateClient(clientId, signature, responseUri, options);
  const { query, mdoc, other } = readDcqlQuery(params.dcql_query);
  if (mdoc.length === 0) message('the query asks for no mso_mdoc credential', OpenId4VpErrorCode.VP_FORMATS_NOT_SUPPORTED);
  if (params.verifier_info !== undefined) checkVerifierInfo(params.verifier_info, query);
  const transactionData = params.transaction_data === undefined ? undefined : readTransactionData(params.transaction_data, query, options.transactionDataTypes ?? []);
  const encryption = mode === 'direct_post.jwt' ? chooseEncryption(params.client_metadata) : undefined;
  const thumbprint = encryption === undefined ? null : await jwkThumbprint(encryption.key, options);
  const transcript = await openId4VpHandover({ clientId: clientId.clientId, nonce: params.nonce, jwkThumbprint: thumbprint, responseUri }, options);
  return {
    params,
    client,
    clientId: clientId.clientId,
    signed: signature !== undefined,
    byReference,
    responseMode: mode,
    responseUri,
    nonce: params.nonce,
    ...(params.state === undefined ? {} : { state: params.state as string }),
    dcqlQuery: query,
    credentials: mdoc,
    otherFormats: other,
    ...(isObject(params.client_metadata) ? { clientMetadata: params.client_metadata } : {}),
    ...(encryption === undefined ? {} : { encryption }),
    transcript,
    ...(transactionData === undefined ? {} : { transactionData, transactionDataTypes: options.transactionDataTypes ?? [] }),
  };
}

/**
 * The OpenID4VP error code (§8.5) a wallet reports for an error thrown while reading or
 * answering a request: the `check` of an OnlineError that carries one, else by code.
 */
export function openId4VpErrorCodeFor(e: unknown): string {
  const err = e as { code?: unknown; check?: unknown };
  if (typeof err?.check === 'string' && /^[a-z_]+$/.test(err.check)) return err.check;
  switch (err?.code) {
    case 'ERR_OID4VP_SIGNATURE':
      return OpenId4VpErrorCode.INVALID_REQUEST_OBJECT;
    case 'ERR_OID4VP_CLIENT_ID':
    case 'ERR_OID4VP_UNTRUSTED':
      return OpenId4VpErrorCode.INVALID_CLIENT;
    case 'ERR_MDOC_INPUT':
      return OpenId4VpErrorCode.ACCESS_DENIED;
    case 'ERR_TRANSACTION_DATA':
      return OpenId4VpErrorCode.INVALID_TRANSACTION_DATA;
    default:
      return OpenId4VpErrorCode.INVALID_REQUEST;
  }
}
