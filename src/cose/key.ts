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

import { type CborValue, decode } from '../cbor/index.js';
import {
  checkEcPublicKey,
  checkOkpPublicKey,
  ecPublicKeyFromRaw,
  isEcCurve,
  isOkpCurve,
} from '../crypto/keys.js';
import { ecPrivateKeyFromScalar, okpPrivateKeyFromSeed } from '../crypto/private-keys.js';
import type { Curve, EcCurve, OkpCurve, PrivateKey, PublicKey } from '../crypto/types.js';
import { CborError, CoseError, CryptoError } from '../errors.js';
import { concat, constantTimeEqual, fromBase64, toBase64Url } from '../internal/bytes.js';

/** COSE_Key parameter labels. */
export const CoseKeyLabel = { kty: 1, kid: 2, alg: 3, keyOps: 4, baseIv: 5, crv: -1, x: -2, y: -3, d: -4 } as const;

/** COSE key types. */
export const CoseKty = { OKP: 1, EC2: 2, Symmetric: 4 } as const;

/** COSE elliptic curves (RFC 9053 §7.1). */
export const CoseCurve = { 'P-256': 1, 'P-384': 2, 'P-521': 3, X25519: 4, Ed25519: 6 } as const;

const CURVE_BY_ID: ReadonlyMap<number, Curve> = new Map(Object.entries(CoseCurve).map(([name, id]) => [id, name as Curve]));

/** A key read from a COSE_Key, with the optional parameters that came with it. */
export interface CoseKeyInfo<K extends PublicKey | PrivateKey = PublicKey | PrivateKey> {
  readonly key: K;
  readonly kid?: Uint8Array;
  readonly alg?: number | string;
}

function keyError(message: string, cause?: unknown): CoseError {
  return new CoseError('ERR_COSE_KEY', message, cause === undefined ? {} : { cause });
}

/** `0x04 || x || y` (SEC 1 uncompressed; the lengths are checked by ecPublicKeyFromRaw). */
function uncompressed(x: Uint8Array, y: Uint8Array): Uint8Array {
  const raw = new Uint8Array(1 + x.length + y.length);
  raw[0] = 4;
  raw.set(x, 1);
  raw.set(y, 1 + x.length);
  return raw;
}

function translate<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof CryptoError || e instanceof CborError) throw keyError(e.message, e);
    throw e;
  }
}

function bytesParam(map: ReadonlyMap<CborValue, CborValue>, label: number, name: string): Uint8Array | undefined {
  const v = map.get(label);
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) throw keyError(`COSE_Key ${name} is not a byte string`);
  return v;
}

/**
 * Read a COSE_Key (a decoded map, or its encoded bytes) into a validated key.
 * A key with `d` is a private key, and `d` must match `x`/`y`.
 *
 * @throws CoseError `ERR_COSE_KEY` for an unknown kty or curve, a missing or mistyped
 *   parameter, a point not on the curve, or a private scalar that does not match.
 */
export function decodeCoseKey(input: Uint8Array | CborValue): CoseKeyInfo {
  const map = translate(() => (input instanceof Uint8Array ? decode(input) : input));
  if (!(map instanceof Map)) throw keyError('COSE_Key is not a map');
  const kty = map.get(CoseKeyLabel.kty);
  const crvId = map.get(CoseKeyLabel.crv);
  const crv = typeof crvId === 'number' ? CURVE_BY_ID.get(crvId) : undefined;
  if (crv === undefined) throw keyError(`unsupported COSE_Key curve ${String(crvId)}`);
  const x = bytesParam(map, CoseKeyLabel.x, 'x');
  const d = bytesParam(map, CoseKeyLabel.d, 'd');
  if (x === undefined) throw keyError('COSE_Key has no x');
  let key: PublicKey | PrivateKey;
  if (kty === CoseKty.EC2 && isEcCurve(crv)) {
    const y = map.get(CoseKeyLabel.y);
    let pub: PublicKey;
    if (y instanceof Uint8Array) pub = translate(() => ecPublicKeyFromRaw(crv, uncompressed(x, y)));
    else if (typeof y === 'boolean') pub = translate(() => ecPublicKeyFromRaw(crv, concat(Uint8Array.of(y ? 3 : 2), x)));
    else throw keyError('EC2 COSE_Key has no y');
    key = pub;
    if (d !== undefined) {
      const priv = translate(() => ecPrivateKeyFromScalar(crv, d));
      if (!constantTimeEqual(priv.x, pub.x) || !constantTimeEqual(priv.y, pub.y)) throw keyError('COSE_Key d does not match x, y');
      key = priv;
    }
  } else if (kty === CoseKty.OKP && isOkpCurve(crv)) {
    if (map.has(CoseKeyLabel.y)) throw keyError('OKP COSE_Key must not have y');
    key = translate(() => {
      const pub = { kty: 'OKP', crv, x } as const;
      checkOkpPublicKey(pub, crv);
      return pub;
    });
    if (d !== undefined) {
      const priv = translate(() => okpPrivateKeyFromSeed(crv, d));
      if (!constantTimeEqual(priv.x, x)) throw keyError('COSE_Key d does not match x');
      key = priv;
    }
  } else {
    throw keyError(`COSE_Key kty ${String(kty)} does not fit curve ${crv}`);
  }
  const kid = bytesParam(map, CoseKeyLabel.kid, 'kid');
  const alg = map.get(CoseKeyLabel.alg);
  if (alg !== undefined && typeof alg !== 'number' && typeof alg !== 'string') throw keyError('COSE_Key alg is not an int or text');
  return { key, ...(kid === undefined ? {} : { kid }), ...(alg === undefined ? {} : { alg }) };
}

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
