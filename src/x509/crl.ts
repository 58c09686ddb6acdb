/**
 * Certificate revocation lists, RFC 5280 §5 (CRL profile) and §6.3 (CRL processing),
 * with the ISO/IEC 18013-5 CRL profile in mind (2nd edition B.2: v2, nextUpdate present,
 * authorityKeyIdentifier = issuer SKI, cRLNumber present).
 *
 * ```asn1
 * CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 * TBSCertList ::= SEQUENCE {
 *   version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name,
 *   thisUpdate Time, nextUpdate Time OPTIONAL,
 *   revokedCertificates SEQUENCE OF SEQUENCE {
 *     userCertificate CertificateSerialNumber, revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
 *   crlExtensions [0] EXPLICIT Extensions OPTIONAL }
 * ```
 *
 * shomei never fetches a CRL itself: callers pass CRLs, or a `fetchCrl` function that the
 * chain validation calls with the certificate's cRLDistributionPoints URIs.
 */
import type { CryptoBackend } from '../crypto/types.js';
import { X509Error } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import type { Certificate } from './certificate.js';
import {
  contextTag,
  DerReader,
  decodeBoolean,
  decodeSmallInteger,
  decodeTime,
  integerBytes,
  integerHex,
  parseError,
  readSingleTagged,
  Tag,
  type Tlv,
} from './der.js';
import { type AuthorityKeyIdentifier, type Extension, parseAuthorityKeyIdentifier, parseDistributionPointName, parseExtensionList } from './extensions.js';
import { parseNameTlv, type X509Name } from './name.js';
import { ignoreFindings, malformedFinding } from './findings.js';
import { ExtensionOid } from './oids.js';
import { parsePem } from './pem.js';
import { parseSignatureAlgorithm, parseSignedEnvelope, type SignatureAlgorithm, verifySignedData } from './signature.js';

/** CRLReason (RFC 5280 §5.3.1). */
export const CrlReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type CrlReason = (typeof CrlReason)[keyof typeof CrlReason];

/** One revoked certificate entry. */
export interface RevokedCertificate {
  /** Serial number, hex of the magnitude as in {@link Certificate.serialNumber}. */
  readonly serialNumber: string;
  readonly revocationDate: Date;
  /** The reasonCode entry extension, or null. */
  readonly reason: number | null;
  readonly extensions: readonly Extension[];
}

