/**
 * ISO/IEC 18013-5:2021 Annex B certificate profiles as named, waivable checks:
 * - B.1.2, Table B.1: IACA root certificate (`IACA_*`), checked on the trust anchor;
 * - B.1.4, Table B.3: document signer certificate (`DS_*`), checked on the x5chain leaf;
 * - B.1.7, Table B.6: mdoc reader authentication certificate (`READER_*`);
 * - B.1.1: extensions that shall not be used, and NOTE 1 (a reader uses the first
 *   x5chain certificate and the IACA only).
 *
 * The clause and table numbers, and the finer points flagged "unsure" below, come from
 * public descriptions of the standard (the OpenID Foundation conformance suite's Annex B
 * checks, spruceid/isomdl, walt.id, the shomei reference notes) and from the Annex D
 * certificates, not from the standard's text itself. Where the 2nd edition differs it is
 * noted. Checks that fail on a deployed PKI can be waived by id.
 *
 * Extension findings (see `findings.ts`): a finding on an extension that has a check of its
 * own (keyUsage → DS_KEY_USAGE, cRLDistributionPoints → DS_CRL_DP…) fails that check; the
 * other extensions' findings fail `<ROLE>_EXTENSION_MALFORMED`, `<ROLE>_EXTENSION_EMPTY` or
 * `<ROLE>_EXTENSION_NONCONFORMANT` (ROLE = IACA, DS, READER), each waivable by id. Annex B
 * requires RFC 5280 conformance, so every finding fails a check by default.
 */
import type { CryptoBackend } from '../../crypto/types.js';
import { X509Error } from '../../errors.js';
import { equalBytes, toHex } from '../../internal/bytes.js';
import { type Certificate, toCertificate } from '../certificate.js';
import {
  type CertificateProfile,
  type ChainReport,
  MAX_INTERMEDIATES,
  type ProfileCheckResult,
  type ProfileContext,
  type VerifyChainOptions,
  verifyCertificateSignature,
  verifyChain,
} from '../chain.js';
import { Tag } from '../der.js';
import type { Extension } from '../extensions.js';
import { type X509Finding, X509FindingId } from '../findings.js';
import { AlgorithmOid, AttributeOid, ExtensionOid, ExtKeyUsageOid } from '../oids.js';

