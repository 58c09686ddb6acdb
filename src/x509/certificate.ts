/**
 * X.509 certificates, RFC 5280 §4.1: parsing DER or PEM into a plain readonly object that
 * keeps the exact received bytes (`der`, `tbs`, names' `der`), with the §4.2.1 extensions
 * shomei understands parsed and every extension also listed raw.
 *
 * Well-formed is not conformant: a certificate whose DER and signed structure are
 * well-formed parses, and what its extensions get wrong (an empty cRLDistributionPoints, a
 * keyUsage with trailing zero bits, a value that does not decode at all) is listed in
 * `findings` for profiles and chain validation to judge (see `findings.ts`).
 *
 * ```asn1
 * Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 * TBSCertificate ::= SEQUENCE {
 *   version [0] EXPLICIT Version DEFAULT v1, serialNumber CertificateSerialNumber,
 *   signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *   subjectPublicKeyInfo SubjectPublicKeyInfo,
 *   issuerUniqueID [1] IMPLICIT UniqueIdentifier OPTIONAL, subjectUniqueID [2] IMPLICIT UniqueIdentifier OPTIONAL,
 *   extensions [3] EXPLICIT Extensions OPTIONAL }
 * Validity ::= SEQUENCE { notBefore Time, notAfter Time }
 * ```
 *
 * Parsed certificates are kept in a small LRU cache keyed by their bytes, so verifying many
 * responses signed under the same certificates does not parse them again. The objects are
 * frozen and shared: treat every byte array in them as read-only.
 */
import { X509Error } from '../errors.js';
import { equalBytes, hashBytes } from '../internal/bytes.js';
import {
  contextTag,
  DerReader,
  decodeBitString,
  decodeSmallInteger,
  decodeTime,
  integerBytes,
  integerHex,
  parseError,
  Tag,
  type Tlv,
} from './der.js';
import {
  type AltName,
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type CertificatePolicies,
  type CrlDistributionPoints,
  type ExtKeyUsage,
  EXTENSION_NAMES,
  type Extension,
  type KeyUsage,
  parseAltName,
  parseAuthorityKeyIdentifier,
  parseBasicConstraints,
  parseCertificatePolicies,
  parseCrlDistributionPoints,
  parseExtensionList,
  parseExtKeyUsage,
  parseKeyUsage,
  parseSubjectKeyIdentifier,
  type SubjectKeyIdentifier,
} from './extensions.js';
import { collectFindings, type Note, type X509Finding, X509FindingId } from './findings.js';
import { parseNameTlv, type X509Name } from './name.js';
import { ExtensionOid } from './oids.js';
import { type PemBlock, parsePem } from './pem.js';
import { parseSignatureAlgorithm, parseSignedEnvelope, parseSpki, type SignatureAlgorithm, type X509PublicKey } from './signature.js';

/** A parsed X.509 certificate. Every byte array is a view of `der`, except `publicKey`'s fields. */
export interface Certificate {
  /** The certificate's DER exactly as received. */
  readonly der: Uint8Array;
  /** The TBSCertificate DER exactly as received: the signed bytes. */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2 | 3;
  /** The serial number as lower-case hex of its magnitude (`-` prefix if negative, which RFC 5280 forbids). */
  readonly serialNumber: string;
  /** The outer signatureAlgorithm (checked equal to the TBSCertificate's `signature` field when verifying). */
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** The TBSCertificate's own signature AlgorithmIdentifier. */
  readonly tbsSignatureAlgorithm: SignatureAlgorithm;
  /** The signatureValue BIT STRING content (DER ECDSA-Sig-Value, RSA bytes, or Ed25519 bytes). */
  readonly signature: Uint8Array;
  readonly issuer: X509Name;
  readonly subject: X509Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** The public key algorithm OID (`1.2.840.10045.2.1` id-ecPublicKey…). */
  readonly publicKeyAlgorithm: string;
  /** For EC keys, the namedCurve OID, else null. */
  readonly publicKeyCurve: string | null;
  /** The subjectPublicKey BIT STRING content (what a SHA-1 key identifier is computed over). */
  readonly subjectPublicKey: Uint8Array;
  /** The validated public key, or null when its algorithm, curve or size is not supported. */
  readonly publicKey: X509PublicKey | null;
  /** True when issuer and subject are the same name (RFC 5280 §6.1 "self-issued"). */
  readonly selfIssued: boolean;
  /** Every extension as received, in order. */
  readonly extensions: readonly Extension[];
  readonly basicConstraints: BasicConstraints | null;
  readonly keyUsage: KeyUsage | null;
  readonly extKeyUsage: ExtKeyUsage | null;
  readonly subjectKeyIdentifier: SubjectKeyIdentifier | null;
  readonly authorityKeyIdentifier: AuthorityKeyIdentifier | null;
  readonly subjectAltName: AltName | null;
  readonly issuerAltName: AltName | null;
  readonly cRLDistributionPoints: CrlDistributionPoints | null;
  readonly certificatePolicies: CertificatePolicies | null;
  /**
   * What is odd about the extensions (see {@link X509FindingId}): a well-formed certificate
   * parses whatever its extensions hold, and each problem is listed here. An extension with an
   * `EXTENSION_MALFORMED` finding has a null field above.
   */
  readonly findings: readonly X509Finding[];
}

