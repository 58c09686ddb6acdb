/**
 * Builders for ISO/IEC 18013-5:2021 Annex B certificates: an IACA root (B.1.2, Table B.1),
 * a document signer (B.1.4, Table B.3) and an mdoc reader authentication certificate
 * (B.1.7, Table B.6). What they build passes the checks of `profiles/mdoc.ts`.
 */
import { publicKeyOf } from '../../crypto/keys.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey, OkpPublicKey } from '../../crypto/types.js';
import { buildCertificate, type CertificateSigner } from '../build.js';
import type { Certificate } from '../certificate.js';
import type { GeneralNameInput } from '../extensions.js';
import { ExtKeyUsageOid } from '../oids.js';

/** A validity period. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Issuer contact for issuerAltName: a URI or an email address (a string with a scheme is a URI). */
export type IssuerContact = string | { readonly uri: string } | { readonly email: string };

function contactName(contact: IssuerContact): GeneralNameInput {
  if (typeof contact === 'string') {
    return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(contact) ? { type: 'uniformResourceIdentifier', value: contact } : { type: 'rfc822Name', value: contact };
  }
  if (typeof contact === 'object' && contact !== null && 'uri' in contact) return { type: 'uniformResourceIdentifier', value: contact.uri };
  if (typeof contact === 'object' && contact !== null && 'email' in contact) return { type: 'rfc822Name', value: contact.email };
  throw new TypeError('issuerAltName must be a URI or an email address');
}

function checkValidity(v: Validity): void {
  if (typeof v !== 'object' || v === null || !(v.notBefore instanceof Date) || !(v.notAfter instanceof Date)) {
    throw new TypeError('validity must be { notBefore: Date, notAfter: Date }');
  }
}

/** Options of {@link buildIaca}. */
export interface BuildIacaOptions extends BackendOptions {
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  /** stateOrProvinceName, when the issuing authority is a state. */
  readonly state?: string;
  readonly organization?: string;
  readonly commonName: string;
  /** The IACA key pair (P-256, P-384 or P-521). */
  readonly key: EcPrivateKey;
  readonly validity: Validity;
  readonly issuerAltName: IssuerContact;
  /** A CRL distribution point URI (optional for the IACA). */
  readonly crlUri?: string;
  readonly serialNumber?: Uint8Array | bigint | string;
}

/**
 * Build a self-signed IACA root certificate (Table B.1): basicConstraints critical cA
 * pathLen 0, keyUsage critical keyCertSign + cRLSign, SHA-1 subjectKeyIdentifier,
 * issuerAltName, subject `C`, `ST`?, `O`?, `CN`.
 * @throws TypeError / RangeError for bad options.
 */