/** Check ids of the ISO 18013-5 Annex B profiles. */
export const MdocCheck = {
  // B.1.2 / Table B.1, on the IACA (the trust anchor)
  /** Subject and issuer are the same DER and the certificate verifies with its own key. */
  IACA_SELF_SIGNED: 'IACA_SELF_SIGNED',
  /** basicConstraints present, critical, cA TRUE, pathLenConstraint 0. */
  IACA_BASIC_CONSTRAINTS: 'IACA_BASIC_CONSTRAINTS',
  /** keyUsage present, critical, exactly keyCertSign and cRLSign. */
  IACA_KEY_USAGE: 'IACA_KEY_USAGE',
  /** subjectKeyIdentifier present, non-critical, the SHA-1 of the subject public key. */
  IACA_SKI: 'IACA_SKI',
  /** issuerAltName present with an rfc822Name or a URI. */
  IACA_ISSUER_ALT_NAME: 'IACA_ISSUER_ALT_NAME',
  /** notAfter at most 20 years after notBefore. */
  IACA_VALIDITY: 'IACA_VALIDITY',
  /** subject countryName present once, upper-case ISO 3166-1 alpha-2, PrintableString. */
  IACA_COUNTRY: 'IACA_COUNTRY',
  /** EC key on P-256, P-384 or P-521, uncompressed point. */
  IACA_PUBLIC_KEY: 'IACA_PUBLIC_KEY',
  /** Signed with ecdsa-with-SHA256/384/512. */
  IACA_SIGNATURE_ALGORITHM: 'IACA_SIGNATURE_ALGORITHM',
  /** None of the extensions B.1.1 forbids. */
  IACA_FORBIDDEN_EXTENSIONS: 'IACA_FORBIDDEN_EXTENSIONS',
  /** No extension without a check of its own (cRLDistributionPoints, certificatePolicies…) fails to decode (finding EXTENSION_MALFORMED). */
  IACA_EXTENSION_MALFORMED: 'IACA_EXTENSION_MALFORMED',
  /** No such extension is an empty list (finding EXTENSION_EMPTY: e.g. an empty cRLDistributionPoints SEQUENCE). */
  IACA_EXTENSION_EMPTY: 'IACA_EXTENSION_EMPTY',
  /** No such extension breaks DER or an RFC 5280 content rule (finding EXTENSION_NONCONFORMANT). */
  IACA_EXTENSION_NONCONFORMANT: 'IACA_EXTENSION_NONCONFORMANT',
  // B.1.4 / Table B.3, on the document signer (the leaf)
  /** extKeyUsage present, critical, containing id-mdl-kp-mdlDS 1.0.18013.5.1.2 (or a configured EKU). */
  DS_EKU: 'DS_EKU',
  /** keyUsage present, critical, exactly digitalSignature. */
  DS_KEY_USAGE: 'DS_KEY_USAGE',
  /** Not a CA: basicConstraints absent or cA FALSE. */
  DS_NOT_CA: 'DS_NOT_CA',
  /** subjectKeyIdentifier present, non-critical, the SHA-1 of the subject public key. */
  DS_SKI: 'DS_SKI',
  /** authorityKeyIdentifier keyIdentifier equals the IACA's subjectKeyIdentifier. */
  DS_AKI_MATCHES_IACA_SKI: 'DS_AKI_MATCHES_IACA_SKI',
  /** issuer is the same exact binary value as the IACA's subject. */
  DS_ISSUER_MATCHES_IACA: 'DS_ISSUER_MATCHES_IACA',
  /** issuerAltName present with an rfc822Name or a URI. */
  DS_ISSUER_ALT_NAME: 'DS_ISSUER_ALT_NAME',
  /** cRLDistributionPoints present; each point a fullName with a URI, no reasons, no cRLIssuer. */
  DS_CRL_DP: 'DS_CRL_DP',
  /** notAfter at most 457 days after notBefore. */
  DS_VALIDITY: 'DS_VALIDITY',
  /** subject countryName present once and equal to the IACA's. */
  DS_COUNTRY_MATCHES_IACA: 'DS_COUNTRY_MATCHES_IACA',
  /** stateOrProvinceName equal to the IACA's when the IACA has one. */
  DS_STATE_MATCHES_IACA: 'DS_STATE_MATCHES_IACA',
  /** EC key on P-256, P-384 or P-521 (uncompressed), or Ed25519. */
  DS_PUBLIC_KEY: 'DS_PUBLIC_KEY',
  /** Signed with ecdsa-with-SHA256/384/512. */
  DS_SIGNATURE_ALGORITHM: 'DS_SIGNATURE_ALGORITHM',
  /** None of the extensions B.1.1 forbids. */
  DS_FORBIDDEN_EXTENSIONS: 'DS_FORBIDDEN_EXTENSIONS',
  /** No extension without a check of its own (subjectAltName, certificatePolicies…) fails to decode (finding EXTENSION_MALFORMED). */
  DS_EXTENSION_MALFORMED: 'DS_EXTENSION_MALFORMED',
  /** No such extension is an empty list (finding EXTENSION_EMPTY). */
  DS_EXTENSION_EMPTY: 'DS_EXTENSION_EMPTY',
  /** No such extension breaks DER or an RFC 5280 content rule (finding EXTENSION_NONCONFORMANT). */
  DS_EXTENSION_NONCONFORMANT: 'DS_EXTENSION_NONCONFORMANT',
  // B.1.7 / Table B.6, on the mdoc reader authentication certificate (the leaf)
  /** extKeyUsage present, critical, containing id-mdl-kp-mdlReaderAuth 1.0.18013.5.1.6 (or a configured EKU). */
  READER_EKU: 'READER_EKU',
  /** keyUsage present, critical, exactly digitalSignature. */
  READER_KEY_USAGE: 'READER_KEY_USAGE',
  /** subjectKeyIdentifier present, non-critical, the SHA-1 of the subject public key. */
  READER_SKI: 'READER_SKI',
  /** authorityKeyIdentifier keyIdentifier equals the issuing CA's subjectKeyIdentifier. */
  READER_AKI_MATCHES_ISSUER_SKI: 'READER_AKI_MATCHES_ISSUER_SKI',
  /** notAfter at most 1187 days after notBefore. */
  READER_VALIDITY: 'READER_VALIDITY',
  /** cRLDistributionPoints present; each point a fullName with a URI, no reasons, no cRLIssuer. */
  READER_CRL_DP: 'READER_CRL_DP',
  /** EC key on P-256, P-384 or P-521, uncompressed point. */
  READER_PUBLIC_KEY: 'READER_PUBLIC_KEY',
  /** Signed with ecdsa-with-SHA256/384/512. */
  READER_SIGNATURE_ALGORITHM: 'READER_SIGNATURE_ALGORITHM',
  /** None of the extensions B.1.1 forbids. */
  READER_FORBIDDEN_EXTENSIONS: 'READER_FORBIDDEN_EXTENSIONS',
  /** No extension without a check of its own fails to decode (finding EXTENSION_MALFORMED). */
  READER_EXTENSION_MALFORMED: 'READER_EXTENSION_MALFORMED',
  /** No such extension is an empty list (finding EXTENSION_EMPTY). */
  READER_EXTENSION_EMPTY: 'READER_EXTENSION_EMPTY',
  /** No such extension breaks DER or an RFC 5280 content rule (finding EXTENSION_NONCONFORMANT). */
  READER_EXTENSION_NONCONFORMANT: 'READER_EXTENSION_NONCONFORMANT',
} as const;
export type MdocCheck = (typeof MdocCheck)[keyof typeof MdocCheck];

