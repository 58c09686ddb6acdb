/**
 * Verifying a signed VICAL (ISO/IEC 18013-5:2021 Annex C, C.1.7; 2nd edition Annex C) and
 * turning it into trust anchors. The VICAL is a COSE_Sign1 (RFC 9052 §4.2) whose payload is
 * the VICAL map and whose x5chain (label 33, RFC 9360) starts with the VICAL signer
 * certificate; that certificate carries the extended key usage 1.0.18013.5.1.8 (id-mdl-kp VICAL signer; the
 * 2nd edition also recommends ISO/IEC 23220-4's generic OIDs, which a caller can accept
 * with `signerExtendedKeyUsages`) and must chain to an
 * anchor the caller trusts for VICALs. The list must also be current: `date` not in the
 * future and `nextUpdate`, when given, not passed (both at an injected time).
 *
 * Each IACA becomes a trust anchor restricted to the doctypes the list names for it (2nd
 * edition §12.8.1: the MSO docType must be one the VICAL lists for the IACA), and to the
 * country of `issuingCountry` when the entry gives one; entries whose serial number or SKI
 * disagree with their certificate, duplicates and unparsable certificates are left out.
 */

import { CoseHeader } from '../cose/algorithms.js';
import { getX5Chain } from '../cose/headers.js';
import { decodeCoseSign1, verifyCoseSign1 } from '../cose/sign1.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, PublicKey } from '../crypto/types.js';
import { isShomeiError, MdocError } from '../errors.js';
import type { LoadedTrustAnchor } from '../x509/anchors.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { type CertificateProfile, type ProfileCheckResult, verifyChain } from '../x509/chain.js';
import type { CertificateList } from '../x509/crl.js';
import { ExtKeyUsageOid } from '../x509/oids.js';
import { type Check, CheckList, errorText, failureOf } from './report.js';
import { type DecodeVicalOptions, decodeVical, MAX_VICAL_SIZE, type Vical, type VicalEntry, vicalEntries } from './vical.js';

/** Ids of the checks {@link verifyVical} reports (the signer chain's own appear as `VICAL_SIGNER_CHAIN.<id>`). */
export const VicalCheck = {
  /** The COSE_Sign1 and the VICAL in it are their CDDL shape. */
  VICAL_STRUCTURE: 'VICAL_STRUCTURE',
  /** x5chain holds a parsable VICAL signer certificate with an EC or EdDSA key. */
  VICAL_SIGNER_CERTIFICATE: 'VICAL_SIGNER_CERTIFICATE',
  /** The signer chains to a given anchor, valid at the time, with the VICAL signer profile (VICAL_SIGNER_*). */
  VICAL_SIGNER_CHAIN: 'VICAL_SIGNER_CHAIN',
  /** The COSE_Sign1 signature verifies with the signer's key. */
  VICAL_SIGNATURE: 'VICAL_SIGNATURE',
  /** version is "1.0" or another "1.x". */
  VICAL_VERSION: 'VICAL_VERSION',
  /** date is not in the future. */
  VICAL_DATE: 'VICAL_DATE',
  /** nextUpdate, when given, has not passed (skipped when absent). */
  VICAL_NEXT_UPDATE: 'VICAL_NEXT_UPDATE',
} as const;
export type VicalCheck = (typeof VicalCheck)[keyof typeof VicalCheck];

/** The VICAL signer certificate profile's check ids (reported as `VICAL_SIGNER_CHAIN.<id>`). */
export const VicalSignerCheck = {
  /** extKeyUsage holds 1.0.18013.5.1.8 (VICAL signer), or one of `signerExtendedKeyUsages`. */
  VICAL_SIGNER_EKU: 'VICAL_SIGNER_EKU',
  /** keyUsage is present and allows digitalSignature. */
  VICAL_SIGNER_KEY_USAGE: 'VICAL_SIGNER_KEY_USAGE',
  /** Not a CA (basicConstraints absent or cA FALSE). */
  VICAL_SIGNER_NOT_CA: 'VICAL_SIGNER_NOT_CA',
} as const;

/**
 * The VICAL signer certificate profile, for `verifyChain`: `ekus` are the extended key
 * usages accepted (default 1.0.18013.5.1.8).
 */
