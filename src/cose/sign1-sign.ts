/**
 * Creating a COSE_Sign1 (RFC 9052 §4.4), apart from decoding and verifying it (sign1.ts), so
 * that a verification does not load the signing code.
 */

import type { CborValue } from '../cbor/index.js';
import { CoseError } from '../errors.js';
import { CoseHeader } from './algorithms.js';
import { checkHeaders, encodeProtectedHeaders, type HeaderMap } from './headers.js';
import { buildSigStructure, type CoseSign1 } from './sign1.js';
import { type Signer, signerAlg, signWith } from './signer.js';
import type { BackendOptions } from '../crypto/types.js';

/** What to sign. */
export interface SignCoseSign1Options extends BackendOptions {
  /** The payload. */
  readonly payload: Uint8Array;
  /** Leave the payload out of the structure (it travels separately). Default false. */
  readonly detached?: boolean;
  /** Protected headers besides alg (alg is set from the signer). */
  readonly protectedHeaders?: HeaderMap;
  /** Unprotected headers (kid, x5chain …). */
  readonly unprotectedHeaders?: HeaderMap;
  /** External additional authenticated data. Default empty. */
  readonly externalAad?: Uint8Array;
  /** The key or external signer. */
  readonly signer: Signer;
  /** Header labels the verifier will process, so they may be marked critical. */
  readonly understood?: readonly CborValue[];
}

/**
 * Create a COSE_Sign1. The algorithm comes from the signer and is written into the
 * protected header.
 * @throws CoseError `ERR_COSE_ALG_MISMATCH` when the protected headers name another alg.
 */
export async function signCoseSign1(options: SignCoseSign1Options): Promise<CoseSign1> {
  const alg = signerAlg(options.signer);
  const protectedHeaders = new Map<CborValue, CborValue>(options.protectedHeaders ?? []);
  const named = protectedHeaders.get(CoseHeader.alg);
  if (named !== undefined && named !== alg) throw new CoseError('ERR_COSE_ALG_MISMATCH', `protected alg ${String(named)} is not the signer's ${alg}`);
  protectedHeaders.set(CoseHeader.alg, alg);
  const unprotectedHeaders = new Map<CborValue, CborValue>(options.unprotectedHeaders ?? []);
  checkHeaders(protectedHeaders, unprotectedHeaders, options.understood);
  const protectedBytes = encodeProtectedHeaders(protectedHeaders);
  const tbs = buildSigStructure(protectedBytes, options.externalAad ?? new Uint8Array(0), options.payload);
  const signature = await signWith(options.signer, tbs, options);
  return {
    protectedBytes,
    protectedHeaders,
    unprotectedHeaders,
    payload: options.detached ? null : options.payload,
    signature,
  };
}
