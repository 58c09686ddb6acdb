/**
 * The MSO revocation list tokens, decoded (not verified): a CWT (RFC 8392) in a tagged
 * COSE_Sign1 whose protected header carries `typ` (label 16, RFC 9596) and the signer's
 * `x5chain`. Two kinds share the envelope (ISO/IEC 18013-5 2nd edition §12.3.6.3):
 *
 * - the Status List Token (draft-ietf-oauth-status-list §5.2, editor's copy of 21 June 2026 /
 *   draft-21; ISO 18013-5 2e §12.3.6.5): `typ` `application/statuslist+cwt`, the StatusList
 *   in claim 65533;
 * - the identifier list (ISO 18013-5 2e §12.3.6.4): `typ` `application/identifierlist+cwt`,
 *   the IdentifierList in claim 65530, and no StatusList claim.
 *
 * The ISO clause numbers and the IdentifierList CDDL are those of the 2nd edition draft as
 * quoted by implementations that follow it (the ISO text itself was not at hand); the draft
 * text read is the oauth-wg editor's copy.
 *
 * ```cddl
 * ; the CWT claims read (RFC 8392 §3.1; the draft §5.2; ISO 18013-5 2e §12.3.6.3-4)
 * Claims = {
 *   ? 1 : tstr,            ; iss
 *   2 : tstr,              ; sub: the list's URI, equal to the MSO's status uri
 *   6 : uint,              ; iat
 *   ? 4 : uint,            ; exp (required by ISO 18013-5 2e §12.3.6.3; checked when verifying)
 *   ? 65534 : uint,        ; ttl, seconds, > 0
 *   ? 65533 : StatusList,  ; status list token
 *   ? 65530 : IdentifierList,
 *   * int => any
 * }
 * IdentifierList = { "identifiers" : { * Identifier => IdentifierInfo }, ? "aggregation_uri" : tstr, * tstr => RFU }
 * Identifier = bstr
 * IdentifierInfo = { * (tstr / int) => RFU }
 * ```
 */

import { CborFloat, type CborValue, decode, Tag } from '../../cbor/index.js';
import { CoseHeader } from '../../cose/algorithms.js';
import { getX5Chain } from '../../cose/headers.js';
import { COSE_SIGN1_TAG, type CoseSign1, decodeCoseSign1 } from '../../cose/sign1.js';
import { isShomeiError, MdocError } from '../../errors.js';
import { toHex } from '../../internal/bytes.js';
import { decodeStatusList, type StatusList } from './status-list.js';

/** The `typ` of a Status List Token in CWT form. */
export const STATUS_LIST_CWT_TYPE = 'application/statuslist+cwt';
/** The `typ` of an ISO 18013-5 identifier list. */
export const IDENTIFIER_LIST_CWT_TYPE = 'application/identifierlist+cwt';

/** The COSE header label of `typ` (RFC 9596). */
export const COSE_HEADER_TYP = 16;

/** CWT claim keys these tokens use. */
export const StatusCwtClaim = {
  iss: 1,
  sub: 2,
  exp: 4,
  iat: 6,
  /** ISO 18013-5 2e §12.3.6.4. */
  identifier_list: 65530,
  /** draft-ietf-oauth-status-list §5.2. */
  status_list: 65533,
  /** draft-ietf-oauth-status-list §5.2. */
  ttl: 65534,
} as const;

/** The default limit on a token's encoded size: 8 MiB. */
export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024 * 1024;

/** An identifier list: the identifiers of revoked MSOs, as lower-case hex. */
export interface IdentifierList {
  readonly identifiers: ReadonlySet<string>;
  readonly aggregation_uri?: string;
}

/** Which of the two lists a token is. */
export type StatusTokenKind = 'status_list' | 'identifier_list';

/** A decoded (not yet verified) status list or identifier list token. */
export interface StatusListToken {
  readonly kind: StatusTokenKind;
  /** The COSE_Sign1, protected header bytes as received. */
  readonly sign1: CoseSign1;
  /** The signer's certificates from the protected header, leaf first. */
  readonly x5chain: readonly Uint8Array[];
  readonly iss?: string;
  readonly sub: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  /** Seconds since the epoch. */
  readonly exp?: number;
  /** Seconds. */
  readonly ttl?: number;
  /** For `kind: 'status_list'`: the StatusList, `lst` still compressed. */
  readonly statusList?: StatusList;
  /** For `kind: 'identifier_list'`. */
  readonly identifierList?: IdentifierList;
}

