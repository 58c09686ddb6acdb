/**
 * The private-key helpers with noble's curve objects (internal): the noble backend does its
 * curve arithmetic on what {@link checkEcPrivateKey} returns. The derivations and the checks
 * themselves are in `key-from-secret.ts`.
 */
import { CryptoError } from '../errors.js';
import { NIST } from './derive-noble.js';
import { checkEcPrivateKey as checkEcKey } from './key-from-secret.js';
import { isEcCurve } from './keys.js';
import type { EcCurve, EcPrivateKey } from './types.js';

/** The noble implementation of a NIST curve. */
export type NistCurve = (typeof NIST)[EcCurve];

/** The noble curve for `crv` (internal). Throws `ERR_CRYPTO_UNSUPPORTED` for an unknown name. */
export function nistCurve(crv: EcCurve): NistCurve {
  if (!isEcCurve(crv)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(crv)}`);
  return NIST[crv];
}

/**
 * Validate an EC private key object (scalar range, public point d·G; `ERR_CRYPTO_KEY`) and
 * return its noble curve (internal).
 */
export function checkEcPrivateKey(key: EcPrivateKey): NistCurve {
  checkEcKey(key);
  return NIST[key.crv];
}
