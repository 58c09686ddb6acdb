/**
 * Building MSO revocation list tokens (issuer side): a Status List Token in CWT form
 * (draft-ietf-oauth-status-list §5.2, editor's copy of 21 June 2026 / draft-21) or an
 * identifier list (ISO/IEC 18013-5 2nd edition §12.3.6.4), in a tagged COSE_Sign1 with `typ`
 * and the signer's x5chain in the protected header (§12.3.6.3), signed with a local key or an
 * external signer (HSM, KMS). Revoking is: set the entry, build the token again, publish it.
 */

import { type CborValue, encode } from '../../cbor/index.js';
import { CoseHeader } from '../../cose/algorithms.js';
import { x5chainValue } from '../../cose/headers.js';
import { encodeCoseSign1 } from '../../cose/sign1.js';
import { signCoseSign1 } from '../../cose/sign1-sign.js';
import type { Signer } from '../../cose/signer.js';
import type { BackendOptions } from '../../crypto/types.js';
import { toHex } from '../../internal/bytes.js';
import { deflateZlib } from './deflate.js';
import { encodeStatusList, isStatusListBits, type StatusListBits } from './status-list.js';
import { COSE_HEADER_TYP, IDENTIFIER_LIST_CWT_TYPE, STATUS_LIST_CWT_TYPE, StatusCwtClaim } from './token.js';

/** What every revocation list token carries. */
export interface BuildStatusTokenBase extends BackendOptions {
  /** The URI the token is published at: its `sub`, and the `uri` put in the MSO. */
  readonly uri: string;
  /** `iat`. */
  readonly issuedAt: Date;
  /** `exp` (ISO 18013-5 2e requires it). */
  readonly expiresAt: Date;
  /** `ttl`, in seconds (> 0): how long a verifier may cache the token. */
  readonly ttlSeconds?: number;
  /** `iss`, when wanted. */
  readonly iss?: string;
  /** The signer and its certificates, leaf first (put in the protected x5chain). */
  readonly signer: { readonly signer: Signer; readonly certificates: readonly Uint8Array[] };
  /** `aggregation_uri` in the list. */
  readonly aggregationUri?: string;
}

/** A Status List Token to build. */
export interface BuildStatusListTokenOptions extends BuildStatusTokenBase {
  readonly bits: StatusListBits;
  /** The uncompressed byte array (see `createStatusBytes` / `writeStatus`). */
  readonly statuses: Uint8Array;
}

/** An identifier list to build. */
export interface BuildIdentifierListTokenOptions extends BuildStatusTokenBase {
  /** The identifiers of the revoked MSOs (the `id` in their status). */
  readonly identifiers: readonly Uint8Array[];
}

const seconds = (d: Date, name: string): number => {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError(`${name} must be a Date`);
  return Math.floor(d.getTime() / 1000);
};

async function sign(type: string, claim: number, value: CborValue, o: BuildStatusTokenBase): Promise<Uint8Array> {
  if (typeof o.uri !== 'string' || o.uri === '') throw new TypeError('uri must be a non-empty string');
  if (o.ttlSeconds !== undefined && (!Number.isSafeInteger(o.ttlSeconds) || o.ttlSeconds < 1)) throw new RangeError('ttlSeconds must be a positive integer');
  const iat = seconds(o.issuedAt, 'issuedAt');
  const exp = seconds(o.expiresAt, 'expiresAt');
  if (exp <= iat) throw new RangeError('expiresAt must be after issuedAt');
  const claims = new Map<CborValue, CborValue>();
  if (o.iss !== undefined) claims.set(StatusCwtClaim.iss, o.iss);
  claims.set(StatusCwtClaim.sub, o.uri);
  claims.set(StatusCwtClaim.iat, iat);
  claims.set(StatusCwtClaim.exp, exp);
  if (o.ttlSeconds !== undefined) claims.set(StatusCwtClaim.ttl, o.ttlSeconds);
  claims.set(claim, value);
  const sign1 = await signCoseSign1({
    payload: encode(claims),
    signer: o.signer.signer,
    protectedHeaders: new Map<CborValue, CborValue>([
      [COSE_HEADER_TYP, type],
      [CoseHeader.x5chain, x5chainValue(o.signer.certificates)],
    ]),
    ...(o.backend === undefined ? {} : { backend: o.backend }),
  });
  return encodeCoseSign1(sign1, true);
}

/**
 * Build a signed Status List Token (CWT): the byte array compressed at level 9, in claim
 * 65533, with `typ` `application/statuslist+cwt`.
 *
 * @example
 * ```ts
 * const statuses = createStatusBytes(1024, 1);
 * writeStatus(statuses, 1, 7, StatusType.INVALID);
 * const token = await buildStatusListToken({ uri, bits: 1, statuses, issuedAt, expiresAt, signer: { signer: key, certificates: [cert] } });
 * ```
 * @throws TypeError / RangeError for bad options.
 */
export async function buildStatusListToken(options: BuildStatusListTokenOptions): Promise<Uint8Array> {
  if (!isStatusListBits(options.bits)) throw new RangeError('bits must be 1, 2, 4 or 8');
  if (!(options.statuses instanceof Uint8Array) || options.statuses.length === 0) throw new TypeError('statuses must be a non-empty Uint8Array');
  const list = encodeStatusList({
    bits: options.bits,
    lst: deflateZlib(options.statuses),
    ...(options.aggregationUri === undefined ? {} : { aggregation_uri: options.aggregationUri }),
  });
  return sign(STATUS_LIST_CWT_TYPE, StatusCwtClaim.status_list, list, options);
}

/**
 * Build a signed identifier list (ISO 18013-5 2e §12.3.6.4): the revoked identifiers in
 * claim 65530, each with an empty IdentifierInfo, with `typ` `application/identifierlist+cwt`.
 * @throws TypeError / RangeError for bad options.
 */
export async function buildIdentifierListToken(options: BuildIdentifierListTokenOptions): Promise<Uint8Array> {
  if (!Array.isArray(options.identifiers) || !options.identifiers.every((id) => id instanceof Uint8Array)) throw new TypeError('identifiers must be an array of Uint8Array');
  const unique = new Map(options.identifiers.map((id) => [toHex(id), id] as const));
  const identifiers = new Map<CborValue, CborValue>([...unique.values()].map((id) => [id, new Map()]));
  const list = new Map<string, CborValue>([['identifiers', identifiers]]);
  if (options.aggregationUri !== undefined) list.set('aggregation_uri', options.aggregationUri);
  return sign(IDENTIFIER_LIST_CWT_TYPE, StatusCwtClaim.identifier_list, list, options);
}
