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

/** What a JPKI certificate is for, by its policy OID. */
export type JpkiCertificateKind = 'auth' | 'sign' | 'sign-test' | 'ca' | 'unknown';

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

/**
 * Interpret a JPKI certificate (DER or PEM, or an already parsed one).
 * Throws `X509Error` `ERR_X509_PARSE` when it does not parse, `ERR_JPKI_DATA` when a JPKI
 * otherName is present but not the documented UTF8String form.
 */
export function decodeJpkiCertificate(input: Uint8Array | string | Certificate): JpkiCertificateInfo {
  const certificate = typeof input === 'string' || input instanceof Uint8Array ? parseCertificate(input) : input;
  const policies = certificate.certificatePolicies?.oids ?? [];
  const kind: JpkiCertificateKind = policies.includes(JpkiPolicyOid.AUTH)
    ? 'auth'
    : policies.includes(JpkiPolicyOid.SIGN)
      ? 'sign'
      : policies.includes(JpkiPolicyOid.SIGN_TEST)
        ? 'sign-test'
        : certificate.basicConstraints?.cA === true
          ? 'ca'
          : 'unknown';
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

