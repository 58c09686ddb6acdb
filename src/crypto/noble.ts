/**
 * The pure-TypeScript CryptoBackend over @noble/hashes, @noble/curves and @noble/ciphers:
 * SHA-1/SHA-2 (FIPS 180-4), HMAC (RFC 2104), HKDF (RFC 5869), ECDSA (FIPS 186-5, with
 * RFC 6979 deterministic nonces), Ed25519 (RFC 8032), ECDH (SEC 1 v2 §3.3.1), X25519
 * (RFC 7748), AES-GCM (NIST SP 800-38D) and RSASSA-PKCS1-v1_5 verification (RFC 8017, ./rsa.ts).
 *
 * It runs anywhere, React Native's Hermes included: the only platform API it touches is
 * `crypto.getRandomValues`, through noble's `randomBytes` (on Hermes, install the usual
 * `react-native-get-random-values` polyfill).
 *
 * Behaviour both backends share (the test suites hold both to it):
 * - `ecdsaVerify` / `ed25519Verify` / `rsaPkcs1Verify` return false for a wrong or malformed
 *   signature (wrong length, r or s out of range, s ≥ n), and throw `ERR_CRYPTO_KEY` for a
 *   public key that is not valid (point not on the curve, RSA key outside the policy).
 * - A private key whose public part does not match `d` throws `ERR_CRYPTO_KEY`.
 * - `ecdh` throws `ERR_CRYPTO_ECDH` for any problem with the peer key (not on the curve,
 *   another curve, an X25519 point giving the all-zero secret), `ERR_CRYPTO_KEY` for a bad private key.
 * - SHA-1 is accepted by `digest` and `rsaPkcs1Verify` only; elsewhere, and for an unknown
 *   hash or curve name, `ERR_CRYPTO_UNSUPPORTED`.
 * - AES-GCM takes 16/24/32-byte keys and IVs of at least 8 bytes (`RangeError` otherwise:
 *   SP 800-38D allows shorter IVs, @noble/ciphers and shomei do not) with a 16-byte tag;
 *   a tag that does not verify throws `ERR_CRYPTO_DECRYPT`.
 * - HKDF output length must be 0 … 255·HashLen (`RangeError` otherwise).
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';
import { gcm } from '@noble/ciphers/aes.js';
import { CryptoError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';
import { checkAesGcm, checkEcdhPeer, checkHkdfLength, checkHash as checkHashName, checkX25519Output, ecdhError } from './checks.js';
import { checkEcPublicKey, checkOkpPublicKey, curveFieldSize, isEcCurve, isOkpCurve } from './keys.js';
import { checkEcdhPrivate, checkOkpPrivateKey, ecPrivateKeyFromScalar, okpPrivateKeyFromSeed } from './key-from-secret.js';
import { checkEcPrivateKey, nistCurve } from './private-keys.js';
import { KeyTables, verifyWithTable } from './noble-tables.js';
import { rsaPkcs1Verify } from './rsa.js';
import type {
  CryptoBackend,
  Curve,
  EcPrivateKey,
  EcPublicKey,
  HashAlg,
  OkpCurve,
  OkpPrivateKey,
  OkpPublicKey,
  PrivateKey,
  RsaPublicKey,
} from './types.js';

const HASHES = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

export { checkAesGcm, checkEcdhPeer, checkHkdfLength, checkX25519Output, ecdhError } from './checks.js';

/** The noble hash for `hash`; SHA-1 only when `allowSha1` (internal). Throws `ERR_CRYPTO_UNSUPPORTED`. */
export function checkHash(hash: HashAlg, allowSha1: boolean): (typeof HASHES)[HashAlg] {
  checkHashName(hash, allowSha1);
  return HASHES[hash];
}

function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  const out = new Uint8Array(length);
  try {
    // getRandomValues is limited to 65536 bytes per call.
    for (let i = 0; i < length; i += 65536) out.set(nobleRandomBytes(Math.min(65536, length - i)), i);
  } catch (e) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'crypto.getRandomValues is not available', { cause: e });
  }
  return out;
}

async function ecdh(privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey): Promise<Uint8Array> {
  checkEcdhPrivate(privateKey);
  const peer = checkEcdhPeer(privateKey, publicKey);
  if (privateKey.kty === 'EC') {
    const size = curveFieldSize(privateKey.crv);
    return nistCurve(privateKey.crv).getSharedSecret(privateKey.d, peer, false).slice(1, 1 + size);
  }
  let secret: Uint8Array;
  try {
    secret = x25519.getSharedSecret(privateKey.d, peer);
  } catch (e) {
    throw ecdhError('X25519 peer key is of low order', e);
  }
  return checkX25519Output(secret);
}

