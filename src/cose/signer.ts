/**
 * Signers for COSE_Sign1: a private key held in memory, or an external signer (an HSM,
 * a cloud KMS, a phone's secure element, a smart card) that signs the ToBeSigned bytes
 * itself. ECDSA signatures in COSE are the fixed-length r || s form (RFC 9053 §2.1).
 */

import { resolveBackend } from '../crypto/index.js';
import { curveFieldSize } from '../crypto/keys.js';
import type { BackendOptions, EcCurve, PrivateKey } from '../crypto/types.js';
import { CoseError } from '../errors.js';
import { type CoseSignAlg, signAlgForCurve, signAlgInfo } from './algorithms.js';

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

/**
 * Convert a DER `ECDSA-Sig-Value` (SEQUENCE { r INTEGER, s INTEGER }, RFC 3279 §2.2.3)
 * to the raw r || s form of `crv`. Throws `RangeError` on malformed DER.
 */
export function ecdsaDerToRaw(der: Uint8Array, crv: EcCurve): Uint8Array {
  const size = curveFieldSize(crv);
  let p = 0;
  const fail = (): never => {
    throw new RangeError('not a DER ECDSA signature');
  };
  const length = (): number => {
    let n = der[p++] ?? fail();
    if (n < 0x80) return n;
    const count = n & 0x7f;
    if (count === 0 || count > 2) fail();
    n = 0;
    for (let i = 0; i < count; i++) n = (n << 8) | (der[p++] ?? fail());
    return n;
  };
  if (der[p++] !== 0x30) fail();
  if (length() !== der.length - p) fail();
  const out = new Uint8Array(2 * size);
  for (let k = 0; k < 2; k++) {
    if (der[p++] !== 0x02) fail();
    const n = length();
    let int = der.subarray(p, p + n);
    p += n;
    if (int.length !== n || n === 0) fail();
    while (int.length > 1 && int[0] === 0) int = int.subarray(1);
    if (int.length > size) fail();
    out.set(int, (k + 1) * size - int.length);
  }
  if (p !== der.length) fail();
  return out;
}
