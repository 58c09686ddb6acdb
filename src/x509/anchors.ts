/**
 * Trust anchors (RFC 5280 §6.1.1 (d)): loading certificates a caller chooses to trust, and
 * the published J-LIS roots as opt-in constants. Nothing is ever trusted implicitly:
 * validation trusts exactly the anchors passed to it.
 *
 * An anchor can be trusted for some uses only (RFC 5280 §6.1.1 (d) leaves "trust anchor
 * information" to the relying party; ISO/IEC 18013-5 Annex C's VICAL gives each IACA the
 * doctypes it may be a trust point for): a {@link ConstrainedTrustAnchor} names the doctypes
 * and the countries (ISO 3166-1 alpha-2 countryName of the IACA and the document signer) it
 * is trusted for, and where it comes from, for the report.
 */
import { X509Error } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { type Certificate, parseCertificates, toCertificate } from './certificate.js';

/**
 * A trust anchor trusted for some uses only. An absent restriction does not restrict; an
 * empty list allows nothing.
 * @example { certificate: JLIS_MDOC_IACA, docTypes: ['org.iso.23220.1.jp.mnc'], countries: ['JP'], source: 'J-LIS' }
 */
export interface ConstrainedTrustAnchor {
  /** The anchor: a parsed certificate, DER, or PEM text holding exactly one certificate. */
  readonly certificate: Certificate | Uint8Array | string;
  /** The doctypes (MSO `docType`) the anchor may be a trust point for. */
  readonly docTypes?: readonly string[];
  /** The countryName values (IACA and document signer) the anchor is trusted for. */
  readonly countries?: readonly string[];
  /** Where the anchor comes from, for the report (e.g. `VICAL AAMVA #42`). */
  readonly source?: string;
}

/** One trust anchor as the mdoc verifiers accept it: a certificate (trusted for every use) or a constrained anchor. */
export type TrustAnchorEntry = Certificate | Uint8Array | ConstrainedTrustAnchor;

/** What {@link loadTrustAnchors} accepts: PEM text (one or many certificates), DER, parsed certificates, constrained anchors, or a list of these. */
export type TrustAnchorInput =
  | string
  | Uint8Array
  | Certificate
  | ConstrainedTrustAnchor
  | readonly (string | Uint8Array | Certificate | ConstrainedTrustAnchor)[];

/** A constrained anchor with its certificate parsed. */
export interface LoadedTrustAnchor extends ConstrainedTrustAnchor {
  readonly certificate: Certificate;
}

/** True for a constrained anchor object (it has a `certificate` member; a Certificate has `der`). */
export function isConstrainedTrustAnchor(value: unknown): value is ConstrainedTrustAnchor {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && 'certificate' in value;
}

function checkStrings(value: unknown, what: string): void {
  if (value !== undefined && (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))) throw new TypeError(`${what} must be an array of strings`);
}

/**
 * The constrained anchor with its certificate parsed and its fields checked.
 * @throws X509Error `ERR_X509_PARSE` when the certificate does not parse; TypeError for bad fields.
 */
export function loadConstrainedTrustAnchor(anchor: ConstrainedTrustAnchor): LoadedTrustAnchor {
  // Object.assign, not a literal starting with a spread (about 1 µs on Node 20).
  return Object.assign({}, anchor, { certificate: constrainedCertificate(anchor) });
}

/** The checked and parsed certificate of a constrained anchor, its other fields checked (what loadConstrainedTrustAnchor does, without the new object). */
function constrainedCertificate(anchor: ConstrainedTrustAnchor): Certificate {
  checkStrings(anchor.docTypes, 'trust anchor docTypes');
  checkStrings(anchor.countries, 'trust anchor countries');
  if (anchor.source !== undefined && typeof anchor.source !== 'string') throw new TypeError('trust anchor source must be a string');
  const c = anchor.certificate;
  if (typeof c === 'string') {
    const certs = parseCertificates(c);
    if (certs.length !== 1) throw new X509Error('ERR_X509_PARSE', `a constrained trust anchor holds ${certs.length} certificates, expected one`);
    return certs[0]!;
  }
  return toCertificate(c, 'trust anchor certificate');
}

/** The certificate of one trust anchor entry. */
export function trustAnchorCertificate(entry: TrustAnchorEntry): Certificate {
  return isConstrainedTrustAnchor(entry) ? constrainedCertificate(entry) : toCertificate(entry, 'trust anchor');
}

/**
 * Parse trust anchors from PEM (bundles allowed), DER or parsed certificates, dropping
 * byte-identical duplicates. Constrained anchors come back as {@link LoadedTrustAnchor}s
 * (never merged: each keeps its restrictions).
 * @throws X509Error `ERR_X509_PARSE` when an entry does not parse or nothing is found.
 * @example const anchors = loadTrustAnchors([JLIS_MDOC_IACA]);
 */
export function loadTrustAnchors(input: string | Uint8Array | Certificate | readonly (string | Uint8Array | Certificate)[]): Certificate[];
export function loadTrustAnchors(input: TrustAnchorInput): (Certificate | LoadedTrustAnchor)[];
export function loadTrustAnchors(input: TrustAnchorInput): (Certificate | LoadedTrustAnchor)[] {
  const items = Array.isArray(input) ? input : [input as string | Uint8Array | Certificate | ConstrainedTrustAnchor];
  const out: (Certificate | LoadedTrustAnchor)[] = [];
  for (const item of items) {
    if (isConstrainedTrustAnchor(item)) {
      out.push(loadConstrainedTrustAnchor(item));
      continue;
    }
    const certs = typeof item === 'string' || item instanceof Uint8Array ? parseCertificates(item) : [toCertificate(item, 'trust anchor')];
    for (const c of certs) if (!out.some((o) => !isConstrainedTrustAnchor(o) && equalBytes(o.der, c.der))) out.push(c);
  }
  if (out.length === 0) throw new X509Error('ERR_X509_PARSE', 'no certificates found in the trust anchor input');
  return out;
}

/** The first countryName of a certificate's subject, if any. */
export function countryOf(cert: Certificate): string | undefined {
  const attrs = cert.subject.attributes;
  return Object.hasOwn(attrs, 'C') ? attrs.C?.[0] : undefined;
}
