/**
 * Hybrid Public Key Encryption (RFC 9180), base mode only (`mode_base` = 0x00, §5.1.1), for
 * the one suite ISO/IEC TS 18013-7 Annex C and Apple's `APPLE-HPKE-v1` use:
 *
 * - KEM  0x0010 DHKEM(P-256, HKDF-SHA256) (§4.1, §7.1): Nsecret 32, Nenc = Npk 65, Nsk 32;
 * - KDF  0x0001 HKDF-SHA256 (§7.2): Nh 32;
 * - AEAD 0x0001 AES-128-GCM (§7.3): Nk 16, Nn 12, Nt 16.
 *
 * LabeledExtract / LabeledExpand (§4) run over HKDF-Extract and HKDF-Expand (RFC 5869
 * §2.2, §2.3) built from the backend's HMAC, so every label is exactly the RFC's. Also here:
 * DeriveKeyPair (§7.1.3), public key (de)serialisation and validation (§7.1.1, §7.1.4), the
 * key schedule (§5.1), the sender and recipient contexts with their sequence numbers
 * (§5.2), secret export (§5.3) and the single-shot Seal/Open (§6.1).
 *
 * Any failure to open (a bad `enc`, the wrong key, info or aad, a tampered ciphertext)
 * throws one `OnlineError('ERR_HPKE_OPEN')` whose message never says which check failed.
 *
 * @example
 * ```ts
 * const skR = await generateHpkeKeyPair();
 * const { enc, ciphertext } = await hpkeSealBase({ recipientPublicKey: publicKeyOf(skR), info, plaintext });
 * const pt = await hpkeOpenBase({ recipientPrivateKey: skR, enc, info, ciphertext });
 * ```
 */

import { resolveBackend } from '../crypto/index.js';
import { ecPublicKeyFromRaw, ecPublicKeyToRaw } from '../crypto/keys.js';
import { curveOrder } from '../crypto/curve-order.js';
import { checkEcPrivateKey, ecPrivateKeyFromScalar } from '../crypto/key-from-secret.js';
import type { BackendOptions, CryptoBackend, EcPrivateKey, EcPublicKey } from '../crypto/types.js';
import { OnlineError } from '../errors.js';
import { assertBytes, concat, utf8Encode } from '../internal/bytes.js';

/** The algorithm identifiers of the one suite implemented here (RFC 9180 §7.1–§7.3). */
export const HpkeSuite = { mode: 0x00, kemId: 0x0010, kdfId: 0x0001, aeadId: 0x0001 } as const;
export type HpkeSuite = typeof HpkeSuite;

const N_SECRET = 32;
const N_ENC = 65;
const N_SK = 32;
const N_H = 32;
const N_K = 16;
const N_N = 12;
const N_T = 16;

/** Sequence numbers are JavaScript integers: §5.2 allows a counter shorter than Nn bytes. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

const HPKE_V1 = utf8Encode('HPKE-v1');
/** suite_id = concat("KEM", I2OSP(kem_id, 2)) (§4.1). */
const KEM_SUITE_ID = concat(utf8Encode('KEM'), i2osp(HpkeSuite.kemId, 2));
/** suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2)) (§5.1). */
const HPKE_SUITE_ID = concat(
  utf8Encode('HPKE'),
  i2osp(HpkeSuite.kemId, 2),
  i2osp(HpkeSuite.kdfId, 2),
  i2osp(HpkeSuite.aeadId, 2),
);
const EMPTY = new Uint8Array(0);

/** The message of every open failure: the same text whatever went wrong. */
const OPEN_FAILED = 'HPKE open failed';

