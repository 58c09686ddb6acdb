/**
 * Building X.509 certificates (RFC 5280 §4.1, §4.2.1) and CRLs (RFC 5280 §5) for tests,
 * demos and issuers. The signer is a private key, or an external signer (HSM, KMS, a JPKI
 * card) that returns the signature in its X.509 form: a DER ECDSA-Sig-Value for ECDSA, the
 * raw signature for RSA PKCS#1 v1.5 and Ed25519.
 */
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, CryptoBackend, EcPrivateKey, OkpPrivateKey } from '../crypto/types.js';
import { X509Error } from '../errors.js';
import { fromHex } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from './certificate.js';
import { type CertificateList, parseCrl } from './crl.js';
import {
  contextTag,
  encodeBitString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeTime,
  encodeTlv,
  encodeTlvOf,
  readSingleTagged,
  Tag,
} from './der.js';
import {
  encodeAuthorityKeyIdentifier,
  encodeBasicConstraints,
  encodeCertificatePolicies,
  encodeCrlDistributionPoints,
  encodeExtension,
  encodeExtKeyUsage,
  encodeGeneralNames,
  encodeKeyUsage,
  type GeneralNameInput,
  type KeyUsageName,
} from './extensions.js';
import { encodeName, type NameInput } from './name.js';
import { ExtensionOid } from './oids.js';
import {
  defaultSignatureAlgorithm,
  ecdsaRawToDer,
  encodeSignatureAlgorithm,
  encodeSpki,
  hashOfName,
  parseSpki,
  type SignatureAlgorithmName,
  type X509PublicKey,
} from './signature.js';

/** An external signer: signs the TBS bytes and returns the signature in its X.509 form. */
export interface X509Signer {
  readonly algorithm: Exclude<SignatureAlgorithmName, 'RS1'>;
  /** Sign `tbs`; ECDSA signers return a DER ECDSA-Sig-Value, RSA and EdDSA signers the raw signature. */
  sign(tbs: Uint8Array): Promise<Uint8Array>;
}

/** A certificate or CRL signer: an EC or Ed25519 private key, or an {@link X509Signer}. */
export type CertificateSigner = EcPrivateKey | OkpPrivateKey | X509Signer;

/** One extension to add as given. */
export interface ExtensionInput {
  readonly oid: string;
  readonly critical?: boolean;
  /** The extnValue content (the extension's DER). */
  readonly value: Uint8Array;
}

/** Options of {@link buildCertificate}. Extensions are added only when given. */
export interface BuildCertificateOptions extends BackendOptions {
  readonly subject: NameInput;
  /** The issuing certificate, or its name; omitted for a self-signed certificate. */
  readonly issuer?: Certificate | NameInput;
  /** Serial number: bytes (magnitude), a bigint or hex; default 16 random bytes, positive. */
  readonly serialNumber?: Uint8Array | bigint | string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's public key, or a SubjectPublicKeyInfo DER to embed as given (a compressed point, another algorithm). */
  readonly publicKey: X509PublicKey | Uint8Array;
  readonly signer: CertificateSigner;
  /** For EC private-key signers: ES256/ES384/ES512 (default by curve). */
  readonly signatureAlgorithm?: 'ES256' | 'ES384' | 'ES512';
  /** basicConstraints; critical unless `critical: false`. */
  readonly basicConstraints?: { readonly cA: boolean; readonly pathLen?: number; readonly critical?: boolean };
  /** keyUsage; critical unless `critical: false`. */
  readonly keyUsage?: readonly KeyUsageName[] | { readonly usages: readonly KeyUsageName[]; readonly critical?: boolean };
  /** extKeyUsage OIDs; critical unless `critical: false`. */
  readonly extKeyUsage?: readonly string[] | { readonly oids: readonly string[]; readonly critical?: boolean };
  /** subjectKeyIdentifier: default SHA-1 of the subject public key (RFC 5280 §4.2.1.2 method 1); `false` omits it. */
  readonly subjectKeyIdentifier?: Uint8Array | boolean;
  /** authorityKeyIdentifier keyIdentifier: default the issuing certificate's SKI (none when self-signed); `false` omits it. */
  readonly authorityKeyIdentifier?: Uint8Array | boolean;
  readonly subjectAltName?: readonly GeneralNameInput[];
  readonly issuerAltName?: readonly GeneralNameInput[];
  /** CRL distribution points: URIs, or lists of general names. */
  readonly crlDistributionPoints?: readonly (string | readonly GeneralNameInput[])[];
  /** Policy OIDs; `{ oids, critical }` for a critical extension. */
  readonly certificatePolicies?: readonly string[] | { readonly oids: readonly string[]; readonly critical?: boolean };
  /** Further extensions, added as given after the others. */
  readonly extensions?: readonly ExtensionInput[];
}

