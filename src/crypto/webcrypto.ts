/**
 * The CryptoBackend over the W3C Web Cryptography API (`crypto.subtle`): SHA-1/SHA-2
 * (FIPS 180-4), HMAC (RFC 2104), HKDF (RFC 5869), ECDSA (FIPS 186-5) with P1363 signatures,
 * Ed25519 (RFC 8032), ECDH (SEC 1 v2 §3.3.1), X25519 (RFC 7748), AES-GCM (NIST SP 800-38D).
 *
 * - `crypto.subtle` is read at call time (no top-level side effects); without it every
 *   operation throws `CryptoError('ERR_CRYPTO_UNSUPPORTED')`.
 * - Inputs are validated with the same code as the noble backend before SubtleCrypto sees
 *   them, so both backends accept, reject and throw alike (see `noble.ts` for the rules).
 *   When SubtleCrypto then refuses an import or an operation on valid input, the runtime
 *   lacks it (Ed25519/X25519 on older engines, AES-192 in Chrome, IVs other than 12…128
 *   bytes in Node, zero-length HMAC keys) and the fallback backend (noble) answers instead.
 * - Imported public keys are kept in a small LRU keyed by algorithm and key bytes (so a
 *   key decoded afresh from a COSE_Key or certificate still hits); imported private keys
 *   and AES keys in a WeakMap on the key object (the Uint8Array for AES), re-imported if its
 *   bytes change in place, so a session's SKDevice/SKReader is imported once. HMAC keys are
 *   never cached (each MAC key is used once).
 * - RSASSA-PKCS1-v1_5 hashes with SubtleCrypto and verifies with `./rsa.ts`, loaded by the
 *   first RSA verification: BigInt exponentiation with e = 65537 is as fast as SubtleCrypto's
 *   verify on V8 and keeps one implementation of the encoding check.
 */
import { CryptoError } from '../errors.js';
import { RepeatCache } from '../internal/cache.js';
import { assertBytes, binaryString, constantTimeEqual, fromBase64, toBase64Url } from '../internal/bytes.js';
import { checkAesGcm, checkEcdhPeer, checkHash, checkHkdfLength, checkX25519Output, randomBytes } from './checks.js';
import { checkEcPublicKey, checkOkpPublicKey, curveFieldSize, ecPublicKeyRaw, isEcCurve, isOkpCurve } from './keys.js';
import { generated } from './consistent.js';
import { lazyNobleBackend, loadPrivateKeys, loadRsa } from './lazy.js';

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


/** How many imported public keys a backend keeps. */
const PUBLIC_KEY_CACHE_SIZE = 128;
/** How many ids of public keys imported once (and not kept) a backend remembers. */
const SEEN_ONCE_SIZE = 1024;

/** A CryptoKey, or null when this runtime cannot import the key and the fallback must answer. */
type Imported = Promise<CryptoKey | null>;

/**
 * The keys of settled imports: a key used again is used at once, without waiting a turn of
 * the microtask queue, so its operation starts before the caller's other synchronous work.
 */
const settled = new WeakMap<Imported, CryptoKey | null>();

/** An import, recorded in `settled` once it settles (a failure is null: the fallback answers). */
function tracked(importing: Promise<CryptoKey>): Imported {
  const imported = importing.catch(() => null);
  void imported.then((key) => settled.set(imported, key));
  return imported;
}

/** SubtleCrypto wants `BufferSource` over an ArrayBuffer; copy only views of shared memory. */
function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

const b64 = toBase64Url;

function ecJwk(key: EcPrivateKey): JsonWebKey {
  return { kty: 'EC', crv: key.crv, x: b64(key.x), y: b64(key.y), d: b64(key.d) };
}

function okpJwk(key: OkpPrivateKey): JsonWebKey {
  return { kty: 'OKP', crv: key.crv, x: b64(key.x), d: b64(key.d) };
}

function jwkBytes(value: string | undefined): Uint8Array {
  if (value === undefined) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'WebCrypto exported an incomplete JWK');
  return fromBase64(value);
}

/**
 * A WebCrypto backend over `subtle` (default: `globalThis.crypto.subtle`, read at each call).
 * `fallback` (default: the noble backend) answers whatever this runtime's SubtleCrypto cannot do.
 * @example const backend = createWebCryptoBackend(); await backend.digest('SHA-256', bytes)
 */
