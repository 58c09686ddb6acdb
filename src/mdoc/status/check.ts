/**
 * The MSO_STATUS check (ISO/IEC 18013-5 2nd edition §12.3.6): for each list the MSO's
 * `status` names (`status_list`, `identifier_list`), fetch the token through the caller's
 * fetcher (shomei never opens a socket), verify it (see `verifyStatusListToken`), look the MSO
 * up, and report it. Fails closed: a token that is expired, unsigned, signed by the wrong key,
 * malformed, too large, or without the index fails the check, with the reason as an
 * `MSO_STATUS.<id>` check. A list that could not be fetched is reported as such and fails
 * only with `requireStatusCheck`, as for CRLs.
 */

import { resolveBackend } from '../../crypto/default.js';
import { isShomeiError } from '../../errors.js';
import { toHex } from '../../internal/bytes.js';
import { type Certificate, parseCertificate } from '../../x509/certificate.js';
import type { MsoStatus } from '../mso.js';
import { type Check, MdocCheckId } from '../report.js';
import { readStatus, StatusType, statusName } from './status-list.js';
import { checkMsoStatusOptions, type MsoStatusContext, type MsoStatusOptions, type StatusListFetcher, unrequestedStatusChecks } from './options.js';
import { checkTokenTime, MsoStatusCheck, statusCheckOf, type VerifiedStatusListToken, verifyStatusListToken } from './verify.js';

/** The fetcher gave nothing or threw: "could not fetch". */
class Unavailable extends Error {}

async function fetchToken(fetch: StatusListFetcher, uri: string): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await fetch(uri);
  } catch (e) {
    throw new Unavailable(e instanceof Error ? e.message : String(e));
  }
  if (bytes === undefined) throw new Unavailable('the fetcher has no token');
  if (!(bytes instanceof Uint8Array)) throw new TypeError('options.status.fetch must resolve to a Uint8Array or undefined');
  return bytes;
}

interface Reference {
  readonly kind: 'status_list' | 'identifier_list';
  readonly uri: string;
  readonly where: string;
  readonly certificate?: Uint8Array;
  readonly idx?: number;
  readonly id?: Uint8Array;
}

function references(status: MsoStatus): Reference[] {
  const out: Reference[] = [];
  const sl = status.status_list;
  if (sl !== undefined) out.push({ kind: 'status_list', uri: sl.uri, idx: sl.idx, where: `index ${sl.idx} of ${sl.uri}`, ...(sl.certificate === undefined ? {} : { certificate: sl.certificate }) });
  const il = status.identifier_list;
  if (il !== undefined) out.push({ kind: 'identifier_list', uri: il.uri, id: il.id, where: `identifier ${toHex(il.id)} in ${il.uri}`, ...(il.certificate === undefined ? {} : { certificate: il.certificate }) });
  return out;
}

const ID = MdocCheckId.MSO_STATUS;

function failed(check: MsoStatusCheck, detail: string, ref: Reference): Check[] {
  return [
    { id: `${ID}.${check}`, status: 'failed', required: true, detail },
    { id: ID, status: 'failed', required: true, detail: `the ${ref.kind} at ${ref.uri} cannot be used (${check}): ${detail}` },
  ];
}