/** Most certificates accepted in an x5chain: the leaf and {@link MAX_INTERMEDIATES} others. */
export const MAX_X5CHAIN_LENGTH = MAX_INTERMEDIATES + 1;

const DAY_MS = 86_400_000;
const ECDSA_SIGNATURES: ReadonlySet<string> = new Set([AlgorithmOid.ecdsaWithSha256, AlgorithmOid.ecdsaWithSha384, AlgorithmOid.ecdsaWithSha512]);
const NIST_CURVES: ReadonlySet<string> = new Set([AlgorithmOid.p256, AlgorithmOid.p384, AlgorithmOid.p521]);
/** B.1.1: "The following extensions shall not be used". */
const FORBIDDEN: ReadonlyMap<string, string> = new Map([
  [ExtensionOid.policyMappings, 'policyMappings'],
  [ExtensionOid.nameConstraints, 'nameConstraints'],
  [ExtensionOid.policyConstraints, 'policyConstraints'],
  [ExtensionOid.inhibitAnyPolicy, 'inhibitAnyPolicy'],
  [ExtensionOid.freshestCRL, 'freshestCRL'],
]);

type Result = ProfileCheckResult;

function result(id: string, problems: readonly string[], passDetail?: string): Result {
  if (problems.length > 0) return { id, ok: false, detail: problems.join('; ') };
  return passDetail === undefined ? { id, ok: true } : { id, ok: true, detail: passDetail };
}

function keyUsageExactly(id: string, cert: Certificate, expected: readonly string[]): Result {
  const ku = cert.keyUsage;
  if (ku === null) return result(id, ['keyUsage is missing']);
  const problems: string[] = [];
  if (!ku.critical) problems.push('keyUsage is not critical');
  const got = [...ku.usages].sort().join(',');
  if (got !== [...expected].sort().join(',')) problems.push(`keyUsage is ${ku.usages.join(', ') || '(none)'}, expected ${expected.join(', ')}`);
  return result(id, problems);
}

function ekuCheck(id: string, cert: Certificate, accepted: readonly string[]): Result {
  const eku = cert.extKeyUsage;
  if (eku === null) return result(id, ['extKeyUsage is missing']);
  const problems: string[] = [];
  if (!eku.critical) problems.push('extKeyUsage is not critical');
  if (!eku.oids.some((o) => accepted.includes(o))) problems.push(`extKeyUsage ${eku.oids.join(', ')} holds none of ${accepted.join(', ')}`);
  return result(id, problems);
}

