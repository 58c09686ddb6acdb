/**
 * The error model of shomei.
 *
 * - Bad input data or a failed check throws a {@link ShomeiError} subclass with a
 *   stable `code` from the closed union {@link ShomeiErrorCode}.
 * - Programmer misuse (wrong argument type, bad length) throws a plain `TypeError`
 *   or `RangeError` naming the argument.
 *
 * @example
 * ```ts
 * try { decode(bytes) } catch (e) {
 *   if (e instanceof ShomeiError && e.code === 'ERR_CBOR_DUPLICATE_KEY') console.log(e.offset)
 * }
 * ```
 */

/** CBOR layer codes (`shomei/cbor`). */
export const CborErrorCodes = [
  /** Not well-formed CBOR: truncated, a reserved additional-info value, a bad break. */
  'ERR_CBOR_MALFORMED',
  /** A decoder limit (nesting depth, item count, input size) was exceeded. */
  'ERR_CBOR_LIMIT',
  /** A map holds the same key twice. */
  'ERR_CBOR_DUPLICATE_KEY',
  /** A text string is not valid UTF-8. */
  'ERR_CBOR_UTF8',
  /** Bytes follow the single top-level data item. */
  'ERR_CBOR_TRAILING',
  /** Input is well-formed but not in core deterministic encoding (when required). */
  'ERR_CBOR_NOT_DETERMINISTIC',
  /** Indefinite-length item where the options forbid it. */
  'ERR_CBOR_INDEFINITE',
  /** A well-formed item that is not valid for its tag or context (tag 24 content, tdate text…). */
  'ERR_CBOR_INVALID',
  /** A value that cannot be represented in CBOR (a function, a cycle…) was given to encode. */
  'ERR_CBOR_UNSUPPORTED',
] as const;

/** Crypto layer codes (`shomei/crypto`). */
export const CryptoErrorCodes = [
  /** Key bytes or a key object that does not describe a valid key (point not on curve…). */
  'ERR_CRYPTO_KEY',
  /** An operation the backend cannot do here (no WebCrypto, unsupported curve). */
  'ERR_CRYPTO_UNSUPPORTED',
  /** AES-GCM authentication failed. */
  'ERR_CRYPTO_DECRYPT',
  /** ECDH produced no valid shared secret (invalid peer point). */
  'ERR_CRYPTO_ECDH',
] as const;

/** COSE layer codes (`shomei/cose`). */
export const CoseErrorCodes = [
  /** A COSE structure that is not the CDDL shape (wrong array length, header types…). */
  'ERR_COSE_STRUCTURE',
  /** Unknown or unsupported `alg`. */
  'ERR_COSE_ALG_UNSUPPORTED',
  /** `alg` does not fit the key (ES256 with a P-384 key…). */
  'ERR_COSE_ALG_MISMATCH',
  /** `alg` missing from, or not only in, the protected header. */
  'ERR_COSE_ALG_PLACEMENT',
  /** A critical header the implementation does not understand. */
  'ERR_COSE_CRIT',
  /** A COSE_Key that is malformed or inconsistent. */
  'ERR_COSE_KEY',
  /** Signature verification failed. */
  'ERR_COSE_SIGNATURE',
  /** MAC verification failed. */
  'ERR_COSE_MAC',
  /** Detached payload expected but the structure carries one, or the reverse. */
  'ERR_COSE_PAYLOAD',
] as const;

/** X.509 layer codes (`shomei/x509`). */
export const X509ErrorCodes = [
  /** Bytes that are not a DER/PEM certificate or CRL of the expected shape. */
  'ERR_X509_PARSE',
  /** No path from the certificate to a trust anchor could be built. */
  'ERR_X509_UNTRUSTED',
  /** A certificate or CRL signature does not verify. */
  'ERR_X509_SIGNATURE',
  /** A certificate is not valid at the validation time (expired or not yet valid). */
  'ERR_X509_VALIDITY',
  /** A named profile check (ISO 18013-5 Annex B, JPKI) failed. */
  'ERR_X509_PROFILE',
  /** A certificate is on a CRL. */
  'ERR_X509_REVOKED',
  /** A CRL that cannot be used (wrong issuer, bad signature, out of date). */
  'ERR_X509_CRL',
  /** An OCSP response that cannot be used (not successful, unauthorised responder, bad signature, stale, nonce); `check` says which. */
  'ERR_X509_OCSP',
  /** A required revocation check could not be made: the CRL could not be fetched (`CRL_FETCH`). */
  'ERR_X509_CRL_FETCH',
  /** A name in the path is outside the permitted or inside the excluded subtrees of a name constraint, or cannot be checked against a critical one (RFC 5280 §4.2.1.10). */
  'ERR_X509_NAME_CONSTRAINTS',
] as const;

