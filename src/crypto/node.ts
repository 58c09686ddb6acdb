/**
 * The CryptoBackend over `node:crypto` (Node, and the Node-compatible `node:crypto` of Deno
 * and Bun): SHA-1/SHA-2 (FIPS 180-4), HMAC (RFC 2104), HKDF (RFC 5869), ECDSA (FIPS 186-5)
 * with P1363 signatures, Ed25519 (RFC 8032), ECDH (SEC 1 v2 §3.3.1), X25519 (RFC 7748),
 * AES-GCM (NIST SP 800-38D), RSASSA-PKCS1-v1_5 verification (RFC 8017, `./rsa.ts`).
 *
 * - Nothing imports `node:crypto`: the module is asked for at run time through
 *   `process.getBuiltinModule` (Node ≥ 20.16, Deno 2, Bun), so bundles for browsers and
 *   React Native never see it. {@link nodeCryptoBackend} returns undefined where it is absent.
 * - Every operation is synchronous inside (one-shot `crypto.verify`, `crypto.hash`,
 *   `hkdfSync`, `createCipheriv`): no thread-pool round trip, unlike WebCrypto on Node.
 * - Inputs are validated with the same code as the noble and WebCrypto backends and the same
 *   errors are thrown (see `noble.ts` for the rules), so the three are interchangeable.
 * - Public keys are imported per (algorithm, key bytes) and kept in a bounded LRU of
 *   `KeyObject`s from their second import on (document-signer keys come back, device keys
 *   almost never); OpenSSL's own import is the point validation (on the curve; coordinates
 *   below p are checked on the bytes first). Private keys are imported once per key object
 *   (re-imported when `d` changes).
 * - Outputs are plain `Uint8Array`s (never `Buffer`s, never views of Node's shared pool).
 */
import { CryptoError } from '../errors.js';
import { RepeatCache } from '../internal/cache.js';
import { assertBytes, binaryString, concat, constantTimeEqual, fromBase64, fromHex, leftPad, toBase64Url } from '../internal/bytes.js';
import { checkAesGcm, checkEcdhPeer, checkHash, checkHkdfLength, checkX25519Output, ecdhError, randomBytes } from './checks.js';
import { checkOkpPublicKey, coordinatesBelowPrime, curveFieldSize, EcKeyMemo, ecPublicKeyRaw, isEcCurve, isOkpCurve } from './keys.js';
import { generated, isKnownConsistent } from './consistent.js';
import { lazyNobleBackend, loadPrivateKeys, loadRsa } from './lazy.js';
import type {
  CryptoBackend,
  Curve,
  EcCurve,
  EcPrivateKey,
  EcPublicKey,
  HashAlg,
  OkpCurve,
  OkpPrivateKey,
  OkpPublicKey,
  PrivateKey,
  RsaPublicKey,
} from './types.js';

/** A `node:crypto` KeyObject, as far as this backend uses one. */
interface KeyObject {
  export(options: { format: 'jwk' }): Record<string, unknown>;
}

interface Cipher {
  setAAD(aad: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
  getAuthTag(): Uint8Array;
}

interface Decipher {
  setAAD(aad: Uint8Array): unknown;
  setAuthTag(tag: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

type SigningKey = KeyObject | { readonly key: KeyObject; readonly dsaEncoding: 'ieee-p1363' };

/**
 * The part of `node:crypto` this backend uses, described here so that shomei's types need no
 * `@types/node` (internal).
 */
interface NodeCrypto {
  hash?: (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Uint8Array;
  createHash(algorithm: string): { update(data: Uint8Array): { digest(): Uint8Array } };
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): { digest(): Uint8Array } };
  hkdfSync(digest: string, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, keylen: number): ArrayBuffer;
  createPublicKey(input: { key: Uint8Array; format: 'der'; type: 'spki' } | { key: Record<string, string>; format: 'jwk' }): KeyObject;
  createPrivateKey(input: { key: Record<string, string>; format: 'jwk' } | { key: Uint8Array; format: 'der'; type: 'pkcs8' }): KeyObject;
  sign(algorithm: string | null, data: Uint8Array, key: SigningKey): Uint8Array;
  verify(algorithm: string | null, data: Uint8Array, key: SigningKey, signature: Uint8Array): boolean;
  diffieHellman(options: { privateKey: KeyObject; publicKey: KeyObject }): Uint8Array;
  createCipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array, options: { authTagLength: number }): Cipher;
  createDecipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array, options: { authTagLength: number }): Decipher;
  createECDH?(curve: string): { generateKeys(): Uint8Array; getPrivateKey(): Uint8Array };
  generateKeyPairSync(
    type: string,
    options: { namedCurve?: string; privateKeyEncoding: { type: 'pkcs8'; format: 'der' }; publicKeyEncoding: { type: 'spki'; format: 'der' } },
  ): { privateKey: Uint8Array; publicKey: Uint8Array };
}

