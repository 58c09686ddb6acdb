/**
 * The verification report (ISO/IEC 18013-5:2021 §9.3): every check a verifier makes, with
 * a stable id, and `valid` true only when every required check passed, was explicitly
 * waived (a named Annex B profile check) or tolerated (a named deviation).
 */

import type { CborValue } from '../cbor/index.js';
import { isShomeiError } from '../errors.js';
import type { Certificate } from '../x509/index.js';
import { DEVIATION_CHECK_PREFIX, type Deviation, type MdocDeviation } from './deviations.js';
import type { MobileSecurityObject } from './mso.js';

/** Ids of the checks `verifyDeviceResponse` reports (the DS chain's own checks appear as `DS_CHAIN.<id>`). */
export const MdocCheckId = {
  /** The DeviceResponse is its CDDL shape. */
  RESPONSE_STRUCTURE: 'RESPONSE_STRUCTURE',
  /** The IssuerSigned given to `verifyIssuerSigned` is its CDDL shape. */
  ISSUER_SIGNED_STRUCTURE: 'ISSUER_SIGNED_STRUCTURE',
  /** version is "1.x". */
  RESPONSE_VERSION: 'RESPONSE_VERSION',
  /** status is 0 (OK). */
  RESPONSE_STATUS: 'RESPONSE_STATUS',
  /** At least one document was returned. */
  DOCUMENTS_PRESENT: 'DOCUMENTS_PRESENT',
  /** The document was requested (when a request is given). */
  REQUESTED_DOCTYPE: 'REQUESTED_DOCTYPE',
  /** IssuerAuth carries a parsable document signer certificate. */
  DS_CERTIFICATE: 'DS_CERTIFICATE',
  /** The DS chains to a trust anchor and passes the Annex B profile (details in DS_CHAIN.*). */
  DS_CHAIN: 'DS_CHAIN',
  /** The IssuerAuth signature verifies with the DS key. */
  ISSUER_SIGNATURE: 'ISSUER_SIGNATURE',
  /**
   * The MSO is its CDDL shape and its device key a usable COSE_Key. An MSO read with a device
   * key that cannot be used (`deviceKeyInfo.deviceKeyError`) fails this check at the key's
   * path while its other checks run; DEVICE_AUTH then fails too.
   */
  MSO_STRUCTURE: 'MSO_STRUCTURE',
  /** MSO version is "1.0" (or "1.x", read as 1.0 with the MSO_VERSION_MINOR deviation). */
  MSO_VERSION: 'MSO_VERSION',
  /** MSO docType equals the document's docType. */
  MSO_DOCTYPE: 'MSO_DOCTYPE',
  /**
   * signed ≤ now, validFrom ≤ now ≤ validUntil (within the clock skew), validFrom < validUntil.
   * (validFrom before signed is the VALIDITY_FROM_BEFORE_SIGNED deviation.)
   */
  MSO_VALIDITY: 'MSO_VALIDITY',
  /** signed lies within the DS certificate's validity. */
  MSO_SIGNED_IN_DS_VALIDITY: 'MSO_SIGNED_IN_DS_VALIDITY',
  /** digestAlgorithm is allowed. */
  DIGEST_ALGORITHM: 'DIGEST_ALGORITHM',
  /** One per returned element: its digest matches valueDigests. */
  VALUE_DIGEST: 'VALUE_DIGEST',
  /** deviceSignature or deviceMac verifies over DeviceAuthenticationBytes. */
  DEVICE_AUTH: 'DEVICE_AUTH',
  /** One per device-signed element: keyAuthorizations permit it. */
  DEVICE_SIGNED_AUTHORIZED: 'DEVICE_SIGNED_AUTHORIZED',
  /** No element is returned both issuer-signed and device-signed. */
  ELEMENTS_UNIQUE: 'ELEMENTS_UNIQUE',
  /** issuing_country, when returned, equals the DS certificate's countryName. */
  ISSUING_COUNTRY: 'ISSUING_COUNTRY',
  /**
   * issuing_jurisdiction, when returned, equals the DS certificate's stateOrProvinceName;
   * skipped when the DS has none (stateOrProvinceName is optional in the DS, Annex B).
   */
  ISSUING_JURISDICTION: 'ISSUING_JURISDICTION',
  /** One per returned element: it was requested (when a request is given). */
  REQUESTED_ELEMENT: 'REQUESTED_ELEMENT',
  /** The restricted trust anchor the chain ended at allows the MSO docType (only for a restricted anchor). */
  TRUST_ANCHOR_DOCTYPE: 'TRUST_ANCHOR_DOCTYPE',
  /** The restricted trust anchor allows the IACA's and the DS's countryName (only for a restricted anchor). */
  TRUST_ANCHOR_COUNTRY: 'TRUST_ANCHOR_COUNTRY',
  /**
   * One per list the MSO's status names (ISO 18013-5 2e §12.3.6), when `status` is given:
   * passed for VALID; failed for INVALID (revoked), SUSPENDED or another value, or a list that
   * cannot be used (the reason as `MSO_STATUS.<MsoStatusCheck>`); skipped when it could not be
   * fetched (failed with `requireStatusCheck`) or the MSO has no status.
   */
  MSO_STATUS: 'MSO_STATUS',
} as const;
export type MdocCheckId = (typeof MdocCheckId)[keyof typeof MdocCheckId];

