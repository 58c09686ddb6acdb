/**
 * Writing a COSE_Key (RFC 9052 §7, RFC 9053 §7.1 EC2 and §7.2 OKP) from a key object: no
 * private-key arithmetic, so issuing (which writes the device key into the MSO) does not
 * load a curve implementation. Reading one, with the check that `d` matches, is `key.ts`.
 */

import type { CborValue } from '../cbor/index.js';
import { checkEcPublicKey, isOkpCurve } from '../crypto/keys.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { CoseCurve, CoseKeyLabel, CoseKty, translate } from './public-key.js';

/** Optional parameters written into a COSE_Key. */
export interface CoseKeyParams {
  readonly kid?: Uint8Array;
  readonly alg?: number;
}

/**
 * A key as a COSE_Key map (encode it with `encode`). Private keys keep `d`; pass
 * `publicKeyOf(key)` to write only the public part.
 */
export function encodeCoseKey(key: PublicKey | PrivateKey, params: CoseKeyParams = {}): Map<number, CborValue> {
  const m = new Map<number, CborValue>();
  if (key.kty === 'EC') {
    translate(() => checkEcPublicKey(key));
    m.set(CoseKeyLabel.kty, CoseKty.EC2);
  } else if (key.kty === 'OKP' && isOkpCurve(key.crv)) {
    m.set(CoseKeyLabel.kty, CoseKty.OKP);
  } else {
    throw new TypeError('key must be an EC or OKP key');
  }
  if (params.kid !== undefined) m.set(CoseKeyLabel.kid, params.kid);
  if (params.alg !== undefined) m.set(CoseKeyLabel.alg, params.alg);
  m.set(CoseKeyLabel.crv, CoseCurve[key.crv]);
  m.set(CoseKeyLabel.x, key.x);
  if (key.kty === 'EC') m.set(CoseKeyLabel.y, key.y);
  if ('d' in key && key.d !== undefined) m.set(CoseKeyLabel.d, key.d);
  return m;
}
