/**
 * COSE_Key (RFC 9052 §7, RFC 9053 §7) and JWK (RFC 7517, RFC 7518 §6.2, RFC 8037)
 * conversion for EC2 (P-256, P-384, P-521) and OKP (Ed25519, X25519) keys.
 *
 * ```cddl
 * COSE_Key = {
 *     1 => tstr / int,          ; kty
 *     ? 2 => bstr,              ; kid
 *     ? 3 => tstr / int,        ; alg
 *     ? 4 => [+ (tstr / int)],  ; key_ops
 *     ? 5 => bstr,              ; Base IV
 *     * label => values
 * }
 * ; EC2: -1 crv, -2 x, -3 y (bstr, or bool for point compression), -4 d
 * ; OKP: -1 crv, -2 x, -4 d
 * ```
 */

import type { CborValue } from '../cbor/index.js';
import { isEcCurve, isOkpCurve } from '../crypto/keys.js';
import { ecPrivateKeyFromScalar, okpPrivateKeyFromSeed } from '../crypto/key-from-secret.js';
import type { EcCurve, OkpCurve, PrivateKey, PublicKey } from '../crypto/types.js';
import { constantTimeEqual, fromBase64, toBase64Url } from '../internal/bytes.js';
import { CoseCurve, type CoseKeyInfo, CoseKeyLabel, CoseKty, keyError, readCosePublicPart, translate } from './public-key.js';

export { CoseCurve, type CoseKeyInfo, CoseKeyLabel, CoseKty, decodeCosePublicKey } from './public-key.js';
export { type CoseKeyParams, encodeCoseKey } from './key-encode.js';

/**
 * Read a COSE_Key (a decoded map, or its encoded bytes) into a validated key.
 * A key with `d` is a private key, and `d` must match `x`/`y`.
 *
 * @throws CoseError `ERR_COSE_KEY` for an unknown kty or curve, a missing or mistyped
 *   parameter, a point not on the curve, or a private scalar that does not match.
 */
export function decodeCoseKey(input: Uint8Array | CborValue): CoseKeyInfo {
  const { key: pub, d, kid, alg } = readCosePublicPart(input);
  let key: PublicKey | PrivateKey = pub;
  if (d !== undefined && pub.kty === 'EC') {
    const priv = translate(() => ecPrivateKeyFromScalar(pub.crv, d));
    if (!constantTimeEqual(priv.x, pub.x) || !constantTimeEqual(priv.y, pub.y)) throw keyError('COSE_Key d does not match x, y');
    key = priv;
  } else if (d !== undefined && pub.kty === 'OKP') {
    const priv = translate(() => okpPrivateKeyFromSeed(pub.crv, d));
    if (!constantTimeEqual(priv.x, pub.x)) throw keyError('COSE_Key d does not match x');
    key = priv;
  }
  return { key, ...(kid === undefined ? {} : { kid }), ...(alg === undefined ? {} : { alg }) };
}

/** A JSON Web Key for an EC or OKP key (RFC 7518 §6.2, RFC 8037 §2). */
export interface Jwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: EcCurve | OkpCurve;
  readonly x: string;
  readonly y?: string;
  readonly d?: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly [extra: string]: unknown;
}

/** A key as a JWK (base64url coordinates). */
export function keyToJwk(key: PublicKey | PrivateKey): Jwk {
  const base = { kty: key.kty, crv: key.crv, x: toBase64Url(key.x) };
  const y = key.kty === 'EC' ? { y: toBase64Url(key.y) } : {};
  const d = 'd' in key && key.d !== undefined ? { d: toBase64Url(key.d) } : {};
  return { ...base, ...y, ...d } as Jwk;
}

/**
 * A validated key from a JWK (EC P-256/384/521, OKP Ed25519/X25519).
 * @throws CoseError `ERR_COSE_KEY` for anything that is not such a key.
 */
export function keyFromJwk(jwk: Jwk | Record<string, unknown>): PublicKey | PrivateKey {
  const field = (name: string): Uint8Array | undefined => {
    const v = jwk[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw keyError(`JWK ${name} is not a string`);
    try {
      return fromBase64(v);
    } catch (e) {
      throw keyError(`JWK ${name} is not base64url`, e);
    }
  };
  const crv = jwk.crv;
  const x = field('x');
  const d = field('d');
  if (x === undefined) throw keyError('JWK has no x');
  if (jwk.kty === 'EC' && isEcCurve(crv)) {
    const y = field('y');
    if (y === undefined) throw keyError('EC JWK has no y');
    const m = new Map<CborValue, CborValue>([
      [CoseKeyLabel.kty, CoseKty.EC2],
      [CoseKeyLabel.crv, CoseCurve[crv]],
      [CoseKeyLabel.x, x],
      [CoseKeyLabel.y, y],
    ]);
    if (d !== undefined) m.set(CoseKeyLabel.d, d);
    return decodeCoseKey(m).key;
  }
  if (jwk.kty === 'OKP' && isOkpCurve(crv)) {
    const m = new Map<CborValue, CborValue>([
      [CoseKeyLabel.kty, CoseKty.OKP],
      [CoseKeyLabel.crv, CoseCurve[crv]],
      [CoseKeyLabel.x, x],
    ]);
    if (d !== undefined) m.set(CoseKeyLabel.d, d);
    return decodeCoseKey(m).key;
  }
  throw keyError(`unsupported JWK kty ${String(jwk.kty)} / crv ${String(crv)}`);
}
