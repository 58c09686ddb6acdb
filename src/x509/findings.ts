/**
 * Extension findings: RFC 5280 §4.2 separates "well-formed" from "conformant". A certificate
 * whose DER and signed structure are well-formed parses; each way one of its extensions
 * breaks the extension's syntax or RFC 5280's rules for it becomes a finding on the parsed
 * certificate, with a stable id. Profiles (ISO 18013-5 Annex B) report findings as named,
 * waivable checks; chain validation keeps RFC 5280 §6.1.4 (o): a critical extension that
 * does not decode makes the certificate unusable.
 */

/** Ids of extension findings. */
export const X509FindingId = {
  /**
   * The value does not decode as the extension's ASN.1 type (wrong tag, trailing bytes, a
   * GeneralName choice that does not exist…). The parsed field is null.
   */
  EXTENSION_MALFORMED: 'EXTENSION_MALFORMED',
  /**
   * A list the syntax requires to hold at least one element is empty (an empty
   * cRLDistributionPoints SEQUENCE, GeneralNames, extKeyUsage, a keyUsage with no bit set…).
   * The parsed field holds the empty list.
   */
  EXTENSION_EMPTY: 'EXTENSION_EMPTY',
  /**
   * The value decodes but breaks DER's single encoding or an RFC 5280 rule for its content
   * (keyUsage with trailing zero bits, an encoded DEFAULT value, an unknown policy qualifier,
   * a DistributionPoint with no name, an IA5String with non-ASCII octets…). Parsed as read.
   */
  EXTENSION_NONCONFORMANT: 'EXTENSION_NONCONFORMANT',
} as const;
export type X509FindingId = (typeof X509FindingId)[keyof typeof X509FindingId];

/** One finding on a certificate's extension. */
export interface X509Finding {
  readonly id: X509FindingId;
  /** The extension's name (`cRLDistributionPoints`), its OID when shomei has no name for it, or `extensions` for the list itself. */
  readonly extension: string;
  /** The extension's OID (empty for the extensions list itself). */
  readonly oid: string;
  /** Whether the extension is marked critical. */
  readonly critical: boolean;
  /** What is wrong, in words. */
  readonly detail: string;
  /** Absolute byte offset in the certificate, when known. */
  readonly offset?: number;
}

/** How a decoder reports a finding it can read past (internal). */
export type Note = (id: X509FindingId, detail: string, offset?: number) => void;

/**
 * A {@link Note} that drops findings (internal): CRL parsing reads the extension values it
 * uses (cRLNumber, authorityKeyIdentifier, issuingDistributionPoint) and checks the CRL's
 * signature; oddities that do not change what it reads are not reported.
 */
export const ignoreFindings: Note = () => {};

/**
 * Most EXTENSION_EMPTY and EXTENSION_NONCONFORMANT findings kept for one certificate; one
 * more says that the rest were left out. EXTENSION_MALFORMED findings are always kept (at
 * most one per extension): chain validation reads them to refuse a critical extension that
 * does not decode.
 */
export const MAX_CERTIFICATE_FINDINGS = 32;

/** The findings of one extension (internal): a {@link Note} that records them, and the list. */
export function collectFindings(name: string, ext: { readonly oid: string; readonly critical: boolean }, into: X509Finding[]): Note {
  return (id, detail, offset) => {
    let text = detail;
    if (id !== X509FindingId.EXTENSION_MALFORMED) {
      const kept = into.filter((f) => f.id !== X509FindingId.EXTENSION_MALFORMED).length;
      if (kept > MAX_CERTIFICATE_FINDINGS) return;
      if (kept === MAX_CERTIFICATE_FINDINGS) text = `more findings than shomei keeps (${MAX_CERTIFICATE_FINDINGS}); the rest are left out`;
    }
    into.push(Object.freeze({ id, extension: name, oid: ext.oid, critical: ext.critical, detail: text, ...(offset === undefined ? {} : { offset }) }));
  };
}

/** The EXTENSION_MALFORMED finding of the extension `oid` in `findings`, if any. */
export function malformedFinding(findings: readonly X509Finding[], oid: string): X509Finding | undefined {
  return findings.find((f) => f.oid === oid && f.id === X509FindingId.EXTENSION_MALFORMED);
}
