/**
 * `shomei/x509`: X.509 certificates and CRLs (RFC 5280), certification path validation with
 * a report of named checks, the ISO/IEC 18013-5 Annex B profiles (IACA, document signer,
 * mdoc reader authentication), certificate and CRL building, and opt-in J-LIS trust anchors.
 *
 * Parsing uses a strict DER reader that keeps the received bytes; every signature is checked
 * over the received TBS bytes with a CryptoBackend. Nothing is fetched: CRLs are passed in
 * or obtained through an injected `fetchCrl`.
 *
 * @example
 * ```ts
 * import { loadTrustAnchors, verifyIssuerChain, JLIS_MDOC_IACA } from 'shomei/x509';
 * const report = await verifyIssuerChain(x5chain, { anchors: loadTrustAnchors(JLIS_MDOC_IACA) });
 * if (!report.valid) console.log(report.checks.filter((c) => c.status === 'failed'));
 * ```
 */

export { JLIS_MDOC_IACA } from './anchors/jlis-mdoc-iaca.js';
export { JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023, JPKI_SIGN_CA_2015, JPKI_SIGN_CA_2023 } from './anchors/jpki-roots.js';
export {
  loadTrustAnchors,
  type TrustAnchorInput,
  type ConstrainedTrustAnchor,
  type LoadedTrustAnchor,
  type TrustAnchorEntry,
  countryOf,
  isConstrainedTrustAnchor,
  loadConstrainedTrustAnchor,
  trustAnchorCertificate,
} from './anchors.js';
export { type TrustAnchorUse, type TrustAnchorUseCheck, TrustAnchorCheck, checkTrustAnchorUse, describeTrustAnchor } from './anchor-use.js';
export {
  type BuildCertificateOptions,
  type BuildCrlOptions,
  buildCertificate,
  buildCrl,
  type CertificateSigner,
  type ExtensionInput,
  type RevokedEntryInput,
  type X509Signer,
} from './build.js';
export { type Certificate, clearCertificateCache, MAX_CERTIFICATE_SIZE, parseCertificate, parseCertificates } from './certificate.js';
export {
  type CertificateProfile,
  type ChainReport,
  ChainCheck,
  type CheckStatus,
  MAX_CANDIDATE_PATHS,
  MAX_INTERMEDIATES,
  MAX_PATH_LENGTH,
  type ProfileCheckResult,
  type ProfileContext,
  type VerifyChainOptions,
  verifyCertificateSignature,
  verifyChain,
  type X509Check,
} from './chain.js';
export {
  type CertificateList,
  CrlReason,
  type IssuingDistributionPoint,
  MAX_CRL_SIZE,
  parseCrl,
  type RevokedCertificate,
} from './crl.js';
export { CRL_PROFILE_CHECK_IDS, type CrlCheck, CrlProblem, type CrlProblemReport, CrlProfileCheck, type CrlProfileFinding, checkCrl, checkCrlIssuer, crlProfileFindings, describeCrl } from './crl.js';
export { decodeNameConstraints, MAX_CONSTRAINED_NAMES, MAX_NAME_CONSTRAINT_SUBTREES, type NameConstraints } from './name-constraints.js';
export { encodeNameConstraints, type NameConstraintsInput } from './name-constraints-encode.js';
export {
  CrlCache,
  type CrlCacheOptions,
  type CrlLookup,
  type CrlTransport,
  type CrlTransportOptions,
  crlTransportFromFetch,
  type FetchLike,
  type FetchResponseLike,
  MAX_CRL_URI_LENGTH,
} from './crl-cache.js';
export type {
  AltName,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CrlDistributionPoints,
  DistributionPoint,
  ExtKeyUsage,
  Extension,
  GeneralName,
  GeneralNameInput,
  KeyUsage,
  KeyUsageName,
  PolicyInformation,
  SubjectKeyIdentifier,
} from './extensions.js';
export { KEY_USAGES } from './extensions.js';
export { MAX_CERTIFICATE_FINDINGS, type X509Finding, X509FindingId } from './findings.js';
export { CERTIFICATE_LIST_LIMITS } from './extensions.js';
export { MAX_NAME_ATTRIBUTES, MAX_RDN_ATTRIBUTES, namesMatch, type NameAttribute, type NameInput, parseName, type X509Name } from './name.js';
export { AlgorithmOid, AttributeOid, ExtensionOid, ExtKeyUsageOid } from './oids.js';
export { derToPem, MAX_PEM_BLOCKS, type PemBlock, parsePem, pemToDer } from './pem.js';
export {
  MAX_X5CHAIN_LENGTH,
  MdocCheck,
  type MdocIssuerProfileOptions,
  type MdocReaderProfileOptions,
  mdocIssuerProfile,
  mdocReaderProfile,
  type VerifyX5ChainOptions,
  verifyIssuerChain,
  verifyReaderChain,
} from './profiles/mdoc.js';
export {
  type BuildDocumentSignerOptions,
  type BuildIacaOptions,
  type BuildReaderAuthOptions,
  buildDocumentSigner,
  buildIaca,
  buildReaderAuthCertificate,
  type IssuerContact,
  type Validity,
} from './profiles/mdoc-build.js';
export { ecdsaDerToRaw, ecdsaRawToDer, type SignatureAlgorithm, type SignatureAlgorithmName, type X509PublicKey } from './signature.js';
export {
  type BasicOcspResponse,
  buildOcspCertId,
  buildOcspRequest,
  type BuildOcspRequestOptions,
  decodeOcspRequest,
  type DecodedOcspRequest,
  decodeOcspResponse,
  MAX_OCSP_NONCE_LENGTH,
  MAX_OCSP_RESPONSE_SIZE,
  type OcspCertId,
  type OcspCertStatus,
  type OcspHash,
  OcspOid,
  OcspProblem,
  type OcspRequest,
  type OcspResponderId,
  type OcspResponse,
  OcspResponseStatus,
  type OcspSingleResponse,
  type OcspVerified,
  type VerifyOcspResponseOptions,
  verifyOcspResponse,
} from './ocsp.js';
export { type CheckOcspOptions, checkOcsp, createOcspCache, type OcspCache, type OcspCheck, type OcspTransport, ocspUrls } from './ocsp-check.js';
export { type BuildOcspResponseOptions, buildOcspResponse, encodeOcspErrorResponse, type OcspResponseEntryInput } from './ocsp-responder.js';
