/**
 * The parts of the crypto layer a signature verification never runs, loaded on first use
 * with a dynamic `import()`: the private-key checks (a scalar multiplication), the RSA
 * verification, and the noble backend, which `shomei/crypto` exports as `nobleBackend` and
 * which is the fallback of the node:crypto and WebCrypto backends and of `defaultBackend()`
 * where neither exists. A bundler then puts them in chunks of their own, so a browser bundle
 * verifying ES256 with WebCrypto carries no curve, Ed25519, AES or RSA code, and a cold start
 * on Node loads no @noble.
 */
import { loadOnce } from '../internal/once.js';
import { randomBytes } from './checks.js';
import type { CryptoBackend, Curve, EcPrivateKey, EcPublicKey, HashAlg, OkpCurve, OkpPrivateKey, OkpPublicKey, PrivateKey, RsaPublicKey } from './types.js';

/** `key-from-secret.ts`, loading once (internal). */
let privateKeys: Promise<typeof import('./key-from-secret.js')> | undefined;

/** The private-key checks (`checkEcPrivateKey`, `checkOkpPrivateKey`, `checkEcdhPrivate`), loaded on first use (internal). */
export function loadPrivateKeys(): Promise<typeof import('./key-from-secret.js')> {
  privateKeys ??= import('./key-from-secret.js');
  return privateKeys;
}

/** `rsa.ts`, the RSA verification (BigInt arithmetic), which an EC verification never runs: loaded by the first RSA verification (internal). */
export const loadRsa = loadOnce(() => import('./rsa.js'));

/** `noble.ts`'s backend once loaded, and the load under way. */
let loaded: CryptoBackend | undefined;
let noble: Promise<CryptoBackend> | undefined;

/** The noble backend with @noble/* loaded (internal). */
export function loadNobleBackend(): Promise<CryptoBackend> {
  noble ??= import('./noble.js').then((m) => (loaded = m.nobleBackend));
  return noble;
}

/** `op` on the loaded noble backend: at once once loaded, else after the load (no extra turn of the microtask queue once loaded). */
function withNoble<T>(op: (backend: CryptoBackend) => Promise<T>): Promise<T> {
  return loaded !== undefined ? op(loaded) : loadNobleBackend().then(op);
}

function generateKeyPair(curve: 'P-256' | 'P-384' | 'P-521'): Promise<EcPrivateKey>;
function generateKeyPair(curve: OkpCurve): Promise<OkpPrivateKey>;
function generateKeyPair(curve: Curve): Promise<PrivateKey>;
function generateKeyPair(curve: Curve): Promise<PrivateKey> {
  return withNoble((b) => b.generateKeyPair(curve));
}

/**
 * The pure-TypeScript backend (@noble/*). Works on every JavaScript runtime, Hermes included;
 * the fallback of the node:crypto and WebCrypto backends and `defaultBackend()` where neither
 * exists. @noble/* is loaded by its first operation (a dynamic `import()`), not by importing
 * shomei, so a bundle or a cold start that never uses it does not pay for it; each operation
 * then answers exactly as the loaded backend does.
 *
 * @example
 * ```ts
 * import { nobleBackend } from 'shomei/crypto';
 * const key = await nobleBackend.generateKeyPair('P-256');
 * ```
 */
export const lazyNobleBackend: CryptoBackend = /* @__PURE__ */ Object.freeze({
  name: 'noble',
  digest: (hash: HashAlg, data: Uint8Array) => withNoble((b) => b.digest(hash, data)),
  hmac: (hash: HashAlg, key: Uint8Array, data: Uint8Array) => withNoble((b) => b.hmac(hash, key, data)),
  hkdf: (hash: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) => withNoble((b) => b.hkdf(hash, ikm, salt, info, length)),
  ecdsaSign: (key: EcPrivateKey, hash: HashAlg, data: Uint8Array) => withNoble((b) => b.ecdsaSign(key, hash, data)),
  ecdsaVerify: (key: EcPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) => withNoble((b) => b.ecdsaVerify(key, hash, data, signature)),
  ed25519Sign: (key: OkpPrivateKey, data: Uint8Array) => withNoble((b) => b.ed25519Sign(key, data)),
  ed25519Verify: (key: OkpPublicKey, data: Uint8Array, signature: Uint8Array) => withNoble((b) => b.ed25519Verify(key, data, signature)),
  ecdh: (privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey) => withNoble((b) => b.ecdh(privateKey, publicKey)),
  aesGcmEncrypt: (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) => withNoble((b) => b.aesGcmEncrypt(key, iv, plaintext, aad)),
  aesGcmDecrypt: (key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array) => withNoble((b) => b.aesGcmDecrypt(key, iv, ciphertext, aad)),
  rsaPkcs1Verify: (key: RsaPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) => withNoble((b) => b.rsaPkcs1Verify(key, hash, data, signature)),
  generateKeyPair,
  randomBytes,
});
