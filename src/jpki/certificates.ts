/**
 * JPKI certificate interpretation (reference §5): which certificate it is (by policy),
 * the auth certificate's opaque subject, the sign certificate's holder information from
 * its subjectAltName otherNames 1.2.392.200149.8.5.5.1–.6, and chain validation to the
 * J-LIS roots the caller passes as anchors (several roots share one DN: the x509 layer
 * tells them apart by key identifier and signature).
 *
 * Parsing itself is the x509 layer's; nothing here re-parses DER.
 */
import type { BackendOptions } from '../crypto/types.js';
import { JpkiError } from '../errors.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { type ChainReport, verifyChain } from '../x509/chain.js';
import { ERAS, type Era } from './era.js';
import { JpkiPolicyOid, JpkiSanOid } from './oids.js';

/** What a JPKI certificate is for, by its policy OID (or, failing that, its structure). */
export type JpkiCertificateKind = 'auth' | 'sign' | 'sign-test' | 'ca' | 'unknown';

/**
 * How {@link JpkiCertificateInfo.kind} was decided: `policy`, by a known JPKI policy OID;
 * `structure`, by the certificate's own structure (basicConstraints, or a JPKI issuer CA
 * with the key usage of that CA's certificates) because no known policy OID is present, as
 * for certificates whose profile could not be confirmed (smartphone certificates,
 * スマホ用電子証明書); `none`, when neither decided it (`kind: 'unknown'`).
 */
export type JpkiKindBasis = 'policy' | 'structure' | 'none';

/** 生年月日 of a sign certificate: `EYYYYMMDD` with E the era code (0 = unknown). */
export interface JpkiBirthDate {
  /** The value as in the certificate. */
  readonly raw: string;
  /** The era, when the code is 1–5. */
  readonly era: Era | null;
  /** `YYYY-MM-DD` when the Gregorian part is a complete date, else null (partial dates exist). */
  readonly date: string | null;
}

/** The holder information of a 署名用 certificate. */
export interface JpkiSignHolder {
  /** 氏名 (with substitute characters where the original is outside the JIS sets). */
  readonly name: string;
  /** One flag per character of `name`: true where a substitute character is used. */
  readonly nameSubstitution: readonly boolean[] | null;
  /** 性別: `1` male, `2` female, `3` unknown. */
  readonly sex: string;
  readonly birthDate: JpkiBirthDate;
  /** 住所. */
  readonly address: string;
  readonly addressSubstitution: readonly boolean[] | null;
}