function isIssuerCertificate(v: unknown): v is Certificate {
  return typeof v === 'object' && v !== null && 'tbs' in v && 'subject' in v && (v as Certificate).der instanceof Uint8Array;
}

function serialBytes(serial: Uint8Array | bigint | string | undefined, backend: CryptoBackend): Uint8Array {
  if (serial === undefined) {
    const b = backend.randomBytes(16);
    b[0] = (b[0]! & 0x7f) | 0x40; // positive, and exactly 16 octets in DER
    return encodeInteger(b);
  }
  if (typeof serial === 'string') {
    if (!/^[0-9a-fA-F]+$/.test(serial)) throw new TypeError('serialNumber must be hex');
    return encodeInteger(fromHex(serial.length % 2 ? `0${serial}` : serial));
  }
  if (typeof serial === 'bigint' || serial instanceof Uint8Array) return encodeInteger(serial);
  throw new TypeError('serialNumber must be bytes, a bigint or hex');
}

async function sha1(backend: CryptoBackend, bytes: Uint8Array): Promise<Uint8Array> {
  return backend.digest('SHA-1', bytes);
}

function isPrivateKey(s: CertificateSigner): s is EcPrivateKey | OkpPrivateKey {
  return typeof s === 'object' && s !== null && 'kty' in s && 'd' in s;
}

/** The signature algorithm a signer uses (internal; shared with the OCSP response builder). */
export function signerAlgorithm(signer: CertificateSigner, requested: 'ES256' | 'ES384' | 'ES512' | undefined): SignatureAlgorithmName {
  if (isPrivateKey(signer)) {
    if (signer.kty === 'OKP') {
      if (signer.crv !== 'Ed25519') throw new TypeError('only Ed25519 OKP keys can sign certificates');
      return 'EdDSA';
    }
    return requested ?? defaultSignatureAlgorithm(signer);
  }
  if (typeof signer !== 'object' || signer === null || typeof signer.sign !== 'function') {
    throw new TypeError('signer must be an EC or Ed25519 private key or { algorithm, sign(tbs) }');
  }
  encodeSignatureAlgorithm(signer.algorithm); // throws TypeError for an unknown name
  return signer.algorithm;
}

/** Sign TBS bytes, returning the signature in its X.509 form (internal; shared with the OCSP response builder). */
export async function sign(signer: CertificateSigner, alg: SignatureAlgorithmName, tbs: Uint8Array, backend: CryptoBackend): Promise<Uint8Array> {
  if (isPrivateKey(signer)) {
    if (signer.kty === 'OKP') return backend.ed25519Sign(signer, tbs);
    return ecdsaRawToDer(await backend.ecdsaSign(signer, hashOfName(alg)!, tbs));
  }
  const sig = await signer.sign(tbs);
  if (!(sig instanceof Uint8Array)) throw new TypeError('signer.sign must return a Uint8Array');
  return sig;
}

function critical<T>(value: readonly T[] | { readonly critical?: boolean }, key: 'usages' | 'oids', defaultCritical: boolean): { list: readonly T[]; critical: boolean } {
  if (Array.isArray(value)) return { list: value as readonly T[], critical: defaultCritical };
  const o = value as { readonly critical?: boolean } & Record<string, readonly T[]>;
  return { list: o[key]!, critical: o.critical ?? defaultCritical };
}

/**
 * Build and sign a v3 certificate, returning it parsed.
 * @throws TypeError / RangeError for bad options; whatever an external signer throws.
 * @example
 * const key = await backend.generateKeyPair('P-256');
 * const root = await buildCertificate({ subject: { C: 'US', CN: 'Test root' }, notBefore, notAfter,
 *   publicKey: publicKeyOf(key), signer: key, basicConstraints: { cA: true }, keyUsage: ['keyCertSign', 'cRLSign'] });
 */
