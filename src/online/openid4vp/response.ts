/**
 * The wallet's Authorization Response in the redirect-based flows of OpenID4VP 1.0:
 *
 * - `direct_post` (§8.2): an HTTP POST of `vp_token` (JSON) and `state` to `response_uri`,
 *   `application/x-www-form-urlencoded`; the verifier answers 200 with a JSON object that
 *   may hold a `redirect_uri` for the user agent (same-device flows);
 * - `direct_post.jwt` (§8.3.1): the same parameters as the JSON payload of a JWE
 *   (ECDH-ES, A128GCM / A256GCM) to the key in `client_metadata.jwks`, posted as `response`;
 * - `fragment` / `query` (OAuth 2.0 Multiple Response Types): the parameters on the
 *   `redirect_uri`, which the wallet opens;
 * - error responses (§8.5) the same way, unencrypted.
 *
 * ```
 * direct_post:      vp_token=<JSON>&state=<state>
 * direct_post.jwt:  response=<JWE of {"vp_token": …, "state": …}>
 * ```
 */

import type { BackendOptions } from '../../crypto/types.js';
import { utf8Encode } from '../../internal/bytes.js';
import type { HeldDocument } from '../../mdoc/index.js';
import { encryptJwe } from '../jwe.js';
import { isObject, parseJsonOrUndefined } from '../json.js';
import { buildOpenId4VpErrorResponse, type OpenId4VpErrorCode } from './errors.js';
import { call, expectOk, type FetchLike, formEncode } from './http.js';
import type { OpenId4VpAuthorizationRequest, OpenId4VpRedirectResponseMode } from './request.js';
import { buildVpToken, type OpenId4VpConsent } from './vp-token.js';

/** An Authorization Response, ready to send. */
export interface OpenId4VpAuthorizationResponse {
  readonly responseMode: OpenId4VpRedirectResponseMode;
  /** The parameters: form fields for `direct_post*`, URL parameters for `fragment` / `query`. */
  readonly params: Readonly<Record<string, string>>;
  /** `direct_post*`: the `response_uri` to post to; `fragment` / `query`: the URL to open. */
  readonly uri: string;
}

function assemble(request: OpenId4VpAuthorizationRequest, params: Record<string, string>): OpenId4VpAuthorizationResponse {
  const mode = request.responseMode;
  if (mode === 'direct_post' || mode === 'direct_post.jwt') return { responseMode: mode, params, uri: request.responseUri };
  const url = new URL(request.responseUri);
  const encoded = formEncode(params);
  if (mode === 'query') {
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { responseMode: mode, params, uri: url.toString() };
  }
  url.hash = encoded;
  return { responseMode: mode, params, uri: url.toString() };
}

/**
 * Wallet side: answer a request ({@link resolveOpenId4VpRequest}) with the held documents:
 * the VP Token ({@link buildVpToken}, device-signed over the request's OpenID4VPHandover),
 * with `state`, encrypted for `direct_post.jwt`.
 * @throws MdocError `ERR_MDOC_INPUT` when the documents (after consent) cannot satisfy the
 *   query: report `access_denied` with {@link createOpenId4VpErrorResponse}.
 */
export async function createOpenId4VpResponse(
  request: OpenId4VpAuthorizationRequest,
  options: BackendOptions & { readonly documents: readonly HeldDocument[]; readonly consent?: OpenId4VpConsent },
): Promise<OpenId4VpAuthorizationResponse> {
  const vpToken = await buildVpToken(request, options);
  const members: Record<string, unknown> = { vp_token: vpToken, ...(request.state === undefined ? {} : { state: request.state }) };
  if (request.responseMode === 'direct_post.jwt') {
    const enc = request.encryption;
    if (enc === undefined) throw new TypeError('a direct_post.jwt request needs its encryption key');
    const response = await encryptJwe({
      recipientKey: enc.key,
      kid: enc.kid,
      enc: enc.enc,
      plaintext: utf8Encode(JSON.stringify(members)),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    });
    return assemble(request, { response });
  }
  return assemble(request, { vp_token: JSON.stringify(vpToken), ...(request.state === undefined ? {} : { state: request.state }) });
}

/** Wallet side: an error response (§8.5) to a request, sent like an answer (unencrypted). */
export function createOpenId4VpErrorResponse(request: OpenId4VpAuthorizationRequest, error: OpenId4VpErrorCode | string, description?: string): OpenId4VpAuthorizationResponse {
  const e = buildOpenId4VpErrorResponse(error, description, request.state);
  const params: Record<string, string> = { error: e.error };
  if (e.error_description !== undefined) params.error_description = e.error_description;
  if (e.state !== undefined) params.state = e.state;
  return assemble(request, params);
}

/** The verifier's reply to a posted response. */
export interface OpenId4VpSubmitResult {
  /** The HTTP status (200 for `fragment` / `query`, which are not posted). */
  readonly status: number;
  /** Where to send the user agent next: the verifier's `redirect_uri` (§8.2), or the `fragment` / `query` URL. */
  readonly redirectUri?: string;
  /** The verifier's JSON reply, prototype-free (empty when none). */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Wallet side: send a response. `direct_post*` posts it through `fetch` and returns the
 * verifier's `redirect_uri`, if any; `fragment` / `query` return the URL to open.
 * @throws OnlineError `ERR_OID4VP_ERROR_RESPONSE` when the verifier answers with an error
 *   (`check` holds its code); `ERR_OID4VP_HTTP` for another failure.
 */
export async function submitOpenId4VpResponse(response: OpenId4VpAuthorizationResponse, options: { readonly fetch?: FetchLike } = {}): Promise<OpenId4VpSubmitResult> {
  if (response.responseMode === 'fragment' || response.responseMode === 'query') return { status: 200, redirectUri: response.uri, body: Object.create(null) };
  if (options.fetch === undefined) throw new TypeError('options.fetch is needed to post a response');
  const res = await call(options.fetch, response.uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: formEncode(response.params),
  });
  const text = await expectOk(res, 'the response_uri');
  const json = text.trim() === '' ? {} : parseJsonOrUndefined(text);
  const body: Record<string, unknown> = Object.assign(Object.create(null), isObject(json) ? json : {});
  const redirect = typeof body.redirect_uri === 'string' ? body.redirect_uri : undefined;
  return { status: res.status, ...(redirect === undefined ? {} : { redirectUri: redirect }), body };
}
