/**
 * Certificate status of a JPKI certificate, for server-side verifiers: OCSP (RFC 6960,
 * through the caller's transport) and CRLs the caller hands over (RFC 5280 §6.3), with the
 * caller's policy deciding which answer is required. JPKI certificates name their CRL
 * distribution points as X.500 directory names (reference §5.2, §5.4), which shomei reports
 * and never fetches; J-LIS gives CRL and OCSP access to licensed verifiers (署名検証者 /
 * 利用者証明検証者) only, so a caller that has it passes the CRL or an OCSP transport.
 *
 * The checks are reported with the same shape as the mdoc report's (`id`, `status`,
 * `required`, `detail`): `valid` of a report is false when a required check failed.
 */
import type { CryptoBackend } from '../crypto/types.js';
import type { Certificate } from '../x509/certificate.js';
import { type CertificateList, type CrlCheck, checkCrl, CrlReason, parseCrl } from '../x509/crl.js';
import { type CheckOcspOptions, checkOcsp, type OcspCheck } from '../x509/ocsp-check.js';

/** The outcome of a check. */
export type JpkiCheckStatus = 'passed' | 'failed' | 'skipped';

/** One named check of a JPKI verification report (the mdoc report's `Check` shape). */
export interface JpkiCheck {
  readonly id: string;
  readonly status: JpkiCheckStatus;
  /** False for a check whose failure does not make the result invalid (a status source the policy does not require). */
  readonly required: boolean;
  readonly detail?: string;
}

/** Ids of the status checks. */
export const JpkiStatusCheckId = {
  /** The OCSP answer: good passes, revoked fails; unknown, unusable or unreachable fail (required only when the policy requires OCSP). */
  OCSP: 'OCSP',
  /** The given CRLs: not listed passes, listed fails; none given or none usable fails (required only when the policy requires a CRL). */
  CRL: 'CRL',
  /** The policy's verdict: never revoked, and the required sources answered good. */
  CERTIFICATE_STATUS: 'CERTIFICATE_STATUS',
} as const;
export type JpkiStatusCheckId = (typeof JpkiStatusCheckId)[keyof typeof JpkiStatusCheckId];

/**
 * Which answers the verifier requires: `none` (check what is given, never fail for a missing
 * answer; a revoked answer still fails), `any` (one source answers good), `ocsp`, `crl`, or
 * `all` (both answer good). Default: `any` when a source is given, else `none`.
 */
export type JpkiStatusRequirement = 'none' | 'any' | 'ocsp' | 'crl' | 'all';

/** OCSP for a JPKI certificate: the transport (J-LIS's responder for licensed verifiers, or your own). */
export type JpkiOcspOptions = Omit<CheckOcspOptions, 'now' | 'clockSkewSeconds' | 'backend'>;

/** Status options of `verifyJpkiAuthentication` and `verifyDetachedCms`. */
export interface JpkiStatusOptions {
  /** Ask an OCSP responder (the URL defaults to the certificate's, e.g. `http://ocspauthnorm.jpki.go.jp`). */
  readonly ocsp?: JpkiOcspOptions;
  /** CRLs the caller obtained (DER, PEM or parsed). */
  readonly crls?: readonly (CertificateList | Uint8Array | string)[];
  readonly require?: JpkiStatusRequirement;
}

/** What the status checks found. */
export interface JpkiStatusResult {
  readonly checks: readonly JpkiCheck[];
  readonly ocsp: OcspCheck | null;
  readonly crl: CrlCheck | null;
  /** The certificate's CRL distribution points that are directory names (reported, not fetched). */
  readonly crlDistributionPoints: readonly string[];
}

const REQUIREMENTS: readonly JpkiStatusRequirement[] = ['none', 'any', 'ocsp', 'crl', 'all'];

/** The directory-name CRL distribution points of `cert`, as RFC 4514-style text. */
export function directoryNameDistributionPoints(cert: Certificate): string[] {
  const out: string[] = [];
  for (const p of cert.cRLDistributionPoints?.points ?? []) {
    for (const n of p.fullName ?? []) if (n.type === 'directoryName') out.push(n.value.text);
  }
  return out;
}

