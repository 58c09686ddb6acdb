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
import { equalBytes, toHex } from '../internal/bytes.js';
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

/** Ids of the checks {@link checkTrustAnchorUse} reports. */
export const TrustAnchorCheck = {
  /** The anchor is trusted for the MSO's docType. */
  TRUST_ANCHOR_DOCTYPE: 'TRUST_ANCHOR_DOCTYPE',
  /** The anchor is trusted for the countryName of the IACA and of the document signer. */
  TRUST_ANCHOR_COUNTRY: 'TRUST_ANCHOR_COUNTRY',
} as const;
export type TrustAnchorCheck = (typeof TrustAnchorCheck)[keyof typeof TrustAnchorCheck];

/** The outcome of one trust anchor restriction. */
export interface TrustAnchorUseCheck {
  readonly id: TrustAnchorCheck;
  readonly ok: boolean;
  /** Which anchor (subject, SKI, source) and which restriction applied. */
  readonly detail: string;
}

/** What a trust anchor is used for in one verification. */
export interface TrustAnchorUse {
  /** The docType signed in the MSO. */
  readonly docType?: string | undefined;
  /** The countryName of each certificate that must be in the anchor's countries (IACA, DS); undefined when it has none. */
  readonly countries: readonly (string | undefined)[];
}

/** The first countryName of a certificate's subject, if any. */
export function countryOf(cert: Certificate): string | undefined {
  const attrs = cert.subject.attributes;
  return Object.hasOwn(attrs, 'C') ? attrs.C?.[0] : undefined;
}

/** `CN=…, SKI ab12…, from VICAL …`: the anchor as the report names it. */
export function describeTrustAnchor(anchor: Certificate, source?: string): string {
  const ski = anchor.subjectKeyIdentifier?.keyIdentifier;
  return `${anchor.subject.text || '(empty subject)'}${ski === undefined ? '' : `, SKI ${toHex(ski)}`}${source === undefined ? '' : `, from ${source}`}`;
}

const list = (values: readonly string[]): string => (values.length === 0 ? '(none)' : values.join(', '));

/**
 * Check the restrictions of the trust anchor a chain ended at. Every entry of `entries`
 * whose certificate is `anchor` (byte-identical) counts: a plain certificate among them
 * trusts the anchor for every use (no check is reported); otherwise the use must be allowed
 * by one constrained entry, docType and countries together, and one check per kind of
 * restriction is reported. A missing docType or countryName never satisfies a restriction.
 * @returns no checks when the anchor is unrestricted.
 */
export function checkTrustAnchorUse(entries: readonly TrustAnchorEntry[], anchor: Certificate, use: TrustAnchorUse): TrustAnchorUseCheck[] {
  if (!entries.some(isConstrainedTrustAnchor)) return [];
  const constrained: LoadedTrustAnchor[] = [];
  for (const e of entries) {
    const certificate = trustAnchorCertificate(e);
    if (!equalBytes(certificate.der, anchor.der)) continue;
    if (!isConstrainedTrustAnchor(e)) return [];
    constrained.push(Object.assign({}, e, { certificate }));
  }
  if (constrained.length === 0) return [];
  const docTypeOk = (a: LoadedTrustAnchor) => a.docTypes === undefined || (use.docType !== undefined && a.docTypes.includes(use.docType));
  const countryOk = (a: LoadedTrustAnchor) => a.countries === undefined || use.countries.every((c) => c !== undefined && a.countries!.includes(c));
  const both = constrained.find((a) => docTypeOk(a) && countryOk(a));
  // Each restriction passes when one entry allows the whole use; otherwise each fails on
  // its own, or both fail when each is allowed only by a different entry.
  const apart = both === undefined && constrained.some(docTypeOk) && constrained.some(countryOk);
  const docType = use.docType ?? '(none)';
  const countries = use.countries.map((c) => c ?? '(none)').join('/');
  const out: TrustAnchorUseCheck[] = [];
  const docTyped = constrained.filter((a) => a.docTypes !== undefined);
  if (docTyped.length > 0) {
    const a = both ?? docTyped.find(docTypeOk) ?? docTyped[0]!;
    const ok = both !== undefined || (!apart && docTypeOk(a));
    const why = !docTypeOk(a)
      ? `docType ${docType} is not among ${list(a.docTypes ?? [])}`
      : apart
        ? `docType ${docType} is allowed, but not together with countryName ${countries} by one entry`
        : `docType ${docType} allowed (${list(a.docTypes ?? [])})`;
    out.push({ id: TrustAnchorCheck.TRUST_ANCHOR_DOCTYPE, ok, detail: `${why}; anchor ${describeTrustAnchor(a.certificate, a.source)}` });
  }
  const countried = constrained.filter((a) => a.countries !== undefined);
  if (countried.length > 0) {
    const a = both ?? countried.find(countryOk) ?? countried[0]!;
    const ok = both !== undefined || (!apart && countryOk(a));
    const why = !countryOk(a)
      ? `countryName ${countries} is not among ${list(a.countries ?? [])}`
      : apart
        ? `countryName ${countries} is allowed, but not together with docType ${docType} by one entry`
        : `countryName ${countries} allowed (${list(a.countries ?? [])})`;
    out.push({ id: TrustAnchorCheck.TRUST_ANCHOR_COUNTRY, ok, detail: `${why}; anchor ${describeTrustAnchor(a.certificate, a.source)}` });
  }
  return out;
}
