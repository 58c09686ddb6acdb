/**
 * JWS (RFC 7515) for OpenID4VP Request Objects (RFC 9101 JAR, OpenID4VP 1.0 §5 and
 * Appendix A.3): the compact serialization, and the general JSON serialization that the
 * `openid4vp-v1-multisigned` Digital Credentials API protocol carries (A.3.2). Signing
 * with ES256 / ES384 / ES512 (RFC 7518 §3.4) or Ed25519, named `EdDSA` (RFC 8037) or, fully
 * specified, `Ed25519` (RFC 9864 §2.2), with a private key or an external signer (HSM, KMS),
 * the same {@link Signer} as COSE.
 *
 * ```
 * JWS compact = BASE64URL(UTF8(header)) "." BASE64URL(payload) "." BASE64URL(signature)
 * signing input = ASCII(BASE64URL(UTF8(header)) "." BASE64URL(payload)), exactly as received
 * JWS JSON general = { "payload": b64url, "signatures": [+ { "protected": b64url, ? "header": {}, "signature": b64url }] }
 * ```
 *
 * Parsing is bounded ({@link MAX_JWS_LENGTH}), strict (canonical base64url, JSON objects,
 * no `crit`, no `b64: false`) and prototype-free; `alg: none` is never accepted.
 */

import { resolveBackend } from '../../crypto/index.js';
import type { BackendOptions, EcPublicKey, OkpPublicKey } from '../../crypto/types.js';
import { CoseAlg } from '../../cose/algorithms.js';
import { type Signer, signerAlg, signWith } from '../../cose/signer.js';
import { OnlineError } from '../../errors.js';
import { toBase64Url, utf8Decode, utf8Encode } from '../../internal/bytes.js';
import { fromBase64UrlStrict } from '../jwe.js';
import { isObject, parseJson } from '../json.js';

/** The longest JWS (compact, or a JSON serialization's text) accepted: 256 KiB. */
export const MAX_JWS_LENGTH = 256 * 1024;

/**
 * JWS signature algorithms shomei signs and verifies (RFC 7518 §3.1, RFC 8037, RFC 9864):
 * `EdDSA` and `Ed25519` are the same signature, `Ed25519` the name RFC 9864 gives it.
 */
export const JwsAlg = { ES256: 'ES256', ES384: 'ES384', ES512: 'ES512', EdDSA: 'EdDSA', Ed25519: 'Ed25519' } as const;
export type JwsAlg = (typeof JwsAlg)[keyof typeof JwsAlg];

const BY_COSE: ReadonlyMap<number, JwsAlg> = new Map([
  [CoseAlg.ES256, JwsAlg.ES256],
  [CoseAlg.ES384, JwsAlg.ES384],
  [CoseAlg.ES512, JwsAlg.ES512],
  [CoseAlg.EdDSA, JwsAlg.EdDSA],
]);
const CURVE: Readonly<Record<JwsAlg, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', EdDSA: 'Ed25519', Ed25519: 'Ed25519' };
const HASH = { ES256: 'SHA-256', ES384: 'SHA-384', ES512: 'SHA-512' } as const;

/** The JWS `alg` a signer produces by default. */
export function jwsAlgOf(signer: Signer): JwsAlg {
  const alg = BY_COSE.get(signerAlg(signer));
  if (alg === undefined) throw new TypeError('signer must use ES256, ES384, ES512 or EdDSA');
  return alg;
}

/** Every JWS `alg` a signer can write, its default first: an Ed25519 signer writes `EdDSA` or `Ed25519`. */
export function jwsAlgsOf(signer: Signer): readonly JwsAlg[] {
  const alg = jwsAlgOf(signer);
  return alg === JwsAlg.EdDSA ? [JwsAlg.EdDSA, JwsAlg.Ed25519] : [alg];
}

function isJwsAlg(value: unknown): value is JwsAlg {
  return value === 'ES256' || value === 'ES384' || value === 'ES512' || value === 'EdDSA' || value === 'Ed25519';
}