/** Check the option shapes (programmer misuse throws). */
export function checkStatusOptions(options: JpkiStatusOptions | undefined, what: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${what} must be an object`);
  if (options.require !== undefined && !REQUIREMENTS.includes(options.require)) throw new RangeError(`${what}.require must be one of ${REQUIREMENTS.join(', ')}`);
  if (options.ocsp !== undefined && typeof options.ocsp?.transport !== 'function') throw new TypeError(`${what}.ocsp.transport must be a function`);
  if (options.crls !== undefined && !Array.isArray(options.crls)) throw new TypeError(`${what}.crls must be an array`);
}

function revokedDetail(time: Date, reason: number | null): string {
  const hold = reason === CrlReason.certificateHold ? ' (on hold: suspended)' : '';
  return `revoked at ${time.toISOString()}${reason === null ? '' : ` (reason ${reason})`}${hold}`;
}

/**
 * Check `cert` (issued by `issuer`, which the caller has already validated) against the
 * status sources in `options`, and judge the result by `options.require`.
 */
export async function checkJpkiCertificateStatus(
  cert: Certificate,
  issuer: Certificate,
  options: JpkiStatusOptions | undefined,
  context: { readonly now: Date; readonly clockSkewSeconds: number; readonly backend: CryptoBackend },
): Promise<JpkiStatusResult> {
  const { now, clockSkewSeconds, backend } = context;
  const dps = directoryNameDistributionPoints(cert);
  const hasOcsp = options?.ocsp !== undefined;
  const hasCrl = (options?.crls?.length ?? 0) > 0;
  const require: JpkiStatusRequirement = options?.require ?? (hasOcsp || hasCrl ? 'any' : 'none');
  const ocspRequired = require === 'ocsp' || require === 'all';
  const crlRequired = require === 'crl' || require === 'all';
  const checks: JpkiCheck[] = [];
  let revoked = false;

  // OCSP
  let ocsp: OcspCheck | null = null;
  let ocspGood = false;
  if (!hasOcsp) {
    checks.push({ id: JpkiStatusCheckId.OCSP, status: ocspRequired ? 'failed' : 'skipped', required: ocspRequired, detail: 'no OCSP transport given' });
  } else {
    ocsp = await checkOcsp(cert, issuer, { ...options!.ocsp!, now, clockSkewSeconds, backend });
    if (ocsp.status === 'good') {
      ocspGood = true;
      const r = ocsp.response;
      checks.push({
        id: JpkiStatusCheckId.OCSP,
        status: 'passed',
        required: ocspRequired,
        detail: `good from ${ocsp.url} (${r.responder === 'issuer' ? 'signed by the issuing CA' : `delegated responder${r.responderNoCheck ? ', ocsp-nocheck' : ''}`}; thisUpdate ${r.thisUpdate.toISOString()}${r.nextUpdate ? `, nextUpdate ${r.nextUpdate.toISOString()}` : ''}${ocsp.cached ? '; cached' : ''})`,
      });
    } else if (ocsp.status === 'revoked') {
      revoked = true;
      const s = ocsp.response.certStatus;
      checks.push({ id: JpkiStatusCheckId.OCSP, status: 'failed', required: true, detail: s.status === 'revoked' ? `OCSP: ${revokedDetail(s.revocationTime, s.reason)}` : 'revoked' });
    } else if (ocsp.status === 'unknown') {
      checks.push({ id: JpkiStatusCheckId.OCSP, status: 'failed', required: ocspRequired, detail: `the responder at ${ocsp.url} does not know this certificate (unknown)` });
    } else {
      checks.push({ id: JpkiStatusCheckId.OCSP, status: 'failed', required: ocspRequired, detail: `${ocsp.status}: ${'reason' in ocsp ? ocsp.reason : ''}` });
    }
  }

  // CRLs
  let crl: CrlCheck | null = null;
  let crlGood = false;
  const dpText = dps.length === 0 ? '' : `; the certificate's CRL distribution points (directory names, not fetched): ${dps.join(' | ')}`;
  if (!hasCrl) {
    checks.push({ id: JpkiStatusCheckId.CRL, status: crlRequired ? 'failed' : 'skipped', required: crlRequired, detail: `no CRL given${dpText}` });
  } else {
    const problems: string[] = [];
    for (const given of options!.crls!) {
      let list: CertificateList;
      try {
        list = typeof given === 'string' || given instanceof Uint8Array ? parseCrl(given) : given;
      } catch (e) {
        problems.push(`a given CRL does not parse: ${(e as Error).message}`);
        continue;
      }
      const r = await checkCrl(cert, issuer, list, now, clockSkewSeconds * 1000, backend);
      if (r.status === 'revoked') {
        crl = r;
        break;
      }
      if (r.status === 'good') crl = r;
      else if (r.status === 'unusable' || r.status === 'not-applicable') problems.push(r.reason);
    }
    if (crl?.status === 'revoked') {
      revoked = true;
      checks.push({ id: JpkiStatusCheckId.CRL, status: 'failed', required: true, detail: `CRL: ${revokedDetail(crl.entry.revocationDate, crl.entry.reason)}` });
    } else if (crl?.status === 'good') {
      crlGood = true;
      checks.push({ id: JpkiStatusCheckId.CRL, status: 'passed', required: crlRequired, detail: `not listed in the CRL of ${crl.crl.issuer.text} (thisUpdate ${crl.crl.thisUpdate.toISOString()})` });
    } else {
      checks.push({ id: JpkiStatusCheckId.CRL, status: 'failed', required: crlRequired, detail: `no usable CRL covers the certificate: ${problems.join('; ')}${dpText}` });
    }
  }

  // The policy's verdict.
  let verdict: JpkiCheck;
  const id = JpkiStatusCheckId.CERTIFICATE_STATUS;
  if (revoked) verdict = { id, status: 'failed', required: true, detail: 'the certificate is revoked' };
  else {
    const ok = require === 'none' || (require === 'any' ? ocspGood || crlGood : require === 'ocsp' ? ocspGood : require === 'crl' ? crlGood : ocspGood && crlGood);
    const answered = [ocspGood ? 'OCSP' : null, crlGood ? 'CRL' : null].filter((x) => x !== null);
    if (!ok) verdict = { id, status: 'failed', required: true, detail: `required (${require}) but no such good answer${answered.length ? `; good: ${answered.join(', ')}` : ''}` };
    else if (answered.length === 0) verdict = { id, status: 'skipped', required: true, detail: 'status not required and not established: revocation was not checked' };
    else verdict = { id, status: 'passed', required: true, detail: `good by ${answered.join(' and ')} (required: ${require})` };
  }
  checks.push(verdict);
  return { checks, ocsp, crl, crlDistributionPoints: dps };
}
