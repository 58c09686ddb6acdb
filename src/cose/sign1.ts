/**
 * COSE_Sign1 (RFC 9052 §4.2, §4.4): single-signer signatures, attached or detached,
 * with external AAD, checked as ISO/IEC 18013-5 §9.1.2.4 and §9.1.3.6 require.
 *
 * ```cddl
 * COSE_Sign1_Tagged = #6.18(COSE_Sign1)
 * COSE_Sign1 = [
 *     Headers,
 *     payload : bstr / nil,
 *     signature : bstr
 * ]
 * Sig_structure = [
 *     context : "Signature1",
 *     body_protected : empty_or_serialized_map,
 *     external_aad : bstr,
 *     payload : bstr
 * ]
 * ```
 *
 * The protected header bytes are kept exactly as received and the signature is always
 * checked over them, never over a re-encoding.
 */

import { type CborValue, decode, encode, Tag } from '../cbor/index.js';
import { encodeSized } from '../cbor/encode.js';
import { resolveBackend } from '../crypto/default.js';
import { curveFieldSize } from '../crypto/keys.js';
import type { BackendOptions, EcCurve, PublicKey } from '../crypto/types.js';
import { CborError, CoseError, CryptoError } from '../errors.js';
import { CoseHeader, signAlgInfo } from './algorithms.js';
import { checkHeaders, decodeProtectedHeaders, type HeaderMap } from './headers.js';

/** The CBOR tag of COSE_Sign1_Tagged. */
export const COSE_SIGN1_TAG = 18;

/** A decoded COSE_Sign1. */
export interface CoseSign1 {
  /** The protected header bucket as received (zero length for an empty map). */
  readonly protectedBytes: Uint8Array;
  /** The protected headers, decoded from {@link protectedBytes}. */
  readonly protectedHeaders: HeaderMap;
  /** The unprotected headers. */
  readonly unprotectedHeaders: HeaderMap;
  /** The payload, or null when it is detached. */
  readonly payload: Uint8Array | null;
  /** The signature (r || s for ECDSA). */
  readonly signature: Uint8Array;
}

function structure(message: string, cause?: unknown): CoseError {
  return new CoseError('ERR_COSE_STRUCTURE', message, cause === undefined ? {} : { cause });
}

/**
 * Read the array of a COSE message (from bytes or an already-decoded value), removing the
 * expected tag if present. Any other tag is refused.
 */
export function coseArray(input: Uint8Array | CborValue, tag: number, name: string, length: number): readonly CborValue[] {
  let value: CborValue;
  try {
    value = input instanceof Uint8Array ? decode(input) : input;
  } catch (e) {
    if (e instanceof CborError) throw structure(`${name} is not valid CBOR: ${e.message}`, e);
    throw e;
  }
  if (value instanceof Tag) {
    if (value.tag !== tag) throw structure(`${name} has tag ${String(value.tag)}, expected ${tag}`);
    value = value.value;
  }
  if (!Array.isArray(value) || value.length !== length) throw structure(`${name} is not an array of ${length}`);
  return value as readonly CborValue[];
}

/** Read the two header buckets at the start of a COSE message array. */
export function coseHeaders(arr: readonly CborValue[], name: string): { protectedBytes: Uint8Array; protectedHeaders: HeaderMap; unprotectedHeaders: HeaderMap } {
  const [protectedBytes, unprotectedHeaders] = arr;
  if (!(protectedBytes instanceof Uint8Array)) throw structure(`${name} protected header is not a byte string`);
  if (!(unprotectedHeaders instanceof Map)) throw structure(`${name} unprotected header is not a map`);
  return { protectedBytes, protectedHeaders: decodeProtectedHeaders(protectedBytes), unprotectedHeaders };
}

/**
 * Decode a COSE_Sign1 (tagged 18 or untagged) from bytes or a decoded CBOR value.
 * Only the shape is checked here; {@link verifyCoseSign1} checks headers and signature.
 * @throws CoseError `ERR_COSE_STRUCTURE` when it is not a COSE_Sign1.
 */
export function decodeCoseSign1(input: Uint8Array | CborValue): CoseSign1 {
  const arr = coseArray(input, COSE_SIGN1_TAG, 'COSE_Sign1', 4);
  const headers = coseHeaders(arr, 'COSE_Sign1');
  const payload = arr[2];
  const signature = arr[3];
  if (!(payload instanceof Uint8Array) && payload !== null) throw structure('COSE_Sign1 payload is not a byte string or nil');
  if (!(signature instanceof Uint8Array)) throw structure('COSE_Sign1 signature is not a byte string');
  return { protectedBytes: headers.protectedBytes, protectedHeaders: headers.protectedHeaders, unprotectedHeaders: headers.unprotectedHeaders, payload, signature };
}