function bad(message: string, cause?: unknown): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', `JWS: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Sign `payload` (a JSON object) as a compact JWS; `header` members are added after `alg`,
 * which is `options.alg` when given (one of {@link jwsAlgsOf} the signer), else the signer's
 * default.
 * @throws TypeError for a signer that is not ES256/ES384/ES512/EdDSA, an `alg` the signer
 * cannot write, or a header that sets `alg`.
 */
export async function signJws(options: BackendOptions & { readonly signer: Signer; readonly alg?: JwsAlg; readonly header: Readonly<Record<string, unknown>>; readonly payload: Readonly<Record<string, unknown>> }): Promise<string> {
  const alg = options.alg ?? jwsAlgOf(options.signer);
  if (!jwsAlgsOf(options.signer).includes(alg)) throw new TypeError(`the signer cannot write alg ${JSON.stringify(alg)}`);
  if (Object.hasOwn(options.header, 'alg')) throw new TypeError('header must not set alg: it follows the signer');
  const header = toBase64Url(utf8Encode(JSON.stringify({ alg, ...options.header })));
  const payload = toBase64Url(utf8Encode(JSON.stringify(options.payload)));
  const signature = await signWith(options.signer, utf8Encode(`${header}.${payload}`), options);
  return `${header}.${payload}.${toBase64Url(signature)}`;
}

