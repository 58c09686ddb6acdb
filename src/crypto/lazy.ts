/**
 * The parts of the crypto layer a signature verification never runs, loaded on first use
 * with a dynamic `import()`: the private-key checks (a scalar multiplication, @noble/curves)
 * and the noble backend as the fallback of the node:crypto and WebCrypto backends and of
 * `defaultBackend()` where neither exists. A bundler then puts them in chunks of their own,
 * so a browser bundle verifying ES256 with WebCrypto carries no curve, Ed25519 or AES code.
 */
import { randomBytes } from './checks.js';
import type { CryptoBackend, Curve, EcPrivateKey, EcPublicKey, HashAlg, OkpCurve, OkpPrivateKey, OkpPublicKey, PrivateKey, RsaPublicKey } from './types.js';

/** `private-keys.ts`, loading once (internal). */
let privateKeys: Promise<typeof import('./private-keys.js')> | undefined;

/** The private-key helpers (`checkEcPrivateKey`, `checkOkpPrivateKey`, `checkEcdhPrivate` …), loaded on first use (internal). */
export function loadPrivateKeys(): Promise<typeof import('./private-keys.js')> {
  privateKeys ??= import('./private-keys.js');
  return privateKeys;
}

/** `noble.ts`, loading once. */
let noble: Promise<CryptoBackend> | undefined;

/** The noble backend, loaded on first use (internal). */
export function loadNobleBackend(): Promise<CryptoBackend> {
  noble ??= import('./noble.js').then((m) => m.nobleBackend);
  return noble;
}

function generateKeyPair(curve: 'P-256' | 'P-384' | 'P-521'): Promise<EcPrivateKey>;
function generateKeyPair(curve: OkpCurve): Promise<OkpPrivateKey>;
function generateKeyPair(curve: Curve): Promise<PrivateKey>;
async function generateKeyPair(curve: Curve): Promise<PrivateKey> {
  return (await loadNobleBackend()).generateKeyPair(curve);
}

/**
 * The noble backend behind a dynamic import: each operation loads `noble.ts` (once) and
 * hands over to `nobleBackend`, so it answers exactly as `nobleBackend` does (internal: the
 * default fallback of the other backends and of `defaultBackend()`; import `nobleBackend`
 * to use noble directly).
 */
export const lazyNobleBackend: CryptoBackend = /* @__PURE__ */ Object.freeze({
  name: 'noble',
  async digest(hash: HashAlg, data: Uint8Array) {
    return (await loadNobleBackend()).digest(hash, data);
  },
  async hmac(hash: HashAlg, key: Uint8Array, data: Uint8Array) {
    return (await loadNobleBackend()).hmac(hash, key, data);
  },
  async hkdf(hash: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
    return (await loadNobleBackend()).hkdf(hash, ikm, salt, info, length);
  },
  async ecdsaSign(key: EcPrivateKey, hash: HashAlg, data: Uint8Array) {
    return (await loadNobleBackend()).ecdsaSign(key, hash, data);
  },
  async ecdsaVerify(key: EcPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
    return (await loadNobleBackend()).ecdsaVerify(key, hash, data, signature);
  },
  async ed25519Sign(key: OkpPrivateKey, data: Uint8Array) {
    return (await loadNobleBackend()).ed25519Sign(key, data);
  },
  async ed25519Verify(key: OkpPublicKey, data: Uint8Array, signature: Uint8Array) {
    return (await loadNobleBackend()).ed25519Verify(key, data, signature);
  },
  async ecdh(privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey) {
    return (await loadNobleBackend()).ecdh(privateKey, publicKey);
  },
  async aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) {
    return (await loadNobleBackend()).aesGcmEncrypt(key, iv, plaintext, aad);
  },
  async aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array) {
    return (await loadNobleBackend()).aesGcmDecrypt(key, iv, ciphertext, aad);
  },
  async rsaPkcs1Verify(key: RsaPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
    return (await loadNobleBackend()).rsaPkcs1Verify(key, hash, data, signature);
  },
  generateKeyPair,
  randomBytes,
});
