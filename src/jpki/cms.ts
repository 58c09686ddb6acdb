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
 * The output verifies with `openssl cms -verify -binary -inform DER -content FILE`.
 * Verification here checks the signature over the signed attributes exactly as received
 * (tag changed to SET, §5.4), the message digest, the content type, the digest algorithm
 * (SHA-1 refused unless waived), the signer certificate's purpose (a signature key: the
 * JPKI 署名用 policy or the nonRepudiation key usage, RFC 5280 §4.2.1.3; never the JPKI
 * 利用者証明用 key, which a 4-digit PIN unlocks), and — with trust anchors — the signer's
 * certificate chain.
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
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
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
  const issuerSerial = encodeSequence(encodeSequence(encodeTlv(contextTag(4, true), cert.issuer.der)), readSingle(sid, 'sid').content.subarray(cert.issuer.der.length));
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
   * The signer certificate is for signatures: it carries the JPKI 署名用 policy (production or
   * test card) or the nonRepudiation key usage, and not the JPKI 利用者証明用 policy.
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
   * purpose (the JPKI 利用者証明用 key, say, for a login challenge wrapped in CMS);
   * `DIGEST_ALGORITHM` accepts SHA-1. A waived check that failed shows as `waived` with
   * what was accepted; nothing else (signature, digest, chain) can be waived.
   */
  readonly waive?: readonly CmsWaivableCheck[];
  /** Check the signer certificate's status (OCSP and/or CRLs; see `JpkiStatusOptions`). Needs anchors. */
  readonly status?: JpkiStatusOptions;
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
  readonly sid: Tlv;
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
    if ((OID_HASH.has(oid) || RSA_SIG_HASH.has(oid)) && parameters.tag !== Tag.NULL) throw cmsError(`${what} ${oid} has parameters other than NULL`);
  }
  r.finish(what);
  return oid;
}

/**
 * A CMSVersion (RFC 5652 §10.2.5: v0 to v5) read from `r`, `allowed` ones only. The version
 * is not signed; a value outside the syntax means the structure is not CMS.
 */
function cmsVersion(r: DerReader, what: string, allowed: readonly number[]): void {
  const v = r.expect(Tag.INTEGER, `${what} version`);
  const n = v.content.length === 1 ? v.content[0]! : -1;
  if (!allowed.includes(n)) throw cmsError(`${what} version is not ${allowed.join(' or ')}`);
}

/**
 * Most certificates, SignerInfos, and signed attributes (and values of one attribute) read
 * from one SignedData. A JPKI signature has one signer, its certificate and perhaps the CA's;
 * without a bound, a SignedData of 400 KB listing 200,000 two-byte "certificates" took 3.5 s
 * to refuse, and each tiny item costs about 50 times its bytes in memory.
 */