/** How to decode. */
export interface DecodeStatusListTokenOptions {
  /** The largest encoded token accepted; default {@link DEFAULT_MAX_TOKEN_BYTES}. */
  readonly maxTokenBytes?: number;
}

function tokenError(message: string, cause?: unknown): MdocError {
  return new MdocError('ERR_MDOC_STATUS_TOKEN', message, cause === undefined ? {} : { cause });
}

/**
 * An unsigned integer claim. The claims are decoded keeping each number's CBOR type, so a
 * float is a `CborFloat`: refused for `ttl` (the draft §5.2: "Unsigned integer (major type
 * 0)"), read for `iat` and `exp` when it holds a whole non-negative value, as a NumericDate may be
 * a float (RFC 8392 §2).
 */
function uint(claims: Map<CborValue, CborValue>, key: number, name: string, required: boolean, numericDate = false): number | undefined {
  let v = claims.get(key);
  if (v === undefined && !required) return undefined;
  if (numericDate && v instanceof CborFloat) v = v.value;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw tokenError(`claim ${name} (${key}) must be an unsigned integer${v instanceof CborFloat ? ', not a float' : ''}`);
  return v;
}

function text(claims: Map<CborValue, CborValue>, key: number, name: string, required: boolean): string | undefined {
  const v = claims.get(key);
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw tokenError(`claim ${name} (${key}) must be a text string`);
  return v;
}

function decodeIdentifierList(value: CborValue): IdentifierList {
  const path = 'identifier_list';
  if (!(value instanceof Map)) throw tokenError(`${path} is not a map`);
  const ids = value.get('identifiers');
  if (!(ids instanceof Map)) throw tokenError(`${path}.identifiers is not a map`);
  const identifiers = new Set<string>();
  for (const [id, info] of ids) {
    if (!(id instanceof Uint8Array)) throw tokenError(`${path}.identifiers: an identifier is not a byte string`);
    if (!(info instanceof Map)) throw tokenError(`${path}.identifiers[${toHex(id)}] is not a map (IdentifierInfo)`);
    identifiers.add(toHex(id));
  }
  const aggregation = value.get('aggregation_uri');
  if (aggregation !== undefined && typeof aggregation !== 'string') throw tokenError(`${path}.aggregation_uri is not a text string`);
  return { identifiers, ...(aggregation === undefined ? {} : { aggregation_uri: aggregation }) };
}

/**
 * Decode a Status List Token or an identifier list token (which one, `typ` says). Only the
 * shape is checked; `verifyStatusListToken` checks the signer, signature, subject and time.
 *
 * Where the draft leaves room, shomei reads narrowly (a refusal, never a different status):
 * `typ` is compared case-insensitively, as a media type name is (RFC 6838 §4.2), and the
 * CoAP Content-Format number the draft also allows is refused while it is unassigned (§14.8:
 * TBD); a COSE_Mac0 (tag 17), which the draft allows, is refused, as ISO 18013-5 wants a
 * signer certificate; `iat` and `exp` are read as NumericDates (RFC 8392 §2) only when whole,
 * non-negative and below 2^53 (a fractional, negative or larger one is refused); a `ttl`
 * past 2^53 is refused; members of the StatusList other than `bits`, `lst` and
 * `aggregation_uri` are ignored.
 *
 * @throws MdocError `ERR_MDOC_STATUS_TOKEN` for anything that is not such a token (not a
 *   tagged COSE_Sign1, no or another `typ`, no x5chain in the protected header, a claim of
 *   the wrong type, `bits` not 1/2/4/8); `ERR_MDOC_STATUS_LIMIT` for a token past `maxTokenBytes`.
 */
