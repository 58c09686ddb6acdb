/**
 * Verifying an MSO revocation list token (ISO/IEC 18013-5 2nd edition §12.3.6.3; the
 * validation rules of draft-ietf-oauth-status-list §8.3): the signer's x5chain (protected
 * header) chains to the trust point (the `certificate` the MSO's status names, else the IACA
 * that anchored the document signer), the COSE_Sign1 verifies with the signer's key, `sub`
 * is the URI the MSO names, `exp` is present (ISO) and not passed, `iat` not in the future;
 * only then is the list decompressed, within the size limit.
 */

import { verifyCoseSign1 } from '../../cose/sign1.js';
import { resolveBackend } from '../../crypto/default.js';
import type { BackendOptions, PublicKey } from '../../crypto/types.js';
import { isShomeiError, MdocError } from '../../errors.js';
import { equalBytes } from '../../internal/bytes.js';
import { type Certificate, parseCertificate } from '../../x509/certificate.js';
import { verifyChain } from '../../x509/chain.js';
import { inflateZlib } from './inflate.js';
import { decodeStatusListToken, type StatusListToken } from './token.js';

/** Why a status list token could not be used: the `MSO_STATUS.<id>` checks of the report. */
export const MsoStatusCheck = {
  /** The fetcher gave nothing or failed ("could not fetch"; fails only with `requireStatusCheck`). */
  FETCH: 'FETCH',
  /** Not a status list / identifier list token, or its list is not valid ZLIB data. */
  STRUCTURE: 'STRUCTURE',
  /** The token, or its decompressed list, is past the size limit. */
  SIZE: 'SIZE',
  /** The signer's x5chain does not chain to the trust point (a wrong key, an untrusted signer). */
  SIGNER_CHAIN: 'SIGNER_CHAIN',
  /** The COSE_Sign1 signature does not verify with the signer's key. */
  SIGNATURE: 'SIGNATURE',
  /** `sub` is not the URI the MSO names. */
  SUBJECT: 'SUBJECT',
  /** `exp` missing or passed, or `iat` in the future. */
  VALIDITY: 'VALIDITY',
  /** The MSO's `idx` is past the end of the list. */
  INDEX: 'INDEX',
} as const;
export type MsoStatusCheck = (typeof MsoStatusCheck)[keyof typeof MsoStatusCheck];

/** A token that passed every check, with its list ready to look up. */
export interface VerifiedStatusListToken {
  readonly token: StatusListToken;
  /** The decompressed status bytes (`kind: 'status_list'`). */
  readonly statuses?: Uint8Array;
  /** The signer certificate (the x5chain leaf). */
  readonly signer: Certificate;
}

/** How to verify a token. */
export interface VerifyStatusListTokenOptions extends BackendOptions {
  /** The URI the MSO names: `sub` must equal it. */
  readonly uri: string;
  /** The trust point the signer must chain to (or be). */
  readonly trustAnchor: Certificate | Uint8Array;
  /** Validation time; default now. */
  readonly now?: Date;
  /** Tolerance for `exp`, `iat` and certificate times, in seconds; default 300. */
  readonly clockSkewSeconds?: number;
  /** The largest decompressed list accepted; default 16 MiB. */
  readonly maxBytes?: number;
  /** The largest encoded token accepted; default 8 MiB. */
  readonly maxTokenBytes?: number;
}

function fail(check: MsoStatusCheck, message: string, cause?: unknown): MdocError {
  return new MdocError('ERR_MDOC_STATUS_INVALID', message, { check, ...(cause === undefined ? {} : { cause }) });
}

/** The `MSO_STATUS.<id>` a ShomeiError from verifying a token stands for. */
export function statusCheckOf(e: { code: string; check?: string }): MsoStatusCheck {
  if (e.code === 'ERR_MDOC_STATUS_INVALID' && e.check !== undefined && Object.hasOwn(MsoStatusCheck, e.check)) return e.check as MsoStatusCheck;
  if (e.code === 'ERR_MDOC_STATUS_LIMIT') return MsoStatusCheck.SIZE;
  return MsoStatusCheck.STRUCTURE;
}

/**
 * Check `exp` (required by ISO 18013-5 2e §12.3.6.3) and `iat` against `now`: refused on or
 * after `exp` plus the skew (RFC 8392 §3.1.4, as RFC 7519 §4.1.4), and before `iat` minus it.
 * @throws MdocError `ERR_MDOC_STATUS_INVALID` with check `VALIDITY`.
 */
