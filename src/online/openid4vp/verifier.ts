/**
 * The verifier of OpenID4VP 1.0 redirect-based flows (cross-device with a QR code,
 * same-device with a link), for ISO mdocs: it makes Authorization Requests (§5) by value
 * or by reference (`request_uri`, GET or POST with `wallet_metadata` / `wallet_nonce`,
 * §5.10), signed as Request Objects (RFC 9101, `typ` `oauth-authz-req+jwt`) for the
 * `x509_san_dns`, `x509_hash`, `verifier_attestation` and pre-registered client
 * identifiers or unsigned for `redirect_uri` (§5.9.3); serves the Request Object; and opens
 * the answer posted to its `response_uri` (`direct_post`, `direct_post.jwt`, §8.2–8.3) or
 * brought back on its `redirect_uri` (`fragment`, `query`), verifying it over the
 * OpenID4VPHandover SessionTranscript (Appendix B.2.6.1).
 *
 * Each request's secrets (nonce, state, response key) live in an {@link OpenId4VpStateStore}
 * and are consumed by the first answer that verifies. An answer that does not verify, and an
 * error response, leave the request pending: its `state` travels in the clear (in the request
 * URL, in the QR code), so whoever saw it could otherwise cancel the request before the real
 * wallet answers. The class holds no per-request state itself, so several instances
 * (processes) can share one store.
 */

import type { DcqlEvaluation } from '../dcql-evaluate.js';
import { resolveBackend } from '../../crypto/index.js';
import { publicKeyOf } from '../../crypto/keys.js';
import { ecPrivateKeyFromScalar } from '../../crypto/key-from-secret.js';
import type { BackendOptions, EcPrivateKey } from '../../crypto/types.js';
import type { Signer } from '../../cose/signer.js';
import { isShomeiError, OnlineError } from '../../errors.js';
import { toBase64, toBase64Url, utf8Decode, } from '../../internal/bytes.js';
import type { Check, } from '../../mdoc/index.js';
import { type Certificate, parseCertificate } from '../../x509/index.js';
import { type DcqlQuery, MSO_MDOC_FORMAT, readDcqlQuery } from '../dcql.js';
import { jwkThumbprint, openId4VpHandover } from '../handovers.js';
import { decodeJweHeader, decryptJwe, fromBase64UrlStrict, JWE_ALG_ECDH_ES, JweEnc, type JweHeader, p256PublicJwk } from '../jwe.js';
import { isObject, jsonObject } from '../json.js';
import { COSE_SIGNATURE_ALGS, dcqlQueryFor, type OpenId4VpDocRequest } from '../openid4vp.js';
import { dnsNamesOf, x509Hash } from './client-id.js';
import { type OpenId4VpErrorCode, OpenId4VpErrorCode as ErrorCode, type OpenId4VpErrorResponse, readOpenId4VpErrorResponse } from './errors.js';
import { haipFindings } from './haip.js';
import { acceptableUri } from './http.js';
import { decodeJws, type JwsAlg, jwsAlgOf, jwsAlgsOf, signJws } from './jws.js';
import { buildOpenId4VpUrl, OpenId4VpScheme, type OpenId4VpRedirectResponseMode, REQUEST_OBJECT_TYP, SELF_ISSUED_AUDIENCE } from './request.js';
import { MemoryStateStore, type OpenId4VpStateStore, type OpenId4VpTransaction } from './state-store.js';
import { readTransactionData, type TransactionDataType } from '../transaction-data.js';
import { encodeTransactionData, type OpenId4VpPresentation, type OpenId4VpVerifyOptions, transactionDataChecks, verifyVpToken } from './vp-token.js';

/** How the verifier identifies itself (§5.9). */
export type OpenId4VpVerifierClientIdPrefix = 'x509_san_dns' | 'x509_hash' | 'redirect_uri' | 'verifier_attestation' | 'pre-registered';

