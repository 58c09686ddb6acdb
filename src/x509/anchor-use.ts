/**
 * The restrictions of a constrained trust anchor (`{ certificate, docTypes, countries }`, as
 * `vicalTrustAnchors` gives them) checked against one use: TRUST_ANCHOR_DOCTYPE and
 * TRUST_ANCHOR_COUNTRY. A module of its own so that a verification trusting plain
 * certificates never loads it.
 */

import { equalBytes, toHex } from '../internal/bytes.js';
import { isConstrainedTrustAnchor, type LoadedTrustAnchor, type TrustAnchorEntry, trustAnchorCertificate } from './anchors.js';
import type { Certificate } from './certificate.js';

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