export async function buildCertificate(options: BuildCertificateOptions): Promise<Certificate> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const backend = resolveBackend(options);
  const { notBefore, notAfter } = options;
  if (!(notBefore instanceof Date) || !(notAfter instanceof Date) || Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new TypeError('notBefore and notAfter must be valid Dates');
  }
  if (notAfter.getTime() < notBefore.getTime()) throw new RangeError('notAfter must not be before notBefore');
  const subject = encodeName(options.subject);
  const issuerCert = isIssuerCertificate(options.issuer) ? options.issuer : null;
  const issuer = options.issuer === undefined ? subject : issuerCert !== null ? issuerCert.subject.der : encodeName(options.issuer as NameInput);
  const spki = options.publicKey instanceof Uint8Array ? options.publicKey : encodeSpki(options.publicKey);
  const alg = signerAlgorithm(options.signer, options.signatureAlgorithm);
  const algId = encodeSignatureAlgorithm(alg);

  const exts: Uint8Array[] = [];
  if (options.basicConstraints !== undefined) {
    const bc = options.basicConstraints;
    exts.push(encodeExtension(ExtensionOid.basicConstraints, bc.critical ?? true, encodeBasicConstraints(bc.cA, bc.pathLen)));
  }
  if (options.keyUsage !== undefined) {
    const ku = critical<KeyUsageName>(options.keyUsage, 'usages', true);
    exts.push(encodeExtension(ExtensionOid.keyUsage, ku.critical, encodeKeyUsage(ku.list)));
  }
  if (options.extKeyUsage !== undefined) {
    const eku = critical<string>(options.extKeyUsage, 'oids', true);
    exts.push(encodeExtension(ExtensionOid.extKeyUsage, eku.critical, encodeExtKeyUsage(eku.list)));
  }
  const parsedKeyBits = parseSpki(readSingleTagged(spki, Tag.SEQUENCE, 'SubjectPublicKeyInfo')).subjectPublicKey;
  if (options.subjectKeyIdentifier !== false) {
    const ski = options.subjectKeyIdentifier instanceof Uint8Array ? options.subjectKeyIdentifier : await sha1(backend, parsedKeyBits);
    exts.push(encodeExtension(ExtensionOid.subjectKeyIdentifier, false, encodeOctetString(ski)));
  }
  if (options.authorityKeyIdentifier !== false) {
    const aki =
      options.authorityKeyIdentifier instanceof Uint8Array
        ? options.authorityKeyIdentifier
        : (issuerCert?.subjectKeyIdentifier?.keyIdentifier ?? (options.authorityKeyIdentifier === true && options.issuer === undefined ? await sha1(backend, parsedKeyBits) : undefined));
    if (aki !== undefined) exts.push(encodeExtension(ExtensionOid.authorityKeyIdentifier, false, encodeAuthorityKeyIdentifier(aki)));
  }
  if (options.subjectAltName !== undefined) exts.push(encodeExtension(ExtensionOid.subjectAltName, false, encodeGeneralNames(options.subjectAltName)));
  if (options.issuerAltName !== undefined) exts.push(encodeExtension(ExtensionOid.issuerAltName, false, encodeGeneralNames(options.issuerAltName)));
  if (options.crlDistributionPoints !== undefined) {
    exts.push(encodeExtension(ExtensionOid.cRLDistributionPoints, false, encodeCrlDistributionPoints(options.crlDistributionPoints)));
  }
  if (options.certificatePolicies !== undefined) {
    const cp = critical<string>(options.certificatePolicies, 'oids', false);
    exts.push(encodeExtension(ExtensionOid.certificatePolicies, cp.critical, encodeCertificatePolicies(cp.list)));
  }
  for (const e of options.extensions ?? []) exts.push(extension(e));

  const tbs = encodeSequence(
    encodeTlv(contextTag(0, true), encodeInteger(2)),
    serialBytes(options.serialNumber, backend),
    algId,
    issuer,
    encodeSequence(encodeTime(notBefore), encodeTime(notAfter)),
    subject,
    spki,
    ...(exts.length > 0 ? [encodeTlv(contextTag(3, true), encodeSequence(...exts))] : []),
  );
  const signature = await sign(options.signer, alg, tbs, backend);
  const der = encodeSequence(tbs, algId, encodeBitString(signature));
  try {
    return parseCertificate(der);
  } catch (e) {
    throw new X509Error('ERR_X509_PARSE', `the built certificate does not parse: ${(e as Error).message}`, { cause: e });
  }
}