export function vicalSignerProfile(ekus: readonly string[] = [ExtKeyUsageOid.vicalSigner]): CertificateProfile {
  if (!Array.isArray(ekus) || ekus.length === 0 || !ekus.every((o) => typeof o === 'string')) throw new TypeError('signerExtendedKeyUsages must be a non-empty array of OIDs');
  return {
    name: 'ISO/IEC 18013-5 VICAL signer',
    checkIds: Object.values(VicalSignerCheck),
    async run({ leaf }): Promise<readonly ProfileCheckResult[]> {
      const eku = leaf.extKeyUsage?.oids ?? [];
      const ku = leaf.keyUsage;
      return [
        { id: VicalSignerCheck.VICAL_SIGNER_EKU, ok: eku.some((o) => ekus.includes(o)), detail: eku.length === 0 ? 'no extKeyUsage' : `extKeyUsage ${eku.join(', ')}` },
        { id: VicalSignerCheck.VICAL_SIGNER_KEY_USAGE, ok: ku?.usages.includes('digitalSignature') === true, detail: ku === null ? 'no keyUsage' : `keyUsage ${ku.usages.join(', ')}` },
        { id: VicalSignerCheck.VICAL_SIGNER_NOT_CA, ok: leaf.basicConstraints?.cA !== true, ...(leaf.basicConstraints?.cA === true ? { detail: 'the signer is a CA' } : {}) },
      ];
    },
  };
}

/** How to verify a VICAL. */
export interface VerifyVicalOptions extends BackendOptions, DecodeVicalOptions {
  /** The anchors trusted to sign VICALs (the VICAL provider's root): nothing is trusted implicitly. */
  readonly trustAnchors: readonly (Certificate | Uint8Array)[];
  /** Validation time; default now. */
  readonly now?: Date;
  /** Tolerance for the times, in seconds; default 300. */
  readonly clockSkewSeconds?: number;
  /** CRLs for the signer chain. */
  readonly crls?: readonly (CertificateList | Uint8Array)[];
  /** Fetches a CRL by URI for the signer chain; shomei never fetches on its own. */
  readonly fetchCrl?: (uri: string) => Promise<Uint8Array | undefined>;
  /** Fail when no CRL is available for the signer chain. Default false (reported as skipped). */
  readonly requireRevocationCheck?: boolean;
  /** EKUs accepted for the VICAL signer; default `[1.0.18013.5.1.8]`. */
  readonly signerExtendedKeyUsages?: readonly string[];
}

/** The outcome of {@link verifyVical}. */
export interface VerifyVicalResult {
  /** True only when every check passed. */
  readonly valid: boolean;
  readonly checks: readonly Check[];
  /** The VICAL, when it decodes. */
  readonly vical?: Vical;
  /**
   * Each CertificateInfo with its certificate and findings, once the VICAL_SIGNATURE and
   * VICAL_SIGNER_CHAIN checks pass (the other checks may still fail); empty otherwise: the
   * entries' certificates of a list nobody trusted signed are never parsed.
   */
  readonly entries: readonly VicalEntry[];
  /** The VICAL signer certificate, when it parses. */
  readonly signer?: Certificate;
  /** The anchor the signer chained to. */
  readonly anchor?: Certificate;
}

/**
 * Verify a signed VICAL: its shape, the signer certificate and its chain to
 * `options.trustAnchors` (with the VICAL signer profile), the signature, and that the list
 * is current at `options.now`; read every entry and compare it with its certificate.
 * Never throws for bad VICAL bytes: they give `valid: false` and a failed check.
 * @throws TypeError / RangeError for bad options.
 * @example
 * const result = await verifyVical(bytes, { trustAnchors: [vicalRoot], now });
 * if (result.valid) anchors.push(...vicalTrustAnchors(result));
 */
