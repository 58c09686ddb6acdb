/**
 * The syntax of a CMS SignedData (RFC 5652 §5) as `verifyDetachedCms` and `verifyAttachedCms`
 * read it: the object identifiers, the bounded parse of ContentInfo / SignedData / SignerInfo
 * (a BER envelope read by ber.ts; the signed parts DER), and the attribute rules of §11
 * (signed-only attributes, one value each, no countersignature among the signed ones).
 * Everything here throws `ERR_JPKI_CMS`; what the parts mean (digests, signatures, the
 * signer's certificate and purpose) is checked in cms.ts.
 */
import { CURVE_ORDER_HEX } from '../crypto/curve-order.js';
import { parseEcdsaDer } from '../crypto/ecdsa-der.js';
import { curveFieldSize } from '../crypto/keys.js';
import type { EcCurve, HashAlg } from '../crypto/types.js';
import { JpkiError } from '../errors.js';
import { fromHex, toHex } from '../internal/bytes.js';
import { contextTag, DerReader, decodeOid, Tag, type Tlv } from '../x509/der.js';
import { BerReader, octetStringValue, requireDer } from './ber.js';

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
  /** id-ecPublicKey (RFC 5480 §2.1.1): a key OID some signers write as the signatureAlgorithm of an ECDSA SignerInfo. */
  ecPublicKey: '1.2.840.10045.2.1',
  /** ecdsa-with-SHA256 (RFC 5758 §3.2), what RFC 5753 §2.1.1 has an ECDSA SignerInfo name (and `openssl cms -sign` writes). */
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
} as const;

export const HASH_OID: Record<HashAlg, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};
export const OID_HASH = new Map(Object.entries(HASH_OID).map(([k, v]) => [v, k as HashAlg]));
/**
 * What a SignerInfo signatureAlgorithm names: the kind of key it needs (`RSA`, `EC`: the
 * `kty` of the certificate's key) and the hash its OID fixes; `hash: null` for the key's own
 * OID (rsaEncryption, RFC 3370 §3.2; id-ecPublicKey), where the digestAlgorithm names the hash.
 *
 * ECDSA (RFC 5753 §2.1.1): ecdsa-with-SHA256/384/512 (RFC 5758 §3.2, RFC 5754 §3.3), and
 * id-ecPublicKey, which RFC 5753 does not list but which signers of the PKCS #7 tradition
 * write (the key algorithm in the old digestEncryptionAlgorithm slot, as rsaEncryption is for
 * RSA) and BouncyCastle's verifier reads as ECDSA with the digestAlgorithm's hash: accepted the
 * same way as rsaEncryption, since the hash the signature covers is then the digestAlgorithm's,
 * which is checked anyway. ecdsa-with-SHA1 is named so the report can refuse SHA-1; the crypto
 * backends do not verify ECDSA with SHA-1 (nor SHA-224, not listed: unsupported).
 */
export interface CmsSignatureAlgorithm {
  readonly kind: 'RSA' | 'EC';
  readonly hash: HashAlg | null;
}
export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, CmsSignatureAlgorithm> = new Map<string, CmsSignatureAlgorithm>([
  [CmsOid.rsaEncryption, { kind: 'RSA', hash: null }],
  ['1.2.840.113549.1.1.5', { kind: 'RSA', hash: 'SHA-1' }],
  ['1.2.840.113549.1.1.11', { kind: 'RSA', hash: 'SHA-256' }],
  ['1.2.840.113549.1.1.12', { kind: 'RSA', hash: 'SHA-384' }],
  ['1.2.840.113549.1.1.13', { kind: 'RSA', hash: 'SHA-512' }],
  [CmsOid.ecPublicKey, { kind: 'EC', hash: null }],
  ['1.2.840.10045.4.1', { kind: 'EC', hash: 'SHA-1' }],
  [CmsOid.ecdsaWithSha256, { kind: 'EC', hash: 'SHA-256' }],
  [CmsOid.ecdsaWithSha384, { kind: 'EC', hash: 'SHA-384' }],
  [CmsOid.ecdsaWithSha512, { kind: 'EC', hash: 'SHA-512' }],
]);