/** One entry of {@link buildCrl}. */
export interface RevokedEntryInput {
  readonly serialNumber: Uint8Array | bigint | string;
  readonly revocationDate: Date;
  /** CRLReason code (RFC 5280 §5.3.1); omitted when undefined. */
  readonly reason?: number;
  /** Further entry extensions (invalidityDate…), written as given after the reasonCode. */
  readonly extensions?: readonly ExtensionInput[];
}

/** Options of {@link buildCrl}: a v2 CRL with cRLNumber and authorityKeyIdentifier (ISO 18013-5 2nd ed. B.2). */
export interface BuildCrlOptions extends BackendOptions {
  readonly issuer: Certificate;
  readonly signer: CertificateSigner;
  readonly signatureAlgorithm?: 'ES256' | 'ES384' | 'ES512';
  readonly thisUpdate: Date;
  /** Omitted from the CRL when null (RFC 5280 requires it; for tests of that case). */
  readonly nextUpdate: Date | null;
  readonly revoked?: readonly RevokedEntryInput[];
  /** cRLNumber; default 1; null omits it (for tests of the B.2 profile). */
  readonly crlNumber?: bigint | number | null;
  /** false omits the authorityKeyIdentifier (for tests of the B.2 profile). */
  readonly authorityKeyIdentifier?: false;
  /** Further CRL extensions, added as given after the others (deltaCRLIndicator, issuingDistributionPoint…). */
  readonly extensions?: readonly ExtensionInput[];
  /** 1 writes a v1 CRL: no version field and no extensions at all (for tests). Default 2. */
  readonly version?: 1 | 2;
}

/** An extension added as given. */
function extension(e: ExtensionInput): Uint8Array {
  if (!(e?.value instanceof Uint8Array)) throw new TypeError('extension value must be a Uint8Array');
  return encodeExtension(e.oid, e.critical === true, e.value);
}

/**
 * Build and sign a CRL, returning it parsed.
 * @throws TypeError / RangeError for bad options.
 */
export async function buildCrl(options: BuildCrlOptions): Promise<CertificateList> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const backend = resolveBackend(options);
  const alg = signerAlgorithm(options.signer, options.signatureAlgorithm);
  const algId = encodeSignatureAlgorithm(alg);
  for (const e of options.revoked ?? []) {
    if (e.reason !== undefined && (!Number.isInteger(e.reason) || e.reason < 0 || e.reason > 10 || e.reason === 7)) throw new RangeError('reason must be a CRLReason code');
  }
  const entries = (options.revoked ?? []).map((e) => {
    const exts = e.reason === undefined ? [] : [encodeExtension(ExtensionOid.reasonCode, false, Uint8Array.of(Tag.ENUMERATED, 1, e.reason))];
    for (const x of e.extensions ?? []) exts.push(extension(x));
    return encodeSequence(
      serialBytes(typeof e.serialNumber === 'bigint' || e.serialNumber instanceof Uint8Array ? e.serialNumber : String(e.serialNumber), backend),
      encodeTime(e.revocationDate),
      ...(exts.length === 0 ? [] : [encodeSequence(...exts)]),
    );
  });
  const crlExts: Uint8Array[] = [];
  if (options.crlNumber !== null) crlExts.push(encodeExtension(ExtensionOid.cRLNumber, false, encodeInteger(BigInt(options.crlNumber ?? 1))));
  const ski = options.issuer.subjectKeyIdentifier?.keyIdentifier;
  if (ski && options.authorityKeyIdentifier !== false) crlExts.push(encodeExtension(ExtensionOid.authorityKeyIdentifier, false, encodeAuthorityKeyIdentifier(ski)));
  for (const e of options.extensions ?? []) crlExts.push(extension(e));
  const v1 = options.version === 1;
  const tbs = encodeSequence(
    ...(v1 ? [] : [encodeInteger(1)]),
    algId,
    options.issuer.subject.der,
    encodeTime(options.thisUpdate),
    ...(options.nextUpdate === null ? [] : [encodeTime(options.nextUpdate)]),
    ...(entries.length > 0 ? [encodeTlvOf(Tag.SEQUENCE, entries)] : []),
    ...(v1 || crlExts.length === 0 ? [] : [encodeTlv(contextTag(0, true), encodeSequence(...crlExts))]),
  );
  const signature = await sign(options.signer, alg, tbs, backend);
  return parseCrl(encodeSequence(tbs, algId, encodeBitString(signature)));
}