export function decodeStatusListToken(bytes: Uint8Array, options: DecodeStatusListTokenOptions = {}): StatusListToken {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const max = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('options.maxTokenBytes must be a positive integer');
  if (bytes.length > max) throw new MdocError('ERR_MDOC_STATUS_LIMIT', `the token is ${bytes.length} bytes, more than the limit of ${max}`);
  let outer: CborValue;
  try {
    outer = decode(bytes, { maxBytes: max });
  } catch (e) {
    if (isShomeiError(e, 'ERR_CBOR_LIMIT')) throw new MdocError('ERR_MDOC_STATUS_LIMIT', `the token passes a decoder limit: ${e.message}`, { cause: e });
    if (isShomeiError(e)) throw tokenError(`not CBOR: ${e.message}`, e);
    throw e;
  }
  // draft §5.2: COSE_Sign1_Tagged, never the CWT tag (61); a MAC (tag 17) is not a signature.
  if (!(outer instanceof Tag) || outer.tag !== COSE_SIGN1_TAG) throw tokenError('not a tagged COSE_Sign1 (tag 18)');
  let sign1: CoseSign1;
  let x5chain: Uint8Array[];
  try {
    sign1 = decodeCoseSign1(outer);
    x5chain = getX5Chain(sign1.protectedHeaders, new Map());
  } catch (e) {
    if (isShomeiError(e)) throw tokenError(e.message, e);
    throw e;
  }
  const typ = sign1.protectedHeaders.get(COSE_HEADER_TYP);
  // A media type's name is case-insensitive (RFC 6838 §4.2).
  const type = typeof typ === 'string' ? typ.toLowerCase() : typ;
  let kind: StatusTokenKind;
  if (type === STATUS_LIST_CWT_TYPE) kind = 'status_list';
  else if (type === IDENTIFIER_LIST_CWT_TYPE) kind = 'identifier_list';
  else throw tokenError(`typ (protected header 16) must be ${STATUS_LIST_CWT_TYPE} or ${IDENTIFIER_LIST_CWT_TYPE}, got ${typ === undefined ? 'none' : JSON.stringify(String(typ))}`);
  if (x5chain.length === 0) throw tokenError('no x5chain in the protected header (ISO 18013-5 2e §12.3.6.3)');
  if (sign1.payload === null) throw tokenError('the payload is detached');
  if (sign1.unprotectedHeaders.has(CoseHeader.x5chain)) throw tokenError('x5chain must be in the protected header only');
  let claims: CborValue;
  try {
    // exactNumbers: `bits` and `ttl` are unsigned integers (major type 0, the draft §4.3 and
    // §5.2), so a float 1.0 must not read as the integer 1; and a claim key 2.0 is not `sub`.
    claims = decode(sign1.payload, { exactNumbers: true });
  } catch (e) {
    if (isShomeiError(e, 'ERR_CBOR_LIMIT')) throw new MdocError('ERR_MDOC_STATUS_LIMIT', `the claims pass a decoder limit: ${e.message}`, { cause: e });
    if (isShomeiError(e)) throw tokenError(`the claims are not CBOR: ${e.message}`, e);
    throw e;
  }
  if (!(claims instanceof Map)) throw tokenError('the claims are not a map');
  const ttl = uint(claims, StatusCwtClaim.ttl, 'ttl', false);
  if (ttl === 0) throw tokenError('claim ttl (65534) must be positive');
  const iss = text(claims, StatusCwtClaim.iss, 'iss', false);
  const exp = uint(claims, StatusCwtClaim.exp, 'exp', false, true);
  const base = {
    kind,
    sign1,
    x5chain,
    ...(iss === undefined ? {} : { iss }),
    sub: text(claims, StatusCwtClaim.sub, 'sub', true)!,
    iat: uint(claims, StatusCwtClaim.iat, 'iat', true, true)!,
    ...(exp === undefined ? {} : { exp }),
    ...(ttl === undefined ? {} : { ttl }),
  };
  const sl = claims.get(StatusCwtClaim.status_list);
  const il = claims.get(StatusCwtClaim.identifier_list);
  if (kind === 'status_list') {
    if (sl === undefined) throw tokenError('no status_list claim (65533)');
    return { ...base, statusList: decodeStatusList(sl) };
  }
  if (sl !== undefined) throw tokenError('an identifier list must not carry the status_list claim (65533) (ISO 18013-5 2e §12.3.6.4)');
  if (il === undefined) throw tokenError('no identifier_list claim (65530)');
  return { ...base, identifierList: decodeIdentifierList(il) };
}
