/**
 * The `status` verify option (ISO/IEC 18013-5 2nd edition §12.3.6): its type, its check, and
 * what is reported when it is absent. Kept apart from `check.ts` so that a verification
 * without `status` loads none of the status list code (token verification, DEFLATE).
 */

import type { Certificate } from '../../x509/index.js';
import type { BackendOptions } from '../../crypto/types.js';
import type { MsoStatus } from '../mso.js';
import { type Check, MdocCheckId } from '../report.js';
import { StatusListCache } from './cache.js';

/** Fetches a status list token by URI (an HTTP GET, a file, a local store); undefined when there is none. */
export type StatusListFetcher = (uri: string) => Promise<Uint8Array | undefined>;

/** How to check the MSO's status (the `status` member of the verify options). */
export interface MsoStatusOptions {
  /** Fetches a token by URI; shomei never fetches on its own. */
  readonly fetch: StatusListFetcher;
  /** A cache shared across verifications; default none (each verification fetches). */
  readonly cache?: StatusListCache;
  /** Fail when a list cannot be fetched. Default false (reported as skipped). */
  readonly requireStatusCheck?: boolean;
  /** The largest decompressed list accepted, in bytes; default 16 MiB. */
  readonly maxBytes?: number;
  /** The largest encoded token accepted, in bytes; default 8 MiB. */
  readonly maxTokenBytes?: number;
}

/** What else a status check needs. */
export interface MsoStatusContext extends BackendOptions {
  /** The trust point when the MSO names no `certificate`: the IACA the DS chained to. */
  readonly trustAnchor?: Certificate;
  readonly now?: Date;
  readonly clockSkewSeconds?: number;
}

/**
 * Check the `status` verify option.
 * @throws TypeError when it is not an object with a `fetch` function, or a member has the wrong type;
 *   RangeError for a limit that is not a positive integer.
 */
export function checkMsoStatusOptions(options: MsoStatusOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || typeof options.fetch !== 'function') throw new TypeError('options.status.fetch must be a function (uri) => Promise<Uint8Array | undefined>');
  if (options.cache !== undefined && !(options.cache instanceof StatusListCache)) throw new TypeError('options.status.cache must be a StatusListCache');
  if (options.requireStatusCheck !== undefined && typeof options.requireStatusCheck !== 'boolean') throw new TypeError('options.status.requireStatusCheck must be a boolean');
  for (const name of ['maxBytes', 'maxTokenBytes'] as const) {
    const v = options[name];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new RangeError(`options.status.${name} must be a positive integer`);
  }
}

/** The MSO_STATUS checks when no `status` option was given: none, or "skipped" when the MSO names a list. */
export function unrequestedStatusChecks(status: MsoStatus | undefined): Check[] {
  if (status === undefined) return [];
  return [{ id: MdocCheckId.MSO_STATUS, status: 'skipped', required: true, detail: 'the MSO names a status list, but no status fetcher was given (options.status)' }];
}
