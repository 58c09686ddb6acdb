/**
 * JWE compact serialization (RFC 7516 §3.1, §5.1, §5.2) with direct key agreement
 * `ECDH-ES` on P-256 (RFC 7518 §4.6, Concat KDF §4.6.2) and content encryption `A128GCM`
 * or `A256GCM` (RFC 7518 §5.3): what OpenID4VP 1.0 §8.3 uses for encrypted responses
 * (`dc_api.jwt`, `direct_post.jwt`). Runs over any CryptoBackend.
 *
 * ```
 * JWE = BASE64URL(UTF8(protected header)) "." "" "." BASE64URL(iv) "." BASE64URL(ciphertext) "." BASE64URL(tag)
 * protected header = { "alg": "ECDH-ES", "enc": "A128GCM" / "A256GCM", "epk": P-256 public JWK,
 *                      ? "kid": tstr, ? "apu": b64url, ? "apv": b64url }
 * CEK = Concat KDF (SHA-256, NIST SP 800-56A §5.8.1) of Z = ECDH(epk, recipient key), with
 *   OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo
 *   AlgorithmID = len32 || ASCII(enc), PartyUInfo = len32 || apu, PartyVInfo = len32 || apv,
 *   SuppPubInfo = uint32(key bits)
 * AAD = ASCII(BASE64URL(UTF8(protected header))) exactly as received; IV 96 bits; tag 128 bits
 * ```
 *
 * Decryption parses strictly (five parts, an empty encrypted key, canonical base64url
 * without padding, a JSON object header with `alg`, `enc` and an on-curve P-256 `epk`, no
 * `zip`, no `crit`) and, once the header is accepted, every failure is one generic
 * `ERR_JWE_DECRYPT`.
 */

import { resolveBackend } from '../crypto/index.js';
import { ecPublicKeyFromRaw } from '../crypto/keys.js';
import { checkEcPrivateKey } from '../crypto/key-from-secret.js';
import type { BackendOptions, CryptoBackend, EcPrivateKey, EcPublicKey } from '../crypto/types.js';
import { isShomeiError, OnlineError } from '../errors.js';
import { base64Value, concat, fromBase64, toBase64Url, utf8Decode, utf8Encode } from '../internal/bytes.js';
import { parseJson } from './json.js';

/** The key management algorithm: ECDH-ES direct key agreement (RFC 7518 §4.6). */
export const JWE_ALG_ECDH_ES = 'ECDH-ES';

/** Content encryption algorithms supported (RFC 7518 §5.3). */
export const JweEnc = { A128GCM: 'A128GCM', A256GCM: 'A256GCM' } as const;
export type JweEnc = (typeof JweEnc)[keyof typeof JweEnc];

const KEY_BYTES: Readonly<Record<JweEnc, number>> = { A128GCM: 16, A256GCM: 32 };

/** A decoded, validated JWE protected header. */
export interface JweHeader {
  readonly alg: typeof JWE_ALG_ECDH_ES;
  readonly enc: JweEnc;
  /** The sender's ephemeral public key, checked to be on P-256. */
  readonly epk: EcPublicKey;
  readonly kid?: string;
  /** Agreement PartyUInfo, decoded. */
  readonly apu?: Uint8Array;
  /** Agreement PartyVInfo, decoded. */
  readonly apv?: Uint8Array;
  /** Every member of the header as received (JSON values), in an object without prototype. */
  readonly members: Readonly<Record<string, unknown>>;
}

function malformed(message: string, cause?: unknown): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', `JWE: ${message}`, cause === undefined ? {} : { cause });
}