/** Largest certificate accepted, in bytes. */
export const MAX_CERTIFICATE_SIZE = 64 * 1024;

type Decoder = (ext: Extension, offset: number, note: Note) => unknown;
/** The extensions shomei decodes, by OID; the key in `parsed` is the extension's name. */
const DECODERS: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  [ExtensionOid.basicConstraints, parseBasicConstraints],
  [ExtensionOid.keyUsage, parseKeyUsage],
  [ExtensionOid.extKeyUsage, parseExtKeyUsage],
  [ExtensionOid.subjectKeyIdentifier, parseSubjectKeyIdentifier],
  [ExtensionOid.authorityKeyIdentifier, parseAuthorityKeyIdentifier],
  [ExtensionOid.subjectAltName, (e, o, n) => parseAltName(e, o, 'subjectAltName', n)],
  [ExtensionOid.issuerAltName, (e, o, n) => parseAltName(e, o, 'issuerAltName', n)],
  [ExtensionOid.cRLDistributionPoints, parseCrlDistributionPoints],
  [ExtensionOid.certificatePolicies, parseCertificatePolicies],
]);
const CACHE_SIZE = 256;
const cache = new Map<string, Certificate>();
/** The certificate last parsed from each DER bytes object, checked like a cache hit before reuse (the object's bytes may have changed). */
let byObject = new WeakMap<Uint8Array, Certificate>();
/** The validity of each cached certificate as parsed (notBefore, notAfter in ms), to notice a caller's change. */
const times = new WeakMap<Certificate, readonly [number, number]>();

/** The cache key of DER bytes: length and hash; a hit is used only when its bytes are equal. */
function cacheKey(der: Uint8Array): string {
  return `${der.length}:${hashBytes(der)}`;
}

/** True when the cached certificate's dates are still the ones it was parsed with. */
function timesIntact(cert: Certificate): boolean {
  const t = times.get(cert);
  return t !== undefined && t[0] === cert.notBefore.getTime() && t[1] === cert.notAfter.getTime();
}

/** A UniqueIdentifier ([1] or [2] IMPLICIT BIT STRING) read to check it is one, in DER: its unused bits zero (X.690 §11.2.1). */
function uniqueIdentifier(t: Tlv, what: string): void {
  const { unusedBits, bytes } = decodeBitString(Object.assign({}, t, { tag: Tag.BIT_STRING }), what);
  if (unusedBits > 0 && ((bytes[bytes.length - 1] as number) & ((1 << unusedBits) - 1)) !== 0) parseError(`${what}: BIT STRING unused bits are not zero`, t.offset);
}

