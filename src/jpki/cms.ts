/**
 * Detached CMS SignedData (RFC 5652 §5) with the RSA key held on the card, and its
 * verification. The card never sees the document: the signed attributes (RFC 5652 §5.3:
 * content-type, message-digest, signing-time, and ESS signing-certificate-v2, RFC 5035)
 * are DER encoded as a SET OF (§5.4), the card signs their DigestInfo with
 * `80 2A 00 80`, and the signature goes in the SignerInfo.
 *
 * ```
 * ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
 * SignedData ::= SEQUENCE { version 1, digestAlgorithms SET OF AlgorithmIdentifier,
 *   encapContentInfo SEQUENCE { eContentType id-data },            -- detached: no eContent
 *   certificates [0] IMPLICIT SET OF Certificate, signerInfos SET OF SignerInfo }
 * SignerInfo ::= SEQUENCE { version 1, sid IssuerAndSerialNumber, digestAlgorithm,
 *   signedAttrs [0] IMPLICIT SET OF Attribute, signatureAlgorithm rsaEncryption,
 *   signature OCTET STRING }
 * ```
 *
 * Verification also reads a version 3 SignerInfo whose sid is `[0] SubjectKeyIdentifier`
 * (§5.3; what `openssl cms -sign -keyid` writes), in a SignedData of version 3 or later.
 *
 * The output verifies with `openssl cms -verify -binary -inform DER -content FILE`.
 * Verification here checks the signature over the signed attributes exactly as received
 * (tag changed to SET, §5.4), the message digest, the content type, the digest algorithm
 * (SHA-1 refused unless waived), the signer certificate's purpose (a signature key: the
 * JPKI 署名用 policy or the nonRepudiation key usage, RFC 5280 §4.2.1.3; never the JPKI
 * 利用者証明用 key, which a 4-digit PIN unlocks; never a key whose keyUsage allows no
 * signature), an ESS signing-certificate attribute when present (RFC 5035: it must name the
 * certificate that verified), the RFC 5652 §11 attribute rules (signed-only attributes, one
 * value each), and — with trust anchors — the signer's certificate chain.
 */
import { resolveBackend } from '../crypto/index.js';
import { encodeDigestInfo, rsaPkcs1VerifyDigest } from '../crypto/rsa.js';
import type { BackendOptions, HashAlg, RsaPublicKey } from '../crypto/types.js';
import { JpkiError, ShomeiError } from '../errors.js';
import { JpkiPolicyOid } from './oids.js';
import { checkJpkiCertificateStatus, checkStatusOptions, type JpkiStatusOptions, type JpkiStatusResult } from './cert-status.js';
import { concat, constantTimeEqual, toHex } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { type ChainReport, verifyChain } from '../x509/chain.js';
import {
  contextTag,
  DER_NULL,
  DerReader,
  decodeOid,
  decodeTime,
  encodeInteger,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeSetOf,
  encodeTime,
  encodeTlv,
  readSingle,
  readSingleTagged,
  Tag,
  type Tlv,
} from '../x509/der.js';

/** CMS and PKCS#9 object identifiers. */
export const CmsOid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  /** ESS signing-certificate (RFC 2634 §5.4: a SHA-1 hash of the signer's certificate). */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** countersignature (RFC 5652 §11.4): an unsigned attribute only. */
  countersignature: '1.2.840.113549.1.9.6',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const HASH_OID: Record<HashAlg, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};
const OID_HASH = new Map(Object.entries(HASH_OID).map(([k, v]) => [v, k as HashAlg]));
const RSA_SIG_HASH = new Map<string, HashAlg | null>([
  [CmsOid.rsaEncryption, null],
  ['1.2.840.113549.1.1.5', 'SHA-1'],
  ['1.2.840.113549.1.1.11', 'SHA-256'],
  ['1.2.840.113549.1.1.12', 'SHA-384'],
  ['1.2.840.113549.1.1.13', 'SHA-512'],
]);

/** Signs a DER DigestInfo with the card (or any RSA key) and returns the raw signature. */
export type DigestInfoSigner = (digestInfo: Uint8Array) => Promise<Uint8Array>;

/** Options of {@link buildDetachedCms}. */
export interface BuildCmsOptions extends BackendOptions {
  /** The document. */
  readonly content: Uint8Array;
  /** The signer's certificate (DER), e.g. the 署名用電子証明書. */
  readonly certificate: Uint8Array;
  /** Signs the DigestInfo of the signed attributes. */
  readonly sign: DigestInfoSigner;
  /** Digest algorithm (default SHA-256; SHA-1 is refused). */
  readonly hash?: Exclude<HashAlg, 'SHA-1'>;
  /** signing-time attribute (default now). */
  readonly signingTime?: Date;
  /** More certificates to include (the CA certificate, for example). */
  readonly extraCertificates?: readonly Uint8Array[];
}

const hashAlgorithmId = (hash: HashAlg) => encodeSequence(encodeOid(HASH_OID[hash]));
const attribute = (oid: string, value: Uint8Array) => encodeSequence(encodeOid(oid), encodeSetOf(value));

