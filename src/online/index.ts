/**
 * `shomei/online`: online presentation — the OpenID4VP and ISO/IEC 18013-7 handovers,
 * mdoc over the W3C Digital Credentials API (Annex C, `org-iso-mdoc`, and OpenID4VP 1.0
 * `openid4vp-v1-unsigned` with DCQL) for verifiers and wallets, Apple Verify with Wallet's
 * APPLE-HPKE-v1 envelope, HPKE (RFC 9180), and JWE with ECDH-ES (RFC 7516 / 7518).
 */

export { APPLE_HPKE_ALGORITHM, type AppleRequestContext, appleSessionTranscript, openAppleIdentityResponse, sealAppleIdentityResponse } from './apple.js';
export {
  createDcApiRequest,
  createDcApiResponse,
  DC_API_PROTOCOL,
  type DcApiRequest,
  type DcApiVerifierState,
  type DcApiWalletRequest,
  openDcApiResponse,
  readDcApiRequest,
} from './dcapi.js';
export {
  appleHandover,
  dcApiHandover,
  iso18013_7AnnexBHandover,
  jwkThumbprint,
  type OnlineTranscript,
  openId4VpDcApiDraft24Handover,
  openId4VpDcApiHandover,
  openId4VpHandover,
} from './handovers.js';
export * from './hpke.js';
export {
  concatKdf,
  type DecryptJweOptions,
  decodeJweHeader,
  decryptJwe,
  type EncryptJweOptions,
  encryptJwe,
  JWE_ALG_ECDH_ES,
  JweEnc,
  type JweHeader,
} from './jwe.js';
export { JSON_LIMITS } from './json.js';
export {
  type DcqlClaimsQuery,
  type DcqlCredentialQuery,
  type DcqlCredentialSetQuery,
  type DcqlQuery,
  MSO_MDOC_FORMAT,
  type MdocClaimQuery,
  type MdocCredentialQuery,
} from './dcql.js';
export {
  DCQL_LIMITS,
  type DcqlCandidate,
  type DcqlCredentialResult,
  type DcqlDocumentResult,
  type DcqlElements,
  type DcqlEvaluation,
  type DcqlIssuerChain,
  type DcqlLimits,
  type DcqlMatchOptions,
  type DcqlPresentedDocument,
  type DcqlReason,
  DcqlReasonCode,
  type DcqlSetResult,
  type DcqlTrustedAuthoritiesQuery,
  DcqlTrustedAuthorityType,
  type DcqlTrustOptions,
  type DcqlTrustResolver,
  type DcqlTrustResult,
  type DcqlTrustStatus,
  type DcqlWalletCredential,
  type DcqlWalletMatch,
  dcqlJsonValue,
  type EvaluateDcqlOptions,
  evaluateDcql,
  issuerChainOf,
  matchDcql,
  matchTrustedAuthorities,
  presentedDocument,
  type ReadDcqlQueryOptions,
  type ReadDcqlQueryResult,
  readDcqlQuery,
} from './dcql.js';
export {
  assignTransactionData,
  bindMdocTransactionData,
  checkMdocTransactionData,
  type MdocTransactionDataElement,
  readTransactionData,
  TRANSACTION_DATA_LIMITS,
  type TransactionData,
  type TransactionDataCheck,
  type TransactionDataType,
  transactionDataHash,
} from './transaction-data.js';
export {
  createOpenId4VpDcApiRequest,
  dcqlQueryFor,
  createOpenId4VpDcApiResponse,
  OPENID4VP_DC_API_PROTOCOL,
  type OpenId4VpClientMetadata,
  OpenId4VpCheckId,
  type OpenId4VpDcApiRequest,
  type OpenId4VpDcApiRequestData,
  type OpenId4VpDcApiResponseData,
  type OpenId4VpDcApiResult,
  type OpenId4VpDcApiVerifierState,
  type OpenId4VpDcApiWalletRequest,
  type OpenId4VpDocRequest,
  type OpenId4VpPresentation,
  type OpenId4VpResponseMode,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiRequest,
} from './openid4vp.js';
export {
  type AuthenticateClientOptions,
  authenticateClient,
  type ClientAuthentication,
  type ClientId,
  ClientIdPrefix,
  dnsNamesOf,
  parseClientId,
  x509Hash,
} from './openid4vp/client-id.js';
export {
  OPENID4VP_DC_API_MULTISIGNED_PROTOCOL,
  OPENID4VP_DC_API_SIGNED_PROTOCOL,
  type OpenId4VpDcApiSignedRequest,
  type OpenId4VpDcApiSignedWalletRequest,
  type OpenId4VpDcApiSigner,
  readOpenId4VpDcApiSignedRequest,
  signOpenId4VpDcApiRequest,
} from './openid4vp/dc-api-signed.js';
export { buildOpenId4VpErrorResponse, OpenId4VpErrorCode, type OpenId4VpErrorResponse, readOpenId4VpErrorResponse } from './openid4vp/errors.js';
export { HaipCheck, type HaipFinding, haipFindings, type HaipRequestFacts } from './openid4vp/haip.js';
export { type FetchLike, type FetchResponse, MAX_HTTP_BODY } from './openid4vp/http.js';
export { type DecodedJws, decodeJws, decodeJwsJson, JwsAlg, jwsAlgsOf, type JwsSignature, MAX_JWS_LENGTH, signJws, verifyJwsSignature } from './openid4vp/jws.js';
export { openId4VpQrSvg, type QrSvgOptions } from './openid4vp/qr.js';
export {
  buildOpenId4VpUrl,
  MAX_REQUEST_URL_LENGTH,
  type OpenId4VpAuthorizationRequest,
  type OpenId4VpRedirectResponseMode,
  OpenId4VpScheme,
  openId4VpErrorCodeFor,
  REQUEST_OBJECT_TYP,
  type ResolveOpenId4VpRequestOptions,
  readOpenId4VpUrl,
  resolveOpenId4VpRequest,
  SELF_ISSUED_AUDIENCE,
} from './openid4vp/request.js';
export {
  createOpenId4VpErrorResponse,
  createOpenId4VpResponse,
  type OpenId4VpAuthorizationResponse,
  type OpenId4VpSubmitResult,
  submitOpenId4VpResponse,
} from './openid4vp/response.js';
export { MemoryStateStore, type MemoryStateStoreOptions, type OpenId4VpStateStore, type OpenId4VpTransaction } from './openid4vp/state-store.js';
export {
  type CreateOpenId4VpRequestOptions,
  MAX_RESPONSE_BODY,
  type OpenId4VpHttpReply,
  type OpenId4VpRequestHandle,
  type OpenId4VpResult,
  OpenId4VpVerifier,
  type OpenId4VpVerifierClientIdPrefix,
  type OpenId4VpVerifierOptions,
} from './openid4vp/verifier.js';
export { buildVpToken, type OpenId4VpConsent, type OpenId4VpVerifyOptions, verifyVpToken, type VpTokenResult } from './openid4vp/vp-token.js';
export { OnlineError } from '../errors.js';