function parseDer(input: Uint8Array): Certificate {
  const { der, tbs: tbsTlv, signatureAlgorithm, signature } = parseSignedEnvelope(input, MAX_CERTIFICATE_SIZE, 'certificate', 'Certificate', 'TBSCertificate');

  const r = DerReader.inside(tbsTlv, 'TBSCertificate');
  let version: 1 | 2 | 3 = 1;
  const v = r.optional(contextTag(0, true), 'version');
  if (v !== undefined) {
    const vr = DerReader.inside(v, 'version');
    const n = decodeSmallInteger(vr.expect(Tag.INTEGER, 'version'), 'version');
    vr.finish('version');
    if (n > 2) parseError(`unknown certificate version ${n + 1}`, v.offset);
    // DER leaves out a value equal to its DEFAULT (X.690 §11.5): v1 is written by omission.
    if (n === 0) parseError('version v1 written out (DER omits the DEFAULT)', v.offset);
    version = (n + 1) as 1 | 2 | 3;
  }
  const serialTlv = r.expect(Tag.INTEGER, 'serialNumber');
  const serialNumber = integerHex(integerBytes(serialTlv, 'serialNumber'));
  const tbsSignatureAlgorithm = parseSignatureAlgorithm(r.expect(Tag.SEQUENCE, 'signature'), 'signature');
  const issuer = parseNameTlv(r.expect(Tag.SEQUENCE, 'issuer'));
  const validity = DerReader.inside(r.expect(Tag.SEQUENCE, 'validity'), 'validity');
  const notBefore = decodeTime(validity.next('notBefore'), 'notBefore');
  const notAfter = decodeTime(validity.next('notAfter'), 'notAfter');
  validity.finish('validity');
  const subject = parseNameTlv(r.expect(Tag.SEQUENCE, 'subject'));
  const spkiTlv = r.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo');
  const spki = parseSpki(spkiTlv);
  const issuerUid = r.optional(contextTag(1, false), 'issuerUniqueID');
  const subjectUid = r.optional(contextTag(2, false), 'subjectUniqueID');
  if ((issuerUid !== undefined || subjectUid !== undefined) && version === 1) parseError('unique identifiers need version 2 or 3', tbsTlv.offset);
  if (issuerUid !== undefined) uniqueIdentifier(issuerUid, 'issuerUniqueID');
  if (subjectUid !== undefined) uniqueIdentifier(subjectUid, 'subjectUniqueID');
  const extTlv = r.optional(contextTag(3, true), 'extensions');
  r.finish('TBSCertificate');

  let extensions: Extension[] = [];
  const parsed: Record<string, unknown> = {};
  const findings: X509Finding[] = [];
  if (extTlv !== undefined) {
    if (version !== 3) parseError('extensions need version 3', extTlv.offset);
    const er = DerReader.inside(extTlv, 'extensions');
    const list = parseExtensionList(er.expect(Tag.SEQUENCE, 'Extensions'), (oid, critical) =>
      collectFindings(oid === '' ? 'extensions' : (EXTENSION_NAMES.get(oid) ?? oid), { oid, critical }, findings),
    );
    er.finish('extensions');
    extensions = list.extensions;
    list.extensions.forEach((ext, i) => {
      const decoder = DECODERS.get(ext.oid);
      if (decoder === undefined) return;
      const name = EXTENSION_NAMES.get(ext.oid)!;
      const note = collectFindings(name, ext, findings);
      try {
        parsed[name] = decoder(ext, list.offsets[i]!, note);
      } catch (e) {
        // Well-formed certificate, unreadable extension: a finding, never a parse failure.
        if (!(e instanceof X509Error)) throw e;
        note(X509FindingId.EXTENSION_MALFORMED, `${name} does not decode: ${e.message}`, e.offset);
      }
    });
  }

  const cert: Certificate = {
    der,
    tbs: tbsTlv.der,
    version,
    serialNumber,
    signatureAlgorithm,
    tbsSignatureAlgorithm,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiTlv.der,
    publicKeyAlgorithm: spki.algorithm,
    publicKeyCurve: spki.curveOid,
    subjectPublicKey: spki.subjectPublicKey,
    publicKey: spki.publicKey === null ? null : Object.freeze(spki.publicKey),
    selfIssued: equalBytes(issuer.der, subject.der),
    extensions: Object.freeze(extensions),
    basicConstraints: (parsed.basicConstraints as BasicConstraints | undefined) ?? null,
    keyUsage: (parsed.keyUsage as KeyUsage | undefined) ?? null,
    extKeyUsage: (parsed.extKeyUsage as ExtKeyUsage | undefined) ?? null,
    subjectKeyIdentifier: (parsed.subjectKeyIdentifier as SubjectKeyIdentifier | undefined) ?? null,
    authorityKeyIdentifier: (parsed.authorityKeyIdentifier as AuthorityKeyIdentifier | undefined) ?? null,
    subjectAltName: (parsed.subjectAltName as AltName | undefined) ?? null,
    issuerAltName: (parsed.issuerAltName as AltName | undefined) ?? null,
    cRLDistributionPoints: (parsed.cRLDistributionPoints as CrlDistributionPoints | undefined) ?? null,
    certificatePolicies: (parsed.certificatePolicies as CertificatePolicies | undefined) ?? null,
    findings: Object.freeze(findings),
  };
  return Object.freeze(cert);
}