export const MAX_CMS_ITEMS = 32;

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
  cmsVersion(sd, 'SignedData', [1, 3, 4, 5]);
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
    }
  }
  sd.optional(contextTag(1, true), 'crls');
  const infos = DerReader.inside(sd.expect(Tag.SET, 'signerInfos'), 'signerInfos');
  sd.finish('SignedData');
  const signerInfos: ParsedSignerInfo[] = [];
  while (!infos.atEnd()) {
    const si = DerReader.inside(bounded(infos, signerInfos.length, 'SignerInfo', Tag.SEQUENCE), 'SignerInfo');
    // §5.3: version 1 goes with an IssuerAndSerialNumber sid, the only one read here.
    cmsVersion(si, 'SignerInfo', [1]);
    const sid = si.expect(Tag.SEQUENCE, 'sid (only IssuerAndSerialNumber is supported)');
    const digestAlgorithm = algorithmOid(si.expect(Tag.SEQUENCE, 'digestAlgorithm'), 'digestAlgorithm');
    const signedAttrs = si.optional(contextTag(0, true), 'signedAttrs');
    if (signedAttrs === undefined) throw cmsError('SignerInfo without signed attributes is not supported');
    const signatureAlgorithm = algorithmOid(si.expect(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm');
    const signature = si.expect(Tag.OCTET_STRING, 'signature').content;
    si.optional(contextTag(1, true), 'unsignedAttrs');
    si.finish('SignerInfo');
    signerInfos.push({ sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature });
  }
  if (signerInfos.length === 0) throw cmsError('the SignedData has no SignerInfo');
  return { eContentType, certificates, signerInfos };
}

function attributes(signedAttrs: Tlv): Map<string, Tlv[]> {
  const out = new Map<string, Tlv[]>();
  const r = DerReader.inside(signedAttrs, 'signedAttrs');
  while (!r.atEnd()) {
    const a = DerReader.inside(bounded(r, out.size, 'signed attribute', Tag.SEQUENCE), 'Attribute');
    const oid = decodeOid(a.expect(Tag.OID, 'attrType'), 'attrType');
    const values: Tlv[] = [];
    const set = DerReader.inside(a.expect(Tag.SET, 'attrValues'), 'attrValues');
    while (!set.atEnd()) values.push(bounded(set, values.length, 'value of one attribute'));
    if (out.has(oid)) throw cmsError(`signed attribute ${oid} appears twice`);
    out.set(oid, values);
  }
  return out;
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
  // Each certificate's IssuerAndSerialNumber once: finding a signer's certificate is a lookup, not a scan.
  const bySid = new Map<string, Certificate>();
  for (const c of certs) {
    const key = toHex(issuerAndSerial(c));
    if (!bySid.has(key)) bySid.set(key, c);
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
  const signers: CmsSignerReport[] = [];
  for (const si of parsed.signerInfos) {
    const checks: CmsCheck[] = [];
    const cert = bySid.get(toHex(si.sid.der)) ?? null;
    let attrs: Map<string, Tlv[]>;
    try {
      attrs = attributes(si.signedAttrs);
    } catch (e) {
      if (e instanceof ShomeiError) throw cmsError(`signed attributes do not parse: ${e.message}`, e);
      throw e;
    }
    const hash = OID_HASH.get(si.digestAlgorithm);
    const ct = attrs.get(CmsOid.contentType);
    const ctOk = ct?.length === 1 && ct[0]!.tag === Tag.OID && decodeOid(ct[0]!, 'contentType') === parsed.eContentType;
    checks.push({ id: 'CONTENT_TYPE', status: ctOk ? 'passed' : 'failed' });
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
    let sigOk = false;
    const key = cert?.publicKey;
    if (hash !== undefined && sigHash !== undefined && (sigHash === null || sigHash === hash) && key?.kty === 'RSA') {
      // RFC 5652 §5.4: the signature covers the DER of the SET OF, i.e. the received [0] with tag 0x31.
      const set = concat(Uint8Array.of(Tag.SET), si.signedAttrs.der.subarray(1));
      try {
        sigOk = await backend.rsaPkcs1Verify(key as RsaPublicKey, hash, set, si.signature);
      } catch {
        sigOk = false;
      }
    }
    checks.push({ id: 'SIGNATURE', status: sigOk ? 'passed' : 'failed', ...(cert === null ? { detail: 'signer certificate not found in the SignedData' } : {}) });
    if (cert === null) checks.push({ id: 'SIGNER_PURPOSE', status: 'failed', detail: 'signer certificate not found in the SignedData' });
    else {
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
    const st = attrs.get(CmsOid.signingTime);
    let signingTime: Date | undefined;
    try {
      if (st?.length === 1) signingTime = decodeTime(st[0]!, 'signingTime');
    } catch {
      signingTime = undefined;
    }
    signers.push({ certificate: cert, ...(signingTime ? { signingTime } : {}), checks, ...(chain ? { chain } : {}), ...(status ? { status } : {}) });
  }
  const all = signers.flatMap((s) => s.checks);
  const status = all.some((c) => c.status === 'failed') ? 'invalid' : all.some((c) => c.status === 'unverifiable') ? 'unverifiable' : 'valid';
  return { status, valid: status === 'valid', signers };
}