/** A JPKI certificate with its interpretation. */
export interface JpkiCertificateInfo {
  readonly certificate: Certificate;
  readonly kind: JpkiCertificateKind;
  /** How {@link kind} was decided (a structural match is weaker evidence than a policy OID). */
  readonly kindBasis: JpkiKindBasis;
  /** The subject CN: an opaque id with no personal data. */
  readonly subjectId: string | null;
  /** The subject's L attributes (prefecture, municipality) of a sign certificate. */
  readonly localities: readonly string[];
  /** Holder data, for a sign certificate that carries the otherNames. */
  readonly holder: JpkiSignHolder | null;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function flags(text: string | undefined): readonly boolean[] | null {
  if (text === undefined || !/^[01]*$/.test(text)) return null;
  return [...text].map((c) => c === '1');
}

/** Decode `EYYYYMMDD`. Throws `ERR_JPKI_DATA` when it is not 9 digits. */
export function decodeJpkiBirthDate(raw: string): JpkiBirthDate {
  if (!/^[0-9]{9}$/.test(raw)) throw new JpkiError('ERR_JPKI_DATA', 'sign certificate birth date is not EYYYYMMDD');
  const code = Number(raw[0]);
  const era = ERAS.find((e) => e.code === code) ?? null;
  const y = Number(raw.slice(1, 5));
  const m = Number(raw.slice(5, 7));
  const d = Number(raw.slice(7, 9));
  const dt = new Date(Date.UTC(y, m - 1, d));
  const valid = m >= 1 && m <= 12 && d >= 1 && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  return { raw, era, date: valid ? `${raw.slice(1, 5)}-${raw.slice(5, 7)}-${raw.slice(7, 9)}` : null };
}

/** The issuer OUs of the J-LIS roots (reference §5.1): one per certificate family. */
const SIGN_CA_OU = 'JPKI for digital signature';
const AUTH_CA_OU = 'JPKI for user authentication';

/**
 * The kind by structure, for a certificate with no known policy OID: a CA by
 * basicConstraints; else, issued by a J-LIS CA (issuer O = `JPKI`, or `JPKI-TEST…` for the
 * test hierarchy) with a leaf key usage: the sign CA's family with digitalSignature +
 * nonRepudiation (reference §5.3), the auth CA's with digitalSignature and no
 * nonRepudiation (§5.2). Nothing else is guessed.
 */
function kindByStructure(certificate: Certificate): JpkiCertificateKind | undefined {
  if (certificate.basicConstraints?.cA === true) return 'ca';
  const org = certificate.issuer.attributes['O'] ?? [];
  const production = org.length === 1 && org[0] === 'JPKI';
  const test = org.length === 1 && org[0]!.startsWith('JPKI-TEST');
  if (!production && !test) return undefined;
  const units = certificate.issuer.attributes['OU'] ?? [];
  const usages = certificate.keyUsage?.usages ?? [];
  if (!usages.includes('digitalSignature') || usages.includes('keyCertSign')) return undefined;
  const nonRepudiation = usages.includes('nonRepudiation');
  if (units.includes(SIGN_CA_OU) && !units.includes(AUTH_CA_OU) && nonRepudiation) return production ? 'sign' : 'sign-test';
  if (units.includes(AUTH_CA_OU) && !units.includes(SIGN_CA_OU) && !nonRepudiation) return 'auth';
  return undefined;
}

/**
 * Interpret a JPKI certificate (DER or PEM, or an already parsed one).
 * Throws `X509Error` `ERR_X509_PARSE` when it does not parse, `ERR_JPKI_DATA` when a JPKI
 * otherName is present but not the documented UTF8String form.
 */
export function decodeJpkiCertificate(input: Uint8Array | string | Certificate): JpkiCertificateInfo {
  const certificate = typeof input === 'string' || input instanceof Uint8Array ? parseCertificate(input) : input;
  const policies = certificate.certificatePolicies?.oids ?? [];
  const byPolicy: JpkiCertificateKind | undefined = policies.includes(JpkiPolicyOid.AUTH)
    ? 'auth'
    : policies.includes(JpkiPolicyOid.SIGN)
      ? 'sign'
      : policies.includes(JpkiPolicyOid.SIGN_TEST)
        ? 'sign-test'
        : undefined;
  const byStructure = byPolicy === undefined ? kindByStructure(certificate) : undefined;
  const kind = byPolicy ?? byStructure ?? 'unknown';
  const kindBasis: JpkiKindBasis = byPolicy !== undefined ? 'policy' : byStructure !== undefined ? 'structure' : 'none';
  const others = new Map<string, string>();
  for (const n of certificate.subjectAltName?.names ?? []) {
    if (n.type !== 'otherName' || !n.typeId.startsWith('1.2.392.200149.8.5.5.')) continue;
    if (n.text === null) throw new JpkiError('ERR_JPKI_DATA', `otherName ${n.typeId} is not a character string`);
    others.set(n.typeId, n.text);
  }
  let holder: JpkiSignHolder | null = null;
  const name = others.get(JpkiSanOid.NAME);
  if (name !== undefined) {
    const birth = others.get(JpkiSanOid.BIRTH_DATE);
    holder = {
      name,
      nameSubstitution: flags(others.get(JpkiSanOid.NAME_SUBSTITUTION)),
      sex: others.get(JpkiSanOid.SEX) ?? '',
      birthDate: birth === undefined ? { raw: '', era: null, date: null } : decodeJpkiBirthDate(birth),
      address: others.get(JpkiSanOid.ADDRESS) ?? '',
      addressSubstitution: flags(others.get(JpkiSanOid.ADDRESS_SUBSTITUTION)),
    };
  }
  return {
    certificate,
    kind,
    kindBasis,
    subjectId: certificate.subject.attributes['CN']?.[0] ?? null,
    localities: certificate.subject.attributes['L'] ?? [],
    holder,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

/** Options of {@link verifyJpkiCertificate}. */
export interface VerifyJpkiCertificateOptions extends BackendOptions {
  /** The J-LIS roots to trust (e.g. `JPKI_AUTH_CA_2019`), or the test CA. Required: nothing is trusted implicitly. */
  readonly anchors: readonly (Certificate | Uint8Array)[];
  /** Validation time (default now). */
  readonly now?: Date;
}

/**
 * Validate a JPKI certificate's chain to the given anchors (x509 `verifyChain`) and
 * interpret it. Returns the chain report; `report.valid` is false on any failed check.
 * Revocation is not checked: JPKI CRLs and OCSP are only for licensed verifiers.
 */
export async function verifyJpkiCertificate(input: Uint8Array | string | Certificate, options: VerifyJpkiCertificateOptions): Promise<{ info: JpkiCertificateInfo; chain: ChainReport }> {
  const info = decodeJpkiCertificate(input);
  if (!Array.isArray(options.anchors)) throw new TypeError('options.anchors must be an array of certificates');
  const chain = await verifyChain(info.certificate, { anchors: options.anchors, ...(options.now ? { now: options.now } : {}), ...(options.backend ? { backend: options.backend } : {}) });
  return { info, chain };
}

