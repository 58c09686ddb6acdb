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
} from './der.js';
import { type AuthorityKeyIdentifier, type Extension, type GeneralName, parseAuthorityKeyIdentifier, parseDistributionPointName, parseExtensionList } from './extensions.js';
import { namesMatch, parseNameTlv, type X509Name } from './name.js';
import { ignoreFindings, malformedFinding } from './findings.js';
import { CrlProfileCheck } from './crl-profile.js';
import { type RevokedCertificate, RevokedEntries, UNDERSTOOD_ENTRY_EXTENSIONS } from './crl-entries.js';
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

export type { RevokedCertificate } from './crl-entries.js';

/** IssuingDistributionPoint (RFC 5280 §5.2.5), when present. */
export interface IssuingDistributionPoint {
  readonly critical: boolean;
  /** The distributionPoint fullName, or null (absent, or nameRelativeToCRLIssuer). */
  readonly fullName: readonly GeneralName[] | null;
  /** The distributionPoint nameRelativeToCRLIssuer as the DER of the RDN SET, or null. */
  readonly nameRelativeToCRLIssuer: Uint8Array | null;
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
  /**
   * Every entry, decoded the first time it is read (a CRL can list hundreds of thousands):
   * the revocation check looks serial numbers up without it. Every entry was checked when
   * the CRL was parsed.
   */
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

function parseIdp(ext: Extension, offset: number): IssuingDistributionPoint {
  const r = DerReader.inside(readSingleTagged(ext.value, Tag.SEQUENCE, 'issuingDistributionPoint', offset), 'issuingDistributionPoint');
  const dp = r.optional(contextTag(0, true), 'distributionPoint');
  const name = dp === undefined ? { fullName: null, nameRelativeToCRLIssuer: null } : parseDistributionPointName(dp, ignoreFindings);
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
    fullName: name.fullName === null ? null : Object.freeze(name.fullName),
    nameRelativeToCRLIssuer: name.nameRelativeToCRLIssuer,
    onlyContainsUserCerts,
    onlyContainsCACerts,
    onlySomeReasons: reasons !== undefined,
    indirectCRL,
    onlyContainsAttributeCerts,
  });
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
  const entries = RevokedEntries.parse(der, r.optional(Tag.SEQUENCE, 'revokedCertificates'), version);
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
  const crl = {
    der,
    tbs: tbsTlv.der,
    version,
    signatureAlgorithm,
    tbsSignatureAlgorithm,
    signature,
    issuer,
    thisUpdate,
    nextUpdate,
    // Decoded when first read: the revocation check never reads it (see crl-entries.ts).
    get revoked(): readonly RevokedCertificate[] {
      return entries.all();
    },
    crlNumber,
    authorityKeyIdentifier,
    issuingDistributionPoint,
    extensions,
  };
  ENTRIES.set(crl, entries);
  return Object.freeze(crl);
}

/**
 * Parse a CRL from DER, or from PEM (`X509 CRL` block; a string or bytes holding PEM text).
 * Every entry is checked; what is kept is the DER copy plus 4 bytes per entry (see
 * `revoked`), so a CRL of up to `MAX_CRL_SIZE` bytes needs no more than about twice its
 * size in memory, signed or not.
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

/**
 * Why a CRL was not used, by name (stable ids, shown in the REVOCATION check's detail). None
 * of these can be waived: each one means the CRL does not say what it seems to say.
 */