/** Wrap anything unexpected thrown while parsing hostile bytes, so only X509Error escapes. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof X509Error) throw e;
    throw new X509Error('ERR_X509_PARSE', `malformed certificate: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Decode PEM text held in bytes, or null when the bytes are DER. */
function pemText(bytes: Uint8Array): string | null {
  if (bytes[0] === Tag.SEQUENCE) return null;
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s.includes('-----BEGIN ') ? s : null;
}

function parseOne(der: Uint8Array): Certificate {
  // The same bytes object again (a verifier's trust anchors, given on every call): no hash.
  const same = byObject.get(der);
  if (same !== undefined && equalBytes(same.der, der) && timesIntact(same)) return same;
  const cert = parseCached(der);
  // Remembered by object only for bytes that own their buffer (an anchor a caller keeps and
  // passes again): a view into a larger message (an x5chain of a response) is new on every
  // call, and a WeakMap entry for each would only add work for the collector.
  if (der.length <= 8192 && der.byteOffset === 0 && der.byteLength === der.buffer.byteLength) byObject.set(der, cert);
  return cert;
}

function parseCached(der: Uint8Array): Certificate {
  const key = der.length <= 8192 ? cacheKey(der) : null;
  if (key !== null) {
    const hit = cache.get(key);
    // A caller may have written into the shared object's bytes or dates: reuse it only when intact.
    if (hit !== undefined && equalBytes(hit.der, der) && timesIntact(hit)) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
  }
  const cert = guarded(() => parseDer(der));
  if (key !== null) {
    times.set(cert, [cert.notBefore.getTime(), cert.notAfter.getTime()]);
    cache.set(key, cert);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return cert;
}

/**
 * Parse one certificate from DER bytes, or PEM (a string, or bytes holding PEM text).
 * @throws X509Error `ERR_X509_PARSE` for anything that is not exactly one well-formed certificate.
 * @throws TypeError when the input is neither a Uint8Array nor a string.
 * @example const cert = parseCertificate(annexDBytes('ds_cert')); cert.subject.attributes.CN // ['utopia ds']
 */
export function parseCertificate(derOrPem: Uint8Array | string): Certificate {
  const text = typeof derOrPem === 'string' ? derOrPem : derOrPem instanceof Uint8Array && derOrPem.length > 0 ? pemText(derOrPem) : null;
  if (text === null) return parseCertificates(derOrPem)[0]!;
  // Counted before any is parsed: text of thousands of certificates is refused at once.
  const blocks = certificateBlocks(text);
  if (blocks.length !== 1) throw new X509Error('ERR_X509_PARSE', `expected one certificate, found ${blocks.length}`);
  return parseOne(blocks[0]!.der);
}

const CERTIFICATE_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);

/** The certificate blocks of PEM text (other blocks are ignored). */
function certificateBlocks(text: string): PemBlock[] {
  return parsePem(text).filter((b) => CERTIFICATE_LABELS.has(b.label));
}

/**
 * Parse every certificate in a PEM bundle (CERTIFICATE blocks; other blocks are ignored),
 * or the single certificate in DER bytes.
 * @throws X509Error `ERR_X509_PARSE`; TypeError for a wrong argument type.
 */
export function parseCertificates(derOrPem: Uint8Array | string): Certificate[] {
  if (typeof derOrPem === 'string') return certificateBlocks(derOrPem).map((b) => parseOne(b.der));
  if (!(derOrPem instanceof Uint8Array)) throw new TypeError('certificate must be a Uint8Array (DER) or a string (PEM)');
  if (derOrPem.length === 0) throw new X509Error('ERR_X509_PARSE', 'empty certificate');
  const text = pemText(derOrPem);
  if (text !== null) return parseCertificates(text);
  return [parseOne(derOrPem)];
}

/** A certificate given as parsed or as bytes (internal): parse when needed. */
export function toCertificate(value: Certificate | Uint8Array, what: string): Certificate {
  if (value instanceof Uint8Array) return parseCertificate(value);
  if (typeof value === 'object' && value !== null && value.der instanceof Uint8Array && value.tbs instanceof Uint8Array && value.spki instanceof Uint8Array) {
    // An object of another shape (made by hand, or by an older version without `findings`) is parsed from its DER.
    return Array.isArray(value.findings) ? value : parseCertificate(value.der);
  }
  throw new TypeError(`${what} must be a Certificate or DER bytes`);
}

/** Drop every cached parsed certificate (for tests and memory-sensitive hosts). */
export function clearCertificateCache(): void {
  cache.clear();
  byObject = new WeakMap();
}