async function skiCheck(id: string, cert: Certificate, backend: CryptoBackend): Promise<Result> {
  const ski = cert.subjectKeyIdentifier;
  if (ski === null) return result(id, ['subjectKeyIdentifier is missing']);
  const problems: string[] = [];
  if (ski.critical) problems.push('subjectKeyIdentifier is critical');
  // Method 1 of RFC 5280 §4.2.1.2, which the Annex B tables prescribe (as read by the OIDF
  // conformance suite; every Annex D and J-LIS certificate follows it). Unsure whether the
  // 2021 text says "shall": waive this check for a PKI using another method.
  const expected = await backend.digest('SHA-1', cert.subjectPublicKey);
  if (!equalBytes(expected, ski.keyIdentifier)) problems.push(`subjectKeyIdentifier ${toHex(ski.keyIdentifier)} is not the SHA-1 of the public key (${toHex(expected)})`);
  return result(id, problems);
}

function akiCheck(id: string, cert: Certificate, issuer: Certificate): Result {
  const aki = cert.authorityKeyIdentifier?.keyIdentifier ?? null;
  const ski = issuer.subjectKeyIdentifier?.keyIdentifier ?? null;
  if (aki === null) return result(id, ['authorityKeyIdentifier keyIdentifier is missing']);
  if (ski === null) return result(id, ['the issuer has no subjectKeyIdentifier']);
  return result(id, equalBytes(aki, ski) ? [] : [`authorityKeyIdentifier ${toHex(aki)} is not the issuer's subjectKeyIdentifier ${toHex(ski)}`]);
}

function issuerAltNameCheck(id: string, cert: Certificate): Result {
  const ian = cert.issuerAltName;
  if (ian === null) return result(id, ['issuerAltName is missing']);
  const ok = ian.names.some((n) => n.type === 'rfc822Name' || n.type === 'uniformResourceIdentifier');
  return result(id, ok ? [] : ['issuerAltName has no rfc822Name or URI']);
}

function crlDpCheck(id: string, cert: Certificate): Result {
  const dp = cert.cRLDistributionPoints;
  if (dp === null) return result(id, ['cRLDistributionPoints is missing']);
  const problems: string[] = [];
  dp.points.forEach((p, i) => {
    if (p.reasons !== null) problems.push(`point ${i} has reasons`);
    if (p.cRLIssuer !== null) problems.push(`point ${i} has cRLIssuer`);
    const names = p.fullName ?? [];
    if (!names.some((n) => n.type === 'uniformResourceIdentifier')) {
      problems.push(`point ${i} has no URI (${names.map((n) => n.type).join(', ') || 'no fullName'})`);
    }
  });
  return result(id, problems);
}

