/**
 * Issuer data authentication (ISO/IEC 18013-5:2021 §9.3.1, certificate validation §9.3.3
 * with Annex B): the DS chain, the IssuerAuth signature, the MSO (version, docType,
 * validity), every returned element's value digest, issuing_country / issuing_jurisdiction
 * against the DS certificate, and the doctype profile checks when asked for. Shared by
 * `verifyDeviceResponse` (per document) and `verifyIssuerSigned` (an IssuerSigned on its
 * own, for wallets checking what they receive and servers holding IssuerSigned without a
 * session).
 *
 * Each named deviation met on the way (see `MdocDeviation`) is reported as a
 * `DEVIATION.<id>` check and verification goes on, so the report shows every check.
 */

import { type CborValue, decode, type EncodedCbor } from '../cbor/index.js';
import { CoseHeader } from '../cose/algorithms.js';
import { getX5Chain } from '../cose/headers.js';
import { fullySpecifiedAlgDeviation, verifyMdocSign1 } from './sign1-checks.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, PublicKey } from '../crypto/types.js';
import { isShomeiError, MdocError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { loadOnce } from '../internal/once.js';
import { countryOf, isConstrainedTrustAnchor, type TrustAnchorEntry, trustAnchorCertificate } from '../x509/anchors.js';
import { parseCertificate } from '../x509/certificate.js';
import { CRL_PROFILE_CHECK_IDS } from '../x509/crl-profile.js';
import type { Certificate, CertificateList, ChainReport, CrlCache, VerifyX5ChainOptions } from '../x509/index.js';
import { mdocIssuerProfile } from '../x509/profiles/mdoc.js';
import { cachedIssuerChain } from './chain-cache.js';
import { type Deviation, MdocDeviation, readTolerate } from './deviations.js';
import type { DoctypeRegistry } from './doctypes/registry.js';
import { decodeIssuerAuthPayload, decodeIssuerSigned, digestItem, type IssuerSigned } from './issuer-signed.js';
import { type DigestAlgorithm, DIGEST_ALGORITHMS, isDigestAlgorithm, type MobileSecurityObject, validityInstant } from './mso.js';
import { type Check, CheckList, type DisclosedElements, errorText, MdocCheckId as C, type VerifyIssuerSignedResult } from './report.js';
import { describeValue } from './structure.js';
import { checkMsoStatusOptions, type MsoStatusOptions, unrequestedStatusChecks } from './status/options.js';

/** How to verify issuer-signed data (also the base of `VerifyDeviceResponseOptions`). */
export interface VerifyIssuerOptions extends BackendOptions {
  /**
   * The IACA certificates trusted for this use (nothing is trusted implicitly); an entry may
   * restrict its IACA to doctypes and countries (`{ certificate, docTypes, countries, source }`,
   * e.g. from `vicalTrustAnchors`), checked as TRUST_ANCHOR_DOCTYPE / TRUST_ANCHOR_COUNTRY.
   */
  readonly trustAnchors: readonly TrustAnchorEntry[];
  /** Validation time; default now. */
  readonly now?: Date;
  /** Tolerance for MSO and certificate times, in seconds; default 300. */
  readonly clockSkewSeconds?: number;
  /** Allowed MSO digest algorithms; default all of SHA-256/384/512. */
  readonly digestAlgorithms?: readonly DigestAlgorithm[];
  /**
   * Annex B profile checks to waive, by id (e.g. `DS_CRL_DP`); shown as waived.
   * An id that is not such a check is a `RangeError` naming the valid ids.
   */
  readonly waive?: readonly string[];
  /**
   * Named deviations to tolerate (see `MdocDeviation`); shown as `tolerated`. An id that is
   * not a deviation (a signature, digest, chain or validity check is never one) is a
   * `TypeError` naming the valid ids.
   */
  readonly tolerate?: readonly MdocDeviation[];
  /**
   * Refuse the deviations tolerated by default (today TDATE_FRACTIONAL_SECONDS, a fraction of
   * seconds in the MSO's dates): each then fails unless listed in `tolerate`. Default false.
   */
  readonly strictDeviations?: boolean;
  /** EKUs accepted for the DS certificate; default mdlDS (1.0.18013.5.1.2). */
  readonly dsExtendedKeyUsages?: readonly string[];
  /** CRLs to check the DS chain against: parsed (`parseCrl`, once) or DER bytes, parsed on every call; a shared `crlCache` keeps them parsed for you. */
  readonly crls?: readonly (CertificateList | Uint8Array)[];
  /** Fetches a CRL by URI when needed; shomei never fetches on its own. */
  readonly fetchCrl?: (uri: string) => Promise<Uint8Array | undefined>;
  /** A shared CRL cache (`CrlCache` from `shomei/x509`) fetching by distribution point, checked before use; tried before `fetchCrl`. */
  readonly crlCache?: CrlCache;
  /** Fail when no CRL is available for a certificate. Default false (reported as skipped). */
  readonly requireRevocationCheck?: boolean;
  /**
   * Doctype profiles for the element type checks (e.g. `defaultRegistry()`, the built-in
   * mDL, PhotoID, EU PID and My Number Card profiles), reported as `PROFILE.*` checks that do
   * not affect `valid` (unless `strictProfiles`). Default none: no `PROFILE.*` checks, and no
   * profile code loaded (`false` says the same).
   */
  readonly profiles?: DoctypeRegistry | false;
  /**
   * Make profile checks required: a value of the wrong type, or an unknown element, fails.
   * Needs `profiles` (a `TypeError` without a registry). Default false.
   */
  readonly strictProfiles?: boolean;
  /**
   * Check the MSO's status list / identifier list (ISO 18013-5 2e §12.3.6) through this
   * fetcher, reported as MSO_STATUS; default not checked.
   */
  readonly status?: MsoStatusOptions;
}

/** How to verify an IssuerSigned on its own. */
export interface VerifyIssuerSignedOptions extends VerifyIssuerOptions {
  /** The docType expected; when absent, MSO_DOCTYPE is skipped and the MSO's docType is reported. */
  readonly docType?: string;
}

/** What the issuer checks have at hand, read once per verification. */
export interface IssuerContext {
  readonly options: VerifyIssuerOptions;
  readonly now: Date;
  readonly skewMs: number;
  readonly tolerate: ReadonlySet<MdocDeviation>;
}

/** The Annex B profile check ids that can be waived, read once. */
let waivableIds: ReadonlySet<string> | undefined;

/** The ids `waive` accepts (the Annex B issuer profile checks, and the B.2 CRL profile checks). */
export function waivableCheckIds(): readonly string[] {
  return [...mdocIssuerProfile().checkIds, ...CRL_PROFILE_CHECK_IDS];
}

/**
 * Read and check the options every verification shares.
 * @throws TypeError for no trust anchors or an unknown `tolerate` id; RangeError for an
 *   unknown `waive` id or a bad clock skew.
 */
export function issuerContext(options: VerifyIssuerOptions): IssuerContext {
  if (!Array.isArray(options?.trustAnchors)) throw new TypeError('trustAnchors must be an array of IACA certificates');
  resolveBackend(options);
  const tolerate = readTolerate(options.tolerate, options.strictDeviations);
  if (options.waive !== undefined) {
    if (!Array.isArray(options.waive)) throw new TypeError('options.waive must be an array of check ids');
    waivableIds ??= new Set(waivableCheckIds());
    for (const id of options.waive) {
      if (typeof id !== 'string' || !waivableIds.has(id)) {
        throw new RangeError(`options.waive: ${JSON.stringify(id)} is not a waivable Annex B check; valid ids: ${[...waivableIds].join(', ')}`);
      }
    }
  }
  const registry = options.profiles;
  if (registry !== undefined && registry !== false && typeof (registry as Partial<DoctypeRegistry> | null)?.checkDocument !== 'function') {
    throw new TypeError('options.profiles must be a DoctypeRegistry (e.g. defaultRegistry()) or false');
  }
  if (options.strictProfiles === true && (registry === undefined || registry === false)) {
    throw new TypeError('options.strictProfiles needs options.profiles: a DoctypeRegistry such as defaultRegistry()');
  }
  checkMsoStatusOptions(options.status);
  const skew = options.clockSkewSeconds ?? 300;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new RangeError('options.clockSkewSeconds must be a non-negative number');
  return { options, now: options.now ?? new Date(), skewMs: skew * 1000, tolerate };
}


/**
 * Run `decode`, reporting `id` as passed, or as failed with the message of the ShomeiError
 * it threw (then undefined), or with what `problem` finds in the value read (then the value).
 * Any other error is a bug and propagates.
 */
export function decodeReported<T>(list: CheckList, id: string, decode: () => T, problem?: (value: T) => string | undefined): T | undefined {
  try {
    const value = decode();
    const found = problem?.(value);
    list.add(id, found === undefined, found);
    return value;
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(id, false, errorText(e));
    return undefined;
  }
}

/** A record with no prototype, so that a holder-chosen name (`__proto__`, `toString`) is just a key. */
export function nullRecord<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** namespace → element → value as null-prototype records (the report's disclosed elements). */
export function disclosed(m: ReadonlyMap<string, ReadonlyMap<string, CborValue>>): DisclosedElements {
  return nullRecord([...m].map(([ns, items]) => [ns, nullRecord(items)] as const));
}

/** An MSO read with a device key that cannot be used fails MSO_STRUCTURE at the key (its other checks still run). */
function unusableDeviceKey(mso: MobileSecurityObject): string | undefined {
  const e = mso.deviceKeyInfo.deviceKeyError;
  return e === undefined ? undefined : `${e.path}: ${e.detail}`;
}

function validityProblem(mso: MobileSecurityObject, now: Date, skewMs: number): string | undefined {
  const { signed, validFrom, validUntil } = mso.validityInfo;
  const t = now.getTime();
  // Rounded so that digits below the millisecond never widen the window.
  if (validityInstant(signed, 'ceil') > t + skewMs) return `signed ${signed.text} is in the future`;
  if (validityInstant(validFrom, 'ceil') > t + skewMs) return `not valid before ${validFrom.text}`;
  if (validityInstant(validUntil, 'floor') < t - skewMs) return `expired at ${validUntil.text}`;
  if (validUntil.date <= validFrom.date) return `validUntil ${validUntil.text} is not after validFrom`;
  return undefined;
}

const X5CHAIN_LABEL: readonly CborValue[] = [CoseHeader.x5chain];

/** The deviation of an x5chain sent in both header buckets, loaded by the first IssuerAuth that has one. */
const x5chainBucketsModule = loadOnce(() => import('./x5chain-buckets.js'));

/** The restrictions of constrained trust anchors, loaded by the first verification given one. */
const anchorUseModule = loadOnce(() => import('../x509/anchor-use.js'));

/** The status list code (token verification, DEFLATE), loaded by the first verification given `status`. */
const statusModule = loadOnce(() => import('./status/check.js'));

/** The MSO's deviations, version, docType and validity window. */
function msoChecks(mso: MobileSecurityObject, docType: string | undefined, ctx: IssuerContext, list: CheckList): void {
  for (const d of mso.deviations ?? []) list.deviation(d, ctx.tolerate);
  // A later minor version of 1 is read as 1.0 and named; any other version fails.
  const minor = mso.version !== '1.0' && /^1\.\d{1,4}$/.test(mso.version);
  list.add(C.MSO_VERSION, mso.version === '1.0' || minor, mso.version);
  if (minor) list.deviation({ id: MdocDeviation.MSO_VERSION_MINOR, path: 'issuerAuth.payload.mso.version', detail: `version ${JSON.stringify(mso.version)} read as "1.0"` }, ctx.tolerate);
  if (docType === undefined) list.push({ id: C.MSO_DOCTYPE, status: 'skipped', required: true, detail: `no docType given; the MSO says ${mso.docType}` });
  else list.add(C.MSO_DOCTYPE, mso.docType === docType, mso.docType === docType ? undefined : `MSO says ${mso.docType}, the document ${docType}`);
  const problem = validityProblem(mso, ctx.now, ctx.skewMs);
  list.add(C.MSO_VALIDITY, problem === undefined, problem);
  // validFrom before signed (§9.1.2.4 says validFrom ≥ signed): the window against now is checked above all the same.
  const { signed, validFrom } = mso.validityInfo;
  if (validFrom.date < signed.date) {
    list.deviation({ id: MdocDeviation.VALIDITY_FROM_BEFORE_SIGNED, path: 'issuerAuth.payload.mso.validityInfo', detail: `validFrom ${validFrom.text} is before signed ${signed.text}` }, ctx.tolerate);
  }
}

/** The DS_CHAIN.* checks of each chain report, made once per report (a cached report is reused by many verifications). */
const chainChecks = new WeakMap<ChainReport, readonly Check[]>();

/** The chain report's checks as `DS_CHAIN.<id>` report checks (frozen: shared by every report that reuses the chain report). */
function dsChainChecks(report: ChainReport): readonly Check[] {
  let checks = chainChecks.get(report);
  if (checks === undefined) {
    checks = report.checks.map((c) => Object.freeze(c.detail === undefined ? { id: `${C.DS_CHAIN}.${c.id}`, status: c.status, required: true } : { id: `${C.DS_CHAIN}.${c.id}`, status: c.status, required: true, detail: c.detail }));
    chainChecks.set(report, checks);
  }
  return checks;
}

/** IssuerAuth's header deviations, when met. */
function headerDeviations(duplicate: Deviation | undefined, fullySpecified: Deviation | undefined, ctx: IssuerContext, list: CheckList): void {
  if (duplicate !== undefined) list.deviation(duplicate, ctx.tolerate);
  if (fullySpecified !== undefined) list.deviation(fullySpecified, ctx.tolerate);
}

/** DS certificate, chain and IssuerAuth signature. */
async function issuerAuthChecks(issuerSigned: IssuerSigned, ctx: IssuerContext, list: CheckList): Promise<{ ds?: Certificate; anchor?: Certificate }> {
  const { options } = ctx;
  const auth = issuerSigned.issuerAuth;
  // An x5chain in both header buckets (rare): its deviation's code is loaded only then.
  const duplicate = auth.protectedHeaders.has(CoseHeader.x5chain) && auth.unprotectedHeaders.has(CoseHeader.x5chain) ? (await x5chainBucketsModule()).x5chainDeviation(auth) : undefined;
  const fullySpecified = fullySpecifiedAlgDeviation(auth.protectedHeaders, 'issuerAuth.protected');
  let ds: Certificate | undefined;
  let chain: Uint8Array[] = [];
  try {
    chain = getX5Chain(auth.protectedHeaders, auth.unprotectedHeaders);
    if (chain.length === 0) throw new MdocError('ERR_MDOC_STRUCTURE', 'IssuerAuth has no x5chain');
    ds = parseCertificate(chain[0]!);
    if (ds.publicKey === null || ds.publicKey.kty === 'RSA') throw new MdocError('ERR_MDOC_UNSUPPORTED', 'the DS key is not an EC or EdDSA key');
    list.add(C.DS_CERTIFICATE, true, ds.subject.text);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(C.DS_CERTIFICATE, false, errorText(e));
    headerDeviations(duplicate, fullySpecified, ctx, list);
    list.add(C.DS_CHAIN, false, 'no document signer certificate');
    list.add(C.ISSUER_SIGNATURE, false, 'no document signer certificate');
    return {};
  }
  headerDeviations(duplicate, fullySpecified, ctx, list);
  // The chain: DS to one of the trusted IACAs, with the Annex B profile.
  const chainOptions: VerifyX5ChainOptions = {
    anchors: options.trustAnchors.map(trustAnchorCertificate),
    now: ctx.now,
    clockSkewSeconds: ctx.skewMs / 1000,
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.waive === undefined ? {} : { waive: options.waive }),
    ...(options.dsExtendedKeyUsages === undefined ? {} : { dsExtendedKeyUsages: options.dsExtendedKeyUsages }),
    ...(options.crls === undefined ? {} : { crls: options.crls }),
    ...(options.fetchCrl === undefined ? {} : { fetchCrl: options.fetchCrl }),
    ...(options.crlCache === undefined ? {} : { crlCache: options.crlCache }),
    ...(options.requireRevocationCheck === undefined ? {} : { requireRevocationCheck: options.requireRevocationCheck }),
  };
  // The signature over the MSO, with the leaf of the chain, starts now: with an asynchronous
  // backend it runs while the chain is looked up and the MSO decoded. Reported after the chain.
  // Its deviations (SIG_STRUCTURE_AAD_NULL), or why it failed.
  const signature = verifyMdocSign1(
    auth,
    {
      key: ds.publicKey as PublicKey,
      ...(duplicate === undefined ? {} : { allowInBoth: X5CHAIN_LABEL }),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    },
    'issuerAuth',
  ).then(undefined, (e: unknown) => {
    if (!isShomeiError(e)) throw e;
    return errorText(e);
  });
  // The DS as parsed above (one object per DER while the parse cache holds it), so the
  // chain cache keys it by object instead of reading its bytes again.
  const chainCheck = cachedIssuerChain([ds, ...chain.slice(1)], chainOptions).then(
    (report) => {
      for (const c of dsChainChecks(report)) list.push(c);
      list.add(C.DS_CHAIN, report.valid, report.valid ? `to ${report.anchor?.subject.text}` : 'see the DS_CHAIN.* checks');
      return report.anchor ?? undefined;
    },
    (e: unknown) => {
      if (!isShomeiError(e)) throw e;
      list.add(C.DS_CHAIN, false, errorText(e));
      return undefined;
    },
  );
  // Both awaited together, so neither can reject unobserved.
  const [anchor, verdict] = await Promise.all([chainCheck, signature]);
  if (typeof verdict === 'string') list.add(C.ISSUER_SIGNATURE, false, verdict);
  else {
    list.add(C.ISSUER_SIGNATURE, true);
    for (const d of verdict) list.deviation(d, ctx.tolerate);
  }
  return { ds, ...(anchor === undefined ? {} : { anchor }) };
}

async function digestChecks(issuerSigned: IssuerSigned, mso: MobileSecurityObject, ctx: IssuerContext, list: CheckList): Promise<void> {
  const allowed = ctx.options.digestAlgorithms ?? DIGEST_ALGORITHMS;
  const algOk = isDigestAlgorithm(mso.digestAlgorithm) && allowed.includes(mso.digestAlgorithm);
  list.add(C.DIGEST_ALGORITHM, algOk, mso.digestAlgorithm);
  const items = [...issuerSigned.nameSpaces].flatMap(([ns, list]) => list.map((item) => [ns, item] as const));
  // The digests are independent: compute them together, report them in order.
  const actual = algOk ? await Promise.all(items.map(([, item]) => digestItem(item, mso.digestAlgorithm as DigestAlgorithm, ctx.options))) : [];
  items.forEach(([ns, item], i) => {
    const { digestID, elementIdentifier } = item.value;
    const where = { namespace: ns, element: elementIdentifier };
    const expected = mso.valueDigests.get(ns)?.get(digestID);
    if (!algOk) list.add(C.VALUE_DIGEST, false, 'digest algorithm not allowed', where);
    else if (expected === undefined) list.add(C.VALUE_DIGEST, false, `no digest ${digestID} in valueDigests[${ns}]`, where);
    else {
      const same = equalBytes(actual[i]!, expected);
      list.add(C.VALUE_DIGEST, same, same ? undefined : 'digest mismatch', where);
    }
  });
}

/** issuing_country / issuing_jurisdiction against the DS subject (§9.3.1, Annex B Table B.3). */
function countryChecks(values: ReadonlyMap<string, ReadonlyMap<string, CborValue>>, ds: Certificate, list: CheckList): void {
  for (const [element, attr, id] of [
    ['issuing_country', 'C', C.ISSUING_COUNTRY],
    ['issuing_jurisdiction', 'ST', C.ISSUING_JURISDICTION],
  ] as const) {
    const attrs = ds.subject.attributes;
    const expected = Object.hasOwn(attrs, attr) ? attrs[attr]?.[0] : undefined;
    for (const [ns, items] of values) {
      if (!items.has(element)) continue;
      const value = items.get(element);
      const where = { namespace: ns, element };
      // stateOrProvinceName is optional in the DS certificate: only when present must
      // issuing_jurisdiction equal it. countryName is mandatory, so a missing one fails.
      if (expected === undefined && attr === 'ST') {
        list.push({ id, status: 'skipped', required: true, detail: 'the DS certificate has no stateOrProvinceName to compare with', ...where });
        continue;
      }
      const ok = typeof value === 'string' && expected !== undefined && value === expected;
      // The value is read before its digest is known to match: any CBOR value, a bigint included.
      const shown = typeof value === 'string' ? JSON.stringify(value) : describeValue(value as CborValue);
      list.add(id, ok, ok ? undefined : `${element} ${shown} but the DS certificate says ${attr}=${expected ?? '(none)'}`, where);
    }
  }
}

/**
 * The doctype profile checks (`PROFILE.*`), informational unless `strictProfiles`: only with
 * a `profiles` registry, which brings its own checker, so a verification without one loads
 * no profile code.
 */
function profileChecks(docType: string, values: () => ReadonlyMap<string, ReadonlyMap<string, CborValue>>, ctx: IssuerContext, list: CheckList): void {
  const { profiles } = ctx.options;
  if (profiles === undefined || profiles === false) return;
  const strict = ctx.options.strictProfiles ?? false;
  for (const c of profiles.checkDocument(docType, values(), { strict })) {
    const check: { -readonly [K in keyof Check]: Check[K] } = { id: `PROFILE.${c.id}`, status: c.status, required: strict, detail: c.detail };
    if (c.namespace !== undefined) check.namespace = c.namespace;
    if (c.element !== undefined) check.element = c.element;
    list.push(check);
  }
}

/** The issuer-signed values by namespace, as received. */
export function issuerValues(issuerSigned: IssuerSigned): Map<string, Map<string, CborValue>> {
  return new Map([...issuerSigned.nameSpaces].map(([ns, items]) => [ns, new Map(items.map((i) => [i.value.elementIdentifier, i.value.elementValue]))]));
}

const EXACT = { exactNumbers: true } as const;

/** `bytes` decoded with `exactNumbers`, or undefined where they do not decode (bytes a caller wrapped itself). */
function decodeExact(bytes: Uint8Array): CborValue {
  try {
    return decode(bytes, EXACT);
  } catch {
    return undefined;
  }
}

/**
 * Every element value by namespace, issuer-signed and then device-signed, in the CBOR type it
 * was sent as (`exactNumbers`: a float stays a `CborFloat`, a bignum a `Tag`), for the
 * profile type checks: a float `1.0` is no `uint`, though it reads as the number 1. The
 * bytes decoded again are the ones already read; where a caller wrapped bytes that do not
 * decode, the value as read is used.
 */
export function exactValues(issuerSigned: IssuerSigned, deviceNameSpaces?: EncodedCbor<ReadonlyMap<string, ReadonlyMap<string, CborValue>>>): Map<string, Map<string, CborValue>> {
  const out = new Map<string, Map<string, CborValue>>();
  for (const [ns, items] of issuerSigned.nameSpaces) {
    const m = new Map<string, CborValue>();
    for (const i of items) {
      const item = decodeExact(i.bytes);
      m.set(i.value.elementIdentifier, item instanceof Map && item.has('elementValue') ? item.get('elementValue') : i.value.elementValue);
    }
    out.set(ns, m);
  }
  if (deviceNameSpaces !== undefined) {
    const exact = decodeExact(deviceNameSpaces.bytes);
    for (const [ns, items] of exact instanceof Map ? (exact as Map<string, ReadonlyMap<string, CborValue>>) : deviceNameSpaces.value) {
      let m = out.get(ns);
      if (m === undefined) out.set(ns, (m = new Map()));
      if (items instanceof Map) for (const [id, v] of items) m.set(id, v);
    }
  }
  return out;
}

/** What the issuer-side verification found, for the caller to assemble its report. */
export interface IssuerPart {
  readonly checks: Check[];
  readonly docType: string | undefined;
  /** What could be read and established, for the report (absent members stay absent). */
  readonly found: { readonly mso?: MobileSecurityObject; readonly documentSigner?: Certificate; readonly trustAnchor?: Certificate };
}

/** The device-side checks a caller runs once the MSO is known (in parallel with the chain). */
export type DeviceWork = (mso: MobileSecurityObject | undefined) => Promise<CheckList>;

/** Element values: the issuer-signed ones by namespace, and the device-signed DeviceNameSpacesBytes (for the profile checks). */
export interface DocumentValues {
  readonly issued: ReadonlyMap<string, ReadonlyMap<string, CborValue>>;
  readonly deviceNameSpaces?: EncodedCbor<ReadonlyMap<string, ReadonlyMap<string, CborValue>>>;
}

/**
 * Verify the issuer side of one document: deviations read while decoding, DS chain and
 * signature, MSO, value digests, then `device` (the caller's device checks, run in
 * parallel), issuing country and jurisdiction, and the profile checks over every value.
 */
export async function verifyIssuerPart(
  issuerSigned: IssuerSigned,
  docType: string | undefined,
  values: DocumentValues,
  decodeDeviations: readonly Deviation[],
  ctx: IssuerContext,
  device?: DeviceWork,
): Promise<IssuerPart> {
  const list = new CheckList();
  for (const d of decodeDeviations) list.deviation(d, ctx.tolerate);
  // The issuer checks (chain, signature) and the MSO-based checks are independent: run them
  // together and report them in a fixed order.
  const issuerList = new CheckList();
  const msoList = new CheckList();
  const issuerWork = issuerAuthChecks(issuerSigned, ctx, issuerList);
  const mso = decodeReported(msoList, C.MSO_STRUCTURE, () => decodeIssuerAuthPayload(issuerSigned.issuerAuth), unusableDeviceKey);
  const digestList = new CheckList();
  // The device key's import and signature first: the longest chain of dependent steps.
  const deviceWork = device?.(mso);
  const digestWork = mso === undefined ? undefined : digestChecks(issuerSigned, mso, ctx, digestList);
  // The MSO's own checks while the cryptography runs (with an asynchronous backend).
  if (mso !== undefined) msoChecks(mso, docType, ctx, msoList);
  const [{ ds, anchor }, deviceList] = await Promise.all([issuerWork, deviceWork, digestWork]);
  for (const c of issuerList.checks) list.push(c);
  for (const c of msoList.checks) list.push(c);
  const checkedDocType = docType ?? mso?.docType;
  if (mso !== undefined) {
    if (ds !== undefined) {
      const s = mso.validityInfo.signed;
      const within = validityInstant(s, 'floor') >= ds.notBefore.getTime() && validityInstant(s, 'ceil') <= ds.notAfter.getTime();
      list.add(C.MSO_SIGNED_IN_DS_VALIDITY, within, within ? undefined : `signed ${mso.validityInfo.signed.text} outside the DS validity`);
    }
  }
  // The restrictions of a constrained trust anchor (doctypes, countries), when it has any.
  if (anchor !== undefined && ctx.options.trustAnchors.some(isConstrainedTrustAnchor)) {
    const use = { docType: mso?.docType ?? docType, countries: [countryOf(anchor), ds === undefined ? undefined : countryOf(ds)] };
    for (const c of (await anchorUseModule()).checkTrustAnchorUse(ctx.options.trustAnchors, anchor, use)) list.add(c.id, c.ok, c.detail);
  }
  const issuerOk = issuerList.ok && mso !== undefined;
  const status = { ok: issuerOk, ...(anchor === undefined ? {} : { trustAnchor: anchor }) };
  const backend = ctx.options.backend === undefined ? {} : { backend: ctx.options.backend };
  const statusChecks =
    ctx.options.status === undefined
      ? unrequestedStatusChecks(mso?.status)
      : await (await statusModule()).msoStatusChecks(mso?.status, ctx.options.status, status, { now: ctx.now, clockSkewSeconds: ctx.skewMs / 1000, ...backend });
  for (const c of statusChecks) list.push(c);
  for (const c of digestList.checks) list.push(c);
  for (const c of deviceList?.checks ?? []) list.push(c);
  if (ds !== undefined) countryChecks(values.issued, ds, list);
  if (checkedDocType !== undefined) profileChecks(checkedDocType, () => exactValues(issuerSigned, values.deviceNameSpaces), ctx, list);
  // Set one by one: a literal of three spreads costs about 1 µs on Node 20 (see verify.ts's ctx).
  const found: { mso?: MobileSecurityObject; documentSigner?: Certificate; trustAnchor?: Certificate } = {};
  if (mso !== undefined) found.mso = mso;
  if (ds !== undefined) found.documentSigner = ds;
  if (anchor !== undefined) found.trustAnchor = anchor;
  return { docType: checkedDocType, checks: list.checks, found };
}

/**
 * Verify an IssuerSigned on its own (no device authentication): for a wallet checking a
 * credential it receives, or a server holding IssuerSigned without a session. Runs the same
 * issuer checks as `verifyDeviceResponse` and reports them the same way, with the
 * deviations met (`tolerate` them by id) and the Annex B profile checks (`waive` them by id).
 *
 * Never throws for bad IssuerSigned bytes: they give `valid: false` with a failed
 * ISSUER_SIGNED_STRUCTURE check naming the path.
 *
 * @example
 * ```ts
 * const result = await verifyIssuerSigned(issuerSignedBytes, { trustAnchors: [iaca], docType: 'org.iso.18013.5.1.mDL' });
 * if (!result.valid) console.log(result.checks.filter((c) => c.status === 'failed'));
 * ```
 * @throws TypeError for no trust anchors or an unknown `tolerate` id; RangeError for an
 *   unknown `waive` id.
 */
export async function verifyIssuerSigned(issuerSigned: Uint8Array | IssuerSigned, options: VerifyIssuerSignedOptions): Promise<VerifyIssuerSignedResult> {
  const ctx = issuerContext(options);
  if (options.docType !== undefined && typeof options.docType !== 'string') throw new TypeError('options.docType must be a string');
  const list = new CheckList();
  const decoded = decodeReported(list, C.ISSUER_SIGNED_STRUCTURE, () => (issuerSigned instanceof Uint8Array ? decodeIssuerSigned(issuerSigned) : issuerSigned));
  if (decoded === undefined) return { docType: options.docType, valid: false, checks: list.checks, issuerSigned: nullRecord([]) };
  const values = issuerValues(decoded);
  const part = await verifyIssuerPart(decoded, options.docType, { issued: values }, decoded.deviations ?? [], ctx);
  for (const c of part.checks) list.push(c);
  return {
    docType: part.docType,
    valid: list.ok,
    checks: list.checks,
    issuerSigned: disclosed(values),
    ...part.found,
  };
}