function cmsError(message: string, cause?: unknown): JpkiError {
  return new JpkiError('ERR_JPKI_CMS', message, cause === undefined ? {} : { cause });
}

function parseSigner(der: Uint8Array): Certificate {
  try {
    return parseCertificate(der);
  } catch (e) {
    throw cmsError('the signer certificate does not parse', e);
  }
}

/** The IssuerAndSerialNumber of a certificate, from its received bytes. */
function issuerAndSerial(cert: Certificate): Uint8Array {
  const r = DerReader.inside(readSingle(cert.tbs, 'TBSCertificate'), 'TBSCertificate');
  if (r.peekTag() === contextTag(0, true)) r.next('version');
  const serial = r.expect(Tag.INTEGER, 'serialNumber');
  r.next('signature');
  const issuer = r.expect(Tag.SEQUENCE, 'issuer');
  return encodeSequence(issuer.der, serial.der);
}

/**
 * Build a detached CMS SignedData over `content` (DER ContentInfo, a `.p7s`).
 * Throws `ERR_JPKI_CMS` when the certificate does not parse or is not RSA, or when the
 * signature does not verify with the certificate (so a wrong key is caught before output).
 */
export async function buildDetachedCms(options: BuildCmsOptions): Promise<Uint8Array> {
  const backend = resolveBackend(options);
  const hash = options.hash ?? 'SHA-256';
  if ((hash as HashAlg) === 'SHA-1' || !(hash in HASH_OID)) throw new RangeError('hash must be SHA-256, SHA-384 or SHA-512');
  const cert = parseSigner(options.certificate);
  const key = cert.publicKey;
  if (key?.kty !== 'RSA') throw cmsError('the signer certificate does not hold an RSA key');
  const sid = issuerAndSerial(cert);
  const certHash = await backend.digest('SHA-256', cert.der);
  const issuerSerial = encodeSequence(encodeSequence(encodeTlv(contextTag(4, true), cert.issuer.der)), serialNumberDer(cert));
  const signingCertificateV2 = encodeSequence(encodeSequence(encodeSequence(encodeOctetString(certHash), issuerSerial)));
  const attributes = [
    attribute(CmsOid.contentType, encodeOid(CmsOid.data)),
    attribute(CmsOid.signingTime, encodeTime(options.signingTime ?? new Date())),
    attribute(CmsOid.messageDigest, encodeOctetString(await backend.digest(hash, options.content))),
    attribute(CmsOid.signingCertificateV2, signingCertificateV2),
  ];
  const signedAttrsSet = encodeSetOf(...attributes);
  const digest = await backend.digest(hash, signedAttrsSet);
  const signature = await options.sign(encodeDigestInfo(hash, digest));
  if (!rsaPkcs1VerifyDigest(key, hash, digest, signature)) throw cmsError('the signature does not verify with the signer certificate (wrong key or card)');
  const signedAttrs = concat(Uint8Array.of(contextTag(0, true)), signedAttrsSet.subarray(1));
  const signerInfo = encodeSequence(
    encodeInteger(1),
    sid,
    hashAlgorithmId(hash),
    signedAttrs,
    encodeSequence(encodeOid(CmsOid.rsaEncryption), DER_NULL),
    encodeOctetString(signature),
  );
  const certificates = [cert.der, ...(options.extraCertificates ?? [])];
  const signedData = encodeSequence(
    encodeInteger(1),
    encodeSetOf(hashAlgorithmId(hash)),
    encodeSequence(encodeOid(CmsOid.data)),
    encodeTlv(contextTag(0, true), ...certificates),
    encodeSetOf(signerInfo),
  );
  return encodeSequence(encodeOid(CmsOid.signedData), encodeTlv(contextTag(0, true), signedData));
}

/** Ids of the checks {@link verifyDetachedCms} runs for each signer. */
export const CmsCheckId = {
  CONTENT_TYPE: 'CONTENT_TYPE',
  MESSAGE_DIGEST: 'MESSAGE_DIGEST',
  /** The digest and signature algorithms: SHA-256, SHA-384 or SHA-512 (SHA-1 only when waived). */
  DIGEST_ALGORITHM: 'DIGEST_ALGORITHM',
  SIGNATURE: 'SIGNATURE',
  /**
   * An ESS signing-certificate attribute (RFC 2634 §5.4 v1, RFC 5035 v2) among the signed
   * attributes names the certificate that verified the signature: the hash of its first
   * ESSCertID and, when present, its issuerSerial. `skipped` when there is none.
   */
  SIGNING_CERTIFICATE: 'SIGNING_CERTIFICATE',
  /**
   * The signer certificate is for signatures: it carries the JPKI 署名用 policy (production or
   * test card) or the nonRepudiation key usage, and not the JPKI 利用者証明用 policy; and its keyUsage,
   * when present, allows signatures (digitalSignature or nonRepudiation: that part cannot be waived).
   */
  SIGNER_PURPOSE: 'SIGNER_PURPOSE',
  CERTIFICATE_CHAIN: 'CERTIFICATE_CHAIN',
  /** With `options.status`: the signer certificate's OCSP / CRL status, judged by the caller's requirement. */
  CERTIFICATE_STATUS: 'CERTIFICATE_STATUS',
} as const;
export type CmsCheckId = (typeof CmsCheckId)[keyof typeof CmsCheckId];