/** A span as whole days and the rest as hh:mm:ss (`457 days 01:00:00`): exact, so a span just over a limit never reads as a whole day over. */
function describeSpan(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const rest = Math.round((ms - days * DAY_MS) / 1000);
  if (rest === 0) return `${days} days`;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days} days ${two(Math.floor(rest / 3600))}:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)}`;
}

function validityCheck(id: string, cert: Certificate, maxMs: number, label: string): Result {
  const span = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (span < 0) return result(id, ['notAfter is before notBefore']);
  return result(id, span > maxMs ? [`validity ${describeSpan(span)} exceeds ${label}`] : []);
}

function publicKeyCheck(id: string, cert: Certificate, allowEd25519: boolean): Result {
  if (cert.publicKeyAlgorithm === AlgorithmOid.ecPublicKey) {
    const problems: string[] = [];
    if (cert.publicKeyCurve === null || !NIST_CURVES.has(cert.publicKeyCurve)) {
      // brainpool curves are allowed by Annex B but not supported by shomei's crypto layer.
      problems.push(`curve ${cert.publicKeyCurve ?? '(none)'} is not P-256, P-384 or P-521`);
    }
    if (cert.subjectPublicKey[0] !== 4) problems.push('the public key point is not uncompressed');
    return result(id, problems);
  }
  if (allowEd25519 && cert.publicKeyAlgorithm === AlgorithmOid.ed25519) return result(id, []);
  return result(id, [`public key algorithm ${cert.publicKeyAlgorithm} is not allowed`]);
}

function signatureAlgorithmCheck(id: string, cert: Certificate): Result {
  return result(id, ECDSA_SIGNATURES.has(cert.signatureAlgorithm.oid) ? [] : [`signature algorithm ${cert.signatureAlgorithm.oid} is not ecdsa-with-SHA256/384/512`]);
}

function forbiddenCheck(id: string, cert: Certificate): Result {
  const found = cert.extensions.filter((e: Extension) => FORBIDDEN.has(e.oid)).map((e) => FORBIDDEN.get(e.oid)!);
  return result(id, found.length ? [`forbidden extensions present: ${found.join(', ')}`] : []);
}

function attributeValues(cert: Certificate, oid: string): { value: string; tag: number }[] {
  return cert.subject.rdns.flat().filter((a) => a.oid === oid).map((a) => ({ value: a.value, tag: a.tag }));
}

/** Which check of a role reports the findings of which extension (the others go to the role's EXTENSION_* checks). */
type Covered = ReadonlyMap<string, string>;

const IACA_COVERED: Covered = new Map([
  [ExtensionOid.basicConstraints, MdocCheck.IACA_BASIC_CONSTRAINTS],
  [ExtensionOid.keyUsage, MdocCheck.IACA_KEY_USAGE],
  [ExtensionOid.subjectKeyIdentifier, MdocCheck.IACA_SKI],
  [ExtensionOid.issuerAltName, MdocCheck.IACA_ISSUER_ALT_NAME],
]);
const DS_COVERED: Covered = new Map([
  [ExtensionOid.extKeyUsage, MdocCheck.DS_EKU],
  [ExtensionOid.keyUsage, MdocCheck.DS_KEY_USAGE],
  [ExtensionOid.basicConstraints, MdocCheck.DS_NOT_CA],
  [ExtensionOid.subjectKeyIdentifier, MdocCheck.DS_SKI],
  [ExtensionOid.authorityKeyIdentifier, MdocCheck.DS_AKI_MATCHES_IACA_SKI],
  [ExtensionOid.issuerAltName, MdocCheck.DS_ISSUER_ALT_NAME],
  [ExtensionOid.cRLDistributionPoints, MdocCheck.DS_CRL_DP],
]);
const READER_COVERED: Covered = new Map([
  [ExtensionOid.extKeyUsage, MdocCheck.READER_EKU],
  [ExtensionOid.keyUsage, MdocCheck.READER_KEY_USAGE],
  [ExtensionOid.subjectKeyIdentifier, MdocCheck.READER_SKI],
  [ExtensionOid.authorityKeyIdentifier, MdocCheck.READER_AKI_MATCHES_ISSUER_SKI],
  [ExtensionOid.cRLDistributionPoints, MdocCheck.READER_CRL_DP],
]);

function findingText(f: X509Finding): string {
  return `${f.extension}: ${f.detail} (${f.id})`;
}

/**
 * Fold a role's extension findings into its checks: a check covering an extension fails with
 * that extension's findings (a malformed one replaces the check's own verdict, made on a
 * null field); the rest become the role's three EXTENSION_* checks.
 */
function withFindings(role: 'IACA' | 'DS' | 'READER', cert: Certificate, covered: Covered, checks: readonly Result[]): Result[] {
  const byCheck = new Map<string, X509Finding[]>();
  const rest = new Map<string, X509Finding[]>(Object.values(X509FindingId).map((id) => [id, []]));
  for (const f of cert.findings) {
    const id = covered.get(f.oid);
    if (id === undefined) rest.get(f.id)!.push(f);
    else {
      const list = byCheck.get(id);
      if (list === undefined) byCheck.set(id, [f]);
      else list.push(f);
    }
  }
  const out = checks.map((r): Result => {
    const found = byCheck.get(r.id);
    if (found === undefined) return r;
    const own = found.some((f) => f.id === X509FindingId.EXTENSION_MALFORMED) ? [] : r.ok ? [] : [r.detail ?? 'failed'];
    return result(r.id, [...found.map(findingText), ...own]);
  });
  for (const [id, found] of rest) out.push(result(`${role}_${id}`, found.map(findingText)));
  return out;
}

async function iacaChecks(iaca: Certificate, backend: CryptoBackend): Promise<Result[]> {
  const out: Result[] = [];
  const selfSigned = equalBytes(iaca.subject.der, iaca.issuer.der) && (await verifyCertificateSignature(iaca, iaca, { backend }));
  out.push(result(MdocCheck.IACA_SELF_SIGNED, selfSigned ? [] : ['the IACA is not self-signed (subject and issuer differ, or its signature does not verify with its own key)']));

  const bc = iaca.basicConstraints;
  const bcProblems: string[] = [];
  if (bc === null) bcProblems.push('basicConstraints is missing');
  else {
    if (!bc.critical) bcProblems.push('basicConstraints is not critical');
    if (!bc.cA) bcProblems.push('cA is not TRUE');
    if (bc.pathLen !== 0) bcProblems.push(`pathLenConstraint is ${bc.pathLen ?? 'absent'}, expected 0`);
  }
  out.push(result(MdocCheck.IACA_BASIC_CONSTRAINTS, bcProblems));
  out.push(keyUsageExactly(MdocCheck.IACA_KEY_USAGE, iaca, ['keyCertSign', 'cRLSign']));
  out.push(await skiCheck(MdocCheck.IACA_SKI, iaca, backend));
  out.push(issuerAltNameCheck(MdocCheck.IACA_ISSUER_ALT_NAME, iaca));

  const limit = new Date(iaca.notBefore.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + 20);
  out.push(validityCheck(MdocCheck.IACA_VALIDITY, iaca, limit.getTime() - iaca.notBefore.getTime(), '20 years'));

  const countries = attributeValues(iaca, AttributeOid.C);
  const cProblems: string[] = [];
  if (countries.length !== 1) cProblems.push(`subject has ${countries.length} countryName attributes, expected 1`);
  else {
    if (!/^[A-Z]{2}$/.test(countries[0]!.value)) cProblems.push(`countryName ${countries[0]!.value} is not an upper-case alpha-2 code`);
    if (countries[0]!.tag !== Tag.PRINTABLE_STRING) cProblems.push('countryName is not a PrintableString');
  }
  out.push(result(MdocCheck.IACA_COUNTRY, cProblems));
  out.push(publicKeyCheck(MdocCheck.IACA_PUBLIC_KEY, iaca, false));
  out.push(signatureAlgorithmCheck(MdocCheck.IACA_SIGNATURE_ALGORITHM, iaca));
  out.push(forbiddenCheck(MdocCheck.IACA_FORBIDDEN_EXTENSIONS, iaca));
  return withFindings('IACA', iaca, IACA_COVERED, out);
}

async function dsChecks(ds: Certificate, issuer: Certificate, iaca: Certificate, backend: CryptoBackend, ekus: readonly string[]): Promise<Result[]> {
  const out: Result[] = [];
  out.push(ekuCheck(MdocCheck.DS_EKU, ds, ekus));
  out.push(keyUsageExactly(MdocCheck.DS_KEY_USAGE, ds, ['digitalSignature']));
  out.push(result(MdocCheck.DS_NOT_CA, ds.basicConstraints?.cA === true ? ['basicConstraints cA is TRUE'] : []));
  out.push(await skiCheck(MdocCheck.DS_SKI, ds, backend));
  out.push(akiCheck(MdocCheck.DS_AKI_MATCHES_IACA_SKI, ds, issuer));
  out.push(result(MdocCheck.DS_ISSUER_MATCHES_IACA, equalBytes(ds.issuer.der, issuer.subject.der) ? [] : [`issuer ${ds.issuer.text} is not byte-identical to the IACA subject ${issuer.subject.text}`]));
  out.push(issuerAltNameCheck(MdocCheck.DS_ISSUER_ALT_NAME, ds));
  out.push(crlDpCheck(MdocCheck.DS_CRL_DP, ds));
  out.push(validityCheck(MdocCheck.DS_VALIDITY, ds, 457 * DAY_MS, '457 days'));

  const dsC = attributeValues(ds, AttributeOid.C);
  const iacaC = attributeValues(iaca, AttributeOid.C);
  const cProblems: string[] = [];
  if (dsC.length !== 1) cProblems.push(`the DS subject has ${dsC.length} countryName attributes, expected 1`);
  else if (iacaC.length !== 1 || iacaC[0]!.value !== dsC[0]!.value) {
    cProblems.push(`DS countryName ${dsC[0]!.value} is not the IACA's ${iacaC.map((c) => c.value).join(',') || '(none)'}`);
  }
  out.push(result(MdocCheck.DS_COUNTRY_MATCHES_IACA, cProblems));

  // 2021 Table B.3 (as read by the OIDF suite): stateOrProvinceName is mandatory in the DS, with
  // the IACA's value, when the IACA has one; 2nd edition §12.8.3: must match if present in both.
  const dsST = attributeValues(ds, AttributeOid.ST).map((a) => a.value);
  const iacaST = attributeValues(iaca, AttributeOid.ST).map((a) => a.value);
  const stProblems: string[] = [];
  if (iacaST.length > 0 && dsST.join('\u0000') !== iacaST.join('\u0000')) {
    stProblems.push(`DS stateOrProvinceName ${dsST.join(',') || '(none)'} is not the IACA's ${iacaST.join(',')}`);
  }
  out.push(result(MdocCheck.DS_STATE_MATCHES_IACA, stProblems));
  out.push(publicKeyCheck(MdocCheck.DS_PUBLIC_KEY, ds, true));
  out.push(signatureAlgorithmCheck(MdocCheck.DS_SIGNATURE_ALGORITHM, ds));
  out.push(forbiddenCheck(MdocCheck.DS_FORBIDDEN_EXTENSIONS, ds));
  return withFindings('DS', ds, DS_COVERED, out);
}