/** Options of {@link OpenId4VpVerifier}. */
export interface OpenId4VpVerifierOptions extends BackendOptions {
  readonly clientIdPrefix: OpenId4VpVerifierClientIdPrefix;
  /**
   * The client identifier value: for `x509_san_dns` a DNS name of the leaf certificate
   * (default its first); for `verifier_attestation` the attestation's `sub` (default);
   * for `pre-registered` the whole `client_id` (required). Not used by `x509_hash` (the
   * certificate hash) and `redirect_uri` (the response or redirect URI).
   */
  readonly clientId?: string;
  /** Signs Request Objects: a private key or an external signer (HSM, KMS). Not for `redirect_uri`. */
  readonly signer?: Signer;
  /** The `x5c` chain, leaf first, without the trust anchor (`x509_*` prefixes). */
  readonly certificates?: readonly (Certificate | Uint8Array)[];
  /** The Verifier Attestation JWT (`verifier_attestation`), sent in the Request Object's `jwt` header. */
  readonly verifierAttestation?: string;
  /** Where wallets post answers (`direct_post*`): https, or http on a loopback host. */
  readonly responseUri: string;
  /** Where pending requests live (default a {@link MemoryStateStore}). */
  readonly store?: OpenId4VpStateStore;
  /** How long a request may be answered, in seconds (default 600). */
  readonly ttlSeconds?: number;
  /** `'haip'`: make only HAIP-conformant requests ({@link HaipCheck}). */
  readonly profile?: 'haip';
  /** Further `client_metadata` members (the verifier fills `vp_formats_supported`, `jwks`, `encrypted_response_enc_values_supported`). */
  readonly clientMetadata?: Readonly<Record<string, unknown>>;
  /** The clock (default `() => new Date()`). */
  readonly now?: () => Date;
  /** The `transaction_data` types requests may carry and answers are checked against (B.2.1 mdoc binding, not final). */
  readonly transactionDataTypes?: readonly TransactionDataType[];
}

/** Options of {@link OpenId4VpVerifier.createRequest}. */
export interface CreateOpenId4VpRequestOptions {
  /** What to ask for: a DCQL query, or document requests turned into one. */
  readonly dcqlQuery?: DcqlQuery;
  readonly docRequests?: readonly OpenId4VpDocRequest[];
  /** Default `direct_post.jwt`. */
  readonly responseMode?: OpenId4VpRedirectResponseMode;
  /**
   * `fragment` / `query`: the `redirect_uri` the wallet sends the answer to (required).
   * `direct_post*`: where the verifier sends the user agent after the post (same-device;
   * returned to the wallet as `redirect_uri`, with a `response_code`).
   */
  readonly redirectUri?: string;
  /** `'reference'` (default for signed requests): a `request_uri`; `'value'`: the request in the URL. */
  readonly by?: 'reference' | 'value';
  /** By reference: the `request_uri`, or a function of the request id giving it (required). */
  readonly requestUri?: string | ((id: string) => string);
  /** By reference: `get` (default) or `post` (the wallet may then send `wallet_metadata` and `wallet_nonce`). */
  readonly requestUriMethod?: 'get' | 'post';
  /** The URL's scheme (default `openid4vp://`, `haip-vp://` with the HAIP profile); an https link or a custom scheme works too. */
  readonly scheme?: string;
  /** `direct_post.jwt`: the content encryption algorithms offered (default A128GCM and A256GCM). */
  readonly encValues?: readonly JweEnc[];
  /**
   * `transaction_data` (§5.1): JSON objects with `type` (one of the verifier's
   * `transactionDataTypes`) and `credential_ids`; each must come back device-signed
   * (`OID4VP_TRANSACTION_DATA`).
   */
  readonly transactionData?: readonly Readonly<Record<string, unknown>>[];
}

/** A request made: what to show (the URL, as a link or a QR code) and its id. */
export interface OpenId4VpRequestHandle {
  /** The request id: also its `state`, and the `kid` of its response key. */
  readonly id: string;
  /** The wallet invocation URL. */
  readonly url: string;
  /** The Request Object claims. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The `request_uri`, when by reference. */
  readonly requestUri?: string;
  /** The signed Request Object, when signed and by value. */
  readonly requestObject?: string;
}

