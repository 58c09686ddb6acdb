/**
 * COSE_Mac0 (RFC 9052 §6.2, §6.3) with HMAC (RFC 9053 §3.1), as ISO/IEC 18013-5
 * §9.1.3.5 uses it for the deviceMac (HMAC 256/256, alg 5, detached payload).
 *
 * ```cddl
 * COSE_Mac0_Tagged = #6.17(COSE_Mac0)
 * COSE_Mac0 = [
 *    Headers,
 *    payload : bstr / nil,
 *    tag : bstr,
 * ]
 * MAC_structure = [
 *     context : "MAC0",
 *     protected : empty_or_serialized_map,
 *     external_aad : bstr,
 *     payload : bstr
 * ]
 * ```
 */

import { type CborValue, encode, Tag } from '../cbor/index.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions } from '../crypto/types.js';
import { CoseError } from '../errors.js';
import { assertBytes, constantTimeEqual } from '../internal/bytes.js';
import { CoseAlg, CoseHeader, type CoseMacAlg, macAlgInfo } from './algorithms.js';
import { checkHeaders, encodeProtectedHeaders, type HeaderMap } from './headers.js';
import { coseArray, coseHeaders } from './sign1.js';

/** The CBOR tag of COSE_Mac0_Tagged. */
export const COSE_MAC0_TAG = 17;

/** A decoded COSE_Mac0. */
export interface CoseMac0 {
  /** The protected header bucket as received. */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeaders: HeaderMap;
  readonly unprotectedHeaders: HeaderMap;
  /** The payload, or null when detached. */
  readonly payload: Uint8Array | null;
  /** The MAC tag. */
  readonly tag: Uint8Array;
}

/**
 * Decode a COSE_Mac0 (tagged 17 or untagged) from bytes or a decoded CBOR value.
 * @throws CoseError `ERR_COSE_STRUCTURE` when it is not a COSE_Mac0.
 */
export function decodeCoseMac0(input: Uint8Array | CborValue): CoseMac0 {
  const arr = coseArray(input, COSE_MAC0_TAG, 'COSE_Mac0', 4);
  const headers = coseHeaders(arr, 'COSE_Mac0');
  const payload = arr[2];
  const tag = arr[3];
  if (!(payload instanceof Uint8Array) && payload !== null) {
    throw new CoseError('ERR_COSE_STRUCTURE', 'COSE_Mac0 payload is not a byte string or nil');
  }
  if (!(tag instanceof Uint8Array)) throw new CoseError('ERR_COSE_STRUCTURE', 'COSE_Mac0 tag is not a byte string');
  // Written out, as decodeCoseSign1 does: a literal that starts with a spread is slow on Node 20.
  return { protectedBytes: headers.protectedBytes, protectedHeaders: headers.protectedHeaders, unprotectedHeaders: headers.unprotectedHeaders, payload, tag };
}

/** The COSE_Mac0 as a CBOR value (an array, or tag 17 around it). */
export function coseMac0Value(mac0: CoseMac0, tagged = false): CborValue {
  const arr: CborValue[] = [mac0.protectedBytes, mac0.unprotectedHeaders, mac0.payload, mac0.tag];
  return tagged ? new Tag(COSE_MAC0_TAG, arr) : arr;
}

/** Encode a COSE_Mac0 (untagged unless `tagged`). */
export function encodeCoseMac0(mac0: CoseMac0, tagged = false): Uint8Array {
  return encode(coseMac0Value(mac0, tagged));
}

/** The encoded MAC_structure for a COSE_Mac0 (the bytes that are MACed). */
export function buildMacStructure(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Uint8Array {
  return encode(['MAC0', protectedBytes, externalAad, payload]);
}

/** What to MAC. */
export interface CreateCoseMac0Options extends BackendOptions {
  readonly payload: Uint8Array;
  readonly key: Uint8Array;
  /** Default HMAC 256/256 (alg 5). */
  readonly alg?: CoseMacAlg;
  readonly detached?: boolean;
  readonly protectedHeaders?: HeaderMap;
  readonly unprotectedHeaders?: HeaderMap;
  readonly externalAad?: Uint8Array;
}

/** Create a COSE_Mac0 with HMAC. */
export async function createCoseMac0(options: CreateCoseMac0Options): Promise<CoseMac0> {
  assertBytes(options.key, 'key');
  const alg = options.alg ?? CoseAlg.HMAC_256_256;
  const info = macAlgInfo(alg);
  const protectedHeaders = new Map<CborValue, CborValue>(options.protectedHeaders ?? []);
  const named = protectedHeaders.get(CoseHeader.alg);
  if (named !== undefined && named !== alg) throw new CoseError('ERR_COSE_ALG_MISMATCH', `protected alg ${String(named)} is not ${alg}`);
  protectedHeaders.set(CoseHeader.alg, alg);
  const unprotectedHeaders = new Map<CborValue, CborValue>(options.unprotectedHeaders ?? []);
  checkHeaders(protectedHeaders, unprotectedHeaders);
  const protectedBytes = encodeProtectedHeaders(protectedHeaders);
  const toMac = buildMacStructure(protectedBytes, options.externalAad ?? new Uint8Array(0), options.payload);
  const tag = (await resolveBackend(options).hmac(info.hash, options.key, toMac)).subarray(0, info.tagLength);
  return { protectedBytes, protectedHeaders, unprotectedHeaders, payload: options.detached ? null : options.payload, tag };
}

/** How to verify a COSE_Mac0. */
export interface VerifyCoseMac0Options extends BackendOptions {
  readonly key: Uint8Array;
  readonly detachedPayload?: Uint8Array;
  readonly externalAad?: Uint8Array;
  readonly understood?: readonly CborValue[];
}

/**
 * Verify a COSE_Mac0 over the received protected header bytes (constant-time comparison).
 * @throws CoseError `ERR_COSE_MAC` when the tag does not match; header, algorithm and
 *   payload errors as for {@link verifyCoseSign1}.
 */
export async function verifyCoseMac0(mac0: CoseMac0, options: VerifyCoseMac0Options): Promise<void> {
  assertBytes(options.key, 'key');
  checkHeaders(mac0.protectedHeaders, mac0.unprotectedHeaders, options.understood);
  const info = macAlgInfo(mac0.protectedHeaders.get(CoseHeader.alg));
  if ((mac0.payload === null) === (options.detachedPayload === undefined)) {
    throw new CoseError(
      'ERR_COSE_PAYLOAD',
      mac0.payload === null ? 'payload is detached and none was given' : 'payload is attached and another was given',
    );
  }
  const toMac = buildMacStructure(mac0.protectedBytes, options.externalAad ?? new Uint8Array(0), mac0.payload ?? options.detachedPayload!);
  const expected = (await resolveBackend(options).hmac(info.hash, options.key, toMac)).subarray(0, info.tagLength);
  if (!constantTimeEqual(expected, mac0.tag)) throw new CoseError('ERR_COSE_MAC', `${info.name} tag does not match`);
}
