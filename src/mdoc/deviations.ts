/**
 * Named deviations from ISO/IEC 18013-5 (the CDDL of §8.3.2.1.2.2 and §9.1.2.4), RFC 9052
 * (COSE headers §3, COSE_Key §7) and RFC 9360 that deployed wallets, issuers and libraries
 * produce. The decoders read past each one and record it; the verifier reports it as a
 * `DEVIATION.<id>` check that fails unless the caller tolerates that id, except the few
 * tolerated by default ({@link TOLERATED_BY_DEFAULT}, reported as `tolerated`), which fail
 * only with `strictDeviations`.
 *
 * Only deviations that cannot help a forger are listed here: every one leaves the issuer
 * signature, the value digests, the chain to a trust anchor, validity and device
 * authentication checked exactly as before. Those checks have no id in this registry, so
 * they can never be tolerated.
 */

/** Ids of the deviations the verifier recognises (`tolerate` takes these). */
export const MdocDeviation = {
  /** `documents: []` where the CDDL says `? "documents" : [+ Document]`. */
  EMPTY_DOCUMENTS: 'EMPTY_DOCUMENTS',
  /** `documentErrors: []` where the CDDL says `? "documentErrors" : [+ DocumentError]`. */
  EMPTY_DOCUMENT_ERRORS: 'EMPTY_DOCUMENT_ERRORS',
  /** A document's `errors: {}` (or a namespace mapped to `{}`) where the CDDL says `{ + … }`. */
  EMPTY_ERRORS: 'EMPTY_ERRORS',
  /** IssuerSigned `nameSpaces: {}` or a namespace mapped to `[]` where the CDDL says `{ + … => [ + … ] }`. */
  EMPTY_ISSUER_NAMESPACES: 'EMPTY_ISSUER_NAMESPACES',
  /** A device-signed namespace mapped to `{}` where the CDDL says `{ + DataElementIdentifier => … }`. */
  EMPTY_DEVICE_NAMESPACE: 'EMPTY_DEVICE_NAMESPACE',
  /**
   * A document with no `deviceSigned` (issuer-only or online flows). Tolerating it only names
   * it: DEVICE_AUTH still fails, so such a response is never valid.
   */
  DEVICE_SIGNED_MISSING: 'DEVICE_SIGNED_MISSING',
  /**
   * The MSO's device key has an EC2 `x` or `y` shorter than its curve's field (leading zero
   * bytes left out, RFC 9053 §7.1.1 says the full length): read left-padded, the one encoding
   * of the same point, which must still be on the curve.
   */
  DEVICE_KEY_COORDINATE_SHORT: 'DEVICE_KEY_COORDINATE_SHORT',
  /** The MSO's device key (a COSE_Key) has a `kid` that is not a byte string (RFC 9052 §7.1). */
  DEVICE_KEY_KID_TYPE: 'DEVICE_KEY_KID_TYPE',
  /** The MSO's `valueDigests` is `{}`, or maps a namespace to `{}`, where the CDDL says `{ + NameSpace => { + DigestID => Digest } }`. */
  EMPTY_VALUE_DIGESTS: 'EMPTY_VALUE_DIGESTS',
  /** The MSO's keyAuthorizations has an empty `nameSpaces` array or `dataElements` map or list (the CDDL says `[+ …]`, `{ + … }`). */
  EMPTY_KEY_AUTHORIZATIONS: 'EMPTY_KEY_AUTHORIZATIONS',
  /** An optional MSO member (`expectedUpdate`, `keyAuthorizations`, `keyInfo`) sent as `null`: read as absent. */
  MSO_OPTIONAL_NULL: 'MSO_OPTIONAL_NULL',
  /**
   * An optional member of a DeviceRequest, DocRequest, ItemsRequest, DocRequestInfo,
   * DeviceRequestInfo or UseCase (`readerAuthAll`, `deviceRequestInfo`, `readerAuth`,
   * `requestInfo` …) sent as `null` where the CDDL says `? key : value`: read as absent (the
   * iPhone reader of iOS 26.0 sends `readerAuthAll: null` and `deviceRequestInfo: null`).
   * Absent grants nothing: a null `readerAuth` is an unsigned request, and ReaderAuthAll is
   * checked over `DeviceRequestInfoBytes / null` as sent.
   */
  REQUEST_OPTIONAL_NULL: 'REQUEST_OPTIONAL_NULL',
  /**
   * A DeviceRequest's `readerAuthAll` is one COSE_Sign1 where the second edition says an array
   * of them (`[+ ReaderAuthAll]`): read as a list of one, verified the same way.
   */
  READER_AUTH_ALL_SINGLE: 'READER_AUTH_ALL_SINGLE',
  /**
   * A member sent as CBOR `undefined` (simple value 23) where it should be left out, or a
   * detached COSE payload sent as `undefined` where RFC 9052 §4.2 says nil: read as absent, and
   * as nil (a JavaScript encoder writes an object property set to `undefined` so; Credo's 2024
   * presentations did, in deviceAuth and the MSO).
   */
  UNDEFINED_AS_ABSENT: 'UNDEFINED_AS_ABSENT',
  /** A validityInfo date sent as untagged RFC 3339 text where the CDDL says `tdate` (tag 0). */
  VALIDITY_DATE_UNTAGGED: 'VALIDITY_DATE_UNTAGGED',
  /** A validityInfo date sent as a full-date (tag 1004): read as 00:00:00Z of that day. */
  VALIDITY_FULL_DATE: 'VALIDITY_FULL_DATE',
  /**
   * A validityInfo date has a fraction of seconds (`2025-02-19T23:36:58.210391Z`) where
   * §9.1.2.4 says the timestamps "shall not use fractions of seconds". Read to the millisecond,
   * rounded so that the validity window is never wider than the text says. Tolerated by
   * default (see {@link TOLERATED_BY_DEFAULT}): deployed issuers send it.
   */
  TDATE_FRACTIONAL_SECONDS: 'TDATE_FRACTIONAL_SECONDS',
  /**
   * A validityInfo date has a time-offset other than `Z` (`+09:00`, `+00:00`, a lowercase `z`)
   * where §9.1.2.4 says UTC "as indicated by the character Z". Read as the instant it denotes.
   */
  TDATE_UTC_OFFSET: 'TDATE_UTC_OFFSET',
  /**
   * The MSO `version` is a later minor version of 1 ("1.1" …) where ISO 18013-5 says "1.0":
   * read as 1.0 (`MSO_VERSION` still fails for any other major version).
   */
  MSO_VERSION_MINOR: 'MSO_VERSION_MINOR',
  /**
   * validityInfo has `validFrom` before `signed` (§9.1.2.4: validFrom shall be equal or later
   * than signed). The window against the validation time is checked as always.
   */
  VALIDITY_FROM_BEFORE_SIGNED: 'VALIDITY_FROM_BEFORE_SIGNED',
  /**
   * The MSO's `status.identifier_list.id` is text where ISO 18013-5 2e §12.3.6.4 says bstr:
   * read as its UTF-8 bytes, which is what the issuer's identifier list then holds.
   */
  STATUS_ID_TEXT: 'STATUS_ID_TEXT',
  /** The MSO has `"status": null` where the 2nd edition says `? "status" : Status`. */
  MSO_STATUS_NULL: 'MSO_STATUS_NULL',
  /** The IssuerAuth payload is the MSO itself, not `#6.24(bstr .cbor MobileSecurityObject)`. */
  MSO_UNTAGGED: 'MSO_UNTAGGED',
  /** The device signature or MAC carries the DeviceAuthenticationBytes attached (they must be detached, §9.1.3.4). */
  DEVICE_AUTH_ATTACHED_PAYLOAD: 'DEVICE_AUTH_ATTACHED_PAYLOAD',
  /**
   * The device signature or MAC is over a re-encoding of the DeviceNameSpaces sent (preferred
   * heads, or deterministic order), not over the DeviceNameSpacesBytes as received (§9.1.3.4).
   */
  DEVICE_NAMESPACES_REENCODED: 'DEVICE_NAMESPACES_REENCODED',
  /**
   * IssuerAuth or the deviceSignature is signed over `["Signature1", protected, null, payload]`:
   * the empty external_aad written as CBOR null, not an empty byte string (RFC 9052 §4.4).
   * Tried only when the conformant Sig_structure does not verify.
   */
  SIG_STRUCTURE_AAD_NULL: 'SIG_STRUCTURE_AAD_NULL',
  /** The deviceMac's protected alg is a signature algorithm (the device key's), not HMAC 256/256; the tag is checked as HMAC 256/256. */
  DEVICE_MAC_ALG: 'DEVICE_MAC_ALG',
  /** The deviceMac tag is over `["MAC0", protected, payload]`: the empty external_aad is left out of MAC_structure (RFC 9052 §6.3). */
  DEVICE_MAC_STRUCTURE: 'DEVICE_MAC_STRUCTURE',
  /**
   * IssuerAuth's or the deviceSignature's protected `alg` is a fully specified identifier of
   * RFC 9864 (ESP256 -9, ESP384 -51, ESP512 -52, Ed25519 -19) where ISO 18013-5 lists ES256,
   * ES384, ES512 and EdDSA: verified as that algorithm, on the one curve the identifier names.
   */
  FULLY_SPECIFIED_ALG: 'FULLY_SPECIFIED_ALG',
  /** IssuerAuth has the same x5chain in both header buckets (RFC 9052 §3 forbids a label in both). */
  X5CHAIN_BOTH_BUCKETS: 'X5CHAIN_BOTH_BUCKETS',
  /** IssuerAuth has different x5chains in the two buckets: the protected one is used, the unprotected one ignored. */
  X5CHAIN_CONFLICT: 'X5CHAIN_CONFLICT',
  /**
   * A member outside the CDDL in an unsigned map with no extension point (DeviceResponse,
   * Document, IssuerSigned, DeviceSigned), such as the second edition's `zkDocuments`: ignored.
   */
  UNKNOWN_MEMBER: 'UNKNOWN_MEMBER',
} as const;
export type MdocDeviation = (typeof MdocDeviation)[keyof typeof MdocDeviation];