/** A verified answer. */
export interface OpenId4VpResult {
  /** The request id it answers. */
  readonly id: string;
  /**
   * True only when the wallet presented, every presentation is valid and the query is
   * satisfied; only such an answer consumes the request (any other leaves it pending).
   */
  readonly valid: boolean;
  readonly checks: readonly Check[];
  readonly presentations: Readonly<Record<string, readonly OpenId4VpPresentation[]>>;
  /** The DCQL evaluation of what was presented (see `evaluateDcql`); absent when the wallet answered with an error. */
  readonly dcql?: DcqlEvaluation;
  /**
   * The wallet's error response (§8.5), when it declined or failed. Nothing authenticates an
   * error response (anyone who saw the `state` can send one), so it does not end the request.
   */
  readonly walletError?: OpenId4VpErrorResponse;
  /** `direct_post.jwt`: the JWE protected header. */
  readonly jweHeader?: JweHeader;
  /** Same-device: the `response_code` added to the `redirect_uri` returned to the wallet. */
  readonly responseCode?: string;
  /** Same-device: the `redirect_uri` returned to the wallet (the request's `redirectUri` with `response_code`). */
  readonly redirectUri?: string;
}

/** An HTTP answer for a server to send. */
export interface OpenId4VpHttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The largest response body read at the response endpoint: 4 MiB. */
export const MAX_RESPONSE_BODY = 4 * 1024 * 1024;

function json(status: number, body: unknown): OpenId4VpHttpReply {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

function refuse(text: string, oauth: OpenId4VpErrorCode = ErrorCode.INVALID_REQUEST): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', text, { check: oauth });
}

/** Form or URL parameters, prototype-free; repeated names are refused. */
function paramsOf(body: string | URLSearchParams | Readonly<Record<string, string>>): Record<string, string> {
  if (typeof body === 'string' && body.length > MAX_RESPONSE_BODY) refuse(`the response is longer than ${MAX_RESPONSE_BODY} characters`);
  const out: Record<string, string> = Object.create(null);
  const entries = typeof body === 'string' ? new URLSearchParams(body) : body instanceof URLSearchParams ? body : Object.entries(body);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') refuse(`parameter ${k} is not a string`);
    if (Object.hasOwn(out, k)) refuse(`parameter ${k} is repeated`);
    out[k] = v;
  }
  return out;
}

/**
 * A verifier for the redirect-based flows. Construct once per configuration; it keeps
 * pending requests in its store.
 * @example
 * const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_hash', signer: key, certificates: [leaf], responseUri: 'https://verifier.example/response' })
 * const { url, id } = await verifier.createRequest({ docRequests, requestUri: (id) => `https://verifier.example/request/${id}` })
 * // GET|POST /request/:id → verifier.handleRequestUri(id, req); POST /response → verifier.handleResponse(body, { trustAnchors })
 */
export class OpenId4VpVerifier {
  readonly #options: OpenId4VpVerifierOptions;
  readonly #store: OpenId4VpStateStore;
  readonly #certificates: readonly Certificate[];
  #clientIdCache: string | undefined;