/** IssuingDistributionPoint (RFC 5280 §5.2.5), when present. */
export interface IssuingDistributionPoint {
  readonly critical: boolean;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  readonly onlySomeReasons: boolean;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

/** A parsed CRL (RFC 5280 CertificateList). */
export interface CertificateList {
  /** The CRL's DER exactly as received. */
  readonly der: Uint8Array;
  /** The TBSCertList DER: the signed bytes. */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly tbsSignatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: X509Name;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly revoked: readonly RevokedCertificate[];
  /** cRLNumber as hex, or null. */
  readonly crlNumber: string | null;
  readonly authorityKeyIdentifier: AuthorityKeyIdentifier | null;
  readonly issuingDistributionPoint: IssuingDistributionPoint | null;
  readonly extensions: readonly Extension[];
}

/** Largest CRL accepted, in bytes. */
export const MAX_CRL_SIZE = 32 * 1024 * 1024;

/** CRL extensions processed (RFC 5280 §5.2); a critical one outside this set makes the CRL unusable. */
const UNDERSTOOD_CRL_EXTENSIONS: ReadonlySet<string> = new Set([
  ExtensionOid.cRLNumber,
  ExtensionOid.authorityKeyIdentifier,
  ExtensionOid.issuingDistributionPoint,
]);
const UNDERSTOOD_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([ExtensionOid.reasonCode, ExtensionOid.invalidityDate]);

function parseIdp(ext: Extension, offset: number): IssuingDistributionPoint {
  const r = DerReader.inside(readSingleTagged(ext.value, Tag.SEQUENCE, 'issuingDistributionPoint', offset), 'issuingDistributionPoint');
  const dp = r.optional(contextTag(0, true), 'distributionPoint');
  if (dp !== undefined) parseDistributionPointName(dp, ignoreFindings);
  const flag = (n: number, what: string): boolean => {
    const t = r.optional(contextTag(n, false), what);
    return t === undefined ? false : decodeBoolean({ ...t, tag: Tag.BOOLEAN }, what);
  };
  const onlyContainsUserCerts = flag(1, 'onlyContainsUserCerts');
  const onlyContainsCACerts = flag(2, 'onlyContainsCACerts');
  const reasons = r.optional(contextTag(3, false), 'onlySomeReasons');
  const indirectCRL = flag(4, 'indirectCRL');
  const onlyContainsAttributeCerts = flag(5, 'onlyContainsAttributeCerts');
  r.finish('issuingDistributionPoint');
  return Object.freeze({
    critical: ext.critical,
    onlyContainsUserCerts,
    onlyContainsCACerts,
    onlySomeReasons: reasons !== undefined,
    indirectCRL,
    onlyContainsAttributeCerts,
  });
}

function parseEntry(t: Tlv): RevokedCertificate {
  const r = DerReader.inside(t, 'revokedCertificate');
  const serialNumber = integerHex(integerBytes(r.expect(Tag.INTEGER, 'userCertificate'), 'userCertificate'));
  const revocationDate = decodeTime(r.next('revocationDate'), 'revocationDate');
  const extTlv = r.optional(Tag.SEQUENCE, 'crlEntryExtensions');
  r.finish('revokedCertificate');
  let reason: number | null = null;
  let extensions: readonly Extension[] = [];
  if (extTlv !== undefined) {
    const list = parseExtensionList(extTlv, () => ignoreFindings);
    extensions = Object.freeze(list.extensions);
    list.extensions.forEach((ext, i) => {
      if (ext.oid === ExtensionOid.reasonCode) {
        reason = decodeSmallInteger(readSingleTagged(ext.value, Tag.ENUMERATED, 'reasonCode', list.offsets[i]), 'reasonCode', Tag.ENUMERATED);
      }
    });
  }
  return Object.freeze({ serialNumber, revocationDate, reason, extensions });
}

function parseCrlDer(input: Uint8Array): CertificateList {
  const { der, tbs: tbsTlv, signatureAlgorithm, signature } = parseSignedEnvelope(input, MAX_CRL_SIZE, 'CRL', 'CertificateList', 'TBSCertList');

  const r = DerReader.inside(tbsTlv, 'TBSCertList');
  let version: 1 | 2 = 1;
  const v = r.optional(Tag.INTEGER, 'version');
  if (v !== undefined) {
    if (decodeSmallInteger(v, 'version') !== 1) parseError('CRL version must be v2 when present', v.offset);
    version = 2;
  }
  const tbsSignatureAlgorithm = parseSignatureAlgorithm(r.expect(Tag.SEQUENCE, 'signature'), 'signature');
  const issuer = parseNameTlv(r.expect(Tag.SEQUENCE, 'issuer'));
  const thisUpdate = decodeTime(r.next('thisUpdate'), 'thisUpdate');
  const nt = r.peekTag();
  const nextUpdate = nt === Tag.UTC_TIME || nt === Tag.GENERALIZED_TIME ? decodeTime(r.next('nextUpdate'), 'nextUpdate') : null;
  const revoked: RevokedCertificate[] = [];
  const list = r.optional(Tag.SEQUENCE, 'revokedCertificates');
  if (list !== undefined) {
    const lr = DerReader.inside(list, 'revokedCertificates');
    while (!lr.atEnd()) revoked.push(parseEntry(lr.expect(Tag.SEQUENCE, 'revokedCertificate')));
  }
  const extWrap = r.optional(contextTag(0, true), 'crlExtensions');
  r.finish('TBSCertList');
  let extensions: readonly Extension[] = [];
  let crlNumber: string | null = null;
  let authorityKeyIdentifier: AuthorityKeyIdentifier | null = null;
  let issuingDistributionPoint: IssuingDistributionPoint | null = null;
  if (extWrap !== undefined) {
    if (version !== 2) parseError('CRL extensions need version 2', extWrap.offset);
    const er = DerReader.inside(extWrap, 'crlExtensions');
    const parsed = parseExtensionList(er.expect(Tag.SEQUENCE, 'Extensions'), () => ignoreFindings);
    er.finish('crlExtensions');
    extensions = Object.freeze(parsed.extensions);
    parsed.extensions.forEach((ext, i) => {
      const at = parsed.offsets[i]!;
      if (ext.oid === ExtensionOid.cRLNumber) crlNumber = integerHex(integerBytes(readSingleTagged(ext.value, Tag.INTEGER, 'cRLNumber', at), 'cRLNumber'));
      else if (ext.oid === ExtensionOid.authorityKeyIdentifier) authorityKeyIdentifier = parseAuthorityKeyIdentifier(ext, at, ignoreFindings);
      else if (ext.oid === ExtensionOid.issuingDistributionPoint) issuingDistributionPoint = parseIdp(ext, at);
    });
  }
  return Object.freeze({
    der,
    tbs: tbsTlv.der,
    version,
    signatureAlgorithm,
    tbsSignatureAlgorithm,
    signature,
    issuer,
    thisUpdate,
    nextUpdate,
    revoked: Object.freeze(revoked),
    crlNumber,
    authorityKeyIdentifier,
    issuingDistributionPoint,
    extensions,
  });
}

/**
 * Parse a CRL from DER, or from PEM (`X509 CRL` block; a string or bytes holding PEM text).
 * @throws X509Error `ERR_X509_PARSE` for anything that is not one well-formed CRL.
 */
export function parseCrl(derOrPem: Uint8Array | string): CertificateList {
  let der: Uint8Array;
  if (typeof derOrPem === 'string') {
    const blocks = parsePem(derOrPem).filter((b) => b.label === 'X509 CRL');
    if (blocks.length !== 1) throw new X509Error('ERR_X509_PARSE', `expected one X509 CRL PEM block, found ${blocks.length}`);
    der = blocks[0]!.der;
  } else if (derOrPem instanceof Uint8Array) {
    der = derOrPem;
  } else {
    throw new TypeError('CRL must be a Uint8Array (DER) or a string (PEM)');
  }
  if (der.length === 0) throw new X509Error('ERR_X509_PARSE', 'empty CRL');
  try {
    return parseCrlDer(der);
  } catch (e) {
    if (e instanceof X509Error) throw e;
    throw new X509Error('ERR_X509_PARSE', `malformed CRL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The outcome of checking one certificate against one CRL. */
export type CrlCheck =
  | { readonly status: 'good'; readonly crl: CertificateList }
  | { readonly status: 'revoked'; readonly crl: CertificateList; readonly entry: RevokedCertificate }
  | { readonly status: 'unusable'; readonly reason: string }
  | { readonly status: 'not-applicable'; readonly reason: string };

const lookups = new WeakMap<CertificateList, Map<string, RevokedCertificate>>();

function findEntry(crl: CertificateList, serial: string): RevokedCertificate | undefined {
  let map = lookups.get(crl);
  if (map === undefined) {
    map = new Map();
    for (const e of crl.revoked) map.set(e.serialNumber, e);
    lookups.set(crl, map);
  }
  return map.get(serial);
}

/**
 * Check `cert` against `crl` issued by `issuer` (RFC 5280 §6.3.3, for complete, direct
 * CRLs): the CRL's issuer name must match the issuer's subject (else `not-applicable`);
 * its signature must verify with the issuer's key, the issuer's keyUsage (if any) must
 * allow cRLSign, `now` must lie within thisUpdate … nextUpdate (with `skewMs`), and it must
 * have no critical extension shomei does not process (else `unusable`).
 */
export async function checkCrl(
  cert: Certificate,
  issuer: Certificate,
  crl: CertificateList,
  now: Date,
  skewMs: number,
  backend: CryptoBackend,
): Promise<CrlCheck> {
  if (!equalBytes(crl.issuer.der, issuer.subject.der) || !equalBytes(crl.issuer.der, cert.issuer.der)) {
    return { status: 'not-applicable', reason: `CRL issuer ${crl.issuer.text} is not ${cert.issuer.text}` };
  }
  const idp = crl.issuingDistributionPoint;
  if (idp !== null) {
    const isCa = cert.basicConstraints?.cA === true;
    if ((idp.onlyContainsCACerts && !isCa) || (idp.onlyContainsUserCerts && isCa) || idp.onlyContainsAttributeCerts) {
      return { status: 'not-applicable', reason: 'CRL scope (issuingDistributionPoint) does not cover this certificate' };
    }
    if (idp.indirectCRL || idp.onlySomeReasons) return { status: 'unusable', reason: 'indirect or partitioned CRLs are not supported' };
  }
  for (const ext of crl.extensions) {
    if (ext.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(ext.oid)) return { status: 'unusable', reason: `CRL has an unsupported critical extension ${ext.oid}` };
  }
  if (malformedFinding(issuer.findings, ExtensionOid.keyUsage) !== undefined) return { status: 'unusable', reason: 'the CRL issuer keyUsage does not decode' };
  if (issuer.keyUsage !== null && !issuer.keyUsage.usages.includes('cRLSign')) {
    return { status: 'unusable', reason: 'the CRL issuer key usage does not include cRLSign' };
  }
  const aki = crl.authorityKeyIdentifier?.keyIdentifier;
  const ski = issuer.subjectKeyIdentifier?.keyIdentifier;
  if (aki && ski && !equalBytes(aki, ski)) return { status: 'not-applicable', reason: 'CRL authority key identifier does not match the issuer' };
  if (!equalBytes(crl.signatureAlgorithm.der, crl.tbsSignatureAlgorithm.der) || !(await verifySignedData(crl.signatureAlgorithm, crl.tbs, crl.signature, issuer.publicKey, backend))) {
    return { status: 'unusable', reason: 'CRL signature does not verify with the issuer key' };
  }
  const t = now.getTime();
  if (crl.thisUpdate.getTime() - skewMs > t) return { status: 'unusable', reason: `CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future` };
  if (crl.nextUpdate === null) return { status: 'unusable', reason: 'CRL has no nextUpdate' };
  if (crl.nextUpdate.getTime() + skewMs < t) return { status: 'unusable', reason: `CRL is stale: nextUpdate ${crl.nextUpdate.toISOString()}` };
  const entry = findEntry(crl, cert.serialNumber);
  if (entry !== undefined) {
    for (const ext of entry.extensions) {
      if (ext.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(ext.oid)) return { status: 'unusable', reason: `CRL entry has an unsupported critical extension ${ext.oid}` };
    }
    if (entry.reason !== CrlReason.removeFromCRL) return { status: 'revoked', crl, entry };
  }
  return { status: 'good', crl };
}