export async function verifyVical(signedVical: Uint8Array, options: VerifyVicalOptions): Promise<VerifyVicalResult> {
  if (!(signedVical instanceof Uint8Array)) throw new TypeError('signedVical must be a Uint8Array');
  if (!Array.isArray(options?.trustAnchors)) throw new TypeError('options.trustAnchors must be an array of certificates');
  resolveBackend(options);
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('options.now must be a valid Date');
  const skew = options.clockSkewSeconds ?? 300;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new RangeError('options.clockSkewSeconds must be a non-negative number');
  const skewMs = skew * 1000;
  const profile = vicalSignerProfile(options.signerExtendedKeyUsages);
  const list = new CheckList();
  const fail = (...ids: string[]) => {
    for (const id of ids) list.push({ id, status: 'skipped', required: true, detail: 'not reached' });
    return { valid: false, checks: list.checks, entries: [] };
  };

  // The COSE_Sign1 and its payload.
  let sign1: ReturnType<typeof decodeCoseSign1>;
  let vical: Vical;
  try {
    // The whole signed list is held to the payload limit, before any of it is decoded.
    const maxBytes = options.maxBytes ?? MAX_VICAL_SIZE;
    if (signedVical.length > maxBytes) throw new MdocError('ERR_VICAL_STRUCTURE', `the VICAL is ${signedVical.length} bytes, more than the limit of ${maxBytes}`, { path: 'vical' });
    sign1 = decodeCoseSign1(signedVical);
    if (sign1.payload === null) throw new MdocError('ERR_VICAL_STRUCTURE', 'the COSE_Sign1 has a detached payload', { path: 'payload' });
    vical = decodeVical(sign1.payload, options);
    list.add(VicalCheck.VICAL_STRUCTURE, true, `${vical.certificateInfos.length} entries`);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(VicalCheck.VICAL_STRUCTURE, false, errorText(e));
    return fail(VicalCheck.VICAL_SIGNER_CERTIFICATE, VicalCheck.VICAL_SIGNER_CHAIN, VicalCheck.VICAL_SIGNATURE);
  }

  // The signer certificate.
  let chain: Uint8Array[];
  let signer: Certificate;
  try {
    chain = getX5Chain(sign1.protectedHeaders, sign1.unprotectedHeaders);
    if (chain.length === 0) throw new MdocError('ERR_VICAL_STRUCTURE', 'the COSE_Sign1 has no x5chain', { path: 'x5chain' });
    signer = parseCertificate(chain[0]!);
    if (signer.publicKey === null || signer.publicKey.kty === 'RSA') throw new MdocError('ERR_MDOC_UNSUPPORTED', 'the VICAL signer key is not an EC or EdDSA key');
    list.add(VicalCheck.VICAL_SIGNER_CERTIFICATE, true, signer.subject.text);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(VicalCheck.VICAL_SIGNER_CERTIFICATE, false, errorText(e));
    const r = fail(VicalCheck.VICAL_SIGNER_CHAIN, VicalCheck.VICAL_SIGNATURE);
    return { ...r, vical };
  }

  // The chain, the signature (independent: run together, report in order).
  const chainWork = verifyChain(signer, {
    anchors: options.trustAnchors,
    intermediates: chain.slice(1),
    now,
    clockSkewSeconds: skew,
    profile,
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.crls === undefined ? {} : { crls: options.crls }),
    ...(options.fetchCrl === undefined ? {} : { fetchCrl: options.fetchCrl }),
    ...(options.requireRevocationCheck === undefined ? {} : { requireRevocationCheck: options.requireRevocationCheck }),
  }).then(
    (report) => ({ report }),
    (e: unknown) => {
      if (!isShomeiError(e)) throw e;
      return { error: errorText(e) };
    },
  );
  const signatureWork = failureOf(
    verifyCoseSign1(sign1, {
      key: signer.publicKey as PublicKey,
      understood: [CoseHeader.x5chain],
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    }),
  );
  const [chainResult, signatureError] = await Promise.all([chainWork, signatureWork]);
  let anchor: Certificate | undefined;
  if ('report' in chainResult && chainResult.report !== undefined) {
    const { report } = chainResult;
    for (const c of report.checks) list.push({ id: `${VicalCheck.VICAL_SIGNER_CHAIN}.${c.id}`, status: c.status, required: true, ...(c.detail === undefined ? {} : { detail: c.detail }) });
    list.add(VicalCheck.VICAL_SIGNER_CHAIN, report.valid, report.valid ? `to ${report.anchor?.subject.text}` : 'see the VICAL_SIGNER_CHAIN.* checks');
    if (report.anchor !== null) anchor = report.anchor;
  } else list.add(VicalCheck.VICAL_SIGNER_CHAIN, false, (chainResult as { error: string }).error);
  list.add(VicalCheck.VICAL_SIGNATURE, signatureError === undefined, signatureError);

  // The list itself: version, and current at `now`.
  list.add(VicalCheck.VICAL_VERSION, /^1\.\d{1,4}$/.test(vical.version), vical.version);
  const t = now.getTime();
  const future = vical.date.date.getTime() > t + skewMs;
  list.add(VicalCheck.VICAL_DATE, !future, future ? `date ${vical.date.text} is in the future` : vical.date.text);
  if (vical.nextUpdate === undefined) list.push({ id: VicalCheck.VICAL_NEXT_UPDATE, status: 'skipped', required: true, detail: 'no nextUpdate' });
  else {
    const stale = vical.nextUpdate.date.getTime() < t - skewMs;
    list.add(VicalCheck.VICAL_NEXT_UPDATE, !stale, stale ? `nextUpdate ${vical.nextUpdate.text} has passed: the list is out of date` : vical.nextUpdate.text);
  }
  // The entries' certificates are parsed only for a list its trusted signer signed: a forged
  // VICAL of many large hostile certificates took 1.4 GB and 13 s to report as invalid.
  const authentic = signatureError === undefined && 'report' in chainResult && chainResult.report?.valid === true;
  return { valid: list.ok, checks: list.checks, vical, entries: authentic ? vicalEntries(vical) : [], signer, ...(anchor === undefined ? {} : { anchor }) };
}

