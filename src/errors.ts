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

export type CborErrorCode = (typeof CborErrorCodes)[number];
export type CryptoErrorCode = (typeof CryptoErrorCodes)[number];
export type CoseErrorCode = (typeof CoseErrorCodes)[number];

/** Every stable error code shomei throws: one closed union, so `switch (e.code)` narrows. */
export type ShomeiErrorCode = CborErrorCode | CryptoErrorCode | CoseErrorCode;

/** All codes, for documentation and exhaustiveness tests. */
export const ShomeiErrorCodes: readonly ShomeiErrorCode[] = [
  ...CborErrorCodes,
  ...CryptoErrorCodes,
  ...CoseErrorCodes,
];

/** Context fields an error may carry. */
export interface ShomeiErrorContext {
  /** Byte offset in the input where the problem was found. */
  readonly offset?: number;
  /** Path of the offending element, e.g. `documents[0].issuerSigned.nameSpaces`. */
  readonly path?: string;
  /** The underlying cause, when one exists. */
  readonly cause?: unknown;
}

/** Base class of every error shomei throws for bad input or a failed check. */
export class ShomeiError extends Error {
  readonly code: ShomeiErrorCode;
  readonly offset?: number;
  readonly path?: string;

  constructor(code: ShomeiErrorCode, message: string, context: ShomeiErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    if (context.offset !== undefined) this.offset = context.offset;
    if (context.path !== undefined) this.path = context.path;
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

/** True when `e` is a ShomeiError, optionally with the given code. */
export function isShomeiError(e: unknown, code?: ShomeiErrorCode): e is ShomeiError {
  return e instanceof ShomeiError && (code === undefined || e.code === code);
}