/** How many imported public keys a backend keeps. */
const PUBLIC_KEY_CACHE_SIZE = 256;
/** How many ids of public keys imported once (and not kept) a backend remembers. */
const SEEN_ONCE_SIZE = 1024;

/** OpenSSL's names of the NIST curves, for `createECDH`. */
const ECDH_CURVE_NAMES: Readonly<Record<EcCurve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** Node's hash names. */
const HASH_NAMES: Readonly<Record<HashAlg, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** The DER SubjectPublicKeyInfo up to the key bytes (RFC 5480 §2, RFC 8410 §4). */
const SPKI_PREFIX: Readonly<Record<EcCurve | OkpCurve, string>> = {
  'P-256': '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  'P-384': '3076301006072a8648ce3d020106052b81040022036200',
  'P-521': '30819b301006072a8648ce3d020106052b8104002303818600',
  Ed25519: '302a300506032b6570032100',
  X25519: '302a300506032b656e032100',
};

/** The `node:crypto` of this runtime, or undefined (read through `process.getBuiltinModule`). */
function builtinCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    if (typeof mod?.verify === 'function' && typeof mod.createPublicKey === 'function' && typeof mod.hkdfSync === 'function') return mod as NodeCrypto;
  } catch {
    // A runtime whose getBuiltinModule throws has no usable node:crypto.
  }
  return undefined;
}

/** A plain Uint8Array with the bytes of `out` (Node returns Buffers, small ones views of a shared pool). */
function plain(out: Uint8Array | ArrayBuffer): Uint8Array {
  if (out instanceof ArrayBuffer) return new Uint8Array(out);
  // A Buffer that owns its whole ArrayBuffer is re-viewed as a Uint8Array; anything else is copied.
  if (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength && out.buffer instanceof ArrayBuffer) return new Uint8Array(out.buffer);
  return new Uint8Array(out);
}

function keyError(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_CRYPTO_KEY', message, cause === undefined ? {} : { cause });
}

/**
 * A backend over the `node:crypto` module `crypto`. `fallback` (default: noble) answers
 * what that module cannot do (HKDF `info` over 1024 bytes, AES-GCM IVs over 128 bytes).
 * @example const backend = createNodeCryptoBackend(process.getBuiltinModule('node:crypto'))
 */
export function createNodeCryptoBackend(nodeCrypto: object, fallback: CryptoBackend = lazyNobleBackend): CryptoBackend {
  const crypto = nodeCrypto as Partial<NodeCrypto>;
  if (typeof crypto?.verify !== 'function' || typeof crypto.createPublicKey !== 'function' || typeof crypto.hkdfSync !== 'function') {
    throw new TypeError('crypto must be the node:crypto module');
  }
  return makeBackend(crypto as NodeCrypto, fallback);
}

