/**
 * The public half of a private key, computed by `node:crypto` (internal): the same three
 * derivations as `derive-noble.ts` (Q = d·G on a NIST curve, FIPS 186-5 §6.2; the Ed25519
 * public key of a secret, RFC 8032 §5.1.5; the X25519 public key of a scalar, RFC 7748 §6.1),
 * done by OpenSSL, so that decoding a private COSE_Key or JWK on Node does not load
 * @noble/curves (about 60 ms of a cold start for the NIST curves alone).
 *
 * The `node` variant of the package's `#key-derive` import (scripts/platform-imports.mjs):
 * Node only; Deno and Bun resolve their own conditions first and get `derive-noble.ts`.
 * `node:crypto` is asked for through `process.getBuiltinModule` (Node ≥ 20.16), as
 * `node.ts` does. test/crypto/derive.test.ts holds both variants to the same answers.
 */
import { CryptoError } from '../errors.js';
import { concat, fromHex } from '../internal/bytes.js';
import type { EcCurve, OkpCurve } from './types.js';

/** The part of `node:crypto` used here (internal). */
interface DeriveCrypto {
  createECDH(curve: string): { setPrivateKey(key: Uint8Array): unknown; getPublicKey(): Uint8Array };
  createPrivateKey(input: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): object;
  createPublicKey(key: object): { export(options: { format: 'der'; type: 'spki' }): Uint8Array };
}

let nodeCrypto: DeriveCrypto | undefined;

function builtin(): DeriveCrypto {
  if (nodeCrypto === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<DeriveCrypto> | undefined;
    if (typeof mod?.createECDH !== 'function' || typeof mod.createPrivateKey !== 'function' || typeof mod.createPublicKey !== 'function') {
      throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'this runtime resolved shomei as Node but has no node:crypto (process.getBuiltinModule)');
    }
    nodeCrypto = mod as DeriveCrypto;
  }
  return nodeCrypto;
}

/** OpenSSL's names of the NIST curves. */
const CURVE_NAMES: Readonly<Record<EcCurve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** The DER PrivateKeyInfo up to the 32 key bytes (RFC 8410 §7). */
const PKCS8_PREFIX: Readonly<Record<OkpCurve, string>> = {
  Ed25519: '302e020100300506032b657004220420',
  X25519: '302e020100300506032b656e04220420',
};

/** The uncompressed `0x04 || x || y` of d·G on `crv` (d in [1, n-1], checked by the caller). */
export function ecPublicFromScalar(crv: EcCurve, d: Uint8Array): Uint8Array {
  const ecdh = builtin().createECDH(CURVE_NAMES[crv]);
  ecdh.setPrivateKey(d);
  // A plain Uint8Array copy of what node:crypto returns (its own subclass, possibly a pooled view).
  return new Uint8Array(ecdh.getPublicKey());
}

/** The 32-byte public key of the 32-byte Ed25519 secret or X25519 scalar `d`. */
export function okpPublicFromSecret(crv: OkpCurve, d: Uint8Array): Uint8Array {
  const c = builtin();
  const spki = c.createPublicKey(c.createPrivateKey({ key: concat(fromHex(PKCS8_PREFIX[crv]), d), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  // The SubjectPublicKeyInfo ends with the 32 key bytes (RFC 8410 §4).
  return new Uint8Array(spki.subarray(spki.length - 32));
}