  constructor(options: OpenId4VpVerifierOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const prefixes = ['x509_san_dns', 'x509_hash', 'redirect_uri', 'verifier_attestation', 'pre-registered'];
    if (!prefixes.includes(options.clientIdPrefix)) throw new TypeError(`clientIdPrefix must be one of ${prefixes.join(', ')}`);
    if (!acceptableUri(options.responseUri)) throw new TypeError('responseUri must be an https URL (or http on a loopback host)');
    if (options.profile !== undefined && options.profile !== 'haip') throw new TypeError("profile must be 'haip' or undefined");
    const ttl = options.ttlSeconds ?? 600;
    if (!Number.isFinite(ttl) || ttl <= 0) throw new RangeError('ttlSeconds must be positive');
    this.#certificates = (options.certificates ?? []).map((c) => (c instanceof Uint8Array ? parseCertificate(c) : c));
    const signed = options.clientIdPrefix !== 'redirect_uri';
    if (options.clientIdPrefix === 'redirect_uri' && options.signer !== undefined) throw new TypeError('a redirect_uri client identifier must not sign its requests (§5.9.3)');
    if (signed && options.clientIdPrefix !== 'pre-registered' && options.signer === undefined) throw new TypeError(`a ${options.clientIdPrefix} client identifier needs a signer`);
    if ((options.clientIdPrefix === 'x509_san_dns' || options.clientIdPrefix === 'x509_hash') && this.#certificates.length === 0) {
      throw new TypeError(`a ${options.clientIdPrefix} client identifier needs certificates (the x5c chain, leaf first)`);
    }
    if (options.clientIdPrefix === 'x509_san_dns') {
      const names = dnsNamesOf(this.#certificates[0]!);
      const name = options.clientId ?? names[0];
      if (name === undefined || !names.includes(name)) throw new TypeError(`clientId must be a DNS name of the leaf certificate (it has [${names.join(', ')}])`);
    }
    if (options.clientIdPrefix === 'verifier_attestation') {
      if (typeof options.verifierAttestation !== 'string') throw new TypeError('a verifier_attestation client identifier needs verifierAttestation (the JWT)');
      decodeJws(options.verifierAttestation);
    }
    if (options.clientIdPrefix === 'pre-registered' && (typeof options.clientId !== 'string' || options.clientId === '')) throw new TypeError('a pre-registered client needs clientId');
    this.#options = options;
    this.#store = options.store ?? new MemoryStateStore({ now: () => this.#now().getTime() });
  }

  /** The full `client_id` (with its prefix) of requests whose answers go to `responseUri`. */
  async clientId(responseUri = this.#options.responseUri): Promise<string> {
    const o = this.#options;
    switch (o.clientIdPrefix) {
      case 'x509_san_dns':
        return `x509_san_dns:${o.clientId ?? dnsNamesOf(this.#certificates[0]!)[0]!}`;
      case 'x509_hash':
        this.#clientIdCache ??= `x509_hash:${await x509Hash(this.#certificates[0]!, o)}`;
        return this.#clientIdCache;
      case 'redirect_uri':
        return `redirect_uri:${responseUri}`;
      case 'verifier_attestation': {
        const sub = decodeJws(o.verifierAttestation).payload.sub;
        return `verifier_attestation:${o.clientId ?? String(sub)}`;
      }
      default:
        return o.clientId!;
    }
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /**
   * Make a request: a fresh nonce, state and (for `direct_post.jwt`) P-256 response key,
   * kept in the store until answered or expired. Returns the invocation URL to show.
   * @throws TypeError / RangeError for bad options; RangeError naming the {@link HaipCheck}
   *   ids a request would break under the HAIP profile.
   */
  async createRequest(options: CreateOpenId4VpRequestOptions): Promise<OpenId4VpRequestHandle> {
    const o = this.#options;
    const backend = resolveBackend(o);
    const mode = options.responseMode ?? 'direct_post.jwt';
    if (!['direct_post', 'direct_post.jwt', 'fragment', 'query'].includes(mode)) throw new TypeError(`responseMode must be direct_post, direct_post.jwt, fragment or query (got ${String(mode)})`);
    const post = mode === 'direct_post' || mode === 'direct_post.jwt';
    if (options.redirectUri !== undefined && !acceptableUri(options.redirectUri)) throw new TypeError('redirectUri must be an https URL');
    if (!post && options.redirectUri === undefined) throw new TypeError(`a ${mode} response needs redirectUri`);
    const dcqlQuery = options.dcqlQuery ?? (options.docRequests === undefined ? undefined : dcqlQueryFor(options.docRequests));
    if (dcqlQuery === undefined) throw new TypeError('give dcqlQuery or docRequests');
    try {
      readDcqlQuery(dcqlQuery);
    } catch (e) {
      if (isShomeiError(e)) throw new TypeError(`dcqlQuery: ${e.message}`);
      throw e;
    }
    const signed = o.clientIdPrefix !== 'redirect_uri' && o.signer !== undefined;
    const by = options.by ?? (signed ? 'reference' : 'value');
    if (by !== 'reference' && by !== 'value') throw new TypeError("by must be 'reference' or 'value'");
    if (by === 'reference' && !signed) throw new TypeError('an unsigned request is passed by value');
    const method = options.requestUriMethod ?? 'get';
    if (method !== 'get' && method !== 'post') throw new TypeError("requestUriMethod must be 'get' or 'post'");
    const id = toBase64Url(backend.randomBytes(32));
    const nonce = toBase64Url(backend.randomBytes(32));
    const responseUri = post ? o.responseUri : options.redirectUri!;
    const clientId = await this.clientId(responseUri);
    const vpFormats = { [MSO_MDOC_FORMAT]: { issuerauth_alg_values: [...COSE_SIGNATURE_ALGS], deviceauth_alg_values: [...COSE_SIGNATURE_ALGS] } };
    let clientMetadata: Record<string, unknown> = { ...(o.clientMetadata ?? {}), vp_formats_supported: vpFormats };
    let encryption: OpenId4VpTransaction['encryption'];
    if (mode === 'direct_post.jwt') {
      const encValues = options.encValues ?? [JweEnc.A128GCM, JweEnc.A256GCM];
      if (encValues.length === 0 || !encValues.every((e) => e === JweEnc.A128GCM || e === JweEnc.A256GCM)) throw new TypeError('encValues must list A128GCM and/or A256GCM');
      const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
      const pub = p256PublicJwk(key);
      encryption = { jwk: { ...pub, d: toBase64Url(key.d) }, encValues: [...encValues] };
      clientMetadata = {
        ...clientMetadata,
        jwks: { keys: [{ ...pub, use: 'enc', alg: JWE_ALG_ECDH_ES, kid: id }] },
        encrypted_response_enc_values_supported: [...encValues],
      };
    }
    const transactionData = encodeTransactionData(options.transactionData, dcqlQuery, o.transactionDataTypes);
    const claims: Record<string, unknown> = {
      client_id: clientId,
      response_type: 'vp_token',
      response_mode: mode,
      ...(post ? { response_uri: responseUri } : { redirect_uri: responseUri }),
      nonce,
      state: id,
      dcql_query: dcqlQuery,
      client_metadata: clientMetadata,
      ...(transactionData === undefined ? {} : { transaction_data: transactionData }),
    };
    if (o.profile === 'haip') {
      const findings = haipFindings({
        flow: 'redirect',
        signed,
        byReference: by === 'reference',
        ...(signed ? { alg: jwsAlgOf(o.signer!), x5c: this.#certificates } : {}),
        claims,
      });
      if (findings.length > 0) throw new RangeError(`the request would break HAIP: ${findings.map((f) => `${f.id} (${f.detail})`).join('; ')}`);
    }
    const walletRedirectUri = post && options.redirectUri !== undefined ? options.redirectUri : undefined;
    const record: OpenId4VpTransaction = {
      id,
      claims,
      ...(encryption === undefined ? {} : { encryption }),
      ...(walletRedirectUri === undefined ? {} : { walletRedirectUri }),
      ...(by === 'reference' ? { requestUriMethod: method } : {}),
      createdAt: this.#now().getTime(),
    };
    await this.#store.put(id, record, this.#now().getTime() + (o.ttlSeconds ?? 600) * 1000);
    const scheme = options.scheme ?? (o.profile === 'haip' ? OpenId4VpScheme.HAIP : OpenId4VpScheme.OPENID4VP);
    if (by === 'reference') {
      const requestUri = typeof options.requestUri === 'function' ? options.requestUri(id) : options.requestUri;
      if (!acceptableUri(requestUri)) throw new TypeError('requestUri must give an https URL');
      const url = buildOpenId4VpUrl(scheme, { client_id: clientId, request_uri: requestUri, ...(method === 'post' ? { request_uri_method: 'post' } : {}) });
      return { id, url, claims, requestUri };
    }
    if (signed) {
      const requestObject = await this.#sign(claims);
      return { id, url: buildOpenId4VpUrl(scheme, { client_id: clientId, request: requestObject }), claims, requestObject };
    }
    return { id, url: buildOpenId4VpUrl(scheme, claims), claims };
  }

  async #sign(claims: Readonly<Record<string, unknown>>, alg?: JwsAlg): Promise<string> {
    const o = this.#options;
    const header: Record<string, unknown> = { typ: REQUEST_OBJECT_TYP };
    if (this.#certificates.length > 0) header.x5c = this.#certificates.map((c) => toBase64(c.der));
    if (o.clientIdPrefix === 'verifier_attestation') header.jwt = o.verifierAttestation;
    const iat = Math.floor(this.#now().getTime() / 1000);
    return signJws({ signer: o.signer!, ...(alg === undefined ? {} : { alg }), header, payload: { ...claims, aud: SELF_ISSUED_AUDIENCE, iat, exp: iat + (o.ttlSeconds ?? 600) }, ...(o.backend === undefined ? {} : { backend: o.backend }) });
  }

  /**
   * The signed Request Object of request `id`, for its `request_uri` (§5.10): with
   * `wallet_nonce` when the wallet sent one; `walletMetadata` (§10) is checked against the
   * request (formats, signing algorithm, client identifier prefix, response mode).
   * @throws OnlineError `ERR_OID4VP_UNKNOWN_REQUEST` for an unknown or expired id;
   *   `ERR_ONLINE_MESSAGE` (with the OpenID4VP error code in `check`) for wallet metadata
   *   the request cannot meet.
   */
  async requestObject(id: string, wallet: { readonly walletNonce?: string; readonly walletMetadata?: Readonly<Record<string, unknown>> } = {}): Promise<string> {
    const record = await this.#store.get(id);
    if (record === undefined) throw new OnlineError('ERR_OID4VP_UNKNOWN_REQUEST', 'no pending request has this id (never made, expired or answered)');
    const claims: Record<string, unknown> = { ...record.claims };
    const meta = wallet.walletMetadata;
    let alg: JwsAlg | undefined;
    if (meta !== undefined) {
      const m = jsonObject(meta, 'wallet_metadata');
      const formats = m.vp_formats_supported;
      if (isObject(formats) && !Object.hasOwn(formats, MSO_MDOC_FORMAT)) refuse('the wallet supports no mso_mdoc presentations', ErrorCode.VP_FORMATS_NOT_SUPPORTED);
      const algs = m.request_object_signing_alg_values_supported;
      if (Array.isArray(algs)) {
        // An Ed25519 key signs as `EdDSA` or `Ed25519` (RFC 9864): whichever the wallet lists.
        alg = jwsAlgsOf(this.#options.signer!).find((a) => algs.includes(a));
        if (alg === undefined) refuse(`the wallet does not accept ${jwsAlgsOf(this.#options.signer!).join(' or ')} Request Objects`);
      }
      const prefixes = m.client_id_prefixes_supported;
      const prefix = this.#options.clientIdPrefix;
      if (Array.isArray(prefixes) && prefix !== 'pre-registered' && !prefixes.includes(prefix)) refuse(`the wallet does not support the ${prefix} client identifier prefix`, ErrorCode.INVALID_CLIENT);
      const modes = m.response_modes_supported;
      if (Array.isArray(modes) && !modes.includes(claims.response_mode)) refuse(`the wallet does not support the response mode ${String(claims.response_mode)}`);
    }
    if (wallet.walletNonce !== undefined) {
      if (typeof wallet.walletNonce !== 'string' || wallet.walletNonce === '' || wallet.walletNonce.length > 512) refuse('wallet_nonce must be a short string');
      claims.wallet_nonce = wallet.walletNonce;
    }
    return this.#sign(claims, alg);
  }

  /**
   * Serve a `request_uri`: GET, or POST with a form body carrying `wallet_metadata` (JSON)
   * and `wallet_nonce`. Returns the reply to send: 200 with the Request Object
   * (`application/oauth-authz-req+jwt`), or an OAuth error (400, 404 for an unknown id).
   */
  async handleRequestUri(id: string, request: { readonly method: string; readonly body?: string }): Promise<OpenId4VpHttpReply> {
    try {
      let wallet: { walletNonce?: string; walletMetadata?: Record<string, unknown> } = {};
      if (request.method === 'POST') {
        const p = paramsOf(request.body ?? '');
        wallet = {
          ...(p.wallet_nonce === undefined ? {} : { walletNonce: p.wallet_nonce }),
          ...(p.wallet_metadata === undefined ? {} : { walletMetadata: jsonObject(p.wallet_metadata, 'wallet_metadata') }),
        };
      } else if (request.method !== 'GET') {
        return json(405, { error: ErrorCode.INVALID_REQUEST_URI_METHOD, error_description: `method ${request.method} is not allowed` });
      }
      const jws = await this.requestObject(id, wallet);
      return { status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt', 'cache-control': 'no-store' }, body: jws };
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      if (e.code === 'ERR_OID4VP_UNKNOWN_REQUEST') return json(404, { error: ErrorCode.INVALID_REQUEST_URI, error_description: e.message });
      return json(400, { error: e.check ?? ErrorCode.INVALID_REQUEST, error_description: e.message.replace(/["\\]/g, "'") });
    }
  }

  /**
   * Open an answer posted to the `response_uri` (`direct_post`, `direct_post.jwt`, or an
   * error response): find its request (by `state`, or the JWE `kid`, or `options.id`),
   * decrypt, verify the VP Token over the request's transcript, and consume the request
   * when the answer is `valid`.
   *
   * Only a valid answer consumes its request (the store's atomic `take`, after verification):
   * of two valid answers, even concurrent, one is accepted and the other finds no request.
   * Anything else leaves the request pending for the real wallet: an answer that cannot be
   * opened (throws), an answer that does not verify (`valid` false: another request's answer,
   * a JWE to the request's key, which is public, with anything inside, a credential that is
   * not trusted or not valid), and a wallet error response (`walletError`: unauthenticated, as
   * anyone who read the `state` can send one). The caller decides what such a result means to
   * its user; the request ends when a valid answer arrives or when it expires.
   * @throws OnlineError `ERR_OID4VP_UNKNOWN_REQUEST` when no pending request matches (never
   *   made, expired, or already answered: each is answered once); `ERR_JWE_DECRYPT`;
   *   `ERR_ONLINE_MESSAGE` for a malformed answer or one in the wrong response mode.
   */
  async openResponse(body: string | URLSearchParams | Readonly<Record<string, string>>, verify: OpenId4VpVerifyOptions & { readonly id?: string }): Promise<OpenId4VpResult> {
    const params = paramsOf(body);
    let id = verify.id ?? params.state;
    if (id === undefined && params.response !== undefined) id = decodeJweHeader(params.response).kid;
    if (id === undefined) refuse('the answer names no request (no state, no JWE kid)');
    const record = await this.#store.get(id);
    if (record === undefined) throw new OnlineError('ERR_OID4VP_UNKNOWN_REQUEST', 'no pending request matches this answer (never made, expired or already answered)');
    const result = await this.#open(record, params, verify);
    if (!result.valid) return result;
    // Consume only now, atomically: of two valid answers racing, the one whose take comes
    // second finds nothing; and what is taken must be the request verified against.
    const taken = await this.#store.take(id);
    if (taken === undefined || taken.claims.nonce !== record.claims.nonce) {
      throw new OnlineError('ERR_OID4VP_UNKNOWN_REQUEST', 'the request was answered (or expired) while this answer was verified: each is answered once');
    }
    return result;
  }

  /**
   * Open an answer brought back on the `redirect_uri` (`fragment` or `query` response
   * modes): `url` is the URL the user agent arrived at.
   * @throws as {@link openResponse}.
   */
  async openRedirectResponse(url: string, verify: OpenId4VpVerifyOptions): Promise<OpenId4VpResult> {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    const u = new URL(url);
    const text = u.hash.length > 1 ? u.hash.slice(1) : u.search.slice(1);
    return this.openResponse(text, verify);
  }

  /**
   * The response endpoint for a server: {@link openResponse}, and the HTTP reply to send
   * the wallet (200 with `redirect_uri` for same-device requests, or a 400 error).
   * `result` is undefined when the answer could not be opened; `error` then says why.
   */
  async handleResponse(body: string, verify: OpenId4VpVerifyOptions): Promise<{ reply: OpenId4VpHttpReply; result?: OpenId4VpResult; error?: unknown }> {
    try {
      const result = await this.openResponse(body, verify);
      return { reply: json(200, result.redirectUri === undefined ? {} : { redirect_uri: result.redirectUri }), result };
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      const code = e.code === 'ERR_OID4VP_UNKNOWN_REQUEST' ? ErrorCode.INVALID_REQUEST : (e.check ?? ErrorCode.INVALID_REQUEST);
      return { reply: json(400, { error: /^[a-z_]+$/.test(code) ? code : ErrorCode.INVALID_REQUEST, error_description: e.message.replace(/["\\]/g, "'").slice(0, 300) }), error: e };
    }
  }

  async #open(record: OpenId4VpTransaction, params: Record<string, string>, verify: OpenId4VpVerifyOptions): Promise<OpenId4VpResult> {
    const claims = record.claims;
    const mode = claims.response_mode as OpenId4VpRedirectResponseMode;
    const backend = verify.backend === undefined ? {} : { backend: verify.backend };
    const walletError = readOpenId4VpErrorResponse(params);
    const responseCode = record.walletRedirectUri === undefined ? undefined : toBase64Url(resolveBackend(verify).randomBytes(16));
    const extra = responseCode === undefined ? {} : { responseCode, redirectUri: withCode(record.walletRedirectUri!, responseCode) };
    if (walletError !== undefined) {
      return { id: record.id, valid: false, checks: [], presentations: Object.create(null), walletError, ...extra };
    }
    let payload: Record<string, unknown> = params;
    let jweHeader: JweHeader | undefined;
    let thumbprint: Uint8Array | null = null;
    if (mode === 'direct_post.jwt') {
      if (params.response === undefined || params.vp_token !== undefined) refuse('a direct_post.jwt answer carries the encrypted response (and no plain vp_token)');
      const enc = record.encryption!;
      const key = jwkPrivateKey(enc.jwk);
      thumbprint = await jwkThumbprint(publicKeyOf(key), backend);
      const opened = await decryptJwe(params.response, { recipientKey: key, encValues: enc.encValues as JweEnc[], ...backend });
      jweHeader = opened.header;
      let text: string;
      try {
        text = utf8Decode(opened.plaintext);
      } catch (e) {
        refuse(`the decrypted response is not UTF-8: ${String(e)}`);
      }
      payload = jsonObject(text, 'the decrypted response');
      const inner = readOpenId4VpErrorResponse(payload);
      if (inner !== undefined) return { id: record.id, valid: false, checks: [], presentations: Object.create(null), walletError: inner, jweHeader, ...extra };
    } else if (params.response !== undefined) {
      refuse(`an encrypted response answers a ${mode} request, which asked for a plain vp_token`);
    }
    if (payload.state !== undefined && payload.state !== record.id) refuse('the answer carries another request\'s state');
    if (payload.state === undefined) refuse('the answer has no state');
    const vpToken = typeof payload.vp_token === 'string' ? payload.vp_token : payload.vp_token;
    const responseUri = (claims.response_uri ?? claims.redirect_uri) as string;
    const transcript = await openId4VpHandover({ clientId: claims.client_id as string, nonce: claims.nonce as string, jwkThumbprint: thumbprint, responseUri }, backend);
    const binding = `OpenID4VPHandover (client ${String(claims.client_id)}, nonce${thumbprint === null ? '' : ', encryption key'} and ${responseUri})`;
    const types = this.#options.transactionDataTypes ?? [];
    const transactionData = claims.transaction_data === undefined ? undefined : { entries: readTransactionData(claims.transaction_data, claims.dcql_query as DcqlQuery, types), types };
    const verified = await verifyVpToken(vpToken, { dcqlQuery: claims.dcql_query as DcqlQuery, transcript, binding, ...(transactionData === undefined ? {} : { transactionData }) }, verify);
    const transaction = transactionData === undefined ? [] : await transactionDataChecks(transactionData, verified.presentations, backend);
    const valid = verified.valid && transaction.every((c) => c.status === 'passed');
    return { id: record.id, ...verified, valid, checks: [...verified.checks, ...transaction], ...(jweHeader === undefined ? {} : { jweHeader }), ...extra };
  }
}

function withCode(uri: string, code: string): string {
  const u = new URL(uri);
  u.searchParams.set('response_code', code);
  return u.toString();
}

function jwkPrivateKey(jwk: { readonly x: string; readonly y: string; readonly d: string }): EcPrivateKey {
  const d = fromBase64UrlStrict(jwk.d);
  if (d === undefined || d.length !== 32) throw new TypeError('the stored response key is not a P-256 private JWK');
  return ecPrivateKeyFromScalar('P-256', d);
}
