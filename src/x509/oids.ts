/**
 * Object identifiers of the X.509 layer: RFC 5280 §4.2.1 extensions, RFC 5280 §5.2 CRL
 * extensions, X.520 attribute types, RFC 3279 / RFC 4055 / RFC 5758 / RFC 8410 algorithms,
 * and the ISO/IEC 18013-5 extended key usages (`1.0.18013.5.1.x`).
 */

/** Certificate and CRL extension OIDs (RFC 5280 §4.2.1, §5.2, §5.3). */
export const ExtensionOid = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCRL: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;
export type ExtensionOid = (typeof ExtensionOid)[keyof typeof ExtensionOid];

/** Extended key usage purposes: ISO/IEC 18013-5 (`1.0.18013.5.1.x`), ISO/IEC 23220-4 and RFC 5280 §4.2.1.12. */
export const ExtKeyUsageOid = {
  /** id-mdl-kp-mdlDS: mDL document signer (ISO/IEC 18013-5 Table B.3). */
  mdlDS: '1.0.18013.5.1.2',
  /** id-mdl-kp-mdlJWS: server-retrieval JWS signer. */
  mdlJWS: '1.0.18013.5.1.3',
  /** id-mdl-kp-mdlReaderAuth: mdoc reader authentication (ISO/IEC 18013-5 Table B.6). */
  mdlReaderAuth: '1.0.18013.5.1.6',
  /** id-mdl-kp-VICAL signer. */
  vicalSigner: '1.0.18013.5.1.8',
  /** mdocDS: generic mdoc document signer (ISO/IEC 23220-4; recommended by 18013-5 2nd edition). */
  mdocDS: '1.0.23220.4.1.2',
  /** mdocReaderAuth (ISO/IEC 23220-4). */
  mdocReaderAuth: '1.0.23220.4.1.6',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;
export type ExtKeyUsageOid = (typeof ExtKeyUsageOid)[keyof typeof ExtKeyUsageOid];

/** Attribute types of distinguished names, by the short names RFC 4514 §3 and common practice use. */
export const AttributeOid = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  TITLE: '2.5.4.12',
  GN: '2.5.4.42',
  INITIALS: '2.5.4.43',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  E: '1.2.840.113549.1.9.1',
} as const;
export type AttributeName = keyof typeof AttributeOid;

/** Short name for an attribute OID, or undefined. */
export const ATTRIBUTE_NAMES: ReadonlyMap<string, AttributeName> = new Map(
  (Object.entries(AttributeOid) as [AttributeName, string][]).map(([k, v]) => [v, k]),
);

/** Algorithm OIDs (RFC 3279, RFC 4055, RFC 5480, RFC 5758, RFC 8410). */
export const AlgorithmOid = {
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;

/** id-qt-cps (RFC 5280 §4.2.1.4). */
export const ID_QT_CPS = '1.3.6.1.5.5.7.2.1';
