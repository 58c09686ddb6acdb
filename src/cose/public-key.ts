/**
 * The public part of a COSE_Key (RFC 9052 §7, RFC 9053 §7.1-7.2): the key parameters shared
 * by public and private keys, and the decoder for keys that must be public (an MSO's device
 * key). Kept apart from `key.ts`, whose private-key checks need a scalar multiplication, so
 * that a verification bundle carries no elliptic-curve arithmetic for it.
 */

import { type CborValue, decode } from '../cbor/index.js';
import { checkOkpPublicKey, ecPublicKeyFromCoordinates, ecPublicKeyFromRaw, isEcCurve, isOkpCurve } from '../crypto/keys.js';
import type { Curve, PrivateKey, PublicKey } from '../crypto/types.js';
import { CborError, CoseError, CryptoError } from '../errors.js';
import { concat } from '../internal/bytes.js';

/** COSE_Key parameter labels. */
export const CoseKeyLabel = { kty: 1, kid: 2, alg: 3, keyOps: 4, baseIv: 5, crv: -1, x: -2, y: -3, d: -4 } as const;

/** COSE key types. */
export const CoseKty = { OKP: 1, EC2: 2, Symmetric: 4 } as const;

/** COSE elliptic curves (RFC 9053 §7.1). */
export const CoseCurve = { 'P-256': 1, 'P-384': 2, 'P-521': 3, X25519: 4, Ed25519: 6 } as const;

export const CURVE_BY_ID: ReadonlyMap<number, Curve> = new Map(Object.entries(CoseCurve).map(([name, id]) => [id, name as Curve]));

/** A key read from a COSE_Key, with the optional parameters that came with it. */
export interface CoseKeyInfo<K extends PublicKey | PrivateKey = PublicKey | PrivateKey> {
  readonly key: K;
  readonly kid?: Uint8Array;
  readonly alg?: number | string;
}

export function keyError(message: string, cause?: unknown): CoseError {
  return new CoseError('ERR_COSE_KEY', message, cause === undefined ? {} : { cause });
}

/** Run `make`, turning a crypto or CBOR error into `ERR_COSE_KEY` (internal). */
export function translate<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof CryptoError || e instanceof CborError) throw keyError(e.message, e);
    throw e;
  }
}

/** An optional byte-string parameter (internal). */
export function bytesParam(map: ReadonlyMap<CborValue, CborValue>, label: number, name: string): Uint8Array | undefined {
  const v = map.get(label);
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) throw keyError(`COSE_Key ${name} is not a byte string`);
  return v;
}

/** A COSE_Key read up to its validated public key (internal: `decodeCoseKey` adds `d`). */
export interface CosePublicPart {
  readonly map: ReadonlyMap<CborValue, CborValue>;
  readonly key: PublicKey;
  /** The `d` parameter, unchecked. */
  readonly d: Uint8Array | undefined;
  readonly kid?: Uint8Array;
  readonly alg?: number | string;
}

/** Read a COSE_Key's kty, curve, public point (validated), kid and alg; `d` is returned unread (internal). */
export function readCosePublicPart(input: Uint8Array | CborValue): CosePublicPart {
  // exactNumbers: kty, crv and alg are integers; a float 2.0 is not read as EC2 (a map the
  // caller decoded itself keeps the caller's choice).
  const map = input instanceof Uint8Array ? translate(() => decode(input, { exactNumbers: true })) : input;
  if (!(map instanceof Map)) throw keyError('COSE_Key is not a map');
  const kty = map.get(CoseKeyLabel.kty);
  const crvId = map.get(CoseKeyLabel.crv);
  const crv = typeof crvId === 'number' ? CURVE_BY_ID.get(crvId) : undefined;
  if (crv === undefined) throw keyError(`unsupported COSE_Key curve ${String(crvId)}`);
  const x = bytesParam(map, CoseKeyLabel.x, 'x');
  const d = bytesParam(map, CoseKeyLabel.d, 'd');
  if (x === undefined) throw keyError('COSE_Key has no x');
  let key: PublicKey;
  if (kty === CoseKty.EC2 && isEcCurve(crv)) {
    const y = map.get(CoseKeyLabel.y);
    if (y instanceof Uint8Array) key = translate(() => ecPublicKeyFromCoordinates(crv, x, y));
    else if (typeof y === 'boolean') key = translate(() => ecPublicKeyFromRaw(crv, concat(Uint8Array.of(y ? 3 : 2), x)));
    else throw keyError('EC2 COSE_Key has no y');
  } else if (kty === CoseKty.OKP && isOkpCurve(crv)) {
    if (map.has(CoseKeyLabel.y)) throw keyError('OKP COSE_Key must not have y');
    key = translate(() => {
      const pub = { kty: 'OKP', crv, x } as const;
      checkOkpPublicKey(pub, crv);
      return pub;
    });
  } else {
    throw keyError(`COSE_Key kty ${String(kty)} does not fit curve ${crv}`);
  }
  const kid = bytesParam(map, CoseKeyLabel.kid, 'kid');
  const alg = map.get(CoseKeyLabel.alg);
  if (alg !== undefined && !Number.isSafeInteger(alg) && typeof alg !== 'string') throw keyError('COSE_Key alg is not an int or text');
  // Members set one by one: on Node 20 a literal with spreads costs a runtime call each.
  const part: { -readonly [K in keyof CosePublicPart]: CosePublicPart[K] } = { map, key, d };
  if (kid !== undefined) part.kid = kid;
  if (alg !== undefined) part.alg = alg;
  return part;
}

/**
 * Read a COSE_Key that must be a public key (an MSO's device key, a session's ephemeral
 * key) into a validated public key, without the private-key arithmetic of `decodeCoseKey`.
 *
 * @throws CoseError `ERR_COSE_KEY` for an unknown kty or curve, a missing or mistyped
 *   parameter, a point not on the curve, or a `d` parameter.
 */
export function decodeCosePublicKey(input: Uint8Array | CborValue): CoseKeyInfo<PublicKey> {
  const { key, d, kid, alg } = readCosePublicPart(input);
  if (d !== undefined) throw keyError('COSE_Key carries a private key (d) where a public key is expected');
  const info: { -readonly [K in keyof CoseKeyInfo<PublicKey>]: CoseKeyInfo<PublicKey>[K] } = { key };
  if (kid !== undefined) info.kid = kid;
  if (alg !== undefined) info.alg = alg;
  return info;
}
