/**
 * The two COSE_Sign1 of an mdoc (IssuerAuth, deviceSignature) verified as RFC 9052 §4.4 says,
 * and, only when that fails, over the Sig_structure one deployed signer built: the empty
 * external_aad written as CBOR null (`f6`) instead of an empty byte string (`40`), the
 * SIG_STRUCTURE_AAD_NULL deviation. Only a signature by the same key over the same payload and
 * protected header passes that way: the structure differs from the conformant one in that one
 * byte, and no conformant COSE structure starts like it. And the FULLY_SPECIFIED_ALG deviation
 * of their protected `alg`.
 */

import { encode } from '../cbor/index.js';
import { CoseHeader, isFullySpecifiedSignAlg, signAlgInfo } from '../cose/algorithms.js';
import { type CoseSign1, type VerifyCoseSign1Options, verifyCoseSign1 } from '../cose/sign1.js';
import { resolveBackend } from '../crypto/default.js';
import { CoseError } from '../errors.js';
import { type Deviation, MdocDeviation } from './deviations.js';

const NONE: readonly Deviation[] = Object.freeze([]);

/**
 * Verify `sign1` (found at `path`); the deviations met (none, or SIG_STRUCTURE_AAD_NULL).
 * @throws CoseError as `verifyCoseSign1`, the conformant attempt's error when neither verifies.
 */
export function verifyMdocSign1(sign1: CoseSign1, options: VerifyCoseSign1Options, path: string): Promise<readonly Deviation[]> {
  // One promise on the way that passes: this is every verification's path.
  return verifyCoseSign1(sign1, options).then(
    () => NONE,
    (e: unknown) => overNullAad(sign1, options, path, e),
  );
}

async function overNullAad(sign1: CoseSign1, options: VerifyCoseSign1Options, path: string, e: unknown): Promise<readonly Deviation[]> {
  const payload = sign1.payload ?? options.detachedPayload;
  if (!(e instanceof CoseError) || e.code !== 'ERR_COSE_SIGNATURE' || options.externalAad !== undefined || payload === undefined) throw e;
  // Everything but the signature was checked: the alg, its fit with the key, the length.
  const info = signAlgInfo(sign1.protectedHeaders.get(CoseHeader.alg));
  const tbs = encode(['Signature1', sign1.protectedBytes, null, payload]);
  const backend = resolveBackend(options);
  const key = options.key;
  const ok = key.kty === 'EC' ? await backend.ecdsaVerify(key, info.hash!, tbs, sign1.signature) : key.kty === 'OKP' && (await backend.ed25519Verify(key, tbs, sign1.signature));
  if (!ok) throw e;
  return [{ id: MdocDeviation.SIG_STRUCTURE_AAD_NULL, path, detail: `signed over ["Signature1", protected, null, payload]: the empty external_aad written as null, not h''` }];
}

/** The `FULLY_SPECIFIED_ALG` deviation of a COSE_Sign1 at `path`, if its protected `alg` is one. */
export function fullySpecifiedAlgDeviation(protectedHeaders: ReadonlyMap<unknown, unknown>, path: string): Deviation | undefined {
  const alg = protectedHeaders.get(CoseHeader.alg);
  if (!isFullySpecifiedSignAlg(alg)) return undefined;
  return { id: MdocDeviation.FULLY_SPECIFIED_ALG, path, detail: `protected alg ${alg}, fully specified (RFC 9864)` };
}