function generateKeyPair(curve: 'P-256' | 'P-384' | 'P-521'): Promise<EcPrivateKey>;
function generateKeyPair(curve: OkpCurve): Promise<OkpPrivateKey>;
function generateKeyPair(curve: Curve): Promise<PrivateKey>;
async function generateKeyPair(curve: Curve): Promise<PrivateKey> {
  if (isEcCurve(curve)) {
    // FIPS 186-5 "extra random bits" method: reduce 1.5× the order's length of random bytes.
    const c = nistCurve(curve);
    return ecPrivateKeyFromScalar(curve, c.utils.randomSecretKey(randomBytes(c.lengths.seed ?? 0)));
  }
  if (isOkpCurve(curve)) return okpPrivateKeyFromSeed(curve, randomBytes(32));
  throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(curve)}`);
}

/** Tables of the EC keys {@link nobleBackend} verifies with again and again (./noble-tables.ts), made on first use. */
let keyTables: KeyTables | undefined;

/**
 * The pure-TypeScript backend (@noble/*), loaded (internal): `shomei/crypto` exports
 * `lazy.ts`'s `nobleBackend`, which imports this module on its first operation and hands
 * every operation to this object.
 */
export const nobleBackend: CryptoBackend = Object.freeze({
  name: 'noble',

  async digest(hash: HashAlg, data: Uint8Array) {
    assertBytes(data, 'data');
    return checkHash(hash, true)(data);
  },

  async hmac(hash: HashAlg, key: Uint8Array, data: Uint8Array) {
    assertBytes(key, 'key');
    assertBytes(data, 'data');
    return hmac(checkHash(hash, false), key, data);
  },

  async hkdf(hash: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
    assertBytes(ikm, 'ikm');
    assertBytes(salt, 'salt');
    assertBytes(info, 'info');
    checkHkdfLength(hash, length);
    if (length === 0) return new Uint8Array(0);
    return hkdf(checkHash(hash, false), ikm, salt, info, length);
  },

  async ecdsaSign(key: EcPrivateKey, hash: HashAlg, data: Uint8Array) {
    assertBytes(data, 'data');
    const h = checkHash(hash, false);
    const curve = checkEcPrivateKey(key);
    return curve.sign(h(data), key.d, { prehash: false });
  },

  async ecdsaVerify(key: EcPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
    assertBytes(data, 'data');
    assertBytes(signature, 'signature');
    const h = checkHash(hash, false);
    const raw = checkEcPublicKey(key);
    if (signature.length !== 2 * curveFieldSize(key.crv)) return false;
    const curve = nistCurve(key.crv);
    try {
      const digest = h(data);
      // A key seen before (a document signer's) has its point and table kept: see noble-tables.ts.
      const point = (keyTables ??= new KeyTables()).point(key.crv, curve, raw);
      if (point !== undefined) return verifyWithTable(curve, point, digest, signature);
      return curve.verify(signature, digest, raw, { prehash: false, lowS: false });
    } catch {
      return false;
    }
  },

  async ed25519Sign(key: OkpPrivateKey, data: Uint8Array) {
    assertBytes(data, 'data');
    return ed25519.sign(data, checkOkpPrivateKey(key, 'Ed25519'));
  },

  async ed25519Verify(key: OkpPublicKey, data: Uint8Array, signature: Uint8Array) {
    assertBytes(data, 'data');
    assertBytes(signature, 'signature');
    const x = checkOkpPublicKey(key, 'Ed25519');
    if (signature.length !== 64) return false;
    try {
      return ed25519.verify(signature, data, x, { zip215: false });
    } catch {
      return false;
    }
  },

  ecdh,

  async aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) {
    checkAesGcm(key, iv, plaintext, aad);
    return gcm(key, iv, aad).encrypt(plaintext);
  },

  async aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array) {
    checkAesGcm(key, iv, ciphertext, aad);
    if (ciphertext.length < 16) throw new CryptoError('ERR_CRYPTO_DECRYPT', 'AES-GCM ciphertext is shorter than the tag');
    try {
      return gcm(key, iv, aad).decrypt(ciphertext);
    } catch (e) {
      throw new CryptoError('ERR_CRYPTO_DECRYPT', 'AES-GCM tag does not verify', { cause: e });
    }
  },

  rsaPkcs1Verify(key: RsaPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
    return rsaPkcs1Verify(key, hash, data, signature, (h, d) => checkHash(h, true)(d));
  },

  generateKeyPair,

  randomBytes,
});
