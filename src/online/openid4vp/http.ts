/**
 * The HTTP exchanges of OpenID4VP 1.0 as the wallet makes them, through an injected
 * `fetch` (shomei does no I/O of its own): fetching a `request_uri` with GET or POST
 * (§5.10, RFC 9101 §5.2), and posting an Authorization Response to a `response_uri`
 * (§8.2, `application/x-www-form-urlencoded`). Replies are read with a size bound, and
 * redirects are not followed (`redirect: 'manual'`): a 3xx is an error.
 */

import { readCapped } from '../../internal/stream.js';
import { OnlineError } from '../../errors.js';
import { utf8Decode } from '../../internal/bytes.js';
import { isObject, parseJsonOrUndefined } from '../json.js';
import { errorResponseError, readOpenId4VpErrorResponse } from './errors.js';

/** The part of the Fetch API's Response that shomei reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body?: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** The part of `fetch` that shomei calls (the global `fetch` fits). */
export type FetchLike = (
  url: string,
  init: { readonly method: 'GET' | 'POST'; readonly headers: Record<string, string>; readonly body?: string; readonly redirect?: 'manual' },
) => Promise<FetchResponse>;

/** The largest HTTP reply body read: 512 KiB. */
export const MAX_HTTP_BODY = 512 * 1024;

function httpError(message: string, cause?: unknown): never {
  throw new OnlineError('ERR_OID4VP_HTTP', message, cause === undefined ? {} : { cause });
}

/** Read a reply body as text, at most `max` bytes (streamed when the body is a stream). */
export async function readBody(res: FetchResponse, max = MAX_HTTP_BODY): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(length) && length > max) httpError(`the reply is ${length} bytes, more than ${max}`);
  const body = res.body;
  if (body !== undefined && body !== null && typeof body.getReader === 'function') {
    const all = await readCapped(body, max, () => new OnlineError('ERR_OID4VP_HTTP', `the reply is more than ${max} bytes`));
    try {
      return utf8Decode(all);
    } catch (e) {
      httpError('the reply is not UTF-8', e);
    }
  }
  const text = await res.text();
  if (text.length > max) httpError(`the reply is more than ${max} characters`);
  return text;
}

/** `application/x-www-form-urlencoded` of string members (RFC 6749 Appendix B). */
export function formEncode(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(params)).toString();
}

/** Call `fetch`, turning a network failure into `ERR_OID4VP_HTTP`. */
export async function call(fetch: FetchLike, url: string, init: Parameters<FetchLike>[1]): Promise<FetchResponse> {
  if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
  try {
    return await fetch(url, { ...init, redirect: 'manual' });
  } catch (e) {
    httpError(`${init.method} ${url} failed: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/** Throw for a non-2xx reply: `ERR_OID4VP_ERROR_RESPONSE` when it carries an OAuth error, else `ERR_OID4VP_HTTP`. */
export async function expectOk(res: FetchResponse, what: string): Promise<string> {
  const text = await readBody(res);
  if (res.status >= 200 && res.status < 300) return text;
  const json = parseJsonOrUndefined(text);
  const error = isObject(json) ? readOpenId4VpErrorResponse(Object.assign(Object.create(null), json)) : undefined;
  if (error !== undefined) throw errorResponseError(error, what);
  httpError(`${what} answered HTTP ${res.status}`);
}

/** Whether `uri` may receive a response or serve a request: https, or http on a loopback host. */
export function acceptableUri(uri: unknown): uri is string {
  if (typeof uri !== 'string' || uri.length > 8192) return false;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
}
