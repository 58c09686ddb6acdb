/**
 * The CLI's status list fetcher (draft-ietf-oauth-status-list §8.1-8.2): an HTTP GET of the
 * URI the MSO names, asking for the CWT media types, following redirects, with a time limit
 * and a size limit. The library never does I/O; the CLI hands it this fetcher.
 */

import { readCapped } from '../internal/stream.js';
import { DEFAULT_MAX_TOKEN_BYTES, IDENTIFIER_LIST_CWT_TYPE, STATUS_LIST_CWT_TYPE, type StatusListFetcher } from '../mdoc/index.js';

/** How long one fetch may take. */
const TIMEOUT_MS = 10_000;

/**
 * A fetcher over `globalThis.fetch` for http(s) URIs; any other scheme is "could not fetch".
 * Throws (reported as could-not-fetch) for a non-2xx answer, a timeout, or a body past `maxBytes`.
 */
export function httpStatusFetcher(maxBytes = DEFAULT_MAX_TOKEN_BYTES): StatusListFetcher {
  return async (uri) => {
    if (!/^https?:\/\//i.test(uri)) throw new Error(`not an http(s) URI: ${uri}`);
    const response = await fetch(uri, {
      headers: { accept: `${STATUS_LIST_CWT_TYPE}, ${IDENTIFIER_LIST_CWT_TYPE}` },
      redirect: 'follow',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (response.body === null) return new Uint8Array(0);
    return readCapped(response.body, maxBytes, () => new Error(`the answer is larger than ${maxBytes} bytes`));
  };
}