export const CrlProblem = {
  /** The CRL could not be fetched: the transport failed or found nothing (reported, fails only with requireRevocationCheck). */
  CRL_FETCH: 'CRL_FETCH',
  /** The bytes are not one well-formed CRL. */
  CRL_PARSE: 'CRL_PARSE',
  /** The CRL's issuer name is not the certificate issuer's subject. */
  CRL_ISSUER: 'CRL_ISSUER',
  /** The CRL's authorityKeyIdentifier is not the issuer's subjectKeyIdentifier. */
  CRL_AKI_MISMATCH: 'CRL_AKI_MISMATCH',
  /** The issuer's keyUsage does not allow cRLSign (or does not decode). */
  CRL_KEY_USAGE: 'CRL_KEY_USAGE',
  /** The CRL's signature does not verify with the issuer's key. */
  CRL_SIGNATURE: 'CRL_SIGNATURE',
  /** The CRL has no nextUpdate, so nobody can tell when it stops being current. */
  CRL_NO_NEXT_UPDATE: 'CRL_NO_NEXT_UPDATE',
  /** The CRL's nextUpdate has passed: it must not be used. */
  CRL_EXPIRED: 'CRL_EXPIRED',
  /** The CRL's thisUpdate is in the future. */
  CRL_NOT_YET_VALID: 'CRL_NOT_YET_VALID',
  /** A delta CRL (deltaCRLIndicator): shomei uses complete CRLs only. */
  CRL_DELTA: 'CRL_DELTA',
  /** An indirect or reason-partitioned CRL, or a distribution point named relative to the issuer (issuingDistributionPoint). */
  CRL_IDP: 'CRL_IDP',
  /** The CRL's scope (issuingDistributionPoint) does not cover this certificate. */
  CRL_SCOPE: 'CRL_SCOPE',
  /** A critical CRL extension, or a critical entry extension on any entry, that shomei does not process (RFC 5280 §5.2, §5.3). */
  CRL_CRITICAL_EXTENSION: 'CRL_CRITICAL_EXTENSION',
} as const;
export type CrlProblem = (typeof CrlProblem)[keyof typeof CrlProblem];

export { CRL_PROFILE_CHECK_IDS, CrlProfileCheck } from './crl-profile.js';

/** One waivable CRL profile check a CRL failed. */
export interface CrlProfileFinding {
  readonly id: CrlProfileCheck;
  readonly detail: string;
}

/** The outcome of checking one certificate against one CRL. `waived` lists the profile findings the caller waived. */
export type CrlCheck =
  | { readonly status: 'good'; readonly crl: CertificateList; readonly waived: readonly CrlProfileFinding[] }
  | { readonly status: 'revoked'; readonly crl: CertificateList; readonly entry: RevokedCertificate; readonly waived: readonly CrlProfileFinding[] }
  | { readonly status: 'unusable'; readonly problem: CrlProblem | CrlProfileCheck; readonly reason: string }
  | { readonly status: 'not-applicable'; readonly problem: CrlProblem; readonly reason: string };

/** The compact entries of each CRL `parseCrl` returned. */
const ENTRIES = new WeakMap<CertificateList, RevokedEntries>();

/**
 * The entries of `crl` for `serial`, in CRL order, and the first critical entry extension
 * shomei does not process (anywhere in the CRL). A CertificateList not made by `parseCrl`
 * is read through its `revoked` list.
 */
function lookUp(crl: CertificateList, serial: string): { entries: readonly RevokedCertificate[]; unknownCritical: string | null } {
  const compact = ENTRIES.get(crl);
  if (compact !== undefined) return { entries: compact.find(serial), unknownCritical: compact.unknownCriticalExtension };
  const unknown = crl.revoked.flatMap((e) => e.extensions).find((e) => e.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(e.oid));
  return { entries: crl.revoked.filter((e) => e.serialNumber === serial), unknownCritical: unknown?.oid ?? null };
}

/**
 * CRL signature results, kept while the CRL, the issuer and the backend are alive (a cached
 * CRL is checked once per issuer, not once per verification). Concurrent checks share one
 * verification; one the backend threw in is forgotten.
 */
const SIGNATURES = new WeakMap<CertificateList, WeakMap<Certificate, WeakMap<CryptoBackend, Promise<boolean>>>>();

function crlSignatureValid(crl: CertificateList, issuer: Certificate, backend: CryptoBackend): Promise<boolean> {
  if (!equalBytes(crl.signatureAlgorithm.der, crl.tbsSignatureAlgorithm.der) || issuer.publicKey === null) return Promise.resolve(false);
  let byIssuer = SIGNATURES.get(crl);
  if (byIssuer === undefined) SIGNATURES.set(crl, (byIssuer = new WeakMap()));
  let byBackend = byIssuer.get(issuer);
  if (byBackend === undefined) byIssuer.set(issuer, (byBackend = new WeakMap()));
  const hit = byBackend.get(backend);
  if (hit !== undefined) return hit;
  const cache = byBackend;
  const result = verifySignedData(crl.signatureAlgorithm, crl.tbs, crl.signature, issuer.publicKey, backend).catch(() => {
    if (cache.get(backend) === result) cache.delete(backend);
    return false;
  });
  cache.set(backend, result);
  return result;
}

