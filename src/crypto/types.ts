/**
 * The CryptoBackend interface: every primitive shomei needs, behind one async API,
 * so that the same code runs on WebCrypto (Node, browsers, Deno, Bun, workers) and on
 * pure TypeScript (@noble/*, for React Native's Hermes and anywhere without WebCrypto).
 *
 * Keys are plain data (JWK-like, with raw byte fields), never engine handles, so they
 * can be stored, compared and passed between backends.
 */

/** Hash functions. SHA-1 is only for JPKI DigestInfo and legacy RSA verification. */
export type HashAlg = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** NIST curves for ECDSA and ECDH. */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/** Octet key pair curves. */
export type OkpCurve = 'Ed25519' | 'X25519';

/** Curves usable for key agreement. */
export type EcdhCurve = EcCurve | 'X25519';

/** Any curve shomei can generate a key on. */
export type Curve = EcCurve | OkpCurve;

/** An EC public key: uncompressed affine coordinates, each exactly the field size. */
export interface EcPublicKey {
  readonly kty: 'EC';
  readonly crv: EcCurve;
  readonly x: Uint8Array;
  readonly y: Uint8Array;
}

/** An EC private key: the public coordinates plus the scalar `d` (field size bytes). */
export interface EcPrivateKey extends EcPublicKey {
  readonly d: Uint8Array;
}

/** An Ed25519 or X25519 public key (32 bytes). */
export interface OkpPublicKey {
  readonly kty: 'OKP';
  readonly crv: OkpCurve;
  readonly x: Uint8Array;
}

/** An Ed25519 or X25519 private key: public `x` plus the 32-byte secret `d`. */
export interface OkpPrivateKey extends OkpPublicKey {
  readonly d: Uint8Array;
}

/** An RSA public key: big-endian modulus and exponent without leading zero bytes. */
export interface RsaPublicKey {
  readonly kty: 'RSA';
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

export type PublicKey = EcPublicKey | OkpPublicKey;
export type PrivateKey = EcPrivateKey | OkpPrivateKey;

/**
 * Every cryptographic primitive shomei uses. All operations are async, all inputs and
 * outputs are Uint8Array. Both backends follow the same rules:
 * - a signature that does not verify, or is malformed, returns `false` (never throws);
 * - an invalid public key, or a private key whose public part does not match `d`,
 *   throws `CryptoError` `ERR_CRYPTO_KEY`;
 * - SHA-1 is accepted only by `digest` and RSA verification (`ERR_CRYPTO_UNSUPPORTED`
 *   elsewhere), as are unknown hash and curve names;
 * - AES-GCM IVs must be at least 8 bytes (`RangeError`).
 */
export interface CryptoBackend {
  /** A short name for reports and benchmarks: `'webcrypto'` or `'noble'`. */
  readonly name: string;

  /** Hash `data`. */
  digest(hash: HashAlg, data: Uint8Array): Promise<Uint8Array>;

  /** HMAC of `data` under `key`. */
  hmac(hash: HashAlg, key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;

  /** HKDF (RFC 5869) extract-and-expand to `length` bytes. */
  hkdf(hash: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;

  /** ECDSA signature over `data` (hashed with `hash`), raw r||s (IEEE P1363). */
  ecdsaSign(key: EcPrivateKey, hash: HashAlg, data: Uint8Array): Promise<Uint8Array>;

  /** Verify a raw r||s ECDSA signature. Malformed signatures return false. */
  ecdsaVerify(key: EcPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array): Promise<boolean>;

  /** Ed25519 signature (RFC 8032, pure). */
  ed25519Sign(key: OkpPrivateKey, data: Uint8Array): Promise<Uint8Array>;

  /** Verify an Ed25519 signature. */
  ed25519Verify(key: OkpPublicKey, data: Uint8Array, signature: Uint8Array): Promise<boolean>;

  /**
   * ECDH shared secret (the x-coordinate for NIST curves, RFC 7748 output for X25519).
   * Throws `CryptoError` (`ERR_CRYPTO_ECDH`) for an invalid peer key or an all-zero X25519 result.
   */
  ecdh(privateKey: EcPrivateKey | OkpPrivateKey, publicKey: EcPublicKey | OkpPublicKey): Promise<Uint8Array>;

  /** AES-GCM (128/192/256 by key length) with a 16-byte tag appended to the ciphertext. */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array>;

  /** AES-GCM decryption; throws `CryptoError` (`ERR_CRYPTO_DECRYPT`) when the tag does not verify. */
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array>;

  /** RSASSA-PKCS1-v1_5 verification over `data` hashed with `hash`. */
  rsaPkcs1Verify(key: RsaPublicKey, hash: HashAlg, data: Uint8Array, signature: Uint8Array): Promise<boolean>;

  /** A fresh key pair on `curve`. */
  generateKeyPair(curve: 'P-256' | 'P-384' | 'P-521'): Promise<EcPrivateKey>;
  generateKeyPair(curve: OkpCurve): Promise<OkpPrivateKey>;
  generateKeyPair(curve: Curve): Promise<PrivateKey>;

  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
}

/** Per-call option accepted by every API that does cryptography. */
export interface BackendOptions {
  /** The backend to use; defaults to {@link defaultBackend}. */
  readonly backend?: CryptoBackend;
}