/** Deliberately without a cause: which step failed is not said. */
function decryptError(): OnlineError {
  return new OnlineError('ERR_JWE_DECRYPT', 'the JWE does not decrypt with this key');
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decode canonical base64url without padding (RFC 7515 §2): only the URL-safe alphabet,
 * no `=`, and no stray bits in the last character. Returns undefined for anything else.
 * Checked in place, not by encoding the bytes again (which would build a string many times
 * the size of a multi-megabyte ciphertext).
 */
export function fromBase64UrlStrict(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !B64URL.test(text)) return undefined;
  const rest = text.length % 4;
  if (rest === 1) return undefined;
  // A last character carrying 4 bits (2 left over) or 2 bits (3 left over) of a byte: its other bits must be 0.
  if (rest !== 0 && (base64Value(text.charCodeAt(text.length - 1)) & (rest === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return fromBase64(text);
}

function isEnc(value: unknown): value is JweEnc {
  return value === JweEnc.A128GCM || value === JweEnc.A256GCM;
}

function uint32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function lengthPrefixed(data: Uint8Array): Uint8Array {
  return concat(uint32(data.length), data);
}

/**
 * The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A single-step KDF with SHA-256) for
 * direct key agreement: the content encryption key for `enc` from the shared secret `z`.
 * @example await concatKdf(z, 'A128GCM', utf8Encode('Alice'), utf8Encode('Bob')) // RFC 7518 Appendix C
 */
export async function concatKdf(
  z: Uint8Array,
  enc: JweEnc,
  apu: Uint8Array = new Uint8Array(0),
  apv: Uint8Array = new Uint8Array(0),
  options: BackendOptions = {},
): Promise<Uint8Array> {
  if (!isEnc(enc)) throw new TypeError(`enc must be A128GCM or A256GCM (got ${String(enc)})`);
  const backend = resolveBackend(options);
  const keyBytes = KEY_BYTES[enc];
  const otherInfo = concat(lengthPrefixed(utf8Encode(enc)), lengthPrefixed(apu), lengthPrefixed(apv), uint32(keyBytes * 8));
  const rounds: Uint8Array[] = [];
  for (let counter = 1; counter <= Math.ceil(keyBytes / 32); counter++) {
    rounds.push(await backend.digest('SHA-256', concat(uint32(counter), z, otherInfo)));
  }
  return concat(...rounds).slice(0, keyBytes);
}

function checkP256(key: EcPublicKey | EcPrivateKey, name: string): void {
  if (key?.kty !== 'EC' || key.crv !== 'P-256') throw new TypeError(`${name} must be a P-256 key`);
}

/** What to encrypt, and to whom. */
export interface EncryptJweOptions extends BackendOptions {
  /** The recipient's P-256 public key (for OpenID4VP, from the verifier's `client_metadata.jwks`). */
  readonly recipientKey: EcPublicKey;
  readonly plaintext: Uint8Array;
  /** Content encryption; default `A128GCM`. */
  readonly enc?: JweEnc;
  /** Copied to the `kid` header (OpenID4VP: the chosen JWK's `kid`). */
  readonly kid?: string;
  readonly apu?: Uint8Array;
  readonly apv?: Uint8Array;
}

/**
 * Encrypt to a P-256 key with ECDH-ES and AES-GCM, in compact serialization, with a fresh
 * ephemeral key and IV.
 * @throws TypeError for a recipient key that is not P-256 or an unsupported `enc`;
 *   CryptoError `ERR_CRYPTO_KEY` for a key that is not on the curve.
 */
export async function encryptJwe(options: EncryptJweOptions): Promise<string> {
  checkP256(options.recipientKey, 'recipientKey');
  if (!(options.plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
  const enc = options.enc ?? JweEnc.A128GCM;
  if (!isEnc(enc)) throw new TypeError(`enc must be A128GCM or A256GCM (got ${String(enc)})`);
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new TypeError('kid must be a string');
  const backend = resolveBackend(options);
  const ephemeral = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const z = await backend.ecdh(ephemeral, options.recipientKey);
  const cek = await concatKdf(z, enc, options.apu, options.apv, { backend });
  const header: Record<string, unknown> = { alg: JWE_ALG_ECDH_ES, enc };
  if (options.kid !== undefined) header.kid = options.kid;
  header.epk = { kty: 'EC', crv: 'P-256', x: toBase64Url(ephemeral.x), y: toBase64Url(ephemeral.y) };
  if (options.apu !== undefined) header.apu = toBase64Url(options.apu);
  if (options.apv !== undefined) header.apv = toBase64Url(options.apv);
  const protectedHeader = toBase64Url(utf8Encode(JSON.stringify(header)));
  const iv = backend.randomBytes(12);
  const sealed = await backend.aesGcmEncrypt(cek, iv, options.plaintext, utf8Encode(protectedHeader));
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  return `${protectedHeader}..${toBase64Url(iv)}.${toBase64Url(ciphertext)}.${toBase64Url(tag)}`;
}

interface Parts {
  readonly protectedHeader: string;
  readonly header: JweHeader;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

function parse(jwe: string): Parts {
  if (typeof jwe !== 'string') throw new TypeError('jwe must be a string');
  const parts = jwe.split('.');
  if (parts.length !== 5) malformed(`compact serialization has ${parts.length} parts, not 5`);
  const [protectedHeader, encryptedKey, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  if (encryptedKey !== '') malformed('ECDH-ES is direct key agreement: the encrypted key must be empty');
  const headerBytes = fromBase64UrlStrict(protectedHeader);
  if (headerBytes === undefined || headerBytes.length === 0) malformed('the protected header is not base64url');
  const iv = fromBase64UrlStrict(ivText);
  const ciphertext = fromBase64UrlStrict(ciphertextText);
  const tag = fromBase64UrlStrict(tagText);
  if (iv === undefined || ciphertext === undefined || tag === undefined) malformed('the IV, ciphertext or tag is not base64url');
  if (iv.length !== 12) malformed(`the IV must be 96 bits, got ${iv.length * 8}`);
  if (tag.length !== 16) malformed(`the authentication tag must be 128 bits, got ${tag.length * 8}`);
  return { protectedHeader, header: readHeader(headerBytes), iv, ciphertext, tag };
}

function readHeader(bytes: Uint8Array): JweHeader {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch (e) {
    malformed('the protected header is not UTF-8', e);
  }
  const members = parseJson(text, (problem, cause) => malformed(`the protected header ${problem}`, cause));
  if (typeof members !== 'object' || members === null || Array.isArray(members)) malformed('the protected header is not a JSON object');
  // Members by own name only (a copy without prototype): `toString`, `__proto__` read as sent.
  const h: Record<string, unknown> = Object.assign(Object.create(null), members);
  if (h.alg !== JWE_ALG_ECDH_ES) malformed(`unsupported alg ${JSON.stringify(h.alg)} (only ECDH-ES)`);
  if (!isEnc(h.enc)) malformed(`unsupported enc ${JSON.stringify(h.enc)} (A128GCM or A256GCM)`);
  if (Object.hasOwn(h, 'zip')) malformed('compressed (zip) JWEs are not accepted');
  if (Object.hasOwn(h, 'crit')) malformed(`critical header parameters ${JSON.stringify(h.crit)} are not understood`);
  if (h.kid !== undefined && typeof h.kid !== 'string') malformed('kid is not a string');
  const apu = h.apu === undefined ? undefined : fromBase64UrlStrict(h.apu);
  const apv = h.apv === undefined ? undefined : fromBase64UrlStrict(h.apv);
  if ((h.apu !== undefined && apu === undefined) || (h.apv !== undefined && apv === undefined)) malformed('apu / apv are not base64url');
  const epk = readEpk(h.epk);
  return {
    alg: JWE_ALG_ECDH_ES,
    enc: h.enc,
    epk,
    ...(h.kid === undefined ? {} : { kid: h.kid as string }),
    ...(apu === undefined ? {} : { apu }),
    ...(apv === undefined ? {} : { apv }),
    members: h,
  };
}

function readEpk(value: unknown): EcPublicKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed('epk is not a JWK object');
  const jwk: Record<string, unknown> = Object.assign(Object.create(null), value);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') malformed('epk must be an EC P-256 key');
  if (Object.hasOwn(jwk, 'd')) malformed('epk must be a public key');
  const x = fromBase64UrlStrict(jwk.x);
  const y = fromBase64UrlStrict(jwk.y);
  if (x === undefined || y === undefined || x.length !== 32 || y.length !== 32) malformed('epk x and y must be 32-byte base64url coordinates');
  try {
    return ecPublicKeyFromRaw('P-256', concat(Uint8Array.of(4), x, y));
  } catch (e) {
    if (isShomeiError(e)) malformed('epk is not a point on P-256', e);
    throw e;
  }
}

/**
 * Read a compact JWE's protected header without decrypting (to find the `kid`).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` when the JWE or its header is malformed or unsupported.
 */
export function decodeJweHeader(jwe: string): JweHeader {
  return parse(jwe).header;
}

/** How to decrypt. */
export interface DecryptJweOptions extends BackendOptions {
  /** The recipient's P-256 private key. */
  readonly recipientKey: EcPrivateKey;
  /** Content encryption algorithms to accept; default both. */
  readonly encValues?: readonly JweEnc[];
}

/**
 * Decrypt a compact JWE made with ECDH-ES on P-256 and A128GCM / A256GCM.
 * @returns the plaintext and the validated protected header (`kid`, `apu`, `apv` as sent).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for a malformed or unsupported JWE (or an `enc`
 *   not in `encValues`); `ERR_JWE_DECRYPT` for everything after that, whatever failed
 *   (key agreement, a wrong key, a tampered header, IV, ciphertext or tag).
 */
export async function decryptJwe(jwe: string, options: DecryptJweOptions): Promise<{ plaintext: Uint8Array; header: JweHeader }> {
  checkP256(options.recipientKey, 'recipientKey');
  checkEcPrivateKey(options.recipientKey);
  const backend: CryptoBackend = resolveBackend(options);
  const { protectedHeader, header, iv, ciphertext, tag } = parse(jwe);
  if (options.encValues !== undefined && !options.encValues.includes(header.enc)) malformed(`enc ${header.enc} is not one of ${options.encValues.join(', ')}`);
  try {
    const z = await backend.ecdh(options.recipientKey, header.epk);
    const cek = await concatKdf(z, header.enc, header.apu, header.apv, { backend });
    const plaintext = await backend.aesGcmDecrypt(cek, iv, concat(ciphertext, tag), utf8Encode(protectedHeader));
    return { plaintext, header };
  } catch (e) {
    if (isShomeiError(e)) throw decryptError();
    throw e;
  }
}

/** The public JWK (RFC 7517) of a P-256 key, for `client_metadata.jwks`. */
export function p256PublicJwk(key: EcPublicKey | EcPrivateKey): { kty: 'EC'; crv: 'P-256'; x: string; y: string } {
  checkP256(key, 'key');
  return { kty: 'EC', crv: 'P-256', x: toBase64Url(key.x), y: toBase64Url(key.y) };
}