/** A problem found in a CRL, by name. */
export interface CrlProblemReport {
  readonly problem: CrlProblem;
  readonly reason: string;
}

/**
 * The checks of a CRL against the CA that should have issued it, independent of any one
 * certificate and of the time (RFC 5280 §6.3.3 (f), (g), (b)(2)(iii); 18013-5 2e B.2):
 * issuer name, authorityKeyIdentifier = the CA's SKI, the CA's keyUsage allows cRLSign,
 * the signature, no delta CRL, no indirect or partitioned scope, no critical extension
 * shomei does not process, nextUpdate present. Null when the CRL passes.
 */
export async function checkCrlIssuer(crl: CertificateList, issuer: Certificate, backend: CryptoBackend): Promise<CrlProblemReport | null> {
  if (!equalBytes(crl.issuer.der, issuer.subject.der)) return { problem: CrlProblem.CRL_ISSUER, reason: `CRL issuer ${crl.issuer.text} is not ${issuer.subject.text}` };
  const aki = crl.authorityKeyIdentifier?.keyIdentifier;
  const ski = issuer.subjectKeyIdentifier?.keyIdentifier;
  if (aki && ski && !equalBytes(aki, ski)) return { problem: CrlProblem.CRL_AKI_MISMATCH, reason: 'CRL authority key identifier does not match the issuer' };
  for (const ext of crl.extensions) {
    if (ext.oid === ExtensionOid.deltaCRLIndicator) return { problem: CrlProblem.CRL_DELTA, reason: 'delta CRLs are not supported (deltaCRLIndicator): give a complete CRL' };
  }
  const idp = crl.issuingDistributionPoint;
  if (idp !== null && (idp.indirectCRL || idp.onlySomeReasons || idp.nameRelativeToCRLIssuer !== null)) {
    return { problem: CrlProblem.CRL_IDP, reason: 'indirect or partitioned CRLs (issuingDistributionPoint) are not supported' };
  }
  for (const ext of crl.extensions) {
    if (ext.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(ext.oid)) return { problem: CrlProblem.CRL_CRITICAL_EXTENSION, reason: `CRL has an unsupported critical extension ${ext.oid}` };
  }
  if (malformedFinding(issuer.findings, ExtensionOid.keyUsage) !== undefined) return { problem: CrlProblem.CRL_KEY_USAGE, reason: 'the CRL issuer keyUsage does not decode' };
  if (issuer.keyUsage !== null && !issuer.keyUsage.usages.includes('cRLSign')) {
    return { problem: CrlProblem.CRL_KEY_USAGE, reason: 'the CRL issuer key usage does not include cRLSign' };
  }
  if (!(await crlSignatureValid(crl, issuer, backend))) return { problem: CrlProblem.CRL_SIGNATURE, reason: 'CRL signature does not verify with the issuer key' };
  if (crl.nextUpdate === null) return { problem: CrlProblem.CRL_NO_NEXT_UPDATE, reason: 'CRL has no nextUpdate' };
  return null;
}

/** The 18013-5 2e Annex B.2 profile findings of a CRL (waivable by id). */
export function crlProfileFindings(crl: CertificateList): CrlProfileFinding[] {
  const out: CrlProfileFinding[] = [];
  if (crl.version !== 2) out.push({ id: CrlProfileCheck.CRL_VERSION, detail: 'the CRL is v1, not v2' });
  if ((crl.authorityKeyIdentifier?.keyIdentifier ?? null) === null) out.push({ id: CrlProfileCheck.CRL_AKI, detail: 'the CRL has no authorityKeyIdentifier keyIdentifier' });
  if (crl.crlNumber === null) out.push({ id: CrlProfileCheck.CRL_NUMBER, detail: 'the CRL has no cRLNumber' });
  if (crl.extensions.some((e) => e.oid === ExtensionOid.freshestCRL)) out.push({ id: CrlProfileCheck.CRL_FRESHEST, detail: 'the CRL announces delta CRLs (freshestCRL), which are not consulted' });
  return out;
}

/** The same general name, for distribution point matching (RFC 5280 §6.3.3 (b)(2)(i)). */
function sameGeneralName(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'directoryName') return namesMatch(a.value, (b as typeof a).value);
  if (a.value instanceof Uint8Array) return equalBytes(a.value, (b as { value: Uint8Array }).value);
  return a.value === b.value;
}