/** Which entries {@link vicalTrustAnchors} makes anchors of. */
export interface VicalTrustAnchorsOptions {
  /** Keep only IACAs listed for one of these doctypes (and restrict them to these). */
  readonly docTypes?: readonly string[];
}

/** `VICAL <provider> #<issueID>`: the source named in the report. */
export function vicalSource(vical: Vical): string {
  return `VICAL ${vical.vicalProvider}${vical.vicalIssueID === undefined ? '' : ` #${String(vical.vicalIssueID)}`} of ${vical.date.text}`;
}

/**
 * The usable IACAs of a verified VICAL as trust anchors restricted to the doctypes listed
 * for each (and to the country of `issuingCountry`, when given), with the list as their
 * source. Pass them as `trustAnchors` to `verifyDeviceResponse` / `verifyIssuerSigned`.
 * @throws MdocError `ERR_VICAL_UNTRUSTED` (with `check`) when `result` is not valid.
 */
export function vicalTrustAnchors(result: VerifyVicalResult, options: VicalTrustAnchorsOptions = {}): LoadedTrustAnchor[] {
  if (typeof result !== 'object' || result === null || !Array.isArray(result.checks)) throw new TypeError('result must be a VerifyVicalResult');
  if (!result.valid || result.vical === undefined) {
    const failed = result.checks.find((c) => c.status === 'failed');
    throw new MdocError('ERR_VICAL_UNTRUSTED', `the VICAL did not verify${failed === undefined ? '' : `: ${failed.id}${failed.detail === undefined ? '' : ` (${failed.detail})`}`}`, failed === undefined ? {} : { check: failed.id });
  }
  const source = vicalSource(result.vical);
  const out: LoadedTrustAnchor[] = [];
  for (const e of result.entries) {
    if (!e.usable || e.certificate === undefined) continue;
    const docTypes = options.docTypes === undefined ? e.info.docType : e.info.docType.filter((d) => options.docTypes!.includes(d));
    if (docTypes.length === 0) continue;
    const country = /^[A-Z]{2}(?=-|$)/.exec(e.info.issuingCountry ?? '')?.[0];
    out.push({ certificate: e.certificate, docTypes, ...(country === undefined ? {} : { countries: [country] }), source });
  }
  return out;
}

/**
 * Verify a VICAL and return its trust anchors in one step.
 * @throws MdocError `ERR_VICAL_UNTRUSTED` when it does not verify.
 */
export async function loadVicalTrustAnchors(signedVical: Uint8Array, options: VerifyVicalOptions & VicalTrustAnchorsOptions): Promise<LoadedTrustAnchor[]> {
  return vicalTrustAnchors(await verifyVical(signedVical, options), options);
}
