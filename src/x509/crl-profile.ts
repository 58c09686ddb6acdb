/**
 * The ids of the CRL profile checks (ISO/IEC 18013-5 2nd edition Annex B.2), apart from the
 * CRL code in `crl.ts` so that validating a `waive` list does not load it.
 */

/**
 * The CRL profile of ISO/IEC 18013-5 2nd edition Annex B.2 (also RFC 5280 §5 "MUST"s for
 * conforming CAs), as waivable checks: a CRL that fails one is not used unless the caller
 * waives that id (`waive`), and a waived one is shown as `waived` in the report.
 * nextUpdate, also in B.2, is not waivable (`CRL_NO_NEXT_UPDATE`).
 */
export const CrlProfileCheck = {
  /** The CRL is v2. */
  CRL_VERSION: 'CRL_VERSION',
  /** The CRL carries an authorityKeyIdentifier (its value must then match the issuer's SKI: `CRL_AKI_MISMATCH`). */
  CRL_AKI: 'CRL_AKI',
  /** The CRL carries a cRLNumber. */
  CRL_NUMBER: 'CRL_NUMBER',
  /** The CRL does not announce delta CRLs (freshestCRL), which shomei does not fetch. */
  CRL_FRESHEST: 'CRL_FRESHEST',
} as const;
export type CrlProfileCheck = (typeof CrlProfileCheck)[keyof typeof CrlProfileCheck];

/** The ids of {@link CrlProfileCheck}, for `waive` validation. */
export const CRL_PROFILE_CHECK_IDS: readonly CrlProfileCheck[] = Object.freeze(Object.values(CrlProfileCheck));