export function createWebCryptoBackend(subtle?: SubtleCrypto, fallback: CryptoBackend = lazyNobleBackend): CryptoBackend {
  // A key is kept from its second import on (see RepeatCache).
  const publicKeys = new RepeatCache<string, Imported>(PUBLIC_KEY_CACHE_SIZE, SEEN_ONCE_SIZE);
  const secretKeys = new WeakMap<object, Map<string, { readonly d: Uint8Array; readonly imported: Imported }>>();

  function getSubtle(): SubtleCrypto {
    const s = subtle ?? globalThis.crypto?.subtle;
    if (s === undefined || s === null) {
      throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'WebCrypto (crypto.subtle) is not available here');
    }
    return s;
  }

  /** Import a public key once per (algorithm, bytes); `validate` runs (and may throw) on a miss. */
  function importPublic(id: string, validate: () => void, importer: () => Promise<CryptoKey>): Imported {
    const hit = publicKeys.get(id);
    if (hit !== undefined) return hit;
    validate();
    const imported = tracked(importer());
    publicKeys.offer(id, imported);
    return imported;
  }

  /**
   * Import a private key once per (key object, usage). `validate` always runs (cheap once a
   * key object is known good); a key whose `d` changed in place since is imported again.
   */
  function importPrivate(
    key: PrivateKey,
    usage: string,
    validate: () => void,
    importer: () => Promise<CryptoKey>,
  ): Imported {
    validate();
    return importSecret(key, key.d, usage, importer);
  }

  /**
   * Import bytes once per (owner object, usage); re-import when they changed in place. Secrets
   * (AES keys, an HKDF input serving two derivations), and an ECDH peer's point, which a
   * holder's EReaderKey brings to the session keys and then to EMacKey.
   */
  function importSecret(owner: object, secret: Uint8Array, usage: string, importer: () => Promise<CryptoKey>): Imported {
    let byUsage = secretKeys.get(owner);
    if (byUsage === undefined) secretKeys.set(owner, (byUsage = new Map()));
    const hit = byUsage.get(usage);
    if (hit !== undefined && constantTimeEqual(hit.d, secret)) return hit.imported;
    const imported = tracked(importer());
    byUsage.set(usage, { d: secret.slice(), imported });
    return imported;
  }

  function importAes(key: Uint8Array): Imported {
    return importSecret(key, key, 'AES-GCM', () => getSubtle().importKey('raw', buf(key), 'AES-GCM', false, ['encrypt', 'decrypt']));
  }

  function gcmParams(iv: Uint8Array, aad: Uint8Array | undefined): AesGcmParams {
    const params: AesGcmParams = { name: 'AES-GCM', iv: buf(iv), tagLength: 128 };
    if (aad !== undefined) params.additionalData = buf(aad);
    return params;
  }

  function generateKeyPair(curve: 'P-256' | 'P-384' | 'P-521'): Promise<EcPrivateKey>;
  function generateKeyPair(curve: OkpCurve): Promise<OkpPrivateKey>;
  function generateKeyPair(curve: Curve): Promise<PrivateKey>;
  async function generateKeyPair(curve: Curve): Promise<PrivateKey> {
    const s = getSubtle();
    if (!isEcCurve(curve) && !isOkpCurve(curve)) {
      throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(curve)}`);
    }
    let jwk: JsonWebKey;
    try {
      const algorithm = isEcCurve(curve) ? { name: 'ECDSA', namedCurve: curve } : { name: curve };
      const usages: KeyUsage[] = curve === 'X25519' ? ['deriveBits'] : ['sign', 'verify'];
      const pair = (await s.generateKey(algorithm, true, usages)) as CryptoKeyPair;
      jwk = await s.exportKey('jwk', pair.privateKey);
    } catch {
      return fallback.generateKeyPair(curve);
    }
    if (isEcCurve(curve)) {
      return generated<EcPrivateKey>({ kty: 'EC', crv: curve, x: jwkBytes(jwk.x), y: jwkBytes(jwk.y), d: jwkBytes(jwk.d) });
    }
    return generated<OkpPrivateKey>({ kty: 'OKP', crv: curve, x: jwkBytes(jwk.x), d: jwkBytes(jwk.d) });
  }

  async function ecdh(privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey): Promise<Uint8Array> {
    const s = getSubtle();
    const { checkEcdhPrivate } = await loadPrivateKeys();
    const algorithm = privateKey?.kty === 'EC' ? { name: 'ECDH', namedCurve: privateKey.crv } : { name: 'X25519' };
    const priv = await importPrivate(
      privateKey,
      'ECDH',
      () => checkEcdhPrivate(privateKey),
      () =>
        s.importKey(
          'jwk',
          privateKey.kty === 'EC' ? ecJwk(privateKey) : okpJwk(privateKey),
          algorithm,
          false,
          ['deriveBits'],
        ),
    );
    const peer = checkEcdhPeer(privateKey, publicKey);
    if (priv === null) return fallback.ecdh(privateKey, publicKey);
    const pending = importSecret(publicKey, peer, `ECDH peer|${privateKey.crv}`, () => s.importKey('raw', buf(peer), algorithm, false, []));
    const pub = settled.get(pending) ?? (await pending);
    if (pub === null) return fallback.ecdh(privateKey, publicKey);
    let secret: Uint8Array;
    try {
      const bits = 8 * (privateKey.kty === 'EC' ? curveFieldSize(privateKey.crv) : 32);
      secret = new Uint8Array(await s.deriveBits({ name: algorithm.name, public: pub }, priv, bits));
    } catch {
      // Node refuses low-order X25519 points here; noble then reports ERR_CRYPTO_ECDH.
      return fallback.ecdh(privateKey, publicKey);
    }
    return privateKey.kty === 'EC' ? secret : checkX25519Output(secret);
  }

  async function digest(hash: HashAlg, data: Uint8Array): Promise<Uint8Array> {
    const s = getSubtle();
    assertBytes(data, 'data');
    checkHash(hash, true);
    try {
      return new Uint8Array(await s.digest(hash, buf(data)));
    } catch {
      return fallback.digest(hash, data);
    }
  }

  return {
    name: 'webcrypto',

    digest,

    async hmac(hash: HashAlg, key: Uint8Array, data: Uint8Array) {
      const s = getSubtle();
      assertBytes(key, 'key');
      assertBytes(data, 'data');
      checkHash(hash, false);
      // WebCrypto refuses zero-length HMAC keys, which RFC 2104 allows.
      if (key.length === 0) return fallback.hmac(hash, key, data);
      try {
        const k = await s.importKey('raw', buf(key), { name: 'HMAC', hash }, false, ['sign']);
        return new Uint8Array(await s.sign('HMAC', k, buf(data)));
      } catch {
        return fallback.hmac(hash, key, data);
      }
    },

    async hkdf(hash: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
      const s = getSubtle();
      assertBytes(ikm, 'ikm');
      assertBytes(salt, 'salt');
      assertBytes(info, 'info');
      checkHkdfLength(hash, length);
      if (length === 0) return new Uint8Array(0);
      // One import for the derivations of one input (SKReader and SKDevice share theirs).
      const pending = importSecret(ikm, ikm, 'HKDF', () => s.importKey('raw', buf(ikm), 'HKDF', false, ['deriveBits']));
      const k = settled.get(pending) ?? (await pending);
      if (k === null) return fallback.hkdf(hash, ikm, salt, info, length);
      try {
        const params: HkdfParams = { name: 'HKDF', hash, salt: buf(salt), info: buf(info) };
        return new Uint8Array(await s.deriveBits(params, k, 8 * length));
      } catch {
        return fallback.hkdf(hash, ikm, salt, info, length);
      }
    },

    async ecdsaSign(key: EcPrivateKey, hash: HashAlg, data: Uint8Array) {
      const s = getSubtle();
      assertBytes(data, 'data');
      checkHash(hash, false);
      const { checkEcPrivateKey } = await loadPrivateKeys();
      const ck = await importPrivate(
        key,
        'ECDSA',
        () => checkEcPrivateKey(key),
        () => s.importKey('jwk', ecJwk(key), { name: 'ECDSA', namedCurve: key.crv }, false, ['sign']),
      );
      if (ck === null) return fallback.ecdsaSign(key, hash, data);
      try {
        return new Uint8Array(await s.sign({ name: 'ECDSA', hash }, ck, buf(data)));
      } catch {
        return fallback.ecdsaSign(key, hash, data);
      }
    },

    async ecdsaVerify(key: EcPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
      const s = getSubtle();
      assertBytes(data, 'data');
      assertBytes(signature, 'signature');
      checkHash(hash, false);
      if (key?.kty !== 'EC') throw new CryptoError('ERR_CRYPTO_KEY', 'expected an EC key');
      const raw = ecPublicKeyRaw(key);
      const pending = importPublic(
        `ECDSA|${key.crv}|${binaryString(raw)}`,
        () => checkEcPublicKey(key),
        () => s.importKey('raw', buf(raw), { name: 'ECDSA', namedCurve: key.crv }, false, ['verify']),
      );
      const ck = settled.get(pending) ?? (await pending);
      if (ck === null) return fallback.ecdsaVerify(key, hash, data, signature);
      if (signature.length !== 2 * curveFieldSize(key.crv)) return false;
      try {
        return await s.verify({ name: 'ECDSA', hash }, ck, buf(signature), buf(data));
      } catch {
        return fallback.ecdsaVerify(key, hash, data, signature);
      }
    },

    async ed25519Sign(key: OkpPrivateKey, data: Uint8Array) {
      const s = getSubtle();
      assertBytes(data, 'data');
      const { checkOkpPrivateKey } = await loadPrivateKeys();
      const ck = await importPrivate(
        key,
        'Ed25519',
        () => checkOkpPrivateKey(key, 'Ed25519'),
        () => s.importKey('jwk', okpJwk(key), { name: 'Ed25519' }, false, ['sign']),
      );
      if (ck === null) return fallback.ed25519Sign(key, data);
      try {
        return new Uint8Array(await s.sign({ name: 'Ed25519' }, ck, buf(data)));
      } catch {
        return fallback.ed25519Sign(key, data);
      }
    },

    async ed25519Verify(key: OkpPublicKey, data: Uint8Array, signature: Uint8Array) {
      const s = getSubtle();
      assertBytes(data, 'data');
      assertBytes(signature, 'signature');
      const x = key?.x instanceof Uint8Array ? key.x : new Uint8Array(0);
      const pending = importPublic(
        `Ed25519|${key?.kty}|${key?.crv}|${binaryString(x)}`,
        () => checkOkpPublicKey(key, 'Ed25519'),
        () => s.importKey('raw', buf(x), { name: 'Ed25519' }, false, ['verify']),
      );
      const ck = settled.get(pending) ?? (await pending);
      if (ck === null) return fallback.ed25519Verify(key, data, signature);
      if (signature.length !== 64) return false;
      try {
        return await s.verify({ name: 'Ed25519' }, ck, buf(signature), buf(data));
      } catch {
        return fallback.ed25519Verify(key, data, signature);
      }
    },

    ecdh,

    async aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) {
      const s = getSubtle();
      checkAesGcm(key, iv, plaintext, aad);
      const k = await importAes(key);
      if (k === null) return fallback.aesGcmEncrypt(key, iv, plaintext, aad);
      try {
        return new Uint8Array(await s.encrypt(gcmParams(iv, aad), k, buf(plaintext)));
      } catch {
        return fallback.aesGcmEncrypt(key, iv, plaintext, aad);
      }
    },

    async aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array) {
      const s = getSubtle();
      checkAesGcm(key, iv, ciphertext, aad);
      if (ciphertext.length < 16) throw new CryptoError('ERR_CRYPTO_DECRYPT', 'AES-GCM ciphertext is shorter than the tag');
      const k = await importAes(key);
      if (k === null) return fallback.aesGcmDecrypt(key, iv, ciphertext, aad);
      try {
        return new Uint8Array(await s.decrypt(gcmParams(iv, aad), k, buf(ciphertext)));
      } catch (e) {
        // Every runtime takes 12-byte IVs, so a failure there is the tag; otherwise let the fallback decide.
        if (iv.length === 12) throw new CryptoError('ERR_CRYPTO_DECRYPT', 'AES-GCM tag does not verify', { cause: e });
        return fallback.aesGcmDecrypt(key, iv, ciphertext, aad);
      }
    },

    async rsaPkcs1Verify(key: RsaPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
      return (await loadRsa()).rsaPkcs1Verify(key, hash, data, signature, digest);
    },

    generateKeyPair,

    randomBytes(length: number) {
      return randomBytes(length);
    },
  };
}

/** The WebCrypto backend over `globalThis.crypto.subtle` (looked up at each call). */
export const webCryptoBackend: CryptoBackend = /* @__PURE__ */ createWebCryptoBackend();