/** mdoc layer codes (`shomei/mdoc`). */
export const MdocErrorCodes = [
  /** A structure that is not its CDDL shape; `path` says where (`documents[0].issuerSigned…`). */
  'ERR_MDOC_STRUCTURE',
  /** Something shomei does not support: a digest algorithm, a major version, a curve. */
  'ERR_MDOC_UNSUPPORTED',
  /** Inputs to issuance or presentation that cannot produce a valid mdoc (`path` says which). */
  'ERR_MDOC_INPUT',
  /** A verification that the caller asked to throw failed; `check` holds the failed check id. */
  'ERR_MDOC_INVALID',
  /** A data element value that does not fit its doctype profile (`path` says which). */
  'ERR_MDOC_PROFILE',
  /** A VICAL (ISO 18013-5 Annex C) that is not its COSE_Sign1 / CDDL shape or passes a limit (`path` says where). */
  'ERR_VICAL_STRUCTURE',
  /** A VICAL whose verification failed was used as a source of trust anchors; `check` holds the first failed check. */
  'ERR_VICAL_UNTRUSTED',
  /** A status list or identifier list token (CWT) that is not its shape: COSE, `typ`, claims, `bits`. */
  'ERR_MDOC_STATUS_TOKEN',
  /** A status list token that fails a check (signer chain, signature, subject, expiry, index); `check` names it. */
  'ERR_MDOC_STATUS_INVALID',
  /** A status list token, or its decompressed list, larger than the limit. */
  'ERR_MDOC_STATUS_LIMIT',
  /** Compressed data that is not a complete ZLIB/DEFLATE stream (RFC 1950/1951). */
  'ERR_MDOC_DEFLATE',
] as const;

/** Proximity session codes (`shomei/session`). */
export const SessionErrorCodes = [
  /** A DeviceEngagement or `mdoc:` URI that cannot be used. */
  'ERR_SESSION_ENGAGEMENT',
  /**
   * An NDEF message or record that does not parse, or a Connection Handover message, NFC
   * carrier record or Type 4 Tag capability container / NDEF file that is not its layout.
   */
  'ERR_SESSION_NDEF',
  /** A BLE transport value that is not its 18013-5 layout: a bad chunk, an oversize message, a State value. */
  'ERR_SESSION_BLE',
  /** A SessionEstablishment or SessionData that is not its CDDL shape. */
  'ERR_SESSION_MESSAGE',
  /** A session message that does not decrypt with the expected key and counter (status 10). */
  'ERR_SESSION_DECRYPT',
  /** A message that does not fit the session's state (misordered, repeated, after termination). */
  'ERR_SESSION_STATE',
  /** The message counter would pass its limit: the session must end. */
  'ERR_SESSION_COUNTER',
] as const;

/** Online presentation codes (`shomei/online`). */
export const OnlineErrorCodes = [
  /** A Digital Credentials API / OpenID4VP / Apple message that is not its shape. */
  'ERR_ONLINE_MESSAGE',
  /** A response bound to another transcript than the request's (origin, nonce, key). */
  'ERR_ONLINE_TRANSCRIPT',
  /** HPKE open failed (one generic error: which check failed is not said). */
  'ERR_HPKE_OPEN',
  /** An HPKE recipient key that is not a valid key for the suite. */
  'ERR_HPKE_KEY',
  /** A JWE (ECDH-ES) did not decrypt (one generic error: which check failed is not said). */
  'ERR_JWE_DECRYPT',
  /** A verifier state (request nonce and key) that already opened an answer: each is used once. */
  'ERR_ONLINE_REPLAY',
  /** A DCQL query over one of shomei's caps (credentials, claims, options, values…): see `DCQL_LIMITS`. */
  'ERR_DCQL_LIMIT',
  /** OpenID4VP `transaction_data` that is malformed, of an unsupported type, or names no requested credential (`invalid_transaction_data`). */
  'ERR_TRANSACTION_DATA',
  /** An OpenID4VP Request Object (JWS) whose signature, `typ` or `alg` is not acceptable. */
  'ERR_OID4VP_SIGNATURE',
  /** An OpenID4VP client identifier whose prefix rules are not met (certificate SAN or hash, redirect URI, attestation). */
  'ERR_OID4VP_CLIENT_ID',
  /** An OpenID4VP verifier certificate or attestation that does not chain to the given trust anchors. */
  'ERR_OID4VP_UNTRUSTED',
  /** A request or response that breaks the chosen profile (HAIP); `check` names the requirement. */
  'ERR_OID4VP_PROFILE',
  /** The other side answered with an OpenID4VP / OAuth error response; `check` holds its `error` code. */
  'ERR_OID4VP_ERROR_RESPONSE',
  /** An HTTP exchange of OpenID4VP failed (status, content type, size, network). */
  'ERR_OID4VP_HTTP',
  /** An OpenID4VP answer for a request the verifier does not know (never made, expired, or already answered). */
  'ERR_OID4VP_UNKNOWN_REQUEST',
] as const;

