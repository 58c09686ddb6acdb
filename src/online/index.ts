/**
 * `shomei/online`: online presentation — the OpenID4VP and ISO/IEC 18013-7 handovers,
 * mdoc over the W3C Digital Credentials API (Annex C, `org-iso-mdoc`) for verifiers and
 * wallets, Apple Verify with Wallet's APPLE-HPKE-v1 envelope, and HPKE (RFC 9180).
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
export { OnlineError } from '../errors.js';
