/**
 * DCQL Trusted Authorities Queries (OpenID4VP 1.0 §6.1.1) against an mdoc's issuer chain.
 *
 * `aki` (§6.1.1.1) is evaluated here: a value matches when its bytes equal the
 * AuthorityKeyIdentifier keyIdentifier of a certificate in the chain (the document signer's
 * AKI is its IACA's key id), or the subjectKeyIdentifier of the IACA the chain ends at, when
 * the caller knows it. `etsi_tl` (§6.1.1.2), `openid_federation` (§6.1.1.3) and types §6.1.1
 * does not define are evaluated only by a resolver the caller supplies (trusted lists and
 * federations need fetching and their own trust decisions); without one they are reported
 * as not evaluated.
 */
import { equalBytes } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from '../x509/index.js';
import { type DcqlTrustedAuthoritiesQuery, DcqlTrustedAuthorityType } from './dcql-query.js';
import { fromBase64UrlStrict } from './jwe.js';

/** What is known of a credential's issuer chain, for trusted-authority matching. */
export interface DcqlIssuerChain {
  /** The key identifiers to match `aki` values against: AKIs of the chain's certificates, and the SKI of its IACA when known. */
  readonly keyIdentifiers: readonly Uint8Array[];
  /** The chain's certificates (DER), document signer first, for resolvers. */
  readonly certificates: readonly Uint8Array[];
}

/**
 * Evaluates one Trusted Authorities Query type the library does not (ETSI trusted lists,
 * OpenID Federation, a private type): true when `value` names an authority of `chain`, false
 * when it does not. It must be synchronous: load the lists or trust chains beforehand.
 */
export type DcqlTrustResolver = (value: string, chain: DcqlIssuerChain) => boolean;

/** Options for trusted-authority matching. */
export interface DcqlTrustOptions {
  /** Resolvers by `type` (for example `etsi_tl`, `openid_federation`); a resolver for `aki` replaces the built-in match. */
  readonly trustResolvers?: Readonly<Record<string, DcqlTrustResolver>>;
}

/** The outcome of a credential's `trusted_authorities` (§6.1.1): matched, not matched, or not evaluated. */
export type DcqlTrustStatus = 'matched' | 'not-matched' | 'not-evaluated';

/** The result of {@link matchTrustedAuthorities}. */
export interface DcqlTrustResult {
  readonly status: DcqlTrustStatus;
  /** The entry and value that matched. */
  readonly matched?: { readonly type: string; readonly value: string };
  /** The types that could not be evaluated (no resolver). */
  readonly notEvaluated: readonly string[];
}

/**
 * The issuer chain of a credential from its certificates (DER, document signer first, as in
 * the IssuerAuth `x5chain`) and optionally the IACA it was verified against. Certificates
 * that do not parse contribute nothing.
 */
export function issuerChainOf(certificates: readonly Uint8Array[], anchor?: Certificate): DcqlIssuerChain {
  const keyIdentifiers: Uint8Array[] = [];
  const add = (id: Uint8Array | null | undefined) => {
    if (id !== null && id !== undefined && id.length > 0 && !keyIdentifiers.some((k) => equalBytes(k, id))) keyIdentifiers.push(id);
  };
  for (const der of certificates) {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch {
      continue;
    }
    add(cert.authorityKeyIdentifier?.keyIdentifier);
  }
  if (anchor !== undefined) {
    add(anchor.subjectKeyIdentifier?.keyIdentifier);
    add(anchor.authorityKeyIdentifier?.keyIdentifier);
  }
  return { keyIdentifiers, certificates: anchor === undefined ? [...certificates] : [...certificates, anchor.der] };
}

/**
 * Whether a credential with issuer chain `chain` matches `queries` (§6.1.1): one value of one
 * entry must match. `not-evaluated` when nothing matched and some entry could not be evaluated.
 */
export function matchTrustedAuthorities(queries: readonly DcqlTrustedAuthoritiesQuery[], chain: DcqlIssuerChain | undefined, options: DcqlTrustOptions = {}): DcqlTrustResult {
  const notEvaluated: string[] = [];
  const resolvers = options.trustResolvers;
  const skip = (type: string) => {
    if (!notEvaluated.includes(type)) notEvaluated.push(type);
  };
  for (const q of queries) {
    const resolver = resolvers !== undefined && Object.hasOwn(resolvers, q.type) ? resolvers[q.type] : undefined;
    if (resolver !== undefined) {
      if (chain === undefined) {
        skip(q.type);
        continue;
      }
      for (const value of q.values) if (resolver(value, chain) === true) return { status: 'matched', matched: { type: q.type, value }, notEvaluated };
      continue;
    }
    if (q.type === DcqlTrustedAuthorityType.AKI) {
      if (chain === undefined) {
        skip(q.type);
        continue;
      }
      for (const value of q.values) {
        const id = fromBase64UrlStrict(value);
        if (id !== undefined && chain.keyIdentifiers.some((k) => equalBytes(k, id))) return { status: 'matched', matched: { type: q.type, value }, notEvaluated };
      }
      continue;
    }
    skip(q.type);
  }
  return { status: notEvaluated.length > 0 ? 'not-evaluated' : 'not-matched', notEvaluated };
}