export async function buildIaca(options: BuildIacaOptions): Promise<Certificate> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (typeof options.country !== 'string' || !/^[A-Z]{2}$/.test(options.country)) throw new TypeError('country must be an upper-case ISO 3166-1 alpha-2 code');
  checkValidity(options.validity);
  const subject: Record<string, string> = { C: options.country };
  if (options.state !== undefined) subject.ST = options.state;
  if (options.organization !== undefined) subject.O = options.organization;
  subject.CN = options.commonName;
  return buildCertificate({
    subject,
    notBefore: options.validity.notBefore,
    notAfter: options.validity.notAfter,
    publicKey: publicKeyOf(options.key),
    signer: options.key,
    basicConstraints: { cA: true, pathLen: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
    issuerAltName: [contactName(options.issuerAltName)],
    ...(options.crlUri === undefined ? {} : { crlDistributionPoints: [options.crlUri] }),
    ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
}

/** Options of {@link buildDocumentSigner}. */
export interface BuildDocumentSignerOptions extends BackendOptions {
  readonly iaca: Certificate;
  /** The IACA's private key, or an external signer for it. */
  readonly iacaKey: CertificateSigner;
  readonly commonName: string;
  readonly organization?: string;
  /** Defaults to the IACA's countryName. */
  readonly country?: string;
  /** Defaults to the IACA's stateOrProvinceName, when it has one. */
  readonly state?: string;
  readonly publicKey: EcPublicKey | OkpPublicKey;
  readonly validity: Validity;
  /** CRL distribution point URI; defaults to the IACA's first one (required by Table B.3). */
  readonly crlUri?: string;
  /** Defaults to the IACA's issuerAltName. */
  readonly issuerAltName?: IssuerContact;
  /** Defaults to `[1.0.18013.5.1.2]` (mdlDS). */
  readonly extKeyUsage?: readonly string[];
  readonly serialNumber?: Uint8Array | bigint | string;
}

/**
 * Build a document signer certificate (Table B.3) issued by `iaca`: keyUsage critical
 * digitalSignature, extKeyUsage critical mdlDS, SKI, AKI = IACA SKI, issuerAltName, CRL DP,
 * subject country (and state) copied from the IACA.
 * @throws TypeError when no CRL URI is given and the IACA has none.
 */
export async function buildDocumentSigner(options: BuildDocumentSignerOptions): Promise<Certificate> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkValidity(options.validity);
  const iaca = options.iaca;
  const crlUri = options.crlUri ?? iaca.cRLDistributionPoints?.uris[0];
  if (crlUri === undefined) throw new TypeError('crlUri is required (the IACA has no CRL distribution point URI to copy)');
  const country = options.country ?? iaca.subject.attributes.C?.[0];
  if (country === undefined) throw new TypeError('country is required (the IACA has no countryName)');
  const state = options.state ?? iaca.subject.attributes.ST?.[0];
  const subject: Record<string, string> = { C: country };
  if (state !== undefined) subject.ST = state;
  if (options.organization !== undefined) subject.O = options.organization;
  subject.CN = options.commonName;
  const ian: readonly GeneralNameInput[] =
    options.issuerAltName !== undefined
      ? [contactName(options.issuerAltName)]
      : (iaca.issuerAltName?.names.filter((n): n is GeneralNameInput & { type: 'rfc822Name' | 'uniformResourceIdentifier' } => n.type === 'rfc822Name' || n.type === 'uniformResourceIdentifier') ?? []);
  if (ian.length === 0) throw new TypeError('issuerAltName is required (the IACA has none to copy)');
  return buildCertificate({
    subject,
    issuer: iaca,
    notBefore: options.validity.notBefore,
    notAfter: options.validity.notAfter,
    publicKey: options.publicKey,
    signer: options.iacaKey,
    keyUsage: ['digitalSignature'],
    extKeyUsage: options.extKeyUsage ?? [ExtKeyUsageOid.mdlDS],
    issuerAltName: ian,
    crlDistributionPoints: [crlUri],
    ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
}

/** Options of {@link buildReaderAuthCertificate}. */
export interface BuildReaderAuthOptions extends BackendOptions {
  /** The reader CA certificate. */
  readonly issuer: Certificate;
  readonly issuerKey: CertificateSigner;
  readonly commonName: string;
  readonly organization?: string;
  readonly country?: string;
  readonly publicKey: EcPublicKey;
  readonly validity: Validity;
  /** CRL distribution point URI; defaults to the issuer's first one (required by Table B.6). */
  readonly crlUri?: string;
  /** Defaults to `[1.0.18013.5.1.6]` (mdlReaderAuth). */
  readonly extKeyUsage?: readonly string[];
  readonly serialNumber?: Uint8Array | bigint | string;
}

/**
 * Build an mdoc reader authentication certificate (Table B.6): keyUsage critical
 * digitalSignature, extKeyUsage critical mdlReaderAuth, SKI, AKI = issuer SKI, CRL DP.
 * @throws TypeError when no CRL URI is given and the issuer has none.
 */
export async function buildReaderAuthCertificate(options: BuildReaderAuthOptions): Promise<Certificate> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkValidity(options.validity);
  const crlUri = options.crlUri ?? options.issuer.cRLDistributionPoints?.uris[0];
  if (crlUri === undefined) throw new TypeError('crlUri is required (the issuer has no CRL distribution point URI to copy)');
  const subject: Record<string, string> = {};
  if (options.country !== undefined) subject.C = options.country;
  if (options.organization !== undefined) subject.O = options.organization;
  subject.CN = options.commonName;
  return buildCertificate({
    subject,
    issuer: options.issuer,
    notBefore: options.validity.notBefore,
    notAfter: options.validity.notAfter,
    publicKey: options.publicKey,
    signer: options.issuerKey,
    keyUsage: ['digitalSignature'],
    extKeyUsage: options.extKeyUsage ?? [ExtKeyUsageOid.mdlReaderAuth],
    crlDistributionPoints: [crlUri],
    ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
}
