/**
 * Signers for COSE_Sign1: a private key held in memory, or an external signer (an HSM,
 * a cloud KMS, a phone's secure element, a smart card) that signs the ToBeSigned bytes
 * itself. ECDSA signatures in COSE are the fixed-length r || s form (RFC 9053 §2.1).
 */

import { resolveBackend } from '../crypto/default.js';
import type { ecdsaDerToRaw } from '../crypto/ecdsa-der.js';
import { curveFieldSize } from '../crypto/keys.js';
import type { BackendOptions, EcCurve, PrivateKey } from '../crypto/types.js';
import { CoseError } from '../errors.js';
import { type CoseSignAlg, isFullySpecifiedSignAlg, signAlgForCurve, signAlgInfo } from './algorithms.js';

/** Signs COSE ToBeSigned bytes with a key shomei never sees. */
export interface ExternalSigner {
  /** The COSE algorithm the signer uses (ES256, ES384, ES512 or EdDSA). */
  readonly alg: CoseSignAlg;
  /**
   * Sign `toBeSigned` (hash it as the algorithm says, then sign). Return ECDSA signatures
   * as raw r || s; {@link ecdsaDerToRaw} converts the DER form many KMS APIs return.
   */
  sign(toBeSigned: Uint8Array): Promise<Uint8Array>;
}

/** A private key or an external signer. */
export type Signer = PrivateKey | ExternalSigner;

function isExternal(signer: Signer): signer is ExternalSigner {
  return typeof (signer as ExternalSigner).sign === 'function';
}

/** The COSE algorithm a signer uses. */
export function signerAlg(signer: Signer): CoseSignAlg {
  if (isExternal(signer)) {
    signAlgInfo(signer.alg);
    // Verified, never written: ISO 18013-5 lists the polymorphic ES256, ES384, ES512 and EdDSA.
    if (isFullySpecifiedSignAlg(signer.alg)) throw new CoseError('ERR_COSE_ALG_UNSUPPORTED', `shomei does not sign with alg ${signer.alg}`);
    return signer.alg;
  }
  if (signer?.kty !== 'EC' && signer?.kty !== 'OKP') throw new TypeError('signer must be a private key or an ExternalSigner');
  if (signer.crv === 'X25519') throw new CoseError('ERR_COSE_ALG_MISMATCH', 'an X25519 key cannot sign');
  return signAlgForCurve(signer.crv);
}

/** Sign `toBeSigned` with `signer`; checks the length of what an external signer returns. */
export async function signWith(signer: Signer, toBeSigned: Uint8Array, options: BackendOptions = {}): Promise<Uint8Array> {
  const alg = signerAlg(signer);
  const info = signAlgInfo(alg);
  let signature: Uint8Array;
  if (isExternal(signer)) {
    signature = await signer.sign(toBeSigned);
    if (!(signature instanceof Uint8Array)) throw new TypeError('ExternalSigner.sign must return a Uint8Array');
  } else {
    const backend = resolveBackend(options);
    signature =
      signer.kty === 'EC'
        ? await backend.ecdsaSign(signer, info.hash!, toBeSigned)
        : await backend.ed25519Sign(signer as Extract<PrivateKey, { kty: 'OKP' }>, toBeSigned);
  }
  const expected = info.curve === 'Ed25519' ? 64 : 2 * curveFieldSize(info.curve as EcCurve);
  if (signature.length !== expected) {
    throw new RangeError(`${info.name} signature must be ${expected} bytes, the signer returned ${signature.length}`);
  }
  return signature;
}

