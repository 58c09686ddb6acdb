/**
 * OpenID4VP 1.0 error responses (§8.5, and RFC 6749 §4.1.2.1 for the OAuth codes it
 * reuses): the codes, an error response to send, and reading one that was received.
 *
 * ```
 * error response = { "error": code, ? "error_description": tstr, ? "state": tstr }
 *   ; sent like the Authorization Response: direct_post form fields, fragment / query
 *   ; parameters, or a DC API `data` object
 * ```
 */

import { OnlineError } from '../../errors.js';

/** Error codes (§8.5, RFC 6749 §4.1.2.1). */
export const OpenId4VpErrorCode = {
  INVALID_REQUEST: 'invalid_request',
  UNAUTHORIZED_CLIENT: 'unauthorized_client',
  ACCESS_DENIED: 'access_denied',
  UNSUPPORTED_RESPONSE_TYPE: 'unsupported_response_type',
  INVALID_SCOPE: 'invalid_scope',
  SERVER_ERROR: 'server_error',
  TEMPORARILY_UNAVAILABLE: 'temporarily_unavailable',
  /** The client_id is unknown, or its prefix is not supported or its rules are broken (§8.5). */
  INVALID_CLIENT: 'invalid_client',
  /** The wallet does not support any requested format (§8.5). */
  VP_FORMATS_NOT_SUPPORTED: 'vp_formats_not_supported',
  /** The `request_uri_method` value is not supported (§8.5). */
  INVALID_REQUEST_URI_METHOD: 'invalid_request_uri_method',
  /** A `transaction_data` entry cannot be processed (§8.5). */
  INVALID_TRANSACTION_DATA: 'invalid_transaction_data',
  /** The wallet is not available (§8.5; used on the DC API and by wallet chooser pages). */
  WALLET_UNAVAILABLE: 'wallet_unavailable',
  /** RFC 9101 §6.2: the Request Object is invalid. */
  INVALID_REQUEST_OBJECT: 'invalid_request_object',
  /** RFC 9101 §6.2: the request_uri cannot be fetched or is invalid. */
  INVALID_REQUEST_URI: 'invalid_request_uri',
} as const;
export type OpenId4VpErrorCode = (typeof OpenId4VpErrorCode)[keyof typeof OpenId4VpErrorCode];

/** An error response, as sent or received. `error` may be a code this list does not know. */
export interface OpenId4VpErrorResponse {
  readonly error: OpenId4VpErrorCode | (string & {});
  readonly error_description?: string;
  readonly state?: string;
}

/** An OAuth `error` / `error_description` value: printable ASCII without `"` and `\` (RFC 6749 §4.1.2.1). */
const ERROR_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * An error response to send.
 * @throws TypeError for a code or description outside the RFC 6749 character set.
 */
export function buildOpenId4VpErrorResponse(error: OpenId4VpErrorCode | string, description?: string, state?: string): OpenId4VpErrorResponse {
  if (typeof error !== 'string' || error === '' || !ERROR_TEXT.test(error)) throw new TypeError('error must be an error code');
  if (description !== undefined && (typeof description !== 'string' || !ERROR_TEXT.test(description))) {
    throw new TypeError('description must be printable ASCII without " and \\');
  }
  return { error, ...(description === undefined ? {} : { error_description: description }), ...(state === undefined ? {} : { state }) };
}

/** The error response in `params`, if it is one (its `error` member is a string). */
export function readOpenId4VpErrorResponse(params: Readonly<Record<string, unknown>>): OpenId4VpErrorResponse | undefined {
  if (!Object.hasOwn(params, 'error')) return undefined;
  const error = params.error;
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1024) : undefined);
  const description = text(params.error_description);
  const state = text(params.state);
  return { error: typeof error === 'string' ? error.slice(0, 256) : String(error), ...(description === undefined ? {} : { error_description: description }), ...(state === undefined ? {} : { state }) };
}

/** The OnlineError `ERR_OID4VP_ERROR_RESPONSE` for a received error response; `check` is its code. */
export function errorResponseError(response: OpenId4VpErrorResponse, from: string): OnlineError {
  const description = response.error_description === undefined ? '' : `: ${response.error_description}`;
  return new OnlineError('ERR_OID4VP_ERROR_RESPONSE', `${from} answered with the error ${JSON.stringify(response.error)}${description}`, { check: response.error });
}
