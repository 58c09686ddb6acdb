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
 * (§5.3; what `openssl cms -sign -keyid` writes), in a SignedData of version 3 or later; an
 * envelope in BER (indefinite lengths, a constructed eContent OCTET STRING: what streaming
 * signers write, read by ber.ts), an attached eContent (`verifyAttachedCms`, or
 * `verifyDetachedCms` when it equals the content given), and an ECDSA signer (RFC 5753
 * §2.1.1: a P-256, P-384 or P-521 key, signatureAlgorithm ecdsa-with-SHA256/384/512 or
 * id-ecPublicKey, the signature a DER ECDSA-Sig-Value; a phone's secure element, or any
 * generic CMS signer), with every check the same as for RSA.
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
import type { BackendOptions, CryptoBackend, HashAlg } from '../crypto/types.js';
import { JpkiError, ShomeiError } from '../errors.js';
import { JpkiPolicyOid } from './oids.js';
import {
  algorithmOid,
  attributes,
  bounded,
  CmsOid,
  type CmsSignatureAlgorithm,
  cmsError,
  ecdsaSignatureRaw,
  HASH_OID,
  MAX_CMS_ITEMS,
  OID_HASH,
  type ParsedSignedData,
  type ParsedSignerInfo,
  parseSignedData,
  SIGNATURE_ALGORITHMS,
} from './cms-syntax.js';
import { checkJpkiCertificateStatus, checkStatusOptions, type JpkiStatusOptions, type JpkiStatusResult } from './cert-status.js';
import { assertBytes, concat, constantTimeEqual, equalBytes, toHex } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import type { X509PublicKey } from '../x509/signature.js';
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

export { CmsOid, MAX_CMS_ITEMS } from './cms-syntax.js';

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

/**
 * Most signature verifications in one call. Each SignerInfo is tried with every certificate of its
 * IssuerAndSerialNumber (distinct keys once): 32 SignerInfos and 32 look-alike certificates of distinct keys would
 * be 1,024 RSA verifications (about 350 ms for 48 KB); honest input needs one per signer.
 */
const MAX_CMS_VERIFICATIONS = 2 * MAX_CMS_ITEMS;

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

/** Why the SIGNATURE check of `si` failed, for its detail; `problem`: what the verification of the chosen certificate's key found. */
function signatureProblem(cert: Certificate | null, si: ParsedSignerInfo, hash: HashAlg | undefined, alg: CmsSignatureAlgorithm | undefined, problem: string | undefined): string {
  if (cert === null) return 'signer certificate not found in the SignedData';
  if (alg === undefined) return `unsupported signature algorithm ${si.signatureAlgorithm} (RSA PKCS #1 v1.5 and ECDSA only)`;
  if (hash === undefined) return `unsupported digest ${si.digestAlgorithm}`;
  if (alg.hash !== null && alg.hash !== hash) return `signatureAlgorithm ${si.signatureAlgorithm} does not go with digestAlgorithm ${si.digestAlgorithm}`;
  const key = cert.publicKey;
  if (key === null) {
    return cert.publicKeyAlgorithm === CmsOid.ecPublicKey
      ? `the signer certificate's EC key is on a curve shomei does not support (${cert.publicKeyCurve ?? 'no named curve'}; P-256, P-384 and P-521 only)`
      : `the signer certificate's key (${cert.publicKeyAlgorithm}) is not supported`;
  }
  if (key.kty !== alg.kind) return `signatureAlgorithm ${si.signatureAlgorithm} needs an ${alg.kind} key; the signer certificate holds ${key.kty === 'OKP' ? `an ${key.crv}` : `an ${key.kty}`} key`;
  return problem ?? 'the signature does not verify with the signer certificate';
}

/**
 * Whether `signature` verifies over `data` with `key` for `alg` and `hash`: true, or why not.
 * ECDSA takes the DER ECDSA-Sig-Value of RFC 5753 §2.1.1 (read strictly) and gives the backend
 * its raw r || s. A key or hash the backend cannot use verifies nothing (its refusal is the reason).
 */