export function checkTokenTime(token: StatusListToken, now: Date, skewMs: number): void {
  const t = now.getTime();
  if (token.exp === undefined) throw fail(MsoStatusCheck.VALIDITY, 'the token has no exp (ISO 18013-5 2e §12.3.6.3 requires it)');
  if (t >= token.exp * 1000 + skewMs) throw fail(MsoStatusCheck.VALIDITY, `the token expired at ${instant(token.exp)}`);
  if (token.iat * 1000 > t + skewMs) throw fail(MsoStatusCheck.VALIDITY, `the token is issued in the future (${instant(token.iat)})`);
}

/** A NumericDate for a message: ISO 8601, or the seconds when past what a Date holds (year 275760). */
function instant(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} s after 1970` : date.toISOString();
}

/**
 * Decode and verify a status list or identifier list token, then decompress its list.
 *
 * @example
 * ```ts
 * const { token, statuses } = await verifyStatusListToken(bytes, { uri, trustAnchor: iaca });
 * ```
 * @throws MdocError `ERR_MDOC_STATUS_TOKEN` / `ERR_MDOC_DEFLATE` for a malformed token or
 *   list, `ERR_MDOC_STATUS_LIMIT` past a size limit, `ERR_MDOC_STATUS_INVALID` (with `check`:
 *   SIGNER_CHAIN, SIGNATURE, SUBJECT, VALIDITY) for a token that fails a check.
 */
export async function verifyStatusListToken(bytes: Uint8Array, options: VerifyStatusListTokenOptions): Promise<VerifiedStatusListToken> {
  if (typeof options?.uri !== 'string') throw new TypeError('options.uri must be a string');
  const skew = options.clockSkewSeconds ?? 300;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new RangeError('options.clockSkewSeconds must be a non-negative number');
  const now = options.now ?? new Date();
  const backend = resolveBackend(options);
  const anchor = options.trustAnchor instanceof Uint8Array ? parseCertificate(options.trustAnchor) : options.trustAnchor;
  const token = decodeStatusListToken(bytes, options.maxTokenBytes === undefined ? {} : { maxTokenBytes: options.maxTokenBytes });

  // The signer: its chain to the trust point, then its signature.
  let signer: Certificate;
  try {
    signer = parseCertificate(token.x5chain[0]!);
  } catch (e) {
    if (isShomeiError(e)) throw new MdocError('ERR_MDOC_STATUS_TOKEN', `the signer certificate: ${e.message}`, { cause: e });
    throw e;
  }
  if (equalBytes(signer.der, anchor.der)) {
    const t = now.getTime();
    if (signer.notBefore.getTime() > t + skew * 1000 || signer.notAfter.getTime() < t - skew * 1000) {
      throw fail(MsoStatusCheck.SIGNER_CHAIN, `the signer certificate is not valid at ${now.toISOString()}`);
    }
  } else {
    let report: Awaited<ReturnType<typeof verifyChain>>;
    try {
      report = await verifyChain(signer, { anchors: [anchor], intermediates: token.x5chain.slice(1), now, clockSkewSeconds: skew, backend });
    } catch (e) {
      if (isShomeiError(e)) throw fail(MsoStatusCheck.SIGNER_CHAIN, e.message, e);
      throw e;
    }
    if (!report.valid) {
      const failed = report.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}${c.detail === undefined ? '' : `: ${c.detail}`}`);
      throw fail(MsoStatusCheck.SIGNER_CHAIN, `the signer ${signer.subject.text} does not chain to ${anchor.subject.text} (${failed.join('; ')})`);
    }
  }
  if (signer.publicKey === null || signer.publicKey.kty === 'RSA') throw fail(MsoStatusCheck.SIGNATURE, 'the signer key is not an EC or EdDSA key');
  try {
    await verifyCoseSign1(token.sign1, { key: signer.publicKey as PublicKey, backend });
  } catch (e) {
    if (isShomeiError(e)) throw fail(MsoStatusCheck.SIGNATURE, e.message, e);
    throw e;
  }
  if (token.sub !== options.uri) throw fail(MsoStatusCheck.SUBJECT, `sub ${JSON.stringify(token.sub)} is not the URI the MSO names, ${JSON.stringify(options.uri)}`);
  checkTokenTime(token, now, skew * 1000);
  // Only a list from a trusted signer is decompressed.
  if (token.statusList === undefined) return { token, signer };
  const statuses = await inflateZlib(token.statusList.lst, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes });
  return { token, statuses, signer };
}