async function readerChecks(reader: Certificate, issuer: Certificate, backend: CryptoBackend, ekus: readonly string[]): Promise<Result[]> {
  return withFindings('READER', reader, READER_COVERED, [
    ekuCheck(MdocCheck.READER_EKU, reader, ekus),
    keyUsageExactly(MdocCheck.READER_KEY_USAGE, reader, ['digitalSignature']),
    await skiCheck(MdocCheck.READER_SKI, reader, backend),
    akiCheck(MdocCheck.READER_AKI_MATCHES_ISSUER_SKI, reader, issuer),
    validityCheck(MdocCheck.READER_VALIDITY, reader, 1187 * DAY_MS, '1187 days'),
    crlDpCheck(MdocCheck.READER_CRL_DP, reader),
    publicKeyCheck(MdocCheck.READER_PUBLIC_KEY, reader, false),
    signatureAlgorithmCheck(MdocCheck.READER_SIGNATURE_ALGORITHM, reader),
    forbiddenCheck(MdocCheck.READER_FORBIDDEN_EXTENSIONS, reader),
  ]);
}

const IACA_IDS = Object.values(MdocCheck).filter((id) => id.startsWith('IACA_'));
const DS_IDS = Object.values(MdocCheck).filter((id) => id.startsWith('DS_'));
const READER_IDS = Object.values(MdocCheck).filter((id) => id.startsWith('READER_'));