/** The COSE_Sign1 as a CBOR value (an array, or tag 18 around it), for embedding. */
export function coseSign1Value(sign1: CoseSign1, tagged = false): CborValue {
  const arr: CborValue[] = [sign1.protectedBytes, sign1.unprotectedHeaders, sign1.payload, sign1.signature];
  return tagged ? new Tag(COSE_SIGN1_TAG, arr) : arr;
}

/** Encode a COSE_Sign1 (untagged unless `tagged`). */
export function encodeCoseSign1(sign1: CoseSign1, tagged = false): Uint8Array {
  return encode(coseSign1Value(sign1, tagged));
}

/** The encoded length of a byte string of `bytes` (head and content). */
function bstrSize(bytes: Uint8Array): number {
  const n = bytes.length;
  return n + (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1_0000_0000 ? 5 : 9);
}

/** The encoded Sig_structure for a COSE_Sign1 (the bytes that are signed). */
export function buildSigStructure(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Uint8Array {
  // array(4), "Signature1" (11 bytes), then three byte strings, each with its head.
  const size = 12 + bstrSize(protectedBytes) + bstrSize(externalAad) + bstrSize(payload);
  return encodeSized(['Signature1', protectedBytes, externalAad, payload], size);
}

/** How to verify. */
export interface VerifyCoseSign1Options extends BackendOptions {
  /** The signer's public key. */
  readonly key: PublicKey;
  /** The payload, when the structure carries none. */
  readonly detachedPayload?: Uint8Array;
  /** External additional authenticated data. Default empty. */
  readonly externalAad?: Uint8Array;
  /** Header labels the caller processes, so they may be marked critical. */
  readonly understood?: readonly CborValue[];
  /**
   * Header labels accepted in both buckets (RFC 9052 §3 forbids it): the caller reads only
   * the protected value and reports the duplicate. Never `alg` or `crit`.
   */
  readonly allowInBoth?: readonly CborValue[];
}

/**
 * Verify a COSE_Sign1 over the received protected header bytes.
 *
 * @throws CoseError `ERR_COSE_ALG_PLACEMENT`, `ERR_COSE_CRIT`, `ERR_COSE_STRUCTURE` for bad
 *   headers; `ERR_COSE_ALG_UNSUPPORTED` for an unknown alg; `ERR_COSE_ALG_MISMATCH` when the
 *   alg does not fit the key's curve; `ERR_COSE_PAYLOAD` when the payload is both attached
 *   and given, or neither; `ERR_COSE_SIGNATURE` when the signature does not verify.
 */
export async function verifyCoseSign1(sign1: CoseSign1, options: VerifyCoseSign1Options): Promise<void> {
  checkHeaders(sign1.protectedHeaders, sign1.unprotectedHeaders, options.understood, options.allowInBoth);
  const info = signAlgInfo(sign1.protectedHeaders.get(CoseHeader.alg));
  const key = options.key;
  if (key?.crv !== info.curve) {
    throw new CoseError('ERR_COSE_ALG_MISMATCH', `${info.name} needs a ${info.curve} key, got ${String(key?.crv)}`);
  }
  if ((sign1.payload === null) === (options.detachedPayload === undefined)) {
    throw new CoseError(
      'ERR_COSE_PAYLOAD',
      sign1.payload === null ? 'payload is detached and none was given' : 'payload is attached and another was given',
    );
  }
  const payload = sign1.payload ?? options.detachedPayload!;
  const expected = info.curve === 'Ed25519' ? 64 : 2 * curveFieldSize(info.curve as EcCurve);
  if (sign1.signature.length !== expected) {
    throw new CoseError('ERR_COSE_SIGNATURE', `${info.name} signature must be ${expected} bytes, got ${sign1.signature.length}`);
  }
  const tbs = buildSigStructure(sign1.protectedBytes, options.externalAad ?? new Uint8Array(0), payload);
  const backend = resolveBackend(options);
  let ok: boolean;
  try {
    ok =
      key.kty === 'EC'
        ? await backend.ecdsaVerify(key, info.hash!, tbs, sign1.signature)
        : await backend.ed25519Verify(key, tbs, sign1.signature);
  } catch (e) {
    if (e instanceof CryptoError) throw new CoseError('ERR_COSE_KEY', `verification key: ${e.message}`, { cause: e });
    throw e;
  }
  if (!ok) throw new CoseError('ERR_COSE_SIGNATURE', `${info.name} signature does not verify`);
}
