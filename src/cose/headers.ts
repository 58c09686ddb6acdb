/**
 * COSE header buckets (RFC 9052 §3, §3.1; RFC 9360 §2 for x5chain), checked as strictly
 * as ISO/IEC 18013-5 requires: `alg` only in the protected bucket, no label in both
 * buckets, every critical header understood, header values of their registered types.
 *
 * ```cddl
 * Headers = (
 *     protected : empty_or_serialized_map,
 *     unprotected : header_map
 * )
 * header_map = { Generic_Headers, * label => values }
 * empty_or_serialized_map = bstr .cbor header_map / bstr .size 0
 * ```
 */

import { type CborValue, decode, encode } from '../cbor/index.js';
import { CborError, CoseError } from '../errors.js';
import { CoseHeader } from './algorithms.js';

/** A header bucket: labels (integers or text) to values. */
export type HeaderMap = ReadonlyMap<CborValue, CborValue>;

/** Header labels shomei processes; a critical header outside these (and the caller's) fails. */
const UNDERSTOOD: ReadonlySet<CborValue> = new Set<CborValue>([
  CoseHeader.alg,
  CoseHeader.crit,
  CoseHeader.contentType,
  CoseHeader.kid,
  CoseHeader.iv,
  CoseHeader.partialIv,
  CoseHeader.x5chain,
]);

function structure(message: string, cause?: unknown): CoseError {
  return new CoseError('ERR_COSE_STRUCTURE', message, cause === undefined ? {} : { cause });
}

/** Decode the protected bucket's bytes; a zero-length string is the empty map. */
export function decodeProtectedHeaders(bytes: Uint8Array): HeaderMap {
  if (bytes.length === 0) return new Map();
  let value: CborValue;
  try {
    value = decode(bytes);
  } catch (e) {
    if (e instanceof CborError) throw structure(`protected header is not valid CBOR: ${e.message}`, e);
    throw e;
  }
  if (!(value instanceof Map)) throw structure('protected header is not a map');
  return value;
}

/** Serialise a protected bucket: the empty map as a zero-length string (RFC 9052 §3). */
export function encodeProtectedHeaders(headers: HeaderMap): Uint8Array {
  return headers.size === 0 ? new Uint8Array(0) : encode(headers);
}

function isLabel(v: CborValue): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'string';
}

function checkValueTypes(bucket: HeaderMap, where: string): void {
  for (const [label, value] of bucket) {
    if (!isLabel(label)) throw structure(`${where} header label ${String(label)} is not an integer or text`);
    switch (label) {
      case CoseHeader.alg:
        if (!isLabel(value)) throw structure(`${where} alg is not an integer or text`);
        break;
      case CoseHeader.crit:
        if (!Array.isArray(value) || value.length === 0 || !value.every(isLabel)) {
          throw structure('crit is not a non-empty array of labels');
        }
        break;
      case CoseHeader.contentType:
        if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value) && value >= 0))) {
          throw structure(`${where} content type is not a uint or text`);
        }
        break;
      case CoseHeader.kid:
        // kid is a hint shomei never uses; an unprotected kid of the wrong type (some
        // issuers write text or undefined there) is not covered by the signature and is
        // ignored rather than failing the message. A protected one must be a bstr.
        if (where === 'protected' && !(value instanceof Uint8Array)) throw structure('protected kid is not a byte string');
        break;
      case CoseHeader.iv:
      case CoseHeader.partialIv:
        if (!(value instanceof Uint8Array)) throw structure(`${where} header ${label} is not a byte string`);
        break;
      case CoseHeader.x5chain:
        if (!(value instanceof Uint8Array) && !(Array.isArray(value) && value.length > 0 && value.every((c) => c instanceof Uint8Array))) {
          throw structure(`${where} x5chain is not a certificate or an array of certificates`);
        }
        break;
    }
  }
}

/**
 * Check the two header buckets of a COSE message.
 *
 * @param understood extra labels the caller processes (allowed in `crit`).
 * @param allowInBoth labels the caller accepts in both buckets because it reads only the
 *   protected value and reports the duplicate itself (x5chain, as a named mdoc deviation);
 *   `alg` and `crit` are never among them.
 * @throws CoseError `ERR_COSE_ALG_PLACEMENT` when alg is missing from the protected bucket
 *   or present in the unprotected one; `ERR_COSE_CRIT` for a critical header not
 *   understood or not present; `ERR_COSE_STRUCTURE` for a label in both buckets, `crit`
 *   outside the protected bucket, or a value of the wrong type.
 */
export function checkHeaders(
  protectedHeaders: HeaderMap,
  unprotectedHeaders: HeaderMap,
  understood: Iterable<CborValue> = [],
  allowInBoth: readonly CborValue[] = [],
): void {
  checkValueTypes(protectedHeaders, 'protected');
  checkValueTypes(unprotectedHeaders, 'unprotected');
  for (const label of unprotectedHeaders.keys()) {
    const tolerated = label !== CoseHeader.alg && label !== CoseHeader.crit && allowInBoth.includes(label);
    if (protectedHeaders.has(label) && !tolerated) throw structure(`header ${String(label)} is in both buckets`);
  }
  if (unprotectedHeaders.has(CoseHeader.alg)) {
    throw new CoseError('ERR_COSE_ALG_PLACEMENT', 'alg must be in the protected header only');
  }
  if (!protectedHeaders.has(CoseHeader.alg)) {
    throw new CoseError('ERR_COSE_ALG_PLACEMENT', 'alg is missing from the protected header');
  }
  if (unprotectedHeaders.has(CoseHeader.crit)) throw structure('crit must be in the protected header');
  if (protectedHeaders.has(CoseHeader.iv) && protectedHeaders.has(CoseHeader.partialIv)) {
    throw structure('iv and partial iv must not both be present');
  }
  const crit = protectedHeaders.get(CoseHeader.crit) as CborValue[] | undefined;
  if (crit !== undefined) {
    const known = new Set(UNDERSTOOD);
    for (const label of understood) known.add(label);
    for (const label of crit) {
      if (!known.has(label)) throw new CoseError('ERR_COSE_CRIT', `critical header ${String(label)} is not understood`);
      if (!protectedHeaders.has(label)) throw new CoseError('ERR_COSE_CRIT', `critical header ${String(label)} is not present`);
    }
  }
}

/** Look a header up in the protected bucket, then the unprotected one. */
export function getHeader(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap, label: CborValue): CborValue | undefined {
  return protectedHeaders.has(label) ? protectedHeaders.get(label) : unprotectedHeaders.get(label);
}

/**
 * The x5chain (RFC 9360): DER certificates, leaf first; empty when absent. Label 33 holds
 * one certificate as a byte string, or two or more as an array.
 */
export function getX5Chain(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap): Uint8Array[] {
  const v = getHeader(protectedHeaders, unprotectedHeaders, CoseHeader.x5chain);
  if (v === undefined) return [];
  if (v instanceof Uint8Array) return [v];
  if (Array.isArray(v) && v.every((c) => c instanceof Uint8Array)) return [...(v as Uint8Array[])];
  throw structure('x5chain is not a certificate or an array of certificates');
}

/** The x5chain header value for `certificates`: one byte string, or an array of two or more. */
export function x5chainValue(certificates: readonly Uint8Array[]): CborValue {
  if (certificates.length === 0) throw new RangeError('x5chain needs at least one certificate');
  return certificates.length === 1 ? certificates[0]! : [...certificates];
}
