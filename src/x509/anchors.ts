/**
 * Trust anchors (RFC 5280 §6.1.1 (d)): loading certificates a caller chooses to trust, and
 * the published J-LIS roots as opt-in constants. Nothing is ever trusted implicitly:
 * validation trusts exactly the anchors passed to it.
 */
import { X509Error } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { type Certificate, parseCertificates, toCertificate } from './certificate.js';

export { JLIS_MDOC_IACA } from './anchors/jlis-mdoc-iaca.js';
export { JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023, JPKI_SIGN_CA_2015, JPKI_SIGN_CA_2023 } from './anchors/jpki-roots.js';

/** What {@link loadTrustAnchors} accepts: PEM text (one or many certificates), DER, parsed certificates, or a list of these. */
export type TrustAnchorInput = string | Uint8Array | Certificate | readonly (string | Uint8Array | Certificate)[];

/**
 * Parse trust anchors from PEM (bundles allowed), DER or parsed certificates, dropping
 * byte-identical duplicates.
 * @throws X509Error `ERR_X509_PARSE` when an entry does not parse or nothing is found.
 * @example const anchors = loadTrustAnchors([JLIS_MDOC_IACA]);
 */
export function loadTrustAnchors(input: TrustAnchorInput): Certificate[] {
  const items = Array.isArray(input) ? input : [input as string | Uint8Array | Certificate];
  const out: Certificate[] = [];
  for (const item of items) {
    const certs = typeof item === 'string' || item instanceof Uint8Array ? parseCertificates(item) : [toCertificate(item, 'trust anchor')];
    for (const c of certs) if (!out.some((o) => equalBytes(o.der, c.der))) out.push(c);
  }
  if (out.length === 0) throw new X509Error('ERR_X509_PARSE', 'no certificates found in the trust anchor input');
  return out;
}
