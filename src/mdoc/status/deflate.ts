/**
 * ZLIB-wrapped DEFLATE compression (RFC 1950 / RFC 1951) of a Token Status List's byte array
 * (draft-ietf-oauth-status-list §4.1: "compressed using DEFLATE with the ZLIB data format").
 * Always fflate at level 9, the highest, as the draft recommends, so that an issuer's tokens
 * are the same bytes on every platform. Inflating (with its size limit) is `inflate.ts`.
 *
 * Bundlers get this module; Node, Deno and Bun get `deflate-node.ts` (the same function,
 * loading fflate on its first call), through the package's `#status-deflate` import.
 */

import { zlibSync } from 'fflate';

/** Compress `data` as ZLIB at the highest level (draft-ietf-oauth-status-list §4.1 step 3). */
export function deflateZlib(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  return zlibSync(data, { level: 9 });
}