/** Smart card and APDU codes (`shomei/jpki`). */
export const ApduErrorCodes = [
  /** A response APDU that is too short or otherwise not a response. */
  'ERR_APDU_MALFORMED',
  /** The card answered with a status word other than success; `sw` holds it. */
  'ERR_APDU_STATUS',
  /** The transport failed (reader removed, card removed, I/O error). */
  'ERR_APDU_TRANSPORT',
  /** Another client kept the card (PC/SC) longer than the transport waits to reserve it for a PIN or signing sequence. */
  'ERR_APDU_CARD_BUSY',
] as const;

/** JPKI and My Number Card application codes (`shomei/jpki`). */
export const JpkiErrorCodes = [
  /** A wrong PIN or password; `retriesLeft` holds what the card reported. */
  'ERR_JPKI_PIN',
  /** The PIN is blocked (no tries left). */
  'ERR_JPKI_PIN_BLOCKED',
  /** Refused to send a PIN because only one try is left and `allowLastTry` was not given. */
  'ERR_JPKI_LAST_TRY',
  /** The data is readable only after a PIN that was not given (the auth certificate of an Android JPKI token); nothing was sent past the token read. */
  'ERR_JPKI_PIN_REQUIRED',
  /** A PIN or password that does not meet the applet's format, rejected before sending. */
  'ERR_JPKI_PIN_FORMAT',
  /** Card data (TLV, token, certificate file) that does not parse. */
  'ERR_JPKI_DATA',
  /** A card-info integrity check (digest or signature) failed. */
  'ERR_JPKI_INTEGRITY',
  /** Building or verifying a CMS SignedData failed. */
  'ERR_JPKI_CMS',
] as const;

export type CborErrorCode = (typeof CborErrorCodes)[number];
export type CryptoErrorCode = (typeof CryptoErrorCodes)[number];
export type CoseErrorCode = (typeof CoseErrorCodes)[number];
export type X509ErrorCode = (typeof X509ErrorCodes)[number];
export type MdocErrorCode = (typeof MdocErrorCodes)[number];
export type SessionErrorCode = (typeof SessionErrorCodes)[number];
export type OnlineErrorCode = (typeof OnlineErrorCodes)[number];
export type ApduErrorCode = (typeof ApduErrorCodes)[number];
export type JpkiErrorCode = (typeof JpkiErrorCodes)[number];

/** Every stable error code shomei throws: one closed union, so `switch (e.code)` narrows. */
export type ShomeiErrorCode =
  | CborErrorCode
  | CryptoErrorCode
  | CoseErrorCode
  | X509ErrorCode
  | MdocErrorCode
  | SessionErrorCode
  | OnlineErrorCode
  | ApduErrorCode
  | JpkiErrorCode;

/** All codes, for documentation and exhaustiveness tests. */
export const ShomeiErrorCodes: readonly ShomeiErrorCode[] = [
  ...CborErrorCodes,
  ...CryptoErrorCodes,
  ...CoseErrorCodes,
  ...X509ErrorCodes,
  ...MdocErrorCodes,
  ...SessionErrorCodes,
  ...OnlineErrorCodes,
  ...ApduErrorCodes,
  ...JpkiErrorCodes,
];