/** Every deviation id, in registry order. */
export const MDOC_DEVIATIONS: readonly MdocDeviation[] = Object.freeze(Object.values(MdocDeviation));

const KNOWN: ReadonlySet<string> = new Set(MDOC_DEVIATIONS);

/** One deviation found while reading or verifying a structure. */
export interface Deviation {
  readonly id: MdocDeviation;
  /** Where it was found (`deviceResponse.documentErrors`, `issuerAuth.payload` …). */
  readonly path: string;
  readonly detail: string;
}

/** The prefix of a deviation's check id in a report: `DEVIATION.EMPTY_DOCUMENT_ERRORS`. */
export const DEVIATION_CHECK_PREFIX = 'DEVIATION.';

/** True when `id` is a deviation id. */
export function isMdocDeviation(id: unknown): id is MdocDeviation {
  return typeof id === 'string' && KNOWN.has(id);
}

/**
 * The deviations tolerated unless the caller sets `strictDeviations`: still reported (as
 * `tolerated`), never failing by default, because honest issuers in the field send them and
 * refusing them would refuse their signed credentials. Only a deviation that cannot help a
 * forger may be here: one in data the issuer signed, read as exactly what it says, that
 * changes no check. TDATE_FRACTIONAL_SECONDS is one (Google's CMWallet and the EUDI Kotlin
 * issuer send microseconds and nanoseconds; a fraction of a second, rounded so the window
 * never widens, moves no validity decision).
 */