/** An `ERR_JPKI_CMS` error (internal). */
export function cmsError(message: string, cause?: unknown): JpkiError {
  return new JpkiError('ERR_JPKI_CMS', message, cause === undefined ? {} : { cause });
}

export interface ParsedSignerInfo {
  /** The sid as a lookup key: `i` and the IssuerAndSerialNumber's DER (v1), or `k` and the subjectKeyIdentifier (v3), in hex. */
  readonly sid: string;
  readonly digestAlgorithm: string;
  readonly signedAttrs: Tlv;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
}

/**
 * The OID of an AlgorithmIdentifier; its parameters, when present, must be one well-formed
 * TLV, and: NULL for a digest or RSA PKCS #1 v1.5 algorithm this module knows (RFC 5754 §2,
 * RFC 4055 §5: absent or NULL); absent for ecdsa-with-SHA* (RFC 5758 §3.2: "MUST omit the
 * parameters field"); absent or NULL for id-ecPublicKey as a signatureAlgorithm (it names no
 * curve there: the certificate's key does). Another algorithm's parameters are not read: it
 * fails as unsupported.
 */
export function algorithmOid(tlv: Tlv, what: string): string {
  const r = DerReader.inside(tlv, what);
  const oid = decodeOid(r.expect(Tag.OID, 'algorithm'), 'algorithm');
  if (!r.atEnd()) {
    const parameters = r.next('parameters');
    // NULL is `05 00`: a NULL with content is not DER (X.690 §8.8.2).
    const isNull = parameters.tag === Tag.NULL && parameters.content.length === 0;
    const sig = SIGNATURE_ALGORITHMS.get(oid);
    if (sig?.kind === 'EC' && sig.hash !== null) throw cmsError(`${what} ${oid} (ECDSA) has parameters: RFC 5758 §3.2 omits them`);
    if ((OID_HASH.has(oid) || sig !== undefined) && !isNull) throw cmsError(`${what} ${oid} has parameters other than NULL`);
  }
  r.finish(what);
  return oid;
}

/** Whether the big-endian `value` (the field size, as is `CURVE_ORDER_HEX[crv]`) is in [1, n-1] on `crv` (FIPS 186-5 §6.4.2 step 1). */
function inScalarRange(value: Uint8Array, crv: EcCurve): boolean {
  if (value.every((b) => b === 0)) return false;
  const n = fromHex(CURVE_ORDER_HEX[crv]);
  for (let i = 0; i < n.length; i++) if (value[i] !== n[i]) return value[i]! < n[i]!;
  return false; // value = n
}

/**
 * The raw r || s (each the field size of `crv`) of the `signature` of an ECDSA SignerInfo: a
 * DER ECDSA-Sig-Value (RFC 5753 §2.1.1, RFC 3279 §2.2.3), read strictly (definite minimal
 * lengths, minimal non-negative INTEGERs, nothing after the SEQUENCE, r and s in [1, n-1]).
 * The signature is not signed: a lax reading would let one signature take many encodings.
 * Throws `ERR_JPKI_CMS` naming the problem.
 *
 * ```asn1
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
 * ```
 */
export function ecdsaSignatureRaw(signature: Uint8Array, crv: EcCurve): Uint8Array {
  const size = curveFieldSize(crv);
  const raw = parseEcdsaDer(signature, size);
  if (raw === null) throw cmsError(`the signature is not a DER ECDSA-Sig-Value for ${crv} (RFC 3279 §2.2.3: a SEQUENCE of two minimal non-negative INTEGERs of at most ${size} bytes, nothing after it)`);
  if (!inScalarRange(raw.subarray(0, size), crv)) throw cmsError(`the ECDSA signature's r is not in [1, n-1] for ${crv}`);
  if (!inScalarRange(raw.subarray(size), crv)) throw cmsError(`the ECDSA signature's s is not in [1, n-1] for ${crv}`);
  return raw;
}