function makeBackend(crypto: NodeCrypto, fallback: CryptoBackend): CryptoBackend {
  // A key is kept from its second import on (see RepeatCache).
  const publicKeys = new RepeatCache<string, KeyObject>(PUBLIC_KEY_CACHE_SIZE, SEEN_ONCE_SIZE);
  const privateKeys = new WeakMap<object, Map<string, { readonly d: Uint8Array; readonly key: KeyObject }>>();
  const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : undefined;

  function hashSync(hash: HashAlg, data: Uint8Array): Uint8Array {
    const name = HASH_NAMES[hash];
    if (oneShotHash !== undefined) return plain(oneShotHash(name, data, 'buffer'));
    return plain(crypto.createHash(name).update(data).digest());
  }

  /** The KeyObject of a public key, imported once per (curve, key bytes). */
  function publicKeyObject(crv: EcCurve | OkpCurve, raw: Uint8Array): KeyObject {
    const id = `${crv}|${binaryString(raw)}`;
    return publicKeys.get(id) ?? importPublicKey(id, crv, raw);
  }

  /**
   * The KeyObject of an EC public key object, remembered per object once the LRU keeps it, or
   * from its first import with `always`: an ECDH peer, such as a holder's EReaderKey, which
   * serves the session keys and then EMacKey (the LRU keeps a key only from its second import,
   * so that one-time device keys do not crowd it).
   */
  const ecKeys = new EcKeyMemo<KeyObject>();
  function ecKeyObject(key: EcPublicKey, always = false): KeyObject {
    const known = ecKeys.get(key);
    if (known !== undefined) return known;
    const raw = ecPublicKeyRaw(key);
    const id = `${key.crv}|${binaryString(raw)}`;
    const kept = publicKeys.get(id);
    const value = kept ?? importPublicKey(id, key.crv, raw);
    if (kept !== undefined || always) ecKeys.set(key, raw, value);
    return value;
  }

  /**
   * Import a public key and offer it to the LRU under `id`. An import OpenSSL refuses is not
   * a point on the curve: `ERR_CRYPTO_KEY`, nothing cached. EC keys go in as a JWK, about
   * twice as fast as an SPKI on Node 20 (OpenSSL 3's DER decoder chain costs more than the
   * key), after a byte check that x and y are below p (OpenSSL would reduce them).
   */
  function importPublicKey(id: string, crv: EcCurve | OkpCurve, raw: Uint8Array): KeyObject {
    let key: KeyObject;
    try {
      if (isEcCurve(crv)) {
        if (!coordinatesBelowPrime(crv, raw)) throw keyError(`not a ${crv} public key (a coordinate is not below p)`);
        const size = curveFieldSize(crv);
        const x = toBase64Url(raw.subarray(1, 1 + size));
        const y = toBase64Url(raw.subarray(1 + size));
        key = crypto.createPublicKey({ key: { kty: 'EC', crv, x, y }, format: 'jwk' });
      } else {
        key = crypto.createPublicKey({ key: concat(fromHex(SPKI_PREFIX[crv]), raw), format: 'der', type: 'spki' });
      }
    } catch (e) {
      if (e instanceof CryptoError) throw e;
      throw keyError(`not a ${crv} public key`, e);
    }
    publicKeys.offer(id, key);
    return key;
  }

  /** The KeyObject of a private key, imported once per (key object, usage), again when `d` changed in place. */
  function privateKeyObject(key: PrivateKey, usage: string): KeyObject {
    let byUsage = privateKeys.get(key);
    if (byUsage === undefined) privateKeys.set(key, (byUsage = new Map()));
    const hit = byUsage.get(usage);
    if (hit !== undefined && constantTimeEqual(hit.d, key.d)) return hit.key;
    const b64 = toBase64Url;
    const jwk =
      key.kty === 'EC'
        ? { kty: 'EC', crv: key.crv, x: b64(key.x), y: b64(key.y), d: b64(key.d) }
        : { kty: 'OKP', crv: key.crv, x: b64(key.x), d: b64(key.d) };
    let imported: KeyObject;
    try {
      imported = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
    } catch (e) {
      throw keyError(`${key.crv} private key was refused by node:crypto`, e);
    }
    byUsage.set(usage, { d: key.d.slice(), key: imported });
    return imported;
  }

  /** Keep `object` as the KeyObject of `key` for `usages` (a key this backend generated). */
  function keepPrivateKeyObject(key: PrivateKey, usages: readonly string[], object: KeyObject): void {
    const byUsage = new Map<string, { readonly d: Uint8Array; readonly key: KeyObject }>();
    for (const usage of usages) byUsage.set(usage, { d: key.d.slice(), key: object });
    privateKeys.set(key, byUsage);
  }

  /** Check a private key before use: the scalar multiplication only for a key not known consistent. */
  async function checkPrivate(key: PrivateKey, check: (helpers: Awaited<ReturnType<typeof loadPrivateKeys>>) => void): Promise<void> {
    if (isKnownConsistent(key)) return;
    check(await loadPrivateKeys());
  }

  function generateKeyPair(curve: 'P-256' | 'P-384' | 'P-521'): Promise<EcPrivateKey>;
  function generateKeyPair(curve: OkpCurve): Promise<OkpPrivateKey>;
  function generateKeyPair(curve: Curve): Promise<PrivateKey>;
  async function generateKeyPair(curve: Curve): Promise<PrivateKey> {
    if (!isEcCurve(curve) && !isOkpCurve(curve)) throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', `unsupported curve ${String(curve)}`);
    // No KeyObject straight out of a generation job is ever exported: Node 20 can deadlock when
    // one is exported while a garbage collection finalizes its job (both take the key's mutex;
    // seen as a hung test worker). EC keys come from an ECDH object (no job) and are imported
    // as a JWK; other keys leave the job as PKCS#8 bytes and are imported from them (slower).
    let object: KeyObject;
    if (isEcCurve(curve) && typeof crypto.createECDH === 'function') {
      const size = curveFieldSize(curve);
      const ecdh = crypto.createECDH(ECDH_CURVE_NAMES[curve]);
      const point = ecdh.generateKeys();
      const d = leftPad(ecdh.getPrivateKey(), size);
      const b64 = toBase64Url;
      object = crypto.createPrivateKey({ key: { kty: 'EC', crv: curve, x: b64(point.subarray(1, 1 + size)), y: b64(point.subarray(1 + size)), d: b64(d) }, format: 'jwk' });
    } else {
      const { privateKey: pkcs8 } = crypto.generateKeyPairSync(isEcCurve(curve) ? 'ec' : curve === 'Ed25519' ? 'ed25519' : 'x25519', {
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
        publicKeyEncoding: { type: 'spki', format: 'der' },
        ...(isEcCurve(curve) ? { namedCurve: curve } : {}),
      });
      object = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    }
    const jwk = object.export({ format: 'jwk' });
    const bytes = (name: string) => fromBase64(String(jwk[name]));
    if (isEcCurve(curve)) {
      const key = generated<EcPrivateKey>({ kty: 'EC', crv: curve, x: bytes('x'), y: bytes('y'), d: bytes('d') });
      // The KeyObject serves signing and key agreement: nothing to import later.
      keepPrivateKeyObject(key, ['ECDSA', 'ECDH'], object);
      return key;
    }
    const key = generated<OkpPrivateKey>({ kty: 'OKP', crv: curve, x: bytes('x'), d: bytes('d') });
    keepPrivateKeyObject(key, [curve === 'Ed25519' ? 'Ed25519' : 'ECDH'], object);
    return key;
  }

  function aesName(key: Uint8Array): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
    return key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
  }

  async function digest(hash: HashAlg, data: Uint8Array): Promise<Uint8Array> {
    assertBytes(data, 'data');
    checkHash(hash, true);
    return hashSync(hash, data);
  }

  return Object.freeze({
    name: 'node',

    digest,

    async hmac(hash: HashAlg, key: Uint8Array, data: Uint8Array) {
      assertBytes(key, 'key');
      assertBytes(data, 'data');
      checkHash(hash, false);
      return plain(crypto.createHmac(HASH_NAMES[hash], key).update(data).digest());
    },

    async hkdf(hash: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
      assertBytes(ikm, 'ikm');
      assertBytes(salt, 'salt');
      assertBytes(info, 'info');
      checkHkdfLength(hash, length);
      if (length === 0) return new Uint8Array(0);
      // Node refuses info longer than 1024 bytes, which RFC 5869 allows.
      if (info.length > 1024) return fallback.hkdf(hash, ikm, salt, info, length);
      return plain(crypto.hkdfSync(HASH_NAMES[hash], ikm, salt, info, length));
    },

    async ecdsaSign(key: EcPrivateKey, hash: HashAlg, data: Uint8Array) {
      assertBytes(data, 'data');
      checkHash(hash, false);
      if (key?.kty !== 'EC') throw keyError('expected an EC private key');
      await checkPrivate(key, (h) => h.checkEcPrivateKey(key));
      const k = privateKeyObject(key, 'ECDSA');
      return plain(crypto.sign(HASH_NAMES[hash], data, { key: k, dsaEncoding: 'ieee-p1363' }));
    },

    async ecdsaVerify(key: EcPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
      assertBytes(data, 'data');
      assertBytes(signature, 'signature');
      checkHash(hash, false);
      if (key?.kty !== 'EC') throw keyError('expected an EC key');
      const k = ecKeyObject(key);
      if (signature.length !== 2 * curveFieldSize(key.crv)) return false;
      try {
        return crypto.verify(HASH_NAMES[hash], data, { key: k, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },

    async ed25519Sign(key: OkpPrivateKey, data: Uint8Array) {
      assertBytes(data, 'data');
      if (key?.crv !== 'Ed25519') throw keyError('expected an OKP Ed25519 private key');
      await checkPrivate(key, (h) => h.checkOkpPrivateKey(key, 'Ed25519'));
      return plain(crypto.sign(null, data, privateKeyObject(key, 'Ed25519')));
    },

    async ed25519Verify(key: OkpPublicKey, data: Uint8Array, signature: Uint8Array) {
      assertBytes(data, 'data');
      assertBytes(signature, 'signature');
      const x = checkOkpPublicKey(key, 'Ed25519');
      const k = publicKeyObject('Ed25519', x);
      if (signature.length !== 64) return false;
      try {
        return crypto.verify(null, data, k, signature);
      } catch {
        return false;
      }
    },

    async ecdh(privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey) {
      if (privateKey?.kty === 'OKP' && privateKey.crv !== 'X25519') throw new CryptoError('ERR_CRYPTO_KEY', 'ECDH needs an EC or X25519 private key');
      await checkPrivate(privateKey, (h) => h.checkEcdhPrivate(privateKey));
      const peer = checkEcdhPeer(privateKey, publicKey);
      const priv = privateKeyObject(privateKey, 'ECDH');
      let secret: Uint8Array;
      try {
        const peerKey = publicKey.kty === 'EC' ? ecKeyObject(publicKey, true) : publicKeyObject(privateKey.crv, peer);
        secret = plain(crypto.diffieHellman({ privateKey: priv, publicKey: peerKey }));
      } catch (e) {
        // OpenSSL refuses a low-order X25519 point here (the all-zero output).
        throw ecdhError(`${privateKey.crv} key agreement failed`, e);
      }
      return privateKey.kty === 'EC' ? secret : checkX25519Output(secret);
    },

    async aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) {
      checkAesGcm(key, iv, plaintext, aad);
      let cipher: Cipher;
      try {
        cipher = crypto.createCipheriv(aesName(key), key, iv, { authTagLength: 16 });
      } catch {
        // OpenSSL's GCM takes IVs up to 128 bytes; SP 800-38D allows longer ones.
        return fallback.aesGcmEncrypt(key, iv, plaintext, aad);
      }
      if (aad !== undefined) cipher.setAAD(aad);
      const body = cipher.update(plaintext);
      const last = cipher.final();
      const tag = cipher.getAuthTag();
      const out = new Uint8Array(body.length + last.length + 16);
      out.set(body, 0);
      out.set(last, body.length);
      out.set(tag, body.length + last.length);
      return out;
    },

    async aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array) {
      checkAesGcm(key, iv, ciphertext, aad);
      if (ciphertext.length < 16) throw new CryptoError('ERR_CRYPTO_DECRYPT', 'AES-GCM ciphertext is shorter than the tag');
      const split = ciphertext.length - 16;
      let decipher: Decipher;
      try {
        decipher = crypto.createDecipheriv(aesName(key), key, iv, { authTagLength: 16 });
      } catch {
        return fallback.aesGcmDecrypt(key, iv, ciphertext, aad);
      }
      decipher.setAuthTag(ciphertext.subarray(split));
      if (aad !== undefined) decipher.setAAD(aad);
      const body = decipher.update(ciphertext.subarray(0, split));
      let last: Uint8Array;
      try {
        last = decipher.final();
      } catch (e) {
        throw new CryptoError('ERR_CRYPTO_DECRYPT', 'AES-GCM tag does not verify', { cause: e });
      }
      const out = new Uint8Array(body.length + last.length);
      out.set(body, 0);
      out.set(last, body.length);
      return out;
    },

    async rsaPkcs1Verify(key: RsaPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array) {
      return (await loadRsa()).rsaPkcs1Verify(key, hash, data, signature, hashSync);
    },

    generateKeyPair,

    randomBytes(length: number) {
      return randomBytes(length);
    },
  });
}

/** The backend made for the last `node:crypto` module seen (one per module object). */
let made: { readonly module: NodeCrypto; readonly backend: CryptoBackend } | undefined;

/**
 * The node:crypto backend when this runtime provides `node:crypto` (Node, Deno, Bun), else
 * undefined (browsers, workers without it, React Native, QuickJS). Looked up at each call,
 * the backend made once.
 */
export function nodeCryptoBackend(): CryptoBackend | undefined {
  const mod = builtinCrypto();
  if (mod === undefined) return undefined;
  if (made?.module !== mod) made = { module: mod, backend: makeBackend(mod, lazyNobleBackend) };
  return made.backend;
}