export const TOLERATED_BY_DEFAULT: readonly MdocDeviation[] = Object.freeze([MdocDeviation.TDATE_FRACTIONAL_SECONDS]);

/**
 * Read the `tolerate` and `strictDeviations` options: the set of deviation ids the caller
 * accepts, those of {@link TOLERATED_BY_DEFAULT} included unless `strictDeviations` is true.
 * @throws TypeError naming the valid ids when an entry is not a deviation id (a check
 *   that guards against forgery, such as ISSUER_SIGNATURE, is never one), or when
 *   `strictDeviations` is not a boolean.
 */
export function readTolerate(tolerate: unknown, strictDeviations: unknown = false): ReadonlySet<MdocDeviation> {
  if (strictDeviations !== undefined && typeof strictDeviations !== 'boolean') throw new TypeError('options.strictDeviations must be a boolean');
  const out = new Set<MdocDeviation>(strictDeviations === true ? [] : TOLERATED_BY_DEFAULT);
  if (tolerate === undefined) return out;
  if (!Array.isArray(tolerate)) throw new TypeError('options.tolerate must be an array of deviation ids');
  for (const id of tolerate) {
    if (!isMdocDeviation(id)) {
      throw new TypeError(`options.tolerate: ${JSON.stringify(id)} is not a deviation id; valid ids: ${MDOC_DEVIATIONS.join(', ')}`);
    }
    out.add(id);
  }
  return out;
}
