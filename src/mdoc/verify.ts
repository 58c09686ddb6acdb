/**
 * Verifying a DeviceResponse (ISO/IEC 18013-5:2021 §9.3: issuer data authentication
 * §9.3.1, mdoc authentication §9.3.2, certificate validation §9.3.3 with Annex B).
 *
 * Every check is reported with a stable id; nothing can turn a failed check into a pass
 * (a caller may only waive named Annex B profile checks, and the report says so).
 * Verification fails closed: a missing input (no SessionTranscript, no reader key for a
 * MAC) fails the check that needs it.
 */

import type { CborValue } from '../cbor/index.js';
import { getX5Chain, verifyCoseMac0, verifyCoseSign1 } from '../cose/index.js';
import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions, EcPrivateKey, OkpPrivateKey, PublicKey } from '../crypto/types.js';
import { isShomeiError, MdocError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import {
  type Certificate,
  type CertificateList,
  parseCertificate,
  type VerifyX5ChainOptions,
  verifyIssuerChain,
} from '../x509/index.js';
import { deriveEMacKey, deviceAuthenticationBytes, readSessionTranscript, type SessionTranscriptBytes } from './device-auth.js';
import { type DeviceRequest, decodeDeviceRequest } from './device-request.js';
import { type DeviceResponse, decodeDeviceResponse, type MdocDocument } from './device-response.js';
import { decodeIssuerAuthPayload, digestItem } from './issuer-signed.js';
import { type DigestAlgorithm, DIGEST_ALGORITHMS, isDigestAlgorithm, type MobileSecurityObject } from './mso.js';
import { checkDocumentProfile, type DoctypeRegistry, defaultRegistry } from './doctypes/index.js';
import { answerFor } from './present.js';
import { type Check, CheckList, MdocCheckId as C, type VerifiedDocument, type VerifyDeviceResponseResult } from './report.js';

/** How to verify. */
export interface VerifyDeviceResponseOptions extends BackendOptions {
  /** The IACA certificates trusted for this use (nothing is trusted implicitly). */
  readonly trustAnchors: readonly (Certificate | Uint8Array)[];
  /** The SessionTranscript the reader built itself (tag-24 bytes or the bare array). Required for device authentication. */
  readonly sessionTranscript?: Uint8Array;
  /** The reader's ephemeral private key, to verify a deviceMac. */
  readonly eReaderKey?: EcPrivateKey | OkpPrivateKey;
  /** The request sent: returned documents and elements must have been asked for. */
  readonly request?: DeviceRequest | Uint8Array;
  /** Validation time; default now. */
  readonly now?: Date;
  /** Tolerance for MSO and certificate times, in seconds; default 300. */
  readonly clockSkewSeconds?: number;
  /** Allowed MSO digest algorithms; default all of SHA-256/384/512. */
  readonly digestAlgorithms?: readonly DigestAlgorithm[];
  /** Annex B profile checks to waive, by id (e.g. `DS_CRL_DISTRIBUTION_POINT`); shown as waived. */
  readonly waive?: readonly string[];
  /** EKUs accepted for the DS certificate; default mdlDS (1.0.18013.5.1.2). */
  readonly dsExtendedKeyUsages?: readonly string[];
  /** CRLs to check the DS chain against. */
  readonly crls?: readonly (CertificateList | Uint8Array)[];
  /** Fetches a CRL by URI when needed; shomei never fetches on its own. */
  readonly fetchCrl?: (uri: string) => Promise<Uint8Array | undefined>;
  /** Fail when no CRL is available for a certificate. Default false (reported as skipped). */
  readonly requireRevocationCheck?: boolean;
  /**
   * Doctype profiles for the element type checks, reported as `PROFILE.*` checks that do
   * not affect `valid` (unless `strictProfiles`); default the built-in profiles, `false` for none.
   */
  readonly profiles?: DoctypeRegistry | false;
  /** Make profile checks required: a value of the wrong type, or an unknown element, fails. Default false. */
  readonly strictProfiles?: boolean;
}

const AGE_OVER = /^age_over_\d{2}$/;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function plainMap(m: ReadonlyMap<string, ReadonlyMap<string, CborValue>>): Record<string, Record<string, CborValue>> {
  const out: Record<string, Record<string, CborValue>> = {};
  for (const [ns, items] of m) out[ns] = Object.fromEntries(items);
  return out;
}

function validityCheck(mso: MobileSecurityObject, now: Date, skewMs: number): string | undefined {
  const { signed, validFrom, validUntil } = mso.validityInfo;
  const t = now.getTime();
  if (signed.date.getTime() > t + skewMs) return `signed ${signed.text} is in the future`;
  if (validFrom.date.getTime() > t + skewMs) return `not valid before ${validFrom.text}`;
  if (validUntil.date.getTime() < t - skewMs) return `expired at ${validUntil.text}`;
  if (validFrom.date < signed.date) return `validFrom ${validFrom.text} is before signed ${signed.text}`;
  if (validUntil.date <= validFrom.date) return `validUntil ${validUntil.text} is not after validFrom`;
  return undefined;
}

function firstAttribute(cert: Certificate, name: string): string | undefined {
  return cert.subject.attributes[name]?.[0];
}

/** What the verifier has at hand for every document. */
interface Context {
  readonly options: VerifyDeviceResponseOptions;
  readonly now: Date;
  readonly skewMs: number;
  readonly transcript: SessionTranscriptBytes | undefined;
  readonly transcriptError: string | undefined;
  readonly request: DeviceRequest | undefined;
}

async function issuerChecks(doc: MdocDocument, ctx: Context, list: CheckList): Promise<{ ds?: Certificate; anchor?: Certificate; dsKey?: PublicKey }> {
  const { options } = ctx;
  const auth = doc.issuerSigned.issuerAuth;
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
    list.add(C.DS_CHAIN, false, 'no document signer certificate');
    list.add(C.ISSUER_SIGNATURE, false, 'no document signer certificate');
    return {};
  }
  // The chain: DS to one of the trusted IACAs, with the Annex B profile.
  const chainOptions: VerifyX5ChainOptions = {
    anchors: options.trustAnchors,
    now: ctx.now,
    clockSkewSeconds: ctx.skewMs / 1000,
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.waive === undefined ? {} : { waive: options.waive }),
    ...(options.dsExtendedKeyUsages === undefined ? {} : { dsExtendedKeyUsages: options.dsExtendedKeyUsages }),
    ...(options.crls === undefined ? {} : { crls: options.crls }),
    ...(options.fetchCrl === undefined ? {} : { fetchCrl: options.fetchCrl }),
    ...(options.requireRevocationCheck === undefined ? {} : { requireRevocationCheck: options.requireRevocationCheck }),
  };
  let anchor: Certificate | undefined;
  try {
    const report = await verifyIssuerChain(chain, chainOptions);
    for (const c of report.checks) {
      list.push({ id: `${C.DS_CHAIN}.${c.id}`, status: c.status, required: true, ...(c.detail === undefined ? {} : { detail: c.detail }) });
    }
    list.add(C.DS_CHAIN, report.valid, report.valid ? `to ${report.anchor?.subject.text}` : 'see the DS_CHAIN.* checks');
    if (report.anchor !== null) anchor = report.anchor;
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(C.DS_CHAIN, false, errorText(e));
  }
  // The signature over the MSO.
  const dsKey = ds.publicKey as PublicKey;
  try {
    await verifyCoseSign1(auth, { key: dsKey, ...(options.backend === undefined ? {} : { backend: options.backend }) });
    list.add(C.ISSUER_SIGNATURE, true);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(C.ISSUER_SIGNATURE, false, errorText(e));
  }
  return { ds, dsKey, ...(anchor === undefined ? {} : { anchor }) };
}