function i2osp(n: number, w: number): Uint8Array {
  const out = new Uint8Array(w);
  for (let i = w - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

function os2ip(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** HKDF-Extract (RFC 5869 §2.2): HMAC-Hash(salt, IKM), an empty salt being Nh zero bytes. */
function extract(backend: CryptoBackend, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return backend.hmac('SHA-256', salt.length === 0 ? new Uint8Array(N_H) : salt, ikm);
}

/** HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC-Hash(PRK, T(i-1) | info | i), L ≤ 255·Nh. */
async function expand(backend: CryptoBackend, prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let t: Uint8Array = EMPTY;
  for (let i = 1, o = 0; o < length; i++) {
    t = await backend.hmac('SHA-256', prk, concat(t, info, Uint8Array.of(i)));
    out.set(t.subarray(0, Math.min(t.length, length - o)), o);
    o += t.length;
  }
  return out;
}

/** LabeledExtract(salt, label, ikm) (§4). */
function labeledExtract(
  backend: CryptoBackend,
  suiteId: Uint8Array,
  salt: Uint8Array,
  name: string,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  return extract(backend, salt, concat(HPKE_V1, suiteId, utf8Encode(name), ikm));
}

/** LabeledExpand(prk, label, info, L) (§4). */
function labeledExpand(
  backend: CryptoBackend,
  suiteId: Uint8Array,
  prk: Uint8Array,
  name: string,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  return expand(backend, prk, concat(i2osp(length, 2), HPKE_V1, suiteId, utf8Encode(name), info), length);
}

/** ExtractAndExpand(dh, kem_context) of DHKEM (§4.1). */
async function extractAndExpand(backend: CryptoBackend, dh: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(backend, KEM_SUITE_ID, EMPTY, 'eae_prk', dh);
  return labeledExpand(backend, KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, N_SECRET);
}

/** The secrets of a context: KeySchedule (§5.1) with mode_base and the default psk, psk_id. */
interface ContextSecrets {
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
}

async function keySchedule(backend: CryptoBackend, sharedSecret: Uint8Array, info: Uint8Array): Promise<ContextSecrets> {
  const pskIdHash = await labeledExtract(backend, HPKE_SUITE_ID, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = await labeledExtract(backend, HPKE_SUITE_ID, EMPTY, 'info_hash', info);
  const context = concat(Uint8Array.of(HpkeSuite.mode), pskIdHash, infoHash);
  const secret = await labeledExtract(backend, HPKE_SUITE_ID, sharedSecret, 'secret', EMPTY);
  return {
    key: await labeledExpand(backend, HPKE_SUITE_ID, secret, 'key', context, N_K),
    baseNonce: await labeledExpand(backend, HPKE_SUITE_ID, secret, 'base_nonce', context, N_N),
    exporterSecret: await labeledExpand(backend, HPKE_SUITE_ID, secret, 'exp', context, N_H),
  };
}

/** SerializePublicKey (§7.1.1) of a recipient key, validated (§7.1.4). Throws `ERR_HPKE_KEY`. */
function recipientPublicKeyBytes(key: EcPublicKey): Uint8Array {
  if (typeof key !== 'object' || key === null) throw new TypeError('recipientPublicKey must be an EC public key');
  if (key.kty !== 'EC' || key.crv !== 'P-256') {
    throw new OnlineError('ERR_HPKE_KEY', 'the HPKE recipient key must be an EC P-256 public key');
  }
  try {
    const raw = ecPublicKeyToRaw(key);
    ecPublicKeyFromRaw('P-256', raw);
    return raw;
  } catch (e) {
    throw new OnlineError('ERR_HPKE_KEY', 'the HPKE recipient key is not a P-256 point', { cause: e });
  }
}

/** Check the recipient's own private key (not hostile input): returns pkRm. Throws `ERR_HPKE_KEY`. */
function recipientPrivateKeyBytes(key: EcPrivateKey): Uint8Array {
  if (typeof key !== 'object' || key === null) throw new TypeError('recipientPrivateKey must be an EC private key');
  if (key.kty !== 'EC' || key.crv !== 'P-256') {
    throw new OnlineError('ERR_HPKE_KEY', 'the HPKE recipient key must be an EC P-256 private key');
  }
  try {
    checkEcPrivateKey(key);
    return ecPublicKeyToRaw(key);
  } catch (e) {
    throw new OnlineError('ERR_HPKE_KEY', 'the HPKE recipient private key is not a valid P-256 key', { cause: e });
  }
}

function assertOptionalBytes(value: unknown, name: string): Uint8Array {
  if (value === undefined) return EMPTY;
  assertBytes(value, name);
  return value;
}

/**
 * DeriveKeyPair(ikm) for DHKEM(P-256, HKDF-SHA256) (RFC 9180 §7.1.3): rejection sampling of
 * `LabeledExpand(dkp_prk, "candidate", counter, 32)` (bitmask 0xFF) until 0 < sk < order.
 * @param ikm input keying material, at least 32 bytes (`RangeError` if shorter).
 * @throws OnlineError `ERR_HPKE_KEY` in the (negligible) case that 256 candidates all fail.
 */
export async function hpkeDeriveKeyPair(ikm: Uint8Array, options: BackendOptions = {}): Promise<EcPrivateKey> {
  assertBytes(ikm, 'ikm');
  if (ikm.length < N_SK) throw new RangeError(`ikm must be at least ${N_SK} bytes, got ${ikm.length}`);
  const backend = resolveBackend(options);
  const dkpPrk = await labeledExtract(backend, KEM_SUITE_ID, EMPTY, 'dkp_prk', ikm);
  for (let counter = 0; counter <= 255; counter++) {
    const bytes = await labeledExpand(backend, KEM_SUITE_ID, dkpPrk, 'candidate', Uint8Array.of(counter), N_SK);
    bytes[0] = bytes[0]! & 0xff; // the P-256 bitmask: a no-op, kept to follow the RFC
    const sk = os2ip(bytes);
    // RFC 9180 §7.1.3: a candidate in [1, n-1] of P-256.
    if (sk !== 0n && sk < curveOrder('P-256')) return ecPrivateKeyFromScalar('P-256', bytes);
  }
  throw new OnlineError('ERR_HPKE_KEY', 'HPKE DeriveKeyPair failed (DeriveKeyPairError)');
}

/** A fresh random P-256 key pair for HPKE (GenerateKeyPair, RFC 9180 §4), from the backend. */
export function generateHpkeKeyPair(options: BackendOptions = {}): Promise<EcPrivateKey> {
  return resolveBackend(options).generateKeyPair('P-256');
}

/**
 * State shared by the two context roles (RFC 9180 §5.2): the AEAD key, base nonce, sequence
 * number and exporter secret. Operations run one at a time, in call order, so concurrent
 * calls can never reuse a nonce.
 */
abstract class HpkeContext {
  readonly #secrets: ContextSecrets;
  protected readonly backend: CryptoBackend;
  #seq = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(secrets: ContextSecrets, backend: CryptoBackend) {
    this.#secrets = {
      key: secrets.key.slice(),
      baseNonce: secrets.baseNonce.slice(),
      exporterSecret: secrets.exporterSecret.slice(),
    };
    this.backend = backend;
  }

  /** The AEAD key (secret: for test vectors and diagnostics only). */
  get key(): Uint8Array {
    return this.#secrets.key.slice();
  }

  /** The base nonce (secret: for test vectors and diagnostics only). */
  get baseNonce(): Uint8Array {
    return this.#secrets.baseNonce.slice();
  }

  /** The exporter secret (secret: for test vectors and diagnostics only). */
  get exporterSecret(): Uint8Array {
    return this.#secrets.exporterSecret.slice();
  }

  /** The sequence number of the next message: messages sealed or opened so far. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Export(exporter_context, L) (RFC 9180 §5.3): a secret of `length` bytes (0 to 8160).
   * @throws RangeError for a length outside that range.
   */
  export(exporterContext: Uint8Array, length: number): Promise<Uint8Array> {
    assertBytes(exporterContext, 'exporterContext');
    if (!Number.isInteger(length) || length < 0 || length > 255 * N_H) {
      throw new RangeError(`length must be an integer from 0 to ${255 * N_H}`);
    }
    return labeledExpand(this.backend, HPKE_SUITE_ID, this.#secrets.exporterSecret, 'sec', exporterContext, length);
  }

  /**
   * Run `op` with the current nonce once the previous operation has settled; the sequence
   * number advances only when `op` succeeds (ContextR.Open, ContextS.Seal, §5.2).
   */
  protected step<T>(op: (key: Uint8Array, nonce: Uint8Array) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      // §5.2 IncrementSeq: refuse before the counter could overflow.
      if (this.#seq >= MAX_SEQ) throw new RangeError('the HPKE context has reached its message limit');
      const result = await op(this.#secrets.key, this.#nonce(this.#seq));
      this.#seq += 1;
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** ComputeNonce(seq) (§5.2): base_nonce XOR I2OSP(seq, Nn). */
  #nonce(seq: number): Uint8Array {
    const nonce = this.#secrets.baseNonce.slice();
    const seqBytes = i2osp(seq, N_N);
    for (let i = 0; i < N_N; i++) nonce[i] = nonce[i]! ^ seqBytes[i]!;
    return nonce;
  }
}

/** The sender's context (ContextS, RFC 9180 §5.2), from {@link hpkeSetupBaseS}. */
export class HpkeSenderContext extends HpkeContext {
  /** ContextS.Seal(aad, pt): AES-128-GCM ciphertext with its 16-byte tag appended. */
  seal(plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
    assertBytes(plaintext, 'plaintext');
    const ad = assertOptionalBytes(aad, 'aad');
    return this.step((key, nonce) => this.backend.aesGcmEncrypt(key, nonce, plaintext, ad));
  }
}

/** The recipient's context (ContextR, RFC 9180 §5.2), from {@link hpkeSetupBaseR}. */
export class HpkeRecipientContext extends HpkeContext {
  /**
   * ContextR.Open(aad, ct). A failure leaves the sequence number where it was.
   * @throws OnlineError `ERR_HPKE_OPEN` when the ciphertext does not open.
   */
  open(ciphertext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
    assertBytes(ciphertext, 'ciphertext');
    const ad = assertOptionalBytes(aad, 'aad');
    return this.step(async (key, nonce) => {
      try {
        if (ciphertext.length < N_T) throw new Error('short');
        return await this.backend.aesGcmDecrypt(key, nonce, ciphertext, ad);
      } catch {
        throw new OnlineError('ERR_HPKE_OPEN', OPEN_FAILED);
      }
    });
  }
}

/** Options of {@link hpkeSetupBaseS}. */
export interface HpkeSetupBaseSOptions extends BackendOptions {
  /** pkR: the recipient's P-256 public key. */
  readonly recipientPublicKey: EcPublicKey;
  /** Application info bound into the key schedule (in mdoc flows, the SessionTranscript bytes). */
  readonly info: Uint8Array;
  /**
   * Testing only: derive the ephemeral key from this ikm (DeriveKeyPair) instead of drawing
   * a fresh one, to reproduce published vectors. Never use it otherwise.
   */
  readonly ikmE?: Uint8Array;
}

/** Result of {@link hpkeSetupBaseS}. */
export interface HpkeSetupBaseSResult {
  /** The encapsulated key: the ephemeral public key, 65 bytes uncompressed. */
  readonly enc: Uint8Array;
  readonly context: HpkeSenderContext;
}

/**
 * SetupBaseS(pkR, info) (RFC 9180 §5.1.1): Encap to the recipient key (§4.1), then the key
 * schedule.
 * @throws OnlineError `ERR_HPKE_KEY` when the recipient key is not a valid P-256 public key.
 */
export async function hpkeSetupBaseS(options: HpkeSetupBaseSOptions): Promise<HpkeSetupBaseSResult> {
  const pkRm = recipientPublicKeyBytes(options.recipientPublicKey);
  assertBytes(options.info, 'info');
  const backend = resolveBackend(options);
  const skE =
    options.ikmE === undefined
      ? await backend.generateKeyPair('P-256')
      : await hpkeDeriveKeyPair(options.ikmE, { backend });
  let dh: Uint8Array;
  try {
    dh = await backend.ecdh(skE, options.recipientPublicKey);
  } catch (e) {
    throw new OnlineError('ERR_HPKE_KEY', 'ECDH with the HPKE recipient key failed', { cause: e });
  }
  const enc = ecPublicKeyToRaw(skE);
  const sharedSecret = await extractAndExpand(backend, dh, concat(enc, pkRm));
  const secrets = await keySchedule(backend, sharedSecret, options.info);
  return { enc, context: new HpkeSenderContext(secrets, backend) };
}

/** Options of {@link hpkeSetupBaseR}. */
export interface HpkeSetupBaseROptions extends BackendOptions {
  /** skR: the recipient's P-256 private key. */
  readonly recipientPrivateKey: EcPrivateKey;
  /** The encapsulated key received from the sender (65 bytes). */
  readonly enc: Uint8Array;
  /** The same info the sender used. */
  readonly info: Uint8Array;
}

/**
 * SetupBaseR(enc, skR, info) (RFC 9180 §5.1.1): Decap (§4.1) with the ephemeral key validated
 * (§7.1.4), then the key schedule.
 * @throws OnlineError `ERR_HPKE_OPEN` when `enc` is not a P-256 point; `ERR_HPKE_KEY` when
 * the private key is not a consistent P-256 key.
 */
export async function hpkeSetupBaseR(options: HpkeSetupBaseROptions): Promise<HpkeRecipientContext> {
  const pkRm = recipientPrivateKeyBytes(options.recipientPrivateKey);
  assertBytes(options.enc, 'enc');
  assertBytes(options.info, 'info');
  const backend = resolveBackend(options);
  let sharedSecret: Uint8Array;
  try {
    // DeserializePublicKey (§7.1.1): uncompressed only, Nenc bytes, on the curve.
    if (options.enc.length !== N_ENC || options.enc[0] !== 0x04) throw new Error('enc');
    const pkE = ecPublicKeyFromRaw('P-256', options.enc);
    const dh = await backend.ecdh(options.recipientPrivateKey, pkE);
    sharedSecret = await extractAndExpand(backend, dh, concat(options.enc, pkRm));
  } catch {
    throw new OnlineError('ERR_HPKE_OPEN', OPEN_FAILED);
  }
  const secrets = await keySchedule(backend, sharedSecret, options.info);
  return new HpkeRecipientContext(secrets, backend);
}

/** Options of {@link hpkeSealBase}. */
export interface HpkeSealBaseOptions extends HpkeSetupBaseSOptions {
  /** Additional authenticated data (default empty; mdoc flows use empty aad). */
  readonly aad?: Uint8Array;
  readonly plaintext: Uint8Array;
}

/** Result of {@link hpkeSealBase}. */
export interface HpkeSealBaseResult {
  /** The encapsulated key: 65 bytes, uncompressed. */
  readonly enc: Uint8Array;
  /** The ciphertext with its 16-byte tag appended. */
  readonly ciphertext: Uint8Array;
}

/**
 * SealBase(pkR, info, aad, pt) (RFC 9180 §6.1): single-shot encryption to a P-256 key.
 * @throws OnlineError `ERR_HPKE_KEY` for an invalid recipient public key.
 * @example const { enc, ciphertext } = await hpkeSealBase({ recipientPublicKey, info, plaintext })
 */
export async function hpkeSealBase(options: HpkeSealBaseOptions): Promise<HpkeSealBaseResult> {
  assertBytes(options.plaintext, 'plaintext');
  const aad = assertOptionalBytes(options.aad, 'aad');
  const { enc, context } = await hpkeSetupBaseS(options);
  return { enc, ciphertext: await context.seal(options.plaintext, aad) };
}

/** Options of {@link hpkeOpenBase}. */
export interface HpkeOpenBaseOptions extends HpkeSetupBaseROptions {
  /** The additional authenticated data the sender used (default empty). */
  readonly aad?: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/**
 * OpenBase(enc, skR, info, aad, ct) (RFC 9180 §6.1): single-shot decryption.
 * @throws OnlineError `ERR_HPKE_OPEN` for any failure to open (one message, no oracle);
 * `ERR_HPKE_KEY` when the recipient's own private key is not a consistent P-256 key.
 */
export async function hpkeOpenBase(options: HpkeOpenBaseOptions): Promise<Uint8Array> {
  assertBytes(options.ciphertext, 'ciphertext');
  const aad = assertOptionalBytes(options.aad, 'aad');
  const context = await hpkeSetupBaseR(options);
  return context.open(options.ciphertext, aad);
}
