/**
 * `shomei/jpki`: Japan's JPKI and the My Number Card over ISO/IEC 7816-4 APDUs.
 *
 * - APDU layer: {@link encodeCommandApdu}, {@link decodeResponseApdu}, status words,
 *   command builders, {@link CardTransport} with PC/SC, recording and replay transports.
 * - Applets: JPKI-AP (certificates, PINs, signatures), 券面事項入力補助AP (My Number, basic
 *   four, integrity), 券面事項確認AP (card face, photo), 住基AP (what is documented).
 * - {@link MyNumberCard}: the high-level API with the PIN safety rules.
 * - Certificates, signatures and detached CMS SignedData with the card's key.
 * - {@link VirtualMyNumberCard}: a simulator with a TEST identity, and the vpcd bridge.
 *
 * Never imports the CBOR or mdoc layers.
 */
export { type AppletName, AidHex, aidBytes, JpkiEf, JukiEf, SupportEf, SurfaceEf } from './aid.js';
export {
  type CommandApdu,
  decodeCommandApdu,
  decodeResponseApdu,
  type EncodeApduOptions,
  encodeCommandApdu,
  encodeResponseApdu,
  type LengthEncoding,
  type ResponseApdu,
} from './apdu.js';
export { type BasicFour, type BasicFourFile, type BasicFourFinding, BasicFourFindingId, decodeBasicFourFile, SexCode, type SexMeaning, sexMeaning } from './basic-four.js';
export { CardChannel, type PinOptions, type PinRetryStatus } from './channel.js';
export {
  type BuildCmsOptions,
  buildDetachedCms,
  type CmsCheck,
  CmsCheckId,
  CmsOid,
  type CmsSignerReport,
  type CmsVerification,
  type CmsWaivableCheck,
  type DigestInfoSigner,
  type VerifyCmsOptions,
  MAX_CMS_ITEMS,
  type AttachedCmsVerification,
  verifyAttachedCms,
  verifyDetachedCms,
} from './cms.js';
export * as commands from './commands.js';
export {
  changeKey,
  changeReferenceData,
  computeDigitalSignature,
  getChallenge,
  getData,
  getResponse,
  readBinary,
  readRecord,
  selectDf,
  selectEf,
  verify,
} from './commands.js';
export {
  decodeJpkiBirthDate,
  decodeJpkiCertificate,
  type JpkiBirthDate,
  type JpkiCertificateInfo,
  type JpkiCertificateKind,
  type JpkiKindBasis,
  type JpkiSignHolder,
  type VerifyJpkiCertificateOptions,
  verifyJpkiCertificate,
} from './certificates.js';
export {
  type CardVerifiableCertificate,
  type CvcTrustAnchor,
  type CvcVerification,
  decodeCvc,
  formatKeyId,
  UNCONFIRMED_JLIS_CVC_ANCHORS,
  verifyCvc,
} from './cvc.js';
export { ERAS, type Era, toJapaneseEra } from './era.js';
export {
  decodeIntegrityRecord,
  type IntegrityCheck,
  IntegrityCheckId,
  type IntegrityOptions,
  type IntegrityRecord,
  type IntegrityReport,
  type SupportApIntegrityInput,
  verifySupportApIntegrity,
} from './integrity.js';
export {
  changeJpkiPin,
  type JpkiCertificate,
  type JpkiKey,
  jpkiPinStatus,
  jpkiSignDigest,
  jpkiSignPayload,
  readCertificateAvailability,
  readJpkiCertificate,
  readJpkiToken,
  verifyJpkiPin,
} from './jpki-ap.js';
export { type CommonCardInfo, changeJukiPin, decodeCommonCardInfo, type JukiAp, jukiPinStatus, readCommonCardInfo, verifyJukiPin } from './juki-ap.js';
export { decodeMyNumberFile, isValidMyNumber, maskMyNumber, myNumberCheckDigit, type MyNumberFile } from './my-number.js';
export { type CmsSignOptions, MyNumberCard, type MyNumberCardOptions, type PinStatusReport, type ReadAuthCertificateOptions, type SignOptions, type WithIntegrity } from './my-number-card.js';
export { JpkiPolicyOid, JpkiSanOid } from './oids.js';
export { listPcscReaders, openPcscTransport, PCSCLITE_INSTALL_HINT, type PcscLite, type PcscLiteFactory, type PcscOptions, type PcscReader, type PcscTransport } from './pcsc.js';
export { encodePin, type PinKind, pinLabel } from './pin.js';
export { decodeCardRsaPublicKey, encodeCardRsaPublicKey } from './rsa-key.js';
export { describeStatusWord, formatStatusWord, isSuccess, retriesFromStatusWord, StatusWord, statusError } from './status.js';
export {
  openSupportAp,
  readBasicFourFile,
  readIntegrityRecord,
  readMyNumberFile,
  readSupportApCvc,
  type SupportApCredential,
  supportApPinStatus,
} from './support-ap.js';
export {
  type CardFace,
  cardFaceSignaturePayload,
  decodeCardFaceFile,
  decodeMyNumberImageFile,
  type MyNumberImage,
  verifySurfaceApIntegrity,
} from './surface.js';
export { openSurfaceAp, readCardFace, readMyNumberImage, readSurfaceApCvc, type SurfaceApCredential, surfaceApPinStatus } from './surface-ap.js';
export { decodeTlv, decodeTlvHeader, decodeTlvList, encodeTlv, MAX_TLV_LIST_ITEMS, type Tlv, type TlvHeader } from './tlv.js';
export { authCertificateNeedsPin, type CertificateAvailability, decodeCertificateAvailability, decodeTokenInfo, type TokenInfo, TokenLabel, type TokenKind } from './token.js';
export { type ApduTranscript, isSecretCommand, RecordingTransport, redactCommand, ReplayTransport, type TranscriptExchange } from './transcript.js';
export { ApduTimeout, type CardTransport, defaultHints, type TransmitHints, transmitApdu } from './transport.js';
export { birthDateKey, verificationCodeA, verificationCodeB, type VerificationCodeBInput } from './verification-code.js';
export {
  type CreateVirtualCardOptions,
  createVirtualMyNumberCard,
  connectVpcd,
  DEFAULT_TEST_IDENTITY,
  TEST_AUTH_CA_NAME,
  TEST_CVC_ISSUER,
  TEST_SIGN_CA_NAME,
  type TestIdentity,
  testCvcAnchors,
  VIRTUAL_CARD_ATR_HEX,
  type VirtualCardCertificates,
  type VirtualCardOptions,
  VirtualMyNumberCard,
  type VirtualTokenKind,
  type VpcdConnection,
  type VpcdOptions,
} from './simulator/index.js';
export {
  checkJpkiCertificateStatus,
  directoryNameDistributionPoints,
  type JpkiCheck,
  type JpkiCheckStatus,
  type JpkiOcspOptions,
  JpkiStatusCheckId,
  type JpkiStatusOptions,
  type JpkiStatusRequirement,
  type JpkiStatusResult,
} from './cert-status.js';
export {
  type JpkiAuthenticationInput,
  type JpkiAuthenticationResult,
  JpkiAuthCheckId,
  type VerifyJpkiAuthenticationOptions,
  verifyJpkiAuthentication,
} from './verify-auth.js';
export { buildTestCertificates, TestJpkiCa, type TestOcspResponseOptions, type TestOcspSigner } from './simulator/index.js';