/** Options of {@link mdocIssuerProfile}. */
export interface MdocIssuerProfileOptions {
  /** EKUs accepted for DS_EKU; default `[1.0.18013.5.1.2]` (mdlDS). Add `1.0.23220.4.1.2` (mdocDS) for non-mDL doctypes. */
  readonly dsExtendedKeyUsages?: readonly string[];
}

/** The ISO 18013-5 issuer profile: IACA checks on the anchor, DS checks on the leaf. */
export function mdocIssuerProfile(options: MdocIssuerProfileOptions = {}): CertificateProfile {
  const ekus = options.dsExtendedKeyUsages ?? [ExtKeyUsageOid.mdlDS];
  if (!Array.isArray(ekus) || ekus.length === 0) throw new TypeError('dsExtendedKeyUsages must be a non-empty array of OIDs');
  return Object.freeze({
    name: 'iso18013-5-issuer',
    checkIds: Object.freeze([...IACA_IDS, ...DS_IDS]),
    async run(ctx: ProfileContext): Promise<readonly ProfileCheckResult[]> {
      return [...(await iacaChecks(ctx.anchor, ctx.backend)), ...(await dsChecks(ctx.leaf, ctx.issuer, ctx.anchor, ctx.backend, ekus))];
    },
  });
}

/** Options of {@link mdocReaderProfile}. */
export interface MdocReaderProfileOptions {
  /** EKUs accepted for READER_EKU; default `[1.0.18013.5.1.6]` (mdlReaderAuth). */
  readonly readerExtendedKeyUsages?: readonly string[];
}

