/**
 * MSO revocation (ISO/IEC 18013-5 2nd edition §12.3.6): the IETF Token Status List in CWT
 * form and the ISO identifier list — decode, verify, check an MSO, cache, and build.
 */

export {
  type BuildIdentifierListTokenOptions,
  type BuildStatusListTokenOptions,
  type BuildStatusTokenBase,
  buildIdentifierListToken,
  buildStatusListToken,
} from './build.js';
export { StatusListCache, type StatusListCacheOptions } from './cache.js';
export { type MsoStatusContext, type MsoStatusOptions, type StatusListFetcher, verifyMsoStatus } from './check.js';
export { deflateZlib } from './deflate.js';
export { DEFAULT_MAX_INFLATED_BYTES, type InflateOptions, inflateZlib } from './inflate.js';
export {
  createStatusBytes,
  decodeStatusList,
  encodeStatusList,
  readStatus,
  type StatusList,
  type StatusListBits,
  StatusType,
  statusName,
  writeStatus,
} from './status-list.js';
export {
  COSE_HEADER_TYP,
  DEFAULT_MAX_TOKEN_BYTES,
  type DecodeStatusListTokenOptions,
  decodeStatusListToken,
  IDENTIFIER_LIST_CWT_TYPE,
  type IdentifierList,
  STATUS_LIST_CWT_TYPE,
  StatusCwtClaim,
  type StatusListToken,
  type StatusTokenKind,
} from './token.js';
export { MsoStatusCheck, type VerifiedStatusListToken, type VerifyStatusListTokenOptions, verifyStatusListToken } from './verify.js';
