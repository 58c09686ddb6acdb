/**
 * `shomei/mdoc`: ISO/IEC 18013-5 mdoc — the Mobile Security Object and IssuerSigned
 * (issue and read), DeviceRequest (build, read, reader authentication), DeviceResponse
 * (build with selective disclosure and device authentication; verify with a report of
 * named checks), and the doctype profiles.
 */

export {
  deriveEMacKey,
  deviceAuthenticationBytes,
  readerAuthenticationAllBytes,
  readerAuthenticationBytes,
  readSessionTranscript,
  type SessionTranscriptBytes,
} from './device-auth.js';
export {
  type BuildDeviceRequestOptions,
  buildDeviceRequest,
  buildItemsRequest,
  type DeviceRequest,
  type DeviceRequestInfo,
  type DocRequest,
  type DocRequestInfo,
  decodeDeviceRequest,
  encodeDeviceRequest,
  type ItemsRequest,
  type ItemsRequestInput,
  type ReaderAuthInput,
  readerAuthCertificates,
  type UseCase,
  type VerifyReaderAuthAllOptions,
  verifyReaderAuthAllSignature,
  verifyReaderAuthSignature,
} from './device-request.js';
export {
  DATA_NOT_RETURNED,
  type DeviceAuth,
  type DeviceNameSpaces,
  type DeviceResponse,
  DeviceResponseStatus,
  type DeviceSigned,
  decodeDeviceResponse,
  encodeDeviceResponse,
  type MdocDocument,
} from './device-response.js';
export { type Deviation, DEVIATION_CHECK_PREFIX, isMdocDeviation, MDOC_DEVIATIONS, MdocDeviation } from './deviations.js';
export { MAX_DOCUMENTS, MAX_ELEMENTS, MAX_IDENTIFIER_LENGTH } from './structure.js';
export { type IssueMdocOptions, issueMdoc, type NameSpacesInput } from './issue.js';
export {
  decodeIssuerAuthPayload,
  decodeIssuerSigned,
  digestItem,
  encodeIssuerSigned,
  type IssuerSigned,
  type IssuerSignedItem,
  type IssuerSignedItemBytes,
} from './issuer-signed.js';
export {
  DIGEST_ALGORITHMS,
  type DeviceKeyInfo,
  type DigestAlgorithm,
  decodeMobileSecurityObject,
  type KeyAuthorizations,
  type MobileSecurityObject,
  type MsoStatus,
  type ValidityInfo,
} from './mso.js';
export { answerFor } from './answer.js';
export {
  type ProximityReaderRawResponse,
  type ProximityReaderVerification,
  type ReaderKeyFormat,
  readEphemeralReaderKey,
  readProximityTranscript,
  type TranscriptForm,
  type VerifyProximityReaderOptions,
  verifyProximityReaderResponse,
} from './proximity-reader.js';
export { type BuildDeviceResponseOptions, buildDeviceResponse, type ElementSelection, type HeldDocument } from './present.js';
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
export {
  type CertificateInfo,
  type DecodeVicalOptions,
  decodeVical,
  MAX_VICAL_ENTRIES,
  MAX_VICAL_SIZE,
  type Vical,
  type VicalEntry,
  type VicalFinding,
  VicalFindingId,
  vicalEntries,
} from './vical.js';
export { type BuildCertificateInfo, type BuildVicalOptions, buildVical, encodeVicalPayload } from './vical-build.js';
export {
  loadVicalTrustAnchors,
  VicalCheck,
  VicalSignerCheck,
  type VicalTrustAnchorsOptions,
  type VerifyVicalOptions,
  type VerifyVicalResult,
  verifyVical,
  vicalSignerProfile,
  vicalSource,
  vicalTrustAnchors,
} from './vical-verify.js';
export * from './doctypes/index.js';
export * from './status/index.js';
export { MdocError } from '../errors.js';