/** One signature of a decoded JWS: its protected header and what it signs. */
export interface JwsSignature {
  /** The protected header members (prototype-free). */
  readonly header: Readonly<Record<string, unknown>>;
  readonly alg: JwsAlg;
  /** The signing input bytes, exactly as received. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/** A decoded (not yet verified) JWS. */
export interface DecodedJws {
  /** The payload, parsed as a JSON object (prototype-free copy). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** One entry for the compact form; one per signer for the JSON form. */
  readonly signatures: readonly JwsSignature[];
}

function jsonMembers(bytes: Uint8Array, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch (e) {
    bad(`the ${what} is not UTF-8`, e);
  }
  const value = parseJson(text, (problem, cause) => bad(`the ${what} ${problem}`, cause));
  if (!isObject(value)) bad(`the ${what} is not a JSON object`);
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}

function readProtected(text: unknown, what: string): { header: Record<string, unknown>; alg: JwsAlg } {
  const bytes = fromBase64UrlStrict(text);
  if (bytes === undefined || bytes.length === 0) bad(`the ${what} is not base64url`);
  const header = jsonMembers(bytes, what);
  if (!isJwsAlg(header.alg)) bad(`unsupported alg ${JSON.stringify(header.alg)} (ES256, ES384, ES512, EdDSA or Ed25519)`);
  if (Object.hasOwn(header, 'crit')) bad(`critical header parameters ${JSON.stringify(header.crit)} are not understood`);
  if (Object.hasOwn(header, 'b64')) bad('unencoded payloads (b64) are not accepted');
  return { header, alg: header.alg };
}

function readPayload(text: unknown): Record<string, unknown> {
  const bytes = fromBase64UrlStrict(text);
  if (bytes === undefined) bad('the payload is not base64url');
  return jsonMembers(bytes, 'payload');
}

/**
 * Decode a compact JWS whose payload is a JSON object (a JWT), without verifying it.
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for anything malformed or an unsupported `alg`.
 */
export function decodeJws(jws: unknown): DecodedJws {
  if (typeof jws !== 'string') bad('a compact JWS must be a string');
  if (jws.length > MAX_JWS_LENGTH) bad(`longer than ${MAX_JWS_LENGTH} characters`);
  const parts = jws.split('.');
  if (parts.length !== 3) bad(`compact serialization has ${parts.length} parts, not 3`);
  const [h, p, s] = parts as [string, string, string];
  const { header, alg } = readProtected(h, 'protected header');
  const signature = fromBase64UrlStrict(s);
  if (signature === undefined || signature.length === 0) bad('the signature is not base64url');
  return { payload: readPayload(p), signatures: [{ header, alg, signingInput: utf8Encode(`${h}.${p}`), signature }] };
}

/** The most signatures read from a JWS JSON serialization. */
export const MAX_JWS_SIGNATURES = 16;

/**
 * Decode a JWS in general JSON serialization (RFC 7515 §7.2.1) with a JSON-object payload,
 * as `openid4vp-v1-multisigned` carries it. Unprotected `header` members are ignored.
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for anything malformed.
 */
export function decodeJwsJson(value: unknown): DecodedJws {
  let v = value;
  if (typeof v === 'string') {
    if (v.length > MAX_JWS_LENGTH) bad(`longer than ${MAX_JWS_LENGTH} characters`);
    v = parseJson(v, (problem, cause) => bad(`the JSON serialization ${problem}`, cause));
  }
  if (!isObject(v)) bad('the JSON serialization is not an object');
  const o: Record<string, unknown> = Object.assign(Object.create(null), v);
  if (typeof o.payload !== 'string' || o.payload.length > MAX_JWS_LENGTH) bad('payload must be a base64url string');
  if (!Array.isArray(o.signatures) || o.signatures.length === 0) bad('signatures must be a non-empty array (general serialization)');
  if (o.signatures.length > MAX_JWS_SIGNATURES) bad(`more than ${MAX_JWS_SIGNATURES} signatures`);
  const payload = readPayload(o.payload);
  const signatures = o.signatures.map((item: unknown, i: number): JwsSignature => {
    if (!isObject(item)) bad(`signatures[${i}] is not an object`);
    const sig: Record<string, unknown> = Object.assign(Object.create(null), item);
    if (typeof sig.protected !== 'string') bad(`signatures[${i}].protected is missing`);
    const { header, alg } = readProtected(sig.protected, `signatures[${i}].protected`);
    const signature = fromBase64UrlStrict(sig.signature);
    if (signature === undefined || signature.length === 0) bad(`signatures[${i}].signature is not base64url`);
    return { header, alg, signingInput: utf8Encode(`${sig.protected}.${o.payload}`), signature };
  });
  return { payload, signatures };
}

/**
 * Whether `signature` verifies with `key`: the key's curve must be the one `alg` names
 * (ES256 on P-256, ES384 on P-384, ES512 on P-521, EdDSA and Ed25519 on Ed25519).
 */
export async function verifyJwsSignature(signature: JwsSignature, key: EcPublicKey | OkpPublicKey | { readonly kty: string }, options: BackendOptions = {}): Promise<boolean> {
  const backend = resolveBackend(options);
  const k = key as EcPublicKey | OkpPublicKey;
  if (k.crv !== CURVE[signature.alg]) return false;
  const alg = signature.alg;
  if (alg === 'EdDSA' || alg === 'Ed25519') return k.kty === 'OKP' && backend.ed25519Verify(k, signature.signingInput, signature.signature);
  if (k.kty !== 'EC') return false;
  return backend.ecdsaVerify(k, HASH[alg], signature.signingInput, signature.signature);
}

/**
 * Whether the header's `typ` names the media type `expected` (a `+jwt` type written without
 * `application/`): RFC 7515 §4.1.9 has recipients read a `typ` with or without the
 * `application/` prefix alike, and media types compare case-insensitively (RFC 2045 §5.1)
 * (internal).
 */
export function typIs(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === expected || t === `application/${expected}`;
}

/**
 * What is wrong with a JWT's time claims at `now`, allowing `skewSeconds`, or undefined
 * (RFC 7519 §4.1.4–§4.1.6): `exp`, `nbf` and `iat`, when present, are NumericDates (finite
 * numbers); the JWT is not accepted on or after `exp`, nor before `nbf` (internal).
 */
export function jwtTimeProblem(claims: Readonly<Record<string, unknown>>, now: Date, skewSeconds: number): string | undefined {
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const v = claims[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) return `its ${name} is not a NumericDate`;
  }
  const t = now.getTime() / 1000;
  if (claims.exp !== undefined && t >= (claims.exp as number) + skewSeconds) return `has expired (exp ${claims.exp})`;
  if (claims.nbf !== undefined && (claims.nbf as number) - skewSeconds > t) return `is not yet valid (nbf ${claims.nbf})`;
  return undefined;
}