/** Context fields an error may carry. */
export interface ShomeiErrorContext {
  /** Byte offset in the input where the problem was found. */
  readonly offset?: number;
  /** Path of the offending element, e.g. `documents[0].issuerSigned.nameSpaces`. */
  readonly path?: string;
  /** The underlying cause, when one exists. */
  readonly cause?: unknown;
  /** The card's status word (SW1 << 8 | SW2). */
  readonly sw?: number;
  /** PIN tries left, as the card reported them. */
  readonly retriesLeft?: number;
  /** The id of the check that failed. */
  readonly check?: string;
}

/**
 * The brand every ShomeiError carries on its prototype. `Symbol.for` gives one symbol per
 * realm whichever copy of shomei made the error, so the ESM and CommonJS builds loaded in
 * one process (the dual-package hazard), or two installed versions, recognise each other's
 * errors in {@link isShomeiError} and `instanceof ShomeiError`.
 */
const SHOMEI_ERROR: unique symbol = /* @__PURE__ */ Symbol.for('shomei.error');

/** True when `e` carries the ShomeiError brand and a string `code`. */
function branded(e: unknown): e is ShomeiError {
  return typeof e === 'object' && e !== null && (e as { [SHOMEI_ERROR]?: unknown })[SHOMEI_ERROR] === true && typeof (e as { code?: unknown }).code === 'string';
}

/** Base class of every error shomei throws for bad input or a failed check. */
export class ShomeiError extends Error {
  /**
   * `e instanceof ShomeiError` holds for an error from any build of shomei (see the brand
   * above); `instanceof` a subclass (`CborError`…) is the ordinary, per-build check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof (a subclass too)
    return this === ShomeiError ? branded(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** The cross-build brand; see {@link isShomeiError}. */
  get [SHOMEI_ERROR](): true {
    return true;
  }

  readonly code: ShomeiErrorCode;
  readonly offset?: number;
  readonly path?: string;
  readonly sw?: number;
  readonly retriesLeft?: number;
  readonly check?: string;

  constructor(code: ShomeiErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    if (context.offset !== undefined) this.offset = context.offset;
    if (context.path !== undefined) this.path = context.path;
    if (context.sw !== undefined) this.sw = context.sw;
    if (context.retriesLeft !== undefined) this.retriesLeft = context.retriesLeft;
    if (context.check !== undefined) this.check = context.check;
  }
}

/** A CBOR decoding or encoding failure; `offset` is the byte offset in the input. */
export class CborError extends ShomeiError {
  declare readonly code: CborErrorCode;
  constructor(code: CborErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** A cryptographic failure: bad key material, failed decryption, unsupported operation. */
export class CryptoError extends ShomeiError {
  declare readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** A COSE structure, header, key or verification failure. */
export class CoseError extends ShomeiError {
  declare readonly code: CoseErrorCode;
  constructor(code: CoseErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** An X.509 parsing, path, validity, profile or revocation failure. */
export class X509Error extends ShomeiError {
  declare readonly code: X509ErrorCode;
  constructor(code: X509ErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** An mdoc structure, input, profile or verification failure. */
export class MdocError extends ShomeiError {
  declare readonly code: MdocErrorCode;
  constructor(code: MdocErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** A proximity session failure: engagement, NDEF, messages, encryption, state. */
export class SessionError extends ShomeiError {
  declare readonly code: SessionErrorCode;
  constructor(code: SessionErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** An online presentation failure: message shape, transcript binding, HPKE. */
export class OnlineError extends ShomeiError {
  declare readonly code: OnlineErrorCode;
  constructor(code: OnlineErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** A smart-card exchange failure; `sw` holds the status word for `ERR_APDU_STATUS`. */
export class ApduError extends ShomeiError {
  declare readonly code: ApduErrorCode;
  constructor(code: ApduErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/** A JPKI / My Number Card failure: PINs, card data, integrity, CMS. */
export class JpkiError extends ShomeiError {
  declare readonly code: JpkiErrorCode;
  constructor(code: JpkiErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(code, message, context);
  }
}

/**
 * True when `e` is a ShomeiError, optionally with the given code. Recognises errors from
 * every build of shomei loaded in the realm (ESM and CommonJS, or two versions), by brand.
 */
export function isShomeiError(e: unknown, code?: ShomeiErrorCode): e is ShomeiError {
  return branded(e) && (code === undefined || e.code === code);
}