/** The checks a caller may waive (each then shows as `waived`, with what was accepted). */
export type CmsWaivableCheck = typeof CmsCheckId.DIGEST_ALGORITHM | typeof CmsCheckId.SIGNER_PURPOSE;
const WAIVABLE: readonly string[] = [CmsCheckId.DIGEST_ALGORITHM, CmsCheckId.SIGNER_PURPOSE];

/** One check of a CMS signer. `waived`: it failed, and the caller waived it by name. */
export interface CmsCheck {
  readonly id: CmsCheckId;
  readonly status: 'passed' | 'failed' | 'unverifiable' | 'waived' | 'skipped';
  readonly detail?: string;
}

/** The verification of one SignerInfo. */
export interface CmsSignerReport {
  readonly certificate: Certificate | null;
  readonly signingTime?: Date;
  readonly checks: readonly CmsCheck[];
  readonly chain?: ChainReport;
  /** The status checks (OCSP, CRL), with `options.status`. */
  readonly status?: JpkiStatusResult;
}

/** The result of {@link verifyDetachedCms}. */
export interface CmsVerification {
  /** `valid` only when every check of every signer passed or was waived (a trust anchor is needed for that). */
  readonly status: 'valid' | 'invalid' | 'unverifiable';
  readonly valid: boolean;
  readonly signers: readonly CmsSignerReport[];
}

/** Options of {@link verifyDetachedCms}. */
export interface VerifyCmsOptions extends BackendOptions {
  /** Trust anchors for the signer's certificate (e.g. `JPKI_SIGN_CA_2023`); none: chain `unverifiable`. */
  readonly anchors?: readonly (Certificate | Uint8Array)[];
  /** Validation time for the chain (default now). */
  readonly now?: Date;
  /**
   * Checks to waive, by id: `SIGNER_PURPOSE` accepts a signer certificate of another
   * purpose (the JPKI 利用者証明用 key, say, for a login challenge wrapped in CMS; never one
   * whose keyUsage allows no signature);
   * `DIGEST_ALGORITHM` accepts SHA-1. A waived check that failed shows as `waived` with
   * what was accepted; nothing else (signature, digest, chain) can be waived.
   */
  readonly waive?: readonly CmsWaivableCheck[];
  /** Check the signer certificate's status (OCSP and/or CRLs; see `JpkiStatusOptions`). Needs anchors. */
  readonly status?: JpkiStatusOptions;
}

/**
 * A keyUsage that allows no signature at all (neither digitalSignature nor nonRepudiation,
 * RFC 5280 §4.2.1.3): whatever the policies say, the key is not for signing, and no waiver
 * changes that.
 */
function keyUsageForbidsSigning(cert: Certificate): boolean {
  const usages = cert.keyUsage?.usages;
  return usages !== undefined && !usages.includes('digitalSignature') && !usages.includes('nonRepudiation');
}

/** Why a signer certificate is (not) a signature certificate; undefined when it is. */
function purposeProblem(cert: Certificate): string | undefined {
  const policies = cert.certificatePolicies?.oids ?? [];
  if (policies.includes(JpkiPolicyOid.AUTH)) return 'the signer certificate is a JPKI 利用者証明用 (authentication) certificate, not a signature certificate';
  if (policies.includes(JpkiPolicyOid.SIGN) || policies.includes(JpkiPolicyOid.SIGN_TEST)) return undefined;
  if (cert.keyUsage?.usages.includes('nonRepudiation') === true) return undefined;
  return 'the signer certificate has neither the JPKI 署名用 policy nor the nonRepudiation key usage';
}

interface ParsedSignerInfo {
  /** The sid as a lookup key: `i` and the IssuerAndSerialNumber's DER (v1), or `k` and the subjectKeyIdentifier (v3), in hex. */
  readonly sid: string;
  readonly digestAlgorithm: string;
  readonly signedAttrs: Tlv;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
}

/**
 * The OID of an AlgorithmIdentifier; its parameters, when present, must be one well-formed
 * TLV, and NULL for a digest or RSA PKCS #1 v1.5 algorithm this module knows (RFC 5754 §2,
 * RFC 4055 §5: absent or NULL). Another algorithm's parameters are not read: it fails as
 * unsupported.
 */
function algorithmOid(tlv: Tlv, what: string): string {
  const r = DerReader.inside(tlv, what);
  const oid = decodeOid(r.expect(Tag.OID, 'algorithm'), 'algorithm');
  if (!r.atEnd()) {
    const parameters = r.next('parameters');
    // NULL is `05 00`: a NULL with content is not DER (X.690 §8.8.2).
    if ((OID_HASH.has(oid) || RSA_SIG_HASH.has(oid)) && (parameters.tag !== Tag.NULL || parameters.content.length !== 0)) throw cmsError(`${what} ${oid} has parameters other than NULL`);
  }
  r.finish(what);
  return oid;
}