/** The ISO 18013-5 mdoc reader authentication profile: READER checks on the leaf. */
export function mdocReaderProfile(options: MdocReaderProfileOptions = {}): CertificateProfile {
  const ekus = options.readerExtendedKeyUsages ?? [ExtKeyUsageOid.mdlReaderAuth];
  if (!Array.isArray(ekus) || ekus.length === 0) throw new TypeError('readerExtendedKeyUsages must be a non-empty array of OIDs');
  return Object.freeze({
    name: 'iso18013-5-reader',
    checkIds: Object.freeze([...READER_IDS]),
    async run(ctx: ProfileContext): Promise<readonly ProfileCheckResult[]> {
      return readerChecks(ctx.leaf, ctx.issuer, ctx.backend, ekus);
    },
  });
}

/** Options of {@link verifyIssuerChain} and {@link verifyReaderChain}. */
export type VerifyX5ChainOptions = Omit<VerifyChainOptions, 'intermediates' | 'profile'> & MdocIssuerProfileOptions & MdocReaderProfileOptions;

function splitChain(x5chain: readonly (Certificate | Uint8Array)[]): { leaf: Certificate; rest: Certificate[] } {
  if (!Array.isArray(x5chain)) throw new TypeError('x5chain must be an array of certificates');
  if (x5chain.length === 0) throw new X509Error('ERR_X509_PARSE', 'x5chain is empty');
  // The x5chain arrives unauthenticated (IssuerAuth's unprotected header): refuse one longer
  // than path building could use before parsing any of it.
  if (x5chain.length > MAX_X5CHAIN_LENGTH) throw new X509Error('ERR_X509_PARSE', `x5chain holds ${x5chain.length} certificates, more than ${MAX_X5CHAIN_LENGTH}`);
  const certs = x5chain.map((c, i) => toCertificate(c, `x5chain[${i}]`));
  return { leaf: certs[0]!, rest: certs.slice(1) };
}

/**
 * Validate an issuer x5chain the ISO 18013-5 way: `x5chain[0]` is the document signer,
 * `anchors` are the IACAs trusted for this use. Runs the chain checks, the IACA checks on the
 * anchor reached and the DS checks on the leaf; waive profile checks by id.
 *
 * Further x5chain certificates are offered as untrusted intermediates; an IACA copy among them
 * is tolerated but never trusted from the chain (trust comes only from `anchors`). A
 * conformant IACA has pathLenConstraint 0, so any real intermediate fails PATH_LENGTH: per
 * B.1.1 NOTE 1 a reader needs only the DS and the IACA.
 * @throws X509Error `ERR_X509_PARSE` for an empty x5chain, one longer than
 *   {@link MAX_X5CHAIN_LENGTH}, or a certificate that does not parse; with `strict: true`, the first failure.
 */
export async function verifyIssuerChain(x5chain: readonly (Certificate | Uint8Array)[], options: VerifyX5ChainOptions): Promise<ChainReport> {
  const { leaf, rest } = splitChain(x5chain);
  const profile = mdocIssuerProfile(options.dsExtendedKeyUsages === undefined ? {} : { dsExtendedKeyUsages: options.dsExtendedKeyUsages });
  return verifyChain(leaf, { ...options, intermediates: rest, profile });
}

/**
 * Validate a reader authentication x5chain (ISO 18013-5 ReaderAuth; profile B.1.7, Table B.6):
 * `x5chain[0]` is the reader certificate, `anchors` the reader CA certificates trusted.
 * Further x5chain certificates are offered as untrusted intermediates.
 * @throws X509Error `ERR_X509_PARSE`; with `strict: true`, the first failure.
 */
export async function verifyReaderChain(x5chain: readonly (Certificate | Uint8Array)[], options: VerifyX5ChainOptions): Promise<ChainReport> {
  const { leaf, rest } = splitChain(x5chain);
  const profile = mdocReaderProfile(options.readerExtendedKeyUsages === undefined ? {} : { readerExtendedKeyUsages: options.readerExtendedKeyUsages });
  return verifyChain(leaf, { ...options, intermediates: rest, profile });
}