async function checkOne(ref: Reference, options: MsoStatusOptions, ctx: MsoStatusContext): Promise<Check[]> {
  let trust: Certificate | undefined = ctx.trustAnchor;
  if (ref.certificate !== undefined) {
    try {
      trust = parseCertificate(ref.certificate);
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      return failed(MsoStatusCheck.SIGNER_CHAIN, `the MSO's status certificate does not parse: ${e.message}`, ref);
    }
  }
  if (trust === undefined) return [{ id: ID, status: 'skipped', required: true, detail: `${ref.kind} ${ref.uri} not checked: no trust point (the DS did not chain to an IACA)` }];
  const now = ctx.now ?? new Date();
  const skew = ctx.clockSkewSeconds ?? 300;
  const backend = resolveBackend(ctx);
  const verify = async (): Promise<VerifiedStatusListToken> =>
    verifyStatusListToken(await fetchToken(options.fetch, ref.uri), {
      uri: ref.uri,
      trustAnchor: trust,
      now,
      clockSkewSeconds: skew,
      backend,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.maxTokenBytes === undefined ? {} : { maxTokenBytes: options.maxTokenBytes }),
    });
  const cache = options.cache;
  let verified: VerifiedStatusListToken;
  try {
    if (cache === undefined) verified = await verify();
    else {
      const key = [ref.kind, ref.uri, toHex(trust.der), cache.backendId(backend), options.maxBytes ?? '', options.maxTokenBytes ?? ''].join('\n');
      verified = await cache.load(key, async () => {
        const value = await verify();
        const { exp, ttl } = value.token;
        const expiresAt = Math.min(exp === undefined ? 0 : exp * 1000, ttl === undefined ? Number.POSITIVE_INFINITY : cache.now() + ttl * 1000, value.signer.notAfter.getTime());
        return { value, expiresAt };
      });
      // A cached token is checked again against this verification's time.
      checkTokenTime(verified.token, now, skew * 1000);
    }
  } catch (e) {
    if (e instanceof Unavailable) {
      const detail = `could not fetch ${ref.uri}: ${e.message}`;
      if (options.requireStatusCheck === true) return failed(MsoStatusCheck.FETCH, detail, ref);
      return [{ id: ID, status: 'skipped', required: true, detail }];
    }
    if (!isShomeiError(e)) throw e;
    return failed(statusCheckOf(e), e.message, ref);
  }
  let value: number;
  if (ref.kind === 'status_list') {
    const list = verified.token.statusList!;
    const v = readStatus(verified.statuses!, list.bits, ref.idx!);
    if (v === undefined) return failed(MsoStatusCheck.INDEX, `index ${ref.idx} is past the end of the list (${(verified.statuses!.length * 8) / list.bits} entries)`, ref);
    value = v;
  } else {
    value = verified.token.identifierList!.identifiers.has(toHex(ref.id!)) ? StatusType.INVALID : StatusType.VALID;
  }
  const name = statusName(value);
  const label = value === StatusType.INVALID ? 'INVALID (revoked)' : name;
  return [{ id: ID, status: value === StatusType.VALID ? 'passed' : 'failed', required: true, detail: `${label}: ${ref.where}` }];
}

/**
 * Check the MSO's `status` (each list it names) and return the checks to report:
 * `MSO_STATUS` passed (VALID), failed (INVALID, SUSPENDED or another value, or a token that
 * cannot be used, with an `MSO_STATUS.<id>` check saying why), or skipped (could not fetch,
 * no trust point).
 *
 * @example
 * ```ts
 * const checks = await verifyMsoStatus(mso.status, { fetch }, { trustAnchor: iaca });
 * ```
 * @throws TypeError / RangeError for bad options (see {@link checkMsoStatusOptions}).
 */
export async function verifyMsoStatus(status: MsoStatus, options: MsoStatusOptions, ctx: MsoStatusContext = {}): Promise<Check[]> {
  checkMsoStatusOptions(options);
  const refs = references(status);
  if (refs.length === 0) return [{ id: ID, status: 'skipped', required: true, detail: 'the MSO status names no status_list or identifier_list' }];
  const results = await Promise.all(refs.map((r) => checkOne(r, options, ctx)));
  return results.flat();
}

/**
 * The MSO_STATUS checks of one document, for `verifyIssuerPart`: skipped with the reason
 * when the MSO has no status or the issuer checks failed (a list is fetched only for a
 * document that is otherwise valid, draft §8.3), or when no `status` option was given.
 */
export async function msoStatusChecks(
  status: MsoStatus | undefined,
  options: MsoStatusOptions | undefined,
  issuer: { readonly ok: boolean; readonly trustAnchor?: Certificate },
  ctx: Omit<MsoStatusContext, 'trustAnchor'>,
): Promise<Check[]> {
  if (options === undefined) return unrequestedStatusChecks(status);
  if (status === undefined) return [{ id: ID, status: 'skipped', required: true, detail: 'the MSO has no status' }];
  if (!issuer.ok) return [{ id: ID, status: 'skipped', required: true, detail: 'not checked: the issuer checks failed' }];
  return verifyMsoStatus(status, options, { ...ctx, ...(issuer.trustAnchor === undefined ? {} : { trustAnchor: issuer.trustAnchor }) });
}

export { checkMsoStatusOptions, type MsoStatusContext, type MsoStatusOptions, type StatusListFetcher } from './options.js';