/**
 * A CMSVersion (RFC 5652 §10.2.5: v0 to v5) read from `r`, `allowed` ones only. The version
 * is not signed; a value outside the syntax means the structure is not CMS.
 */
function cmsVersion(r: DerReader, what: string, allowed: readonly number[]): number {
  const v = r.expect(Tag.INTEGER, `${what} version`);
  const n = v.content.length === 1 ? v.content[0]! : -1;
  if (!allowed.includes(n)) throw cmsError(`${what} version is not ${allowed.join(' or ')}`);
  return n;
}

/**
 * Most certificates, SignerInfos, and signed attributes (and values of one attribute) read
 * from one SignedData. A JPKI signature has one signer, its certificate and perhaps the CA's;
 * without a bound, a SignedData of 400 KB listing 200,000 two-byte "certificates" took 3.5 s
 * to refuse, and each tiny item costs about 50 times its bytes in memory.
 */
export const MAX_CMS_ITEMS = 32;

/**
 * Most signature verifications in one call. Each SignerInfo is tried with every certificate of its
 * IssuerAndSerialNumber (distinct keys once): 32 SignerInfos and 32 look-alike certificates of distinct keys would
 * be 1,024 RSA verifications (about 350 ms for 48 KB); honest input needs one per signer.
 */
const MAX_CMS_VERIFICATIONS = 2 * MAX_CMS_ITEMS;

/** The next TLV of `r` (with identifier `tag` when given), unless `n` have been read already (then ERR_JPKI_CMS). */
function bounded(r: DerReader, n: number, what: string, tag?: number): Tlv {
  if (n >= MAX_CMS_ITEMS) throw cmsError(`more than ${MAX_CMS_ITEMS} ${what}s`);
  return tag === undefined ? r.next(what) : r.expect(tag, what);
}

