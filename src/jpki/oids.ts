/**
 * JPKI object identifiers (reference §5.2–§5.3; CERTBLOG and MYNA-GO for the SAN OIDs,
 * the MW real certificate for the auth policy, the ZK README for the test-card policy).
 */

/** subjectAltName otherName type-ids of the 署名用 certificate (1.2.392.200149.8.5.5.x). */
export const JpkiSanOid = {
  /** 氏名 (UTF-8; characters outside the JIS sets replaced by substitutes). */
  NAME: '1.2.392.200149.8.5.5.1',
  /** 氏名代替文字の使用位置情報: one digit per character, 1 = substituted. */
  NAME_SUBSTITUTION: '1.2.392.200149.8.5.5.2',
  /** 性別: 1 male, 2 female, 3 unknown. */
  SEX: '1.2.392.200149.8.5.5.3',
  /** 生年月日 `EYYYYMMDD` (E = era code). */
  BIRTH_DATE: '1.2.392.200149.8.5.5.4',
  /** 住所. */
  ADDRESS: '1.2.392.200149.8.5.5.5',
  /** 住所代替文字の使用位置情報. */
  ADDRESS_SUBSTITUTION: '1.2.392.200149.8.5.5.6',
} as const;

/** certificatePolicies OIDs of JPKI certificates. */
export const JpkiPolicyOid = {
  /** 署名用 (production). */
  SIGN: '1.2.392.200149.8.5.1.1.20',
  /** 署名用 on JPKI test cards (single source). */
  SIGN_TEST: '1.2.392.200149.8.5.1.0.20',
  /** 利用者証明用 (production). */
  AUTH: '1.2.392.200149.8.5.1.3.30',
} as const;