/** A short description of a CRL for reports: URI (when fetched), number, thisUpdate and nextUpdate. */
export function describeCrl(crl: CertificateList, uri?: string): string {
  return `CRL ${uri ?? '(given)'} number ${crl.crlNumber ?? '(none)'} thisUpdate ${crl.thisUpdate.toISOString()} nextUpdate ${crl.nextUpdate?.toISOString() ?? '(none)'}`;
}

/**
 * Check `cert` against `crl` issued by `issuer` (RFC 5280 §6.3.3, for complete, direct
 * CRLs): the CRL's issuer name must match the issuer's subject and the certificate's issuer,
 * its AKI the issuer's SKI, and its scope cover the certificate (else `not-applicable`);
 * it must pass {@link checkCrlIssuer}, lie within thisUpdate … nextUpdate at `now` (with
 * `skewMs`), and pass the Annex B.2 profile checks not in `waive` (else `unusable`).
 */
export async function checkCrl(
  cert: Certificate,
  issuer: Certificate,
  crl: CertificateList,
  now: Date,
  skewMs: number,
  backend: CryptoBackend,
  waive: ReadonlySet<string> = new Set(),
): Promise<CrlCheck> {
  if (!equalBytes(crl.issuer.der, issuer.subject.der) || !equalBytes(crl.issuer.der, cert.issuer.der)) {
    return { status: 'not-applicable', problem: CrlProblem.CRL_ISSUER, reason: `CRL issuer ${crl.issuer.text} is not ${cert.issuer.text}` };
  }
  const idp = crl.issuingDistributionPoint;
  if (idp !== null) {
    const isCa = cert.basicConstraints?.cA === true;
    if ((idp.onlyContainsCACerts && !isCa) || (idp.onlyContainsUserCerts && isCa) || idp.onlyContainsAttributeCerts) {
      return { status: 'not-applicable', problem: CrlProblem.CRL_SCOPE, reason: 'CRL scope (issuingDistributionPoint) does not cover this certificate' };
    }
    // A CRL for one distribution point covers the certificates that name it (§6.3.3 (b)(2)(i)).
    if (idp.fullName !== null) {
      const names = (cert.cRLDistributionPoints?.points ?? []).flatMap((p) => p.fullName ?? []);
      if (!idp.fullName.some((a) => names.some((b) => sameGeneralName(a, b)))) {
        return { status: 'not-applicable', problem: CrlProblem.CRL_SCOPE, reason: 'CRL distribution point (issuingDistributionPoint) is not one the certificate names' };
      }
    }
  }
  const problem = await checkCrlIssuer(crl, issuer, backend);
  if (problem !== null) {
    return problem.problem === CrlProblem.CRL_AKI_MISMATCH ? { status: 'not-applicable', ...problem } : { status: 'unusable', ...problem };
  }
  const t = now.getTime();
  if (crl.thisUpdate.getTime() - skewMs > t) return { status: 'unusable', problem: CrlProblem.CRL_NOT_YET_VALID, reason: `CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future` };
  if (crl.nextUpdate!.getTime() + skewMs < t) return { status: 'unusable', problem: CrlProblem.CRL_EXPIRED, reason: `CRL is stale: nextUpdate ${crl.nextUpdate!.toISOString()}` };
  const waived: CrlProfileFinding[] = [];
  for (const f of crlProfileFindings(crl)) {
    if (!waive.has(f.id)) return { status: 'unusable', problem: f.id, reason: f.detail };
    waived.push(f);
  }
  const { entries, unknownCritical } = lookUp(crl, cert.serialNumber);
  // RFC 5280 §5.3: a critical entry extension that cannot be processed, on any entry, makes
  // the whole CRL unusable.
  if (unknownCritical !== null) {
    return { status: 'unusable', problem: CrlProblem.CRL_CRITICAL_EXTENSION, reason: `a CRL entry has an unsupported critical extension ${unknownCritical}` };
  }
  // A serial listed more than once is revoked if any of its entries revokes it.
  const entry = entries.find((e) => e.reason !== CrlReason.removeFromCRL);
  if (entry !== undefined) return { status: 'revoked', crl, entry, waived };
  return { status: 'good', crl, waived };
}