/**
 * A CMSVersion (RFC 5652 §10.2.5: v0 to v5), `allowed` ones only. The version
 * is not signed; a value outside the syntax means the structure is not CMS.
 */
function cmsVersion(v: Tlv, what: string, allowed: readonly number[]): number {
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


/** The next TLV of `r` (with identifier `tag` when given), unless `n` have been read already (then ERR_JPKI_CMS). */
export function bounded<T extends Tlv>(r: { next(what: string): T; expect(tag: number, what: string): T }, n: number, what: string, tag?: number): T {
  if (n >= MAX_CMS_ITEMS) throw cmsError(`more than ${MAX_CMS_ITEMS} ${what}s`);
  return tag === undefined ? r.next(what) : r.expect(tag, what);
}

/** A SignedData as {@link parseSignedData} reads it. */
export interface ParsedSignedData {
  readonly eContentType: string;
  /** The value of the eContent OCTET STRING (segments concatenated) when the content is attached; undefined when detached. */
  readonly eContent: Uint8Array | undefined;
  /** Each CertificateChoices `certificate`, as received (DER). */
  readonly certificates: Uint8Array[];
  readonly signerInfos: ParsedSignerInfo[];
}

/**
 * The ContentInfo / SignedData / SignerInfo syntax of `p7s`. The envelope may be BER (RFC 5652
 * §1: indefinite lengths, a constructed eContent OCTET STRING), as streaming signers write it;
 * what is signed or hashed as DER must be DER (the signedAttrs, RFC 5652 §5.3; each
 * certificate, RFC 5280 §4.1.1.3), and so must the version numbers, OIDs, AlgorithmIdentifiers,
 * sid and signature, which no signer writes otherwise. Throws ERR_JPKI_CMS (or the DER reader's
 * ERR_X509_PARSE inside a DER part, which verifyDetachedCms wraps).
 */
export function parseSignedData(p7s: Uint8Array): ParsedSignedData {
  const top = new BerReader(p7s);
  const contentInfo = top.expect(Tag.SEQUENCE, 'ContentInfo');
  top.finish('ContentInfo');
  const ci = top.into(contentInfo, 'ContentInfo');
  if (decodeOid(requireDer(ci.expect(Tag.OID, 'contentType'), 'contentType'), 'contentType') !== CmsOid.signedData) throw cmsError('not a CMS SignedData');
  const wrapper = ci.expect(contextTag(0, true), 'content');
  ci.finish('ContentInfo');
  const explicit = ci.into(wrapper, 'content');
  const signedData = explicit.expect(Tag.SEQUENCE, 'SignedData');
  explicit.finish('content');
  const sd = explicit.into(signedData, 'SignedData');
  // §5.1: 1 for this shape (3, 4 or 5 when other content types or certificate formats are carried).
  const version = cmsVersion(requireDer(sd.expect(Tag.INTEGER, 'SignedData version'), 'SignedData version'), 'SignedData', [1, 3, 4, 5]);
  const digests = sd.into(sd.expect(Tag.SET, 'digestAlgorithms'), 'digestAlgorithms');
  for (let n = 0; !digests.atEnd(); n++) algorithmOid(requireDer(bounded(digests, n, 'digest algorithm', Tag.SEQUENCE), 'a digest algorithm'), 'digestAlgorithms');
  const encap = sd.into(sd.expect(Tag.SEQUENCE, 'encapContentInfo'), 'encapContentInfo');
  const eContentType = decodeOid(requireDer(encap.expect(Tag.OID, 'eContentType'), 'eContentType'), 'eContentType');
  let eContent: Uint8Array | undefined;
  const eContentWrapper = encap.optional(contextTag(0, true), 'eContent');
  if (eContentWrapper !== undefined) {
    // eContent [0] EXPLICIT OCTET STRING: §5.4 digests the value of the OCTET STRING, not its tag and length.
    const inner = encap.into(eContentWrapper, 'eContent');
    eContent = octetStringValue(inner, inner.next('eContent'), 'eContent');
    inner.finish('eContent');
  }
  encap.finish('encapContentInfo');
  const certificates: Uint8Array[] = [];
  const certs = sd.optional(contextTag(0, true), 'certificates');
  if (certs !== undefined) {
    const r = sd.into(certs, 'certificates');
    for (let n = 0; !r.atEnd(); n++) {
      const c = bounded(r, n, 'certificate');
      // A certificate's signature covers its DER: it is passed on as received, and must be DER.
      if (c.tag === Tag.SEQUENCE) certificates.push(requireDer(c, 'a certificate').der);
      // §10.2.2 CertificateChoices: a Certificate or [0] to [3] (attribute and other certificates, not read here).
      else if (!CERTIFICATE_CHOICE_TAGS.includes(c.tag)) throw cmsError('a certificates entry is not a CertificateChoices');
    }
  }
  const crls = sd.optional(contextTag(1, true), 'crls');
  if (crls !== undefined) {
    // §10.2.1 RevocationInfoChoice: a CertificateList or [1] other (not read here).
    const r = sd.into(crls, 'crls');
    for (let n = 0; !r.atEnd(); n++) {
      const c = bounded(r, n, 'revocation info');
      if (c.tag !== Tag.SEQUENCE && c.tag !== contextTag(1, true)) throw cmsError('a crls entry is not a RevocationInfoChoice');
    }
  }
  const infos = sd.into(sd.expect(Tag.SET, 'signerInfos'), 'signerInfos');
  sd.finish('SignedData');
  const signerInfos: ParsedSignerInfo[] = [];
  while (!infos.atEnd()) {
    const si = infos.into(bounded(infos, signerInfos.length, 'SignerInfo', Tag.SEQUENCE), 'SignerInfo');
    // §5.3: version 1 goes with an IssuerAndSerialNumber sid, version 3 with a [0] SubjectKeyIdentifier.
    const byKeyId = cmsVersion(requireDer(si.expect(Tag.INTEGER, 'SignerInfo version'), 'SignerInfo version'), 'SignerInfo', [1, 3]) === 3;
    // §5.1: a SignedData with a version 3 SignerInfo is version 3 or later.
    if (byKeyId && version < 3) throw cmsError('a version 3 SignerInfo in a version 1 SignedData');
    const sid = byKeyId
      ? `k${toHex(requireDer(si.expect(contextTag(0, false), 'sid (subjectKeyIdentifier, version 3)'), 'sid').content)}`
      : `i${toHex(requireDer(si.expect(Tag.SEQUENCE, 'sid (IssuerAndSerialNumber, version 1)'), 'sid').der)}`;
    const digestAlgorithm = algorithmOid(requireDer(si.expect(Tag.SEQUENCE, 'digestAlgorithm'), 'digestAlgorithm'), 'digestAlgorithm');
    const attrs = si.optional(contextTag(0, true), 'signedAttrs');
    if (attrs === undefined) throw cmsError('SignerInfo without signed attributes is not supported');
    // §5.3: "SignedAttributes MUST be DER encoded, even if the rest of the structure is BER encoded" (§5.4 signs their DER).
    const signedAttrs = requireDer(attrs, 'signedAttrs (RFC 5652 §5.3)');
    const signatureAlgorithm = algorithmOid(requireDer(si.expect(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm'), 'signatureAlgorithm');
    const signature = requireDer(si.expect(Tag.OCTET_STRING, 'signature'), 'signature').content;
    const unsignedAttrs = si.optional(contextTag(1, true), 'unsignedAttrs');
    si.finish('SignerInfo');
    if (unsignedAttrs !== undefined) checkUnsignedAttributes(requireDer(unsignedAttrs, 'unsignedAttrs'));
    signerInfos.push({ sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature });
  }
  if (signerInfos.length === 0) throw cmsError('the SignedData has no SignerInfo');
  return { eContentType, eContent, certificates, signerInfos };
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

export function attributes(signedAttrs: Tlv): Map<string, Tlv[]> {
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