function parseSignedData(p7s: Uint8Array): { eContentType: string; certificates: Uint8Array[]; signerInfos: ParsedSignerInfo[] } {
  const ci = DerReader.inside(readSingleTagged(p7s, Tag.SEQUENCE, 'ContentInfo'), 'ContentInfo');
  if (decodeOid(ci.expect(Tag.OID, 'contentType'), 'contentType') !== CmsOid.signedData) throw cmsError('not a CMS SignedData');
  const wrapper = ci.expect(contextTag(0, true), 'content');
  ci.finish('ContentInfo');
  const sd = DerReader.inside(readSingleTagged(wrapper.content, Tag.SEQUENCE, 'SignedData', wrapper.contentOffset), 'SignedData');
  // §5.1: 1 for this shape (3, 4 or 5 when other content types or certificate formats are carried).
  const version = cmsVersion(sd, 'SignedData', [1, 3, 4, 5]);
  const digests = DerReader.inside(sd.expect(Tag.SET, 'digestAlgorithms'), 'digestAlgorithms');
  for (let n = 0; !digests.atEnd(); n++) algorithmOid(bounded(digests, n, 'digest algorithm', Tag.SEQUENCE), 'digestAlgorithms');
  const encap = DerReader.inside(sd.expect(Tag.SEQUENCE, 'encapContentInfo'), 'encapContentInfo');
  const eContentType = decodeOid(encap.expect(Tag.OID, 'eContentType'), 'eContentType');
  if (!encap.atEnd()) throw cmsError('the SignedData is not detached (it carries its content)');
  const certificates: Uint8Array[] = [];
  const certs = sd.optional(contextTag(0, true), 'certificates');
  if (certs !== undefined) {
    const r = DerReader.inside(certs, 'certificates');
    for (let n = 0; !r.atEnd(); n++) {
      const c = bounded(r, n, 'certificate');
      if (c.tag === Tag.SEQUENCE) certificates.push(c.der);
      // §10.2.2 CertificateChoices: a Certificate or [0] to [3] (attribute and other certificates, not read here).
      else if (!CERTIFICATE_CHOICE_TAGS.includes(c.tag)) throw cmsError('a certificates entry is not a CertificateChoices');
    }
  }
  const crls = sd.optional(contextTag(1, true), 'crls');
  if (crls !== undefined) {
    // §10.2.1 RevocationInfoChoice: a CertificateList or [1] other (not read here).
    const r = DerReader.inside(crls, 'crls');
    for (let n = 0; !r.atEnd(); n++) {
      const c = bounded(r, n, 'revocation info');
      if (c.tag !== Tag.SEQUENCE && c.tag !== contextTag(1, true)) throw cmsError('a crls entry is not a RevocationInfoChoice');
    }
  }
  const infos = DerReader.inside(sd.expect(Tag.SET, 'signerInfos'), 'signerInfos');
  sd.finish('SignedData');
  const signerInfos: ParsedSignerInfo[] = [];
  while (!infos.atEnd()) {
    const si = DerReader.inside(bounded(infos, signerInfos.length, 'SignerInfo', Tag.SEQUENCE), 'SignerInfo');
    // §5.3: version 1 goes with an IssuerAndSerialNumber sid, version 3 with a [0] SubjectKeyIdentifier.
    const byKeyId = cmsVersion(si, 'SignerInfo', [1, 3]) === 3;
    // §5.1: a SignedData with a version 3 SignerInfo is version 3 or later.
    if (byKeyId && version < 3) throw cmsError('a version 3 SignerInfo in a version 1 SignedData');
    const sid = byKeyId ? `k${toHex(si.expect(contextTag(0, false), 'sid (subjectKeyIdentifier, version 3)').content)}` : `i${toHex(si.expect(Tag.SEQUENCE, 'sid (IssuerAndSerialNumber, version 1)').der)}`;
    const digestAlgorithm = algorithmOid(si.expect(Tag.SEQUENCE, 'digestAlgorithm'), 'digestAlgorithm');
    const signedAttrs = si.optional(contextTag(0, true), 'signedAttrs');
    if (signedAttrs === undefined) throw cmsError('SignerInfo without signed attributes is not supported');
    const signatureAlgorithm = algorithmOid(si.expect(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm');
    const signature = si.expect(Tag.OCTET_STRING, 'signature').content;
    const unsignedAttrs = si.optional(contextTag(1, true), 'unsignedAttrs');
    si.finish('SignerInfo');
    if (unsignedAttrs !== undefined) checkUnsignedAttributes(unsignedAttrs);
    signerInfos.push({ sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature });
  }
  if (signerInfos.length === 0) throw cmsError('the SignedData has no SignerInfo');
  return { eContentType, certificates, signerInfos };
}

const CERTIFICATE_CHOICE_TAGS: readonly number[] = [contextTag(0, true), contextTag(1, true), contextTag(2, true), contextTag(3, true)];

/** Attributes that RFC 5652 §11.1–§11.3 and RFC 5035 §5.4 allow only as signed attributes. */
const SIGNED_ONLY: readonly string[] = [CmsOid.contentType, CmsOid.messageDigest, CmsOid.signingTime, CmsOid.signingCertificate, CmsOid.signingCertificateV2];

/** One Attribute (SEQUENCE { attrType OID, attrValues SET OF ANY }) read from `r`, the `n`th of its set. */
function readAttribute(r: DerReader, n: number, what: string): { oid: string; values: Tlv[] } {
  const a = DerReader.inside(bounded(r, n, what, Tag.SEQUENCE), 'Attribute');
  const oid = decodeOid(a.expect(Tag.OID, 'attrType'), 'attrType');
  const values: Tlv[] = [];
  const set = DerReader.inside(a.expect(Tag.SET, 'attrValues'), 'attrValues');
  while (!set.atEnd()) values.push(bounded(set, values.length, 'value of one attribute'));
  a.finish('Attribute');
  return { oid, values };
}

function attributes(signedAttrs: Tlv): Map<string, Tlv[]> {
  const out = new Map<string, Tlv[]>();
  const r = DerReader.inside(signedAttrs, 'signedAttrs');
  while (!r.atEnd()) {
    const { oid, values } = readAttribute(r, out.size, 'signed attribute');
    if (out.has(oid)) throw cmsError(`signed attribute ${oid} appears twice`);
    if (oid === CmsOid.countersignature) throw cmsError('a countersignature is not a signed attribute (RFC 5652 §11.4)');
    out.set(oid, values);
  }
  return out;
}

/**
 * unsignedAttrs: a SET OF Attribute, none of those RFC 5652 §11 and RFC 5035 allow only
 * as signed attributes (a messageDigest or contentType outside the signature would be
 * read by some tool as if signed). Throws ERR_JPKI_CMS.
 */
function checkUnsignedAttributes(unsignedAttrs: Tlv): void {
  const r = DerReader.inside(unsignedAttrs, 'unsignedAttrs');
  for (let n = 0; !r.atEnd(); n++) {
    const { oid } = readAttribute(r, n, 'unsigned attribute');
    if (SIGNED_ONLY.includes(oid)) throw cmsError(`attribute ${oid} is only allowed as a signed attribute`);
  }
}

/** The serialNumber INTEGER of a certificate (its DER), from the received bytes. */
function serialNumberDer(cert: Certificate): Uint8Array {
  return readSingle(issuerAndSerial(cert), 'sid').content.subarray(cert.issuer.der.length);
}

/**
 * Whether the ESS signing-certificate attribute `values` (v2: RFC 5035 §3; v1: RFC 2634
 * §5.4) names `cert` as the signer: its first ESSCertID holds the hash of the certificate
 * (v1 SHA-1; v2 its hashAlgorithm, SHA-256 by default) and, when present, an issuerSerial
 * with the certificate's serial number and its issuer as a directoryName. Returns the
 * problem, or undefined. Throws ERR_JPKI_CMS when the value does not parse.
 */
async function signingCertificateProblem(values: Tlv[], v2: boolean, cert: Certificate, backend: ReturnType<typeof resolveBackend>): Promise<string | undefined> {
  const name = v2 ? 'signingCertificateV2' : 'signingCertificate';
  if (values.length !== 1) throw cmsError(`the ${name} attribute must have exactly one value`);
  const r = DerReader.inside(readSingleTagged(values[0]!.der, Tag.SEQUENCE, name), name);
  const ids = DerReader.inside(r.expect(Tag.SEQUENCE, 'certs'), 'certs');
  r.optional(Tag.SEQUENCE, 'policies');
  r.finish(name);
  if (ids.atEnd()) throw cmsError(`the ${name} attribute lists no certificate`);
  const id = DerReader.inside(ids.expect(Tag.SEQUENCE, 'ESSCertID'), 'ESSCertID');
  let hash: HashAlg = v2 ? 'SHA-256' : 'SHA-1';
  if (v2 && id.peekTag() === Tag.SEQUENCE) {
    const oid = algorithmOid(id.next('hashAlgorithm'), 'hashAlgorithm');
    const h = OID_HASH.get(oid);
    if (h === undefined) return `${name}: unsupported hash algorithm ${oid}`;
    hash = h;
  }
  const certHash = id.expect(Tag.OCTET_STRING, 'certHash').content;
  const issuerSerial = id.optional(Tag.SEQUENCE, 'issuerSerial');
  id.finish('ESSCertID');
  if (!constantTimeEqual(certHash, await backend.digest(hash, cert.der))) return `${name} names another certificate than the signer's (certHash)`;
  if (issuerSerial !== undefined) {
    const is = DerReader.inside(issuerSerial, 'issuerSerial');
    const names = DerReader.inside(is.expect(Tag.SEQUENCE, 'issuer'), 'issuer');
    const serial = is.expect(Tag.INTEGER, 'serialNumber');
    is.finish('issuerSerial');
    let issuerFound = false;
    for (let n = 0; !names.atEnd(); n++) {
      const g = bounded(names, n, 'GeneralName');
      if (g.tag === contextTag(4, true) && constantTimeEqual(g.content, cert.issuer.der)) issuerFound = true;
    }
    if (!issuerFound || !constantTimeEqual(serial.der, serialNumberDer(cert))) return `${name} names another certificate than the signer's (issuerSerial)`;
  }
  return undefined;
}

/** An OBJECT IDENTIFIER value of a signed attribute; ERR_JPKI_CMS (not the DER reader's ERR_X509_PARSE) when malformed. */
function signedOid(value: Tlv, attribute: string): string {
  try {
    return decodeOid(value, attribute);
  } catch (e) {
    throw cmsError(`the ${attribute} attribute does not parse: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/** Why the SIGNATURE check of `si` failed, for its detail. */
function signatureProblem(cert: Certificate | null, si: ParsedSignerInfo, hash: HashAlg | undefined, sigHash: HashAlg | null | undefined): string {
  if (cert === null) return 'signer certificate not found in the SignedData';
  if (sigHash === undefined) return `unsupported signature algorithm ${si.signatureAlgorithm} (RSA PKCS #1 v1.5 only)`;
  if (hash === undefined) return `unsupported digest ${si.digestAlgorithm}`;
  if (sigHash !== null && sigHash !== hash) return `signatureAlgorithm ${si.signatureAlgorithm} does not go with digestAlgorithm ${si.digestAlgorithm}`;
  if (cert.publicKey?.kty !== 'RSA') return 'the signer certificate does not hold an RSA key';
  return 'the signature does not verify with the signer certificate';
}

/** The SIGNING_CERTIFICATE check of one signer: each ESS signing-certificate attribute present names `cert`. */
async function signingCertificateCheck(attrs: Map<string, Tlv[]>, cert: Certificate | null, backend: ReturnType<typeof resolveBackend>): Promise<CmsCheck> {
  const present = ([[CmsOid.signingCertificate, false], [CmsOid.signingCertificateV2, true]] as const).filter(([oid]) => attrs.has(oid));
  if (present.length === 0) return { id: 'SIGNING_CERTIFICATE', status: 'skipped', detail: 'no ESS signing-certificate attribute' };
  if (cert === null) return { id: 'SIGNING_CERTIFICATE', status: 'failed', detail: 'signer certificate not found in the SignedData' };
  for (const [oid, v2] of present) {
    let problem: string | undefined;
    try {
      problem = await signingCertificateProblem(attrs.get(oid)!, v2, cert, backend);
    } catch (e) {
      if (e instanceof JpkiError) throw e;
      if (e instanceof ShomeiError) throw cmsError(`signed attributes do not parse: ${e.message}`, e);
      throw e;
    }
    if (problem !== undefined) return { id: 'SIGNING_CERTIFICATE', status: 'failed', detail: problem };
  }
  return { id: 'SIGNING_CERTIFICATE', status: 'passed' };
}

/** The signing-time attribute (§11.3: one value, a Time), or undefined when there is none; ERR_JPKI_CMS when it is malformed. */
function signingTimeOf(attrs: Map<string, Tlv[]>): Date | undefined {
  const st = attrs.get(CmsOid.signingTime);
  if (st === undefined) return undefined;
  if (st.length !== 1) throw cmsError('the signing-time attribute must have exactly one value');
  try {
    return decodeTime(st[0]!, 'signingTime');
  } catch (e) {
    throw cmsError(`the signing-time attribute is not a Time: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/**
 * Verify a detached CMS SignedData over `content`. Returns a report; throws
 * `ERR_JPKI_CMS` only when the structure does not parse.
 */
export async function verifyDetachedCms(p7s: Uint8Array, content: Uint8Array, options: VerifyCmsOptions = {}): Promise<CmsVerification> {
  const backend = resolveBackend(options);
  const waive = new Set<string>(options.waive ?? []);
  for (const id of waive) if (!WAIVABLE.includes(id)) throw new RangeError(`options.waive: ${JSON.stringify(id)} cannot be waived (only ${WAIVABLE.join(', ')})`);
  checkStatusOptions(options.status, 'options.status');
  /** A failed check, or `waived` when the caller waived it by id. */
  const failedOr = (id: CmsWaivableCheck, problem: string, accepted: string): CmsCheck =>
    waive.has(id) ? { id, status: 'waived', detail: `${accepted} (waived: ${problem})` } : { id, status: 'failed', detail: problem };
  let parsed: ReturnType<typeof parseSignedData>;
  try {
    parsed = parseSignedData(p7s);
  } catch (e) {
    if (e instanceof JpkiError) throw e;
    throw cmsError(`the CMS structure does not parse: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const certs = parsed.certificates.flatMap((der) => {
    try {
      return [parseCertificate(der)];
    } catch {
      return [];
    }
  });
  // The certificates of each IssuerAndSerialNumber, in the order received: finding a signer's certificate is a
  // lookup, not a scan. One sid can match several (an issuer of the same name elsewhere, a repeated serial): which
  // one signed is decided by the signature, not by the order of the unsigned certificate set.
  const bySid = new Map<string, Certificate[]>();
  const add = (key: string, c: Certificate) => {
    const list = bySid.get(key);
    if (list === undefined) bySid.set(key, [c]);
    else list.push(c);
  };
  for (const c of certs) {
    add(`i${toHex(issuerAndSerial(c))}`, c);
    if (c.subjectKeyIdentifier !== null) add(`k${toHex(c.subjectKeyIdentifier.keyIdentifier)}`, c);
  }
  // Per call, each content digest and each signer certificate's chain is computed once, however many SignerInfos share them.
  const contentDigests = new Map<HashAlg, Promise<Uint8Array>>();
  const digestOfContent = (hash: HashAlg): Promise<Uint8Array> => {
    let d = contentDigests.get(hash);
    if (d === undefined) contentDigests.set(hash, (d = backend.digest(hash, content)));
    return d;
  };
  const chains = new Map<Certificate, Promise<ChainReport>>();
  const chainOf = (cert: Certificate, anchors: readonly (Certificate | Uint8Array)[]): Promise<ChainReport> => {
    let c = chains.get(cert);
    if (c === undefined) {
      c = verifyChain(cert, { anchors, intermediates: certs.filter((x) => x !== cert), ...(options.now ? { now: options.now } : {}), backend });
      chains.set(cert, c);
    }
    return c;
  };
  /**
   * The signer's certificate among the sid's candidates: one whose key verified (with anchors, the first whose chain
   * holds when several did: a look-alike issuer's copy of the public key must not hide the real certificate), else
   * the first candidate, for the report.
   */
  const chooseSigner = async (verified: readonly Certificate[], candidates: readonly Certificate[]): Promise<Certificate | null> => {
    if (verified.length > 1 && options.anchors !== undefined && options.anchors.length > 0) {
      for (const c of verified) if ((await chainOf(c, options.anchors)).valid) return c;
    }
    return verified[0] ?? candidates[0] ?? null;
  };
  let verifications = 0;
  const signers: CmsSignerReport[] = [];
  for (const si of parsed.signerInfos) {
    const checks: CmsCheck[] = [];
    const candidates = bySid.get(si.sid) ?? [];
    let attrs: Map<string, Tlv[]>;
    try {
      attrs = attributes(si.signedAttrs);
    } catch (e) {
      if (e instanceof ShomeiError) throw cmsError(`signed attributes do not parse: ${e.message}`, e);
      throw e;
    }
    const signingTime = signingTimeOf(attrs);
    const hash = OID_HASH.get(si.digestAlgorithm);
    const ct = attrs.get(CmsOid.contentType);
    // A document signature: id-data, in the signed attribute and in encapContentInfo alike (§11.1: they must match).
    const ctOk = parsed.eContentType === CmsOid.data && ct?.length === 1 && ct[0]!.tag === Tag.OID && signedOid(ct[0]!, 'content-type') === CmsOid.data;
    checks.push({
      id: 'CONTENT_TYPE',
      status: ctOk ? 'passed' : 'failed',
      ...(parsed.eContentType === CmsOid.data ? {} : { detail: `eContentType ${parsed.eContentType} is not id-data (the signed content is not a document)` }),
    });
    const md = attrs.get(CmsOid.messageDigest);
    let mdOk = false;
    if (hash !== undefined && md?.length === 1 && md[0]!.tag === Tag.OCTET_STRING) {
      mdOk = constantTimeEqual(md[0]!.content, await digestOfContent(hash));
    }
    checks.push({ id: 'MESSAGE_DIGEST', status: mdOk ? 'passed' : 'failed', ...(hash === undefined ? { detail: `unsupported digest ${si.digestAlgorithm}` } : {}) });
    const sigHash = RSA_SIG_HASH.get(si.signatureAlgorithm);
    if (hash === undefined) checks.push({ id: 'DIGEST_ALGORITHM', status: 'failed', detail: `unsupported digest ${si.digestAlgorithm}` });
    else if (hash === 'SHA-1' || sigHash === 'SHA-1') checks.push(failedOr('DIGEST_ALGORITHM', 'SHA-1 is not accepted for signatures', 'SHA-1 accepted'));
    else checks.push({ id: 'DIGEST_ALGORITHM', status: 'passed', detail: hash });
    // The candidates whose key verifies the signature.
    const verified: Certificate[] = [];
    if (hash !== undefined && sigHash !== undefined && (sigHash === null || sigHash === hash)) {
      // RFC 5652 §5.4: the signature covers the DER of the SET OF, i.e. the received [0] with tag 0x31.
      const set = concat(Uint8Array.of(Tag.SET), si.signedAttrs.der.subarray(1));
      // One verification per distinct key: candidates repeating a key (copies of a certificate) cost nothing more.
      const byKey = new Map<string, boolean>();
      for (const c of candidates) {
        if (c.publicKey?.kty !== 'RSA') continue;
        const id = toHex(c.spki);
        let ok = byKey.get(id);
        if (ok === undefined) {
          if (++verifications > MAX_CMS_VERIFICATIONS) throw cmsError(`more than ${MAX_CMS_VERIFICATIONS} signature verifications (certificates sharing one IssuerAndSerialNumber)`);
          try {
            ok = await backend.rsaPkcs1Verify(c.publicKey as RsaPublicKey, hash, set, si.signature);
          } catch {
            ok = false; // a key the backend cannot use verifies nothing
          }
          byKey.set(id, ok);
        }
        if (ok) verified.push(c);
      }
    }
    const sigOk = verified.length > 0;
    const cert = await chooseSigner(verified, candidates);
    checks.push({ id: 'SIGNATURE', status: sigOk ? 'passed' : 'failed', ...(sigOk ? {} : { detail: signatureProblem(cert, si, hash, sigHash) }) });
    checks.push(await signingCertificateCheck(attrs, cert, backend));
    if (cert === null) checks.push({ id: 'SIGNER_PURPOSE', status: 'failed', detail: 'signer certificate not found in the SignedData' });
    else if (keyUsageForbidsSigning(cert)) {
      checks.push({ id: 'SIGNER_PURPOSE', status: 'failed', detail: 'the signer certificate key usage has neither digitalSignature nor nonRepudiation (not waivable)' });
    } else {
      const problem = purposeProblem(cert);
      const kind = cert.certificatePolicies?.oids.includes(JpkiPolicyOid.AUTH) === true ? 'a JPKI 利用者証明用 certificate' : 'a certificate of another purpose';
      checks.push(problem === undefined ? { id: 'SIGNER_PURPOSE', status: 'passed' } : failedOr('SIGNER_PURPOSE', problem, `${kind} accepted as signer`));
    }
    let chain: ChainReport | undefined;
    if (cert === null || options.anchors === undefined || options.anchors.length === 0) {
      checks.push({ id: 'CERTIFICATE_CHAIN', status: 'unverifiable', detail: 'no trust anchors given' });
    } else {
      chain = await chainOf(cert, options.anchors);
      const failed = chain.checks.find((c) => c.status === 'failed');
      checks.push({ id: 'CERTIFICATE_CHAIN', status: chain.valid ? 'passed' : 'failed', ...(failed ? { detail: `${failed.id}: ${failed.detail ?? ''}` } : {}) });
    }
    let status: JpkiStatusResult | undefined;
    if (options.status !== undefined) {
      if (cert === null || chain === undefined || !chain.valid || chain.path.length < 2) {
        checks.push({ id: 'CERTIFICATE_STATUS', status: 'unverifiable', detail: 'needs a signer certificate whose chain to a given anchor holds' });
      } else {
        status = await checkJpkiCertificateStatus(cert, chain.path[1]!, options.status, { now: options.now ?? new Date(), clockSkewSeconds: 0, backend });
        const verdict = status.checks.at(-1)!;
        const failedSource = status.checks.find((c) => c.status === 'failed' && c.required);
        checks.push({ id: 'CERTIFICATE_STATUS', status: verdict.status, detail: failedSource?.detail ?? verdict.detail ?? '' });
      }
    }
    signers.push({ certificate: cert, ...(signingTime ? { signingTime } : {}), checks, ...(chain ? { chain } : {}), ...(status ? { status } : {}) });
  }
  const all = signers.flatMap((s) => s.checks);
  const status = all.some((c) => c.status === 'failed') ? 'invalid' : all.some((c) => c.status === 'unverifiable') ? 'unverifiable' : 'valid';
  return { status, valid: status === 'valid', signers };
}