/**
 * The outcome of a check: `waived` for a failed Annex B profile check the caller waived,
 * `tolerated` for a deviation the caller tolerated; neither makes `valid` false.
 */
export type CheckStatus = 'passed' | 'failed' | 'waived' | 'skipped' | 'tolerated';

/** One check in a report. */
export interface Check {
  /**
   * A stable id: an {@link MdocCheckId}, `DS_CHAIN.<x509 check>`, `PROFILE.<doctype check>`
   * or `DEVIATION.<MdocDeviation>`.
   */
  readonly id: string;
  readonly status: CheckStatus;
  /** False for informational checks (doctype profile checks) that do not affect `valid`. */
  readonly required: boolean;
  readonly detail?: string;
  readonly namespace?: string;
  readonly element?: string;
}

/** Disclosed values: namespace → element → value (dates as TDate / FullDate). */
export type DisclosedElements = Readonly<Record<string, Readonly<Record<string, CborValue>>>>;

/** The verification of one document. */
export interface VerifiedDocument {
  readonly docType: string;
  readonly valid: boolean;
  readonly checks: readonly Check[];
  /** Issuer-signed elements returned (each also has a VALUE_DIGEST check). */
  readonly issuerSigned: DisclosedElements;
  /** Device-signed elements returned. */
  readonly deviceSigned: DisclosedElements;
  /** Elements requested but not returned, with their error codes. */
  readonly errors: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The MSO, when it could be read. */
  readonly mso?: MobileSecurityObject;
  /** The document signer certificate, when it could be parsed. */
  readonly documentSigner?: Certificate;
  /** The trust anchor the DS chained to. */
  readonly trustAnchor?: Certificate;
}

/** The verification of an IssuerSigned on its own (`verifyIssuerSigned`): no device checks. */
export interface VerifyIssuerSignedResult {
  /** The docType checked: the one given, else the MSO's; undefined when neither is known. */
  readonly docType: string | undefined;
  readonly valid: boolean;
  readonly checks: readonly Check[];
  /** Issuer-signed elements (each also has a VALUE_DIGEST check). */
  readonly issuerSigned: DisclosedElements;
  readonly mso?: MobileSecurityObject;
  readonly documentSigner?: Certificate;
  readonly trustAnchor?: Certificate;
}

/** The verification of a whole DeviceResponse. */
export interface VerifyDeviceResponseResult {
  /** True only when every required check of the response and of every document passed. */
  readonly valid: boolean;
  readonly status: number | undefined;
  readonly version: string | undefined;
  /** Response-level checks. */
  readonly checks: readonly Check[];
  readonly documents: readonly VerifiedDocument[];
  /** Documents requested but not returned: docType → error code. */
  readonly documentErrors: Readonly<Record<string, number>>;
}

/** Collects checks as a verification proceeds. */
export class CheckList {
  readonly checks: Check[] = [];

  add(id: string, ok: boolean, detail?: string, extra?: Partial<Pick<Check, 'namespace' | 'element' | 'required'>>): boolean {
    // Members are set one by one (absent ones stay absent): a verification adds some sixty
    // checks, and spreading optional members allocated three objects for each.
    const check: { -readonly [K in keyof Check]: Check[K] } = { id, status: ok ? 'passed' : 'failed', required: extra?.required ?? true };
    if (detail !== undefined) check.detail = detail;
    if (extra?.namespace !== undefined) check.namespace = extra.namespace;
    if (extra?.element !== undefined) check.element = extra.element;
    this.checks.push(check);
    return ok;
  }

  push(check: Check): void {
    this.checks.push(check);
  }

  /** Report a deviation: failed, or tolerated when the caller listed its id. */
  deviation(d: Deviation, tolerate: ReadonlySet<MdocDeviation>): void {
    this.checks.push({ id: `${DEVIATION_CHECK_PREFIX}${d.id}`, status: tolerate.has(d.id) ? 'tolerated' : 'failed', required: true, detail: `${d.path}: ${d.detail}` });
  }

  /** True when no required check failed. */
  get ok(): boolean {
    return this.checks.every((c) => !c.required || c.status !== 'failed');
  }
}

/** The message of an error, for a check's detail. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * What a check reports of `work`: undefined when it fulfils, the message of the `ShomeiError`
 * it rejects with (bad input: a failed check); any other error propagates (a bug, not a verdict).
 */
export function failureOf(work: Promise<unknown>): Promise<string | undefined> {
  return work.then(
    () => undefined,
    (e: unknown) => {
      if (!isShomeiError(e)) throw e;
      return errorText(e);
    },
  );
}