async function signatureVerifies(backend: CryptoBackend, key: X509PublicKey, alg: CmsSignatureAlgorithm, hash: HashAlg, data: Uint8Array, signature: Uint8Array): Promise<true | string> {
  try {
    if (alg.kind === 'RSA' && key.kty === 'RSA') return (await backend.rsaPkcs1Verify(key, hash, data, signature)) || 'the signature does not verify with the signer certificate';
    if (alg.kind === 'EC' && key.kty === 'EC') {
      const raw = ecdsaSignatureRaw(signature, key.crv);
      return (await backend.ecdsaVerify(key, hash, data, raw)) || 'the signature does not verify with the signer certificate';
    }
    return 'the key does not go with the signature algorithm';
  } catch (e) {
    if (e instanceof JpkiError) return e.message;
    const what = key.kty === 'EC' ? `ECDSA on ${key.crv} with ${hash}` : `RSA with ${hash}`;
    return `the ${backend.name} backend cannot verify ${what}: ${e instanceof Error ? e.message : String(e)}`;
  }
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
 * Verify a detached CMS SignedData over `content`. Returns a report; throws `ERR_JPKI_CMS`
 * only when the structure does not parse. The envelope may be BER (streaming signers); a
 * SignedData that carries its content (attached) is accepted only when that content is
 * byte-identical to `content` (else `ERR_JPKI_CMS`): {@link verifyAttachedCms} reads it
 * without a copy at hand. `TypeError` when `p7s` or `content` is not a Uint8Array.
 *
 * @example
 * const report = await verifyDetachedCms(p7s, pdfBytes, { anchors: [JPKI_SIGN_CA_2023] });
 */
export async function verifyDetachedCms(p7s: Uint8Array, content: Uint8Array, options: VerifyCmsOptions = {}): Promise<CmsVerification> {
  assertBytes(p7s, 'p7s');
  assertBytes(content, 'content');
  const backend = checkVerifyOptions(options);
  const parsed = parseCms(p7s);
  if (parsed.eContent !== undefined && !equalBytes(parsed.eContent, content)) {
    throw cmsError('the SignedData carries its content (attached), and it differs from the content given: verify it with verifyAttachedCms, or give the same bytes');
  }
  return verifyParsed(parsed, content, options, backend);
}

/** The result of {@link verifyAttachedCms}: the report, and the content the SignedData carries. */
export interface AttachedCmsVerification extends CmsVerification {
  /** The eContent octets (a constructed OCTET STRING's segments concatenated): the bytes whose digest was checked. A copy, not a view into `p7s`. */
  readonly content: Uint8Array;
}

/**
 * Verify an attached ("opaque") CMS SignedData, whose encapContentInfo carries the document
 * (`openssl cms -sign -nodetach`, JPKI client software that embeds the document): the same
 * checks as {@link verifyDetachedCms}, with the message digest over the eContent octets
 * (RFC 5652 §5.4). Returns the report and the content; check `valid` before using the content.
 * Throws `ERR_JPKI_CMS` when the structure does not parse or carries no content (detached);
 * `TypeError` when `p7s` is not a Uint8Array.
 *
 * @example
 * const { valid, content } = await verifyAttachedCms(p7s, { anchors: [JPKI_SIGN_CA_2023] });
 */
export async function verifyAttachedCms(p7s: Uint8Array, options: VerifyCmsOptions = {}): Promise<AttachedCmsVerification> {
  assertBytes(p7s, 'p7s');
  const backend = checkVerifyOptions(options);
  const parsed = parseCms(p7s);
  const content = parsed.eContent;
  if (content === undefined) throw cmsError('the SignedData is detached (it carries no content): verify it with verifyDetachedCms and the content');
  return { ...(await verifyParsed(parsed, content, options, backend)), content };
}

/** The backend of `options`, after the checks of its other arguments (TypeError / RangeError: a caller's mistake, before any input is read). */
function checkVerifyOptions(options: VerifyCmsOptions): ReturnType<typeof resolveBackend> {
  const backend = resolveBackend(options);
  for (const id of options.waive ?? []) if (!WAIVABLE.includes(id)) throw new RangeError(`options.waive: ${JSON.stringify(id)} cannot be waived (only ${WAIVABLE.join(', ')})`);
  checkStatusOptions(options.status, 'options.status');
  return backend;
}

/** {@link parseSignedData} with every failure as ERR_JPKI_CMS. */
function parseCms(p7s: Uint8Array): ParsedSignedData {
  try {
    return parseSignedData(p7s);
  } catch (e) {
    if (e instanceof JpkiError) throw e;
    throw cmsError(`the CMS structure does not parse: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/** The checks of every SignerInfo of `parsed`, with the message digest over `content`. */
async function verifyParsed(parsed: ParsedSignedData, content: Uint8Array, options: VerifyCmsOptions, backend: ReturnType<typeof resolveBackend>): Promise<CmsVerification> {
  const waive = new Set<string>(options.waive ?? []);
  /** A failed check, or `waived` when the caller waived it by id. */
  const failedOr = (id: CmsWaivableCheck, problem: string, accepted: string): CmsCheck =>
    waive.has(id) ? { id, status: 'waived', detail: `${accepted} (waived: ${problem})` } : { id, status: 'failed', detail: problem };
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
    const alg = SIGNATURE_ALGORITHMS.get(si.signatureAlgorithm);
    if (hash === undefined) checks.push({ id: 'DIGEST_ALGORITHM', status: 'failed', detail: `unsupported digest ${si.digestAlgorithm}` });
    else if (hash === 'SHA-1' || alg?.hash === 'SHA-1') checks.push(failedOr('DIGEST_ALGORITHM', 'SHA-1 is not accepted for signatures', 'SHA-1 accepted'));
    else checks.push({ id: 'DIGEST_ALGORITHM', status: 'passed', detail: hash });
    // The candidates whose key verifies the signature.
    const verified: Certificate[] = [];
    // Why each key that was tried did not verify (by SubjectPublicKeyInfo), for the report.
    const problems = new Map<string, string>();
    if (hash !== undefined && alg !== undefined && (alg.hash === null || alg.hash === hash)) {
      // RFC 5652 §5.4: the signature covers the DER of the SET OF, i.e. the received [0] with tag 0x31.
      const set = concat(Uint8Array.of(Tag.SET), si.signedAttrs.der.subarray(1));
      // One verification per distinct key: candidates repeating a key (copies of a certificate) cost nothing more.
      const byKey = new Map<string, boolean>();
      for (const c of candidates) {
        // A key of another kind than the signatureAlgorithm's (an RSA key with ecdsa-with-SHA256, say) verifies nothing.
        if (c.publicKey === null || c.publicKey.kty !== alg.kind) continue;
        const id = toHex(c.spki);
        let ok = byKey.get(id);
        if (ok === undefined) {
          if (++verifications > MAX_CMS_VERIFICATIONS) throw cmsError(`more than ${MAX_CMS_VERIFICATIONS} signature verifications (certificates sharing one IssuerAndSerialNumber)`);
          const outcome = await signatureVerifies(backend, c.publicKey, alg, hash, set, si.signature);
          ok = outcome === true;
          if (outcome !== true) problems.set(id, outcome);
          byKey.set(id, ok);
        }
        if (ok) verified.push(c);
      }
    }
    const sigOk = verified.length > 0;
    const cert = await chooseSigner(verified, candidates);
    checks.push({
      id: 'SIGNATURE',
      status: sigOk ? 'passed' : 'failed',
      ...(sigOk ? {} : { detail: signatureProblem(cert, si, hash, alg, cert === null ? undefined : problems.get(toHex(cert.spki))) }),
    });
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

