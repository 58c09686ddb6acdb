/**
 * Building a signed VICAL (ISO/IEC 18013-5:2021 Annex C, C.1.7; 2nd edition Annex C): the
 * VICAL map (CDDL in `vical.ts`) signed as a COSE_Sign1 with the VICAL signer's x5chain in
 * the unprotected header, as the IssuerAuth carries its own. Each CertificateInfo's
 * `serialNumber`, `ski`, `issuingCountry`, `stateOrProvinceName`, `notBefore` and
 * `notAfter` are taken from its certificate unless given (tests give wrong ones on purpose).
 */

import { type CborValue, encode, Tag, TDate } from '../cbor/index.js';
import { CoseHeader } from '../cose/algorithms.js';
import { x5chainValue } from '../cose/headers.js';
import { encodeCoseSign1 } from '../cose/sign1.js';
import { signCoseSign1 } from '../cose/sign1-sign.js';
import type { Signer } from '../cose/signer.js';
import type { BackendOptions } from '../crypto/types.js';
import { MdocError } from '../errors.js';
import { fromHex } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';

/** One IACA to list. */
export interface BuildCertificateInfo {
  /** The IACA certificate (DER or parsed). */
  readonly certificate: Certificate | Uint8Array;
  /** The doctypes it may be a trust point for (at least one). */
  readonly docType: readonly string[];
  readonly issuingAuthority?: string;
  /** Default: the certificate's countryName. */
  readonly issuingCountry?: string;
  /** Default: the certificate's stateOrProvinceName, when it has one. */
  readonly stateOrProvinceName?: string;
  readonly certificateProfile?: readonly string[];
  /** Default: the certificate's serial number. */
  readonly serialNumber?: bigint;
  /** Default: the certificate's subjectKeyIdentifier. */
  readonly ski?: Uint8Array;
  /** Write `issuer` and `subject` (the Names' DER); default false. */
  readonly names?: boolean;
  readonly extensions?: ReadonlyMap<string, CborValue>;
}

/** What {@link buildVical} signs. */
export interface BuildVicalOptions extends BackendOptions {
  readonly vicalProvider: string;
  /** Issue date; whole seconds. */
  readonly date: Date;
  readonly vicalIssueID?: number;
  readonly nextUpdate?: Date;
  /** Default "1.0". */
  readonly version?: string;
  readonly certificateInfos: readonly BuildCertificateInfo[];
  readonly extensions?: ReadonlyMap<string, CborValue>;
  /** The VICAL signer's private key or external signer. */
  readonly signer: Signer;
  /** The signer certificate first, then any intermediates (DER). */
  readonly certificates: readonly Uint8Array[];
}

function attr(cert: Certificate, name: string): string | undefined {
  const attrs = cert.subject.attributes;
  return Object.hasOwn(attrs, name) ? attrs[name]?.[0] : undefined;
}

/** biguint = #6.2(bstr) (RFC 8949 §3.4.3), always the tag, even for a small serial. */
function biguint(n: bigint): Tag<Uint8Array> {
  if (typeof n !== 'bigint' || n < 0n) throw new RangeError('serialNumber must be a non-negative bigint');
  const hex = n === 0n ? '' : n.toString(16);
  return new Tag(2, fromHex(hex.length % 2 === 1 ? `0${hex}` : hex));
}

function infoMap(input: BuildCertificateInfo, index: number): Map<string, CborValue> {
  const where = `certificateInfos[${index}]`;
  if (typeof input !== 'object' || input === null) throw new TypeError(`${where} must be an object`);
  const cert = input.certificate instanceof Uint8Array ? parseCertificate(input.certificate) : input.certificate;
  if (!Array.isArray(input.docType) || input.docType.length === 0 || !input.docType.every((d) => typeof d === 'string' && d.length > 0)) {
    throw new TypeError(`${where}.docType must be a non-empty array of doctypes`);
  }
  const ski = input.ski ?? cert.subjectKeyIdentifier?.keyIdentifier;
  if (ski === undefined) throw new MdocError('ERR_MDOC_INPUT', `${where}: the certificate has no subjectKeyIdentifier and no ski was given`, { path: where });
  const m = new Map<string, CborValue>([
    ['certificate', cert.der],
    ['serialNumber', biguint(input.serialNumber ?? BigInt(`0x${cert.serialNumber || '0'}`))],
    ['ski', ski],
    ['docType', [...input.docType]],
  ]);
  if (input.certificateProfile !== undefined) m.set('certificateProfile', [...input.certificateProfile]);
  if (input.issuingAuthority !== undefined) m.set('issuingAuthority', input.issuingAuthority);
  const country = input.issuingCountry ?? attr(cert, 'C');
  if (country !== undefined) m.set('issuingCountry', country);
  const state = input.stateOrProvinceName ?? attr(cert, 'ST');
  if (state !== undefined) m.set('stateOrProvinceName', state);
  if (input.names === true) {
    m.set('issuer', cert.issuer.der);
    m.set('subject', cert.subject.der);
  }
  m.set('notBefore', TDate.fromDate(cert.notBefore));
  m.set('notAfter', TDate.fromDate(cert.notAfter));
  if (input.extensions !== undefined) m.set('extensions', new Map(input.extensions));
  return m;
}

/** The VICAL map, encoded (the COSE_Sign1 payload). */
export function encodeVicalPayload(options: Omit<BuildVicalOptions, 'signer' | 'certificates' | 'backend'>): Uint8Array {
  if (typeof options.vicalProvider !== 'string' || options.vicalProvider.length === 0) throw new TypeError('vicalProvider must be a non-empty string');
  if (!Array.isArray(options.certificateInfos)) throw new TypeError('certificateInfos must be an array');
  if (options.vicalIssueID !== undefined && (!Number.isSafeInteger(options.vicalIssueID) || options.vicalIssueID < 0)) throw new RangeError('vicalIssueID must be a non-negative integer');
  const m = new Map<string, CborValue>([
    ['version', options.version ?? '1.0'],
    ['vicalProvider', options.vicalProvider],
    ['date', TDate.fromDate(options.date)],
  ]);
  if (options.vicalIssueID !== undefined) m.set('vicalIssueID', options.vicalIssueID);
  if (options.nextUpdate !== undefined) m.set('nextUpdate', TDate.fromDate(options.nextUpdate));
  m.set(
    'certificateInfos',
    options.certificateInfos.map((c, i) => infoMap(c, i)),
  );
  if (options.extensions !== undefined) m.set('extensions', new Map(options.extensions));
  return encode(m);
}

/**
 * Build and sign a VICAL.
 * @returns the COSE_Sign1 bytes (untagged).
 * @throws TypeError / RangeError for bad options; MdocError `ERR_MDOC_INPUT` for a
 *   certificate without a subjectKeyIdentifier.
 * @example
 * const bytes = await buildVical({ vicalProvider: 'Example', date: new Date(), certificateInfos: [{ certificate: iaca, docType: ['org.iso.18013.5.1.mDL'] }], signer: key, certificates: [signerCert.der] });
 */
export async function buildVical(options: BuildVicalOptions): Promise<Uint8Array> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (!Array.isArray(options.certificates) || options.certificates.length === 0) throw new TypeError('certificates must hold the VICAL signer certificate');
  const payload = encodeVicalPayload(options);
  const sign1 = await signCoseSign1({
    payload,
    signer: options.signer,
    unprotectedHeaders: new Map([[CoseHeader.x5chain, x5chainValue(options.certificates)]]),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
  return encodeCoseSign1(sign1);
}