async function digestChecks(doc: MdocDocument, mso: MobileSecurityObject, ctx: Context, list: CheckList): Promise<void> {
  const allowed = ctx.options.digestAlgorithms ?? DIGEST_ALGORITHMS;
  const algOk = isDigestAlgorithm(mso.digestAlgorithm) && allowed.includes(mso.digestAlgorithm);
  list.add(C.DIGEST_ALGORITHM, algOk, mso.digestAlgorithm);
  const items = [...doc.issuerSigned.nameSpaces].flatMap(([ns, list]) => list.map((item) => [ns, item] as const));
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

async function deviceChecks(doc: MdocDocument, mso: MobileSecurityObject, ctx: Context, list: CheckList): Promise<void> {
  const { options } = ctx;
  const deviceNameSpaces = doc.deviceSigned.nameSpaces.value;
  // keyAuthorizations for device-signed elements (§9.1.2.4).
  const ka = mso.deviceKeyInfo.keyAuthorizations;
  for (const [ns, items] of deviceNameSpaces) {
    for (const id of items.keys()) {
      const ok = (ka?.nameSpaces?.includes(ns) ?? false) || (ka?.dataElements?.get(ns)?.includes(id) ?? false);
      list.add(C.DEVICE_SIGNED_AUTHORIZED, ok, ok ? undefined : 'not in keyAuthorizations', { namespace: ns, element: id });
    }
  }
  const both: string[] = [];
  for (const [ns, items] of deviceNameSpaces) {
    const issued = new Set((doc.issuerSigned.nameSpaces.get(ns) ?? []).map((i) => i.value.elementIdentifier));
    for (const id of items.keys()) if (issued.has(id)) both.push(`${ns}/${id}`);
  }
  list.add(C.ELEMENTS_UNIQUE, both.length === 0, both.length === 0 ? undefined : `issuer- and device-signed: ${both.join(', ')}`);

  // DeviceAuth over DeviceAuthenticationBytes rebuilt from the caller's transcript (§9.1.3).
  if (ctx.transcript === undefined) {
    list.add(C.DEVICE_AUTH, false, ctx.transcriptError ?? 'no SessionTranscript given: device authentication cannot be checked');
    return;
  }
  const payload = deviceAuthenticationBytes(ctx.transcript, doc.docType, doc.deviceSigned.nameSpaces);
  const deviceKey = mso.deviceKeyInfo.deviceKey;
  const auth = doc.deviceSigned.deviceAuth;
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  try {
    if ('deviceSignature' in auth) {
      await verifyCoseSign1(auth.deviceSignature, { key: deviceKey, detachedPayload: payload, ...backend });
      list.add(C.DEVICE_AUTH, true, 'deviceSignature');
    } else if (options.eReaderKey === undefined) {
      list.add(C.DEVICE_AUTH, false, 'deviceMac needs the reader ephemeral private key (eReaderKey)');
    } else {
      const key = await deriveEMacKey(options.eReaderKey, deviceKey as never, ctx.transcript, options);
      await verifyCoseMac0(auth.deviceMac, { key, detachedPayload: payload, ...backend });
      list.add(C.DEVICE_AUTH, true, 'deviceMac');
    }
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(C.DEVICE_AUTH, false, errorText(e));
  }
}

function requestChecks(doc: MdocDocument, ctx: Context, list: CheckList): void {
  if (ctx.request === undefined) return;
  const dr = ctx.request.docRequests.find((r) => r.itemsRequest.value.docType === doc.docType);
  list.add(C.REQUESTED_DOCTYPE, dr !== undefined, dr === undefined ? `${doc.docType} was not requested` : undefined);
  if (dr === undefined) return;
  const requested = dr.itemsRequest.value.nameSpaces;
  const returned: [string, string, boolean][] = [];
  for (const [ns, items] of doc.issuerSigned.nameSpaces) for (const it of items) returned.push([ns, it.value.elementIdentifier, true]);
  for (const [ns, items] of doc.deviceSigned.nameSpaces.value) for (const id of items.keys()) returned.push([ns, id, false]);
  for (const [ns, id, issuer] of returned) {
    const asked = requested.get(ns);
    let ok = asked?.has(id) ?? false;
    // An age_over_NN answer to a request for another age_over_MM (the nearest-value rule).
    if (!ok && issuer && AGE_OVER.test(id) && asked !== undefined) {
      const held = new Map((doc.issuerSigned.nameSpaces.get(ns) ?? []).map((i) => [i.value.elementIdentifier, i] as const));
      ok = [...asked.keys()].some((want) => AGE_OVER.test(want) && answerFor(want, held)?.value.elementIdentifier === id);
    }
    list.add(C.REQUESTED_ELEMENT, ok, ok ? undefined : 'not requested', { namespace: ns, element: id });
  }
}

function countryChecks(issuerSigned: Record<string, Record<string, CborValue>>, ds: Certificate, list: CheckList): void {
  for (const [element, attr, id] of [
    ['issuing_country', 'C', C.ISSUING_COUNTRY],
    ['issuing_jurisdiction', 'ST', C.ISSUING_JURISDICTION],
  ] as const) {
    for (const [ns, items] of Object.entries(issuerSigned)) {
      if (!(element in items)) continue;
      const value = items[element];
      const expected = firstAttribute(ds, attr);
      const ok = typeof value === 'string' && expected !== undefined && value === expected;
      list.add(id, ok, ok ? undefined : `${element} ${JSON.stringify(value)} but the DS certificate says ${attr}=${expected ?? '(none)'}`, { namespace: ns, element });
    }
  }
}

/** The built-in profiles, made once; never handed out, so never changed. */
let builtinRegistry: DoctypeRegistry | undefined;

function profileChecks(doc: MdocDocument, ctx: Context, list: CheckList): void {
  if (ctx.options.profiles === false) return;
  const strict = ctx.options.strictProfiles ?? false;
  const values = new Map<string, Map<string, CborValue>>();
  for (const [ns, items] of doc.issuerSigned.nameSpaces) values.set(ns, new Map(items.map((i) => [i.value.elementIdentifier, i.value.elementValue])));
  for (const [ns, items] of doc.deviceSigned.nameSpaces.value) for (const [id, v] of items) (values.get(ns) ?? values.set(ns, new Map()).get(ns)!).set(id, v);
  const registry = ctx.options.profiles ?? (builtinRegistry ??= defaultRegistry());
  for (const c of checkDocumentProfile(registry, doc.docType, values, { strict })) {
    list.push({
      id: `PROFILE.${c.id}`,
      status: c.status,
      required: strict,
      detail: c.detail,
      ...(c.namespace === undefined ? {} : { namespace: c.namespace }),
      ...(c.element === undefined ? {} : { element: c.element }),
    });
  }
}

async function verifyDocument(doc: MdocDocument, ctx: Context): Promise<VerifiedDocument> {
  const list = new CheckList();
  requestChecks(doc, ctx, list);
  const issuerSigned = plainMap(new Map([...doc.issuerSigned.nameSpaces].map(([ns, items]) => [ns, new Map(items.map((i) => [i.value.elementIdentifier, i.value.elementValue]))])));
  const deviceSigned = plainMap(doc.deviceSigned.nameSpaces.value);
  const errors: Record<string, Record<string, number>> = {};
  for (const [ns, e] of doc.errors ?? []) errors[ns] = Object.fromEntries(e);

  // The issuer checks (chain, signature) and the MSO-based checks are independent: run them
  // together and report them in a fixed order.
  const issuerList = new CheckList();
  const msoList = new CheckList();
  const issuerWork = issuerChecks(doc, ctx, issuerList);
  let mso: MobileSecurityObject | undefined;
  try {
    mso = decodeIssuerAuthPayload(doc.issuerSigned.issuerAuth);
    msoList.add(C.MSO_STRUCTURE, true);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    msoList.add(C.MSO_STRUCTURE, false, errorText(e));
  }
  const deviceList = new CheckList();
  const msoWork =
    mso === undefined
      ? Promise.resolve(deviceList.add(C.DEVICE_AUTH, false, 'no MSO: the device key is unknown'))
      : Promise.all([digestChecks(doc, mso, ctx, msoList), deviceChecks(doc, mso, ctx, deviceList)]);
  const [{ ds, anchor }] = await Promise.all([issuerWork, msoWork]);
  for (const c of issuerList.checks) list.push(c);
  const [structure, ...digests] = msoList.checks;
  list.push(structure!);
  if (mso !== undefined) {
    list.add(C.MSO_VERSION, mso.version === '1.0', mso.version);
    list.add(C.MSO_DOCTYPE, mso.docType === doc.docType, mso.docType === doc.docType ? undefined : `MSO says ${mso.docType}, the document ${doc.docType}`);
    const problem = validityCheck(mso, ctx.now, ctx.skewMs);
    list.add(C.MSO_VALIDITY, problem === undefined, problem);
    if (ds !== undefined) {
      const s = mso.validityInfo.signed.date;
      const within = s >= ds.notBefore && s <= ds.notAfter;
      list.add(C.MSO_SIGNED_IN_DS_VALIDITY, within, within ? undefined : `signed ${mso.validityInfo.signed.text} outside the DS validity`);
    }
  }
  for (const c of digests) list.push(c);
  for (const c of deviceList.checks) list.push(c);
  if (ds !== undefined) countryChecks(issuerSigned, ds, list);
  profileChecks(doc, ctx, list);

  return {
    docType: doc.docType,
    valid: list.ok,
    checks: list.checks,
    issuerSigned,
    deviceSigned,
    errors,
    ...(mso === undefined ? {} : { mso }),
    ...(ds === undefined ? {} : { documentSigner: ds }),
    ...(anchor === undefined ? {} : { trustAnchor: anchor }),
  };
}

/**
 * Verify a DeviceResponse: strict decode, then for each document the DS chain and Annex B
 * profile, the IssuerAuth signature, the MSO (docType, validity, signed within the DS
 * validity, digest algorithm), every returned element's digest over its received bytes,
 * device authentication (signature, or MAC with `eReaderKey`) over DeviceAuthenticationBytes
 * rebuilt from the caller's SessionTranscript, keyAuthorizations, issuing_country /
 * issuing_jurisdiction against the DS certificate, and optionally that only what was
 * requested came back.
 *
 * Never throws for bad response bytes: a malformed response gives `valid: false` with a
 * failed RESPONSE_STRUCTURE check naming the path. Throws `TypeError` for misuse (no trust
 * anchors).
 */
export async function verifyDeviceResponse(response: Uint8Array | DeviceResponse, options: VerifyDeviceResponseOptions): Promise<VerifyDeviceResponseResult> {
  if (!Array.isArray(options?.trustAnchors)) throw new TypeError('trustAnchors must be an array of IACA certificates');
  resolveBackend(options);
  const list = new CheckList();
  let decoded: DeviceResponse;
  try {
    decoded = response instanceof Uint8Array ? decodeDeviceResponse(response) : response;
    list.add(C.RESPONSE_STRUCTURE, true);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(C.RESPONSE_STRUCTURE, false, errorText(e));
    return { valid: false, status: undefined, version: undefined, checks: list.checks, documents: [], documentErrors: {} };
  }
  list.add(C.RESPONSE_VERSION, /^1\.\d+$/.test(decoded.version), decoded.version);
  list.add(C.RESPONSE_STATUS, decoded.status === 0, `status ${decoded.status}`);
  list.add(C.DOCUMENTS_PRESENT, decoded.documents.length > 0, `${decoded.documents.length} document(s)`);

  let transcript: SessionTranscriptBytes | undefined;
  let transcriptError: string | undefined;
  if (options.sessionTranscript !== undefined) {
    try {
      transcript = readSessionTranscript(options.sessionTranscript);
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      transcriptError = `SessionTranscript: ${errorText(e)}`;
    }
  }
  let request: DeviceRequest | undefined;
  if (options.request !== undefined) request = options.request instanceof Uint8Array ? decodeDeviceRequest(options.request) : options.request;

  const ctx: Context = {
    options,
    now: options.now ?? new Date(),
    skewMs: (options.clockSkewSeconds ?? 300) * 1000,
    transcript,
    transcriptError,
    request,
  };
  const documents: VerifiedDocument[] = [];
  for (const doc of decoded.documents) documents.push(await verifyDocument(doc, ctx));
  return {
    valid: list.ok && documents.every((d) => d.valid),
    status: decoded.status,
    version: decoded.version,
    checks: list.checks,
    documents,
    documentErrors: Object.fromEntries(decoded.documentErrors),
  };
}

/** The failed required checks of a result (response level and every document), for messages. */
export function failedChecks(result: VerifyDeviceResponseResult): Check[] {
  return [...result.checks, ...result.documents.flatMap((d) => d.checks)].filter((c) => c.required && c.status === 'failed');
}

/**
 * Throw unless `result` is valid: for callers who want an exception rather than a report.
 * @throws MdocError `ERR_MDOC_INVALID` naming the first failed check (in `check`).
 */
export function assertValid(result: VerifyDeviceResponseResult): VerifyDeviceResponseResult {
  if (result.valid) return result;
  const first = failedChecks(result)[0];
  const what = first === undefined ? 'no failed check recorded' : `${first.id}${first.element === undefined ? '' : ` (${first.namespace}/${first.element})`}: ${first.detail ?? 'failed'}`;
  throw new MdocError('ERR_MDOC_INVALID', `DeviceResponse is not valid: ${what}`, first === undefined ? {} : { check: first.id });
}
