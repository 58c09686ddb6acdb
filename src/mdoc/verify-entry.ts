/**
 * `shomei/mdoc/verify`: verification only (ISO/IEC 18013-5 §9.3: a DeviceResponse, or an
 * IssuerSigned on its own, with the report, its check ids and the named deviations). The same
 * functions as `shomei/mdoc`, without the issuing, presentation, status-list building, VICAL
 * and doctype code that entry point also carries, so that a verifier imports and bundles only
 * what verification runs (no @noble package: the platform's crypto does the work; noble is
 * loaded on first use where there is none).
 */

export { type Deviation, DEVIATION_CHECK_PREFIX, isMdocDeviation, MDOC_DEVIATIONS, MdocDeviation } from './deviations.js';
export {
  type Check,
  type CheckStatus,
  type DisclosedElements,
  MdocCheckId,
  type VerifiedDocument,
  type VerifyDeviceResponseResult,
  type VerifyIssuerSignedResult,
} from './report.js';
export { assertValid, failedChecks, type VerifyDeviceResponseOptions, verifyDeviceResponse } from './verify.js';
export { type VerifyIssuerOptions, type VerifyIssuerSignedOptions, verifyIssuerSigned, waivableCheckIds } from './verify-issuer.js';
