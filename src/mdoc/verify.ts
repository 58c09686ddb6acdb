/**
 * Verifying a DeviceResponse (ISO/IEC 18013-5:2021 §9.3: issuer data authentication
 * §9.3.1, mdoc authentication §9.3.2, certificate validation §9.3.3 with Annex B).
 *
 * Every check is reported with a stable id; nothing can turn a failed check into a pass
 * (a caller may only waive named Annex B profile checks or tolerate named deviations, and
 * the report says so). The issuer side is shared with `verifyIssuerSigned` (verify-issuer.ts).
 * Verification fails closed: a missing input (no SessionTranscript, no reader key for a
 * MAC) fails the check that needs it.
 */

import { fullySpecifiedAlgDeviation, verifyMdocSign1 } from './sign1-checks.js';
import type { CoseMac0 } from '../cose/mac0.js';
import type { EcPrivateKey, OkpPrivateKey, PublicKey } from '../crypto/types.js';
import { isShomeiError, MdocError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { loadOnce } from '../internal/once.js';
import { deriveEMacKey, deviceAuthenticationBytes, readSessionTranscript, type SessionTranscriptBytes } from './device-auth.js';
import type { DeviceRequest } from './device-request.js';
import { type DeviceNameSpaces, type DeviceResponse, type DeviceSigned, decodeDeviceResponse, type MdocDocument } from './device-response.js';
import { type Deviation, MdocDeviation } from './deviations.js';
import type { MobileSecurityObject } from './mso.js';
import { type Check, CheckList, errorText, MdocCheckId as C, type VerifiedDocument, type VerifyDeviceResponseResult } from './report.js';
import { decodeReported, disclosed, type IssuerContext, issuerContext, issuerValues, nullRecord, type VerifyIssuerOptions, verifyIssuerPart } from './verify-issuer.js';

/** How to verify a DeviceResponse: the issuer options plus what device authentication needs. */
export interface VerifyDeviceResponseOptions extends VerifyIssuerOptions {
  /** The SessionTranscript the reader built itself (tag-24 bytes or the bare array). Required for device authentication. */
  readonly sessionTranscript?: Uint8Array;
  /** The reader's ephemeral private key, to verify a deviceMac. */
  readonly eReaderKey?: EcPrivateKey | OkpPrivateKey;
  /** The request sent: returned documents and elements must have been asked for. */
  readonly request?: DeviceRequest | Uint8Array;
}

/** The DeviceRequest decoder, loaded by the first verification given the request as bytes (a verify-only bundle leaves it out otherwise). */
const deviceRequestModule = loadOnce(() => import('./device-request.js'));

/** Device authentication over a re-encoding of the DeviceNameSpaces, loaded by the first signature or MAC that fails over the bytes sent. */
const reencodedModule = loadOnce(() => import('./device-auth-reencoded.js'));

/** The checks against the request sent, loaded by the first verification given `request`. */
const requestChecksModule = loadOnce(() => import('./request-checks.js'));

/** The deviceMac check, loaded by the first deviceMac met (a deviceSignature never needs it). */
const deviceMacModule = loadOnce(() => import('./device-mac.js'));

/** The device-signed namespaces of a document that has no deviceSigned. */
const NO_NAMESPACES: DeviceNameSpaces = new Map();

/** What the verifier has at hand for every document. */
interface Context extends IssuerContext {
  readonly options: VerifyDeviceResponseOptions;
  readonly transcript: SessionTranscriptBytes | undefined;
  readonly transcriptError: string | undefined;
  readonly request: DeviceRequest | undefined;
}

/**
 * Check the device signature or MAC over `payload` (the DeviceAuthenticationBytes rebuilt
 * from the caller's transcript). An attached payload is accepted only when it is byte-equal
 * to `payload` (then the signature is checked over exactly those bytes, and the caller
 * reports the DEVICE_AUTH_ATTACHED_PAYLOAD deviation); any other attached payload fails.
 * When a detached signature or MAC does not verify over the received DeviceNameSpacesBytes,
 * it is tried over a re-encoding of the same value (DEVICE_NAMESPACES_REENCODED): only on
 * that failure path, so a conformant response costs nothing more.
 */
async function deviceAuthCheck(doc: MdocDocument, deviceSigned: DeviceSigned, deviceKey: PublicKey, payload: Uint8Array, ctx: Context, list: CheckList): Promise<void> {
  const { options } = ctx;
  const auth = deviceSigned.deviceAuth;
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const message = 'deviceSignature' in auth ? auth.deviceSignature : auth.deviceMac;
  const attached = message.payload !== null;
  if (attached && !equalBytes(message.payload!, payload)) {
    list.add(C.DEVICE_AUTH, false, 'the attached payload is not the DeviceAuthenticationBytes of this session and document');
    return;
  }
  if (!('deviceSignature' in auth) && options.eReaderKey === undefined) {
    list.add(C.DEVICE_AUTH, false, 'deviceMac needs the reader ephemeral private key (eReaderKey)');
    return;
  }
  const how = attached ? ' (attached payload)' : '';
  let macKey: Uint8Array | undefined;
  // With an attached payload (byte-equal, checked above) the signature is checked over it.
  const verifyMac = async (mac0: CoseMac0, detachedPayload: Uint8Array | undefined): Promise<readonly Deviation[]> => {
    macKey ??= await deriveEMacKey(options.eReaderKey!, deviceKey as never, ctx.transcript!, options);
    return (await deviceMacModule()).verifyDeviceMac(mac0, macKey, detachedPayload, backend);
  };
  const verifyOver = (detachedPayload: Uint8Array | undefined): Promise<readonly Deviation[]> =>
    'deviceSignature' in auth
      ? verifyMdocSign1(auth.deviceSignature, { key: deviceKey, ...(detachedPayload === undefined ? {} : { detachedPayload }), ...backend }, 'deviceSigned.deviceAuth.deviceSignature')
      : verifyMac(auth.deviceMac, detachedPayload);
  try {
    let found: readonly Deviation[];
    try {
      found = await verifyOver(attached ? undefined : payload);
    } catch (e) {
      if (attached || !isShomeiError(e) || (e.code !== 'ERR_COSE_SIGNATURE' && e.code !== 'ERR_COSE_MAC')) throw e;
      found = await (await reencodedModule()).overReencoded(doc, deviceSigned, ctx.transcript!, verifyOver, e);
    }
    list.add(C.DEVICE_AUTH, true, `${'deviceSignature' in auth ? 'deviceSignature' : 'deviceMac'}${how}`);
    for (const d of found) list.deviation(d, ctx.tolerate);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    list.add(C.DEVICE_AUTH, false, errorText(e));
  }
  const fullySpecified = 'deviceSignature' in auth ? fullySpecifiedAlgDeviation(auth.deviceSignature.protectedHeaders, 'deviceSigned.deviceAuth.deviceSignature') : undefined;
  if (fullySpecified !== undefined) list.deviation(fullySpecified, ctx.tolerate);
  if (attached) {
    list.deviation(
      { id: MdocDeviation.DEVICE_AUTH_ATTACHED_PAYLOAD, path: 'deviceSigned.deviceAuth', detail: 'the DeviceAuthenticationBytes are attached (byte-equal to the ones rebuilt), not detached' },
      ctx.tolerate,
    );
  }
}

async function deviceChecks(doc: MdocDocument, mso: MobileSecurityObject | undefined, ctx: Context): Promise<CheckList> {
  const list = new CheckList();
  if (mso === undefined) {
    list.add(C.DEVICE_AUTH, false, 'no MSO: the device key is unknown');
    return list;
  }
  const deviceSigned = doc.deviceSigned;
  const deviceNameSpaces = deviceSigned?.nameSpaces.value ?? NO_NAMESPACES;
  // keyAuthorizations for device-signed elements (§9.1.2.4).
  // As sets: both lists can be as long as the (not yet verified) MSO makes them.
  const ka = mso.deviceKeyInfo.keyAuthorizations;
  const wholeNs = new Set(ka?.nameSpaces ?? []);
  for (const [ns, items] of deviceNameSpaces) {
    const listed = new Set(ka?.dataElements?.get(ns) ?? []);
    for (const id of items.keys()) {
      const ok = wholeNs.has(ns) || listed.has(id);
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
  const deviceKey = mso.deviceKeyInfo.deviceKey;
  if (deviceKey === undefined) {
    const e = mso.deviceKeyInfo.deviceKeyError;
    list.add(C.DEVICE_AUTH, false, `the MSO's device key cannot be used${e === undefined ? '' : ` (${e.path}: ${e.detail})`}`);
    return list;
  }
  if (deviceSigned === undefined) {
    list.add(C.DEVICE_AUTH, false, 'no deviceSigned: the document is not device-authenticated');
    return list;
  }
  if (ctx.transcript === undefined) {
    list.add(C.DEVICE_AUTH, false, ctx.transcriptError ?? 'no SessionTranscript given: device authentication cannot be checked');
    return list;
  }
  const payload = deviceAuthenticationBytes(ctx.transcript, doc.docType, deviceSigned.nameSpaces);
  await deviceAuthCheck(doc, deviceSigned, deviceKey, payload, ctx, list);
  return list;
}

async function verifyDocument(doc: MdocDocument, ctx: Context): Promise<VerifiedDocument> {
  const list = new CheckList();
  if (ctx.request !== undefined) (await requestChecksModule()).requestChecks(doc, ctx.request, list);
  const issued = issuerValues(doc.issuerSigned);
  const values = doc.deviceSigned === undefined ? { issued } : { issued, deviceNameSpaces: doc.deviceSigned.nameSpaces };
  const decodeDeviations = [...(doc.deviations ?? []), ...(doc.issuerSigned.deviations ?? [])];
  const part = await verifyIssuerPart(doc.issuerSigned, doc.docType, values, decodeDeviations, ctx, (mso) => deviceChecks(doc, mso, ctx));
  for (const c of part.checks) list.push(c);
  return {
    docType: doc.docType,
    valid: list.ok,
    checks: list.checks,
    issuerSigned: disclosed(issued),
    deviceSigned: disclosed(doc.deviceSigned?.nameSpaces.value ?? NO_NAMESPACES),
    errors: nullRecord([...(doc.errors ?? [])].map(([ns, e]) => [ns, nullRecord(e)] as const)),
    ...part.found,
  };
}

/**
 * Verify a DeviceResponse: strict decode, then for each document the DS chain and Annex B
 * profile, the IssuerAuth signature, the MSO (docType, validity, signed within the DS
 * validity, digest algorithm), every returned element's digest over its received bytes,
 * device authentication (signature, or MAC with `eReaderKey`) over DeviceAuthenticationBytes
 * rebuilt from the caller's SessionTranscript, keyAuthorizations, issuing_country /
 * issuing_jurisdiction against the DS certificate, and optionally that only what was
 * requested came back. Every named deviation met (see `MdocDeviation`) is a
 * `DEVIATION.<id>` check, failed unless listed in `tolerate`; the other checks still run.
 *
 * Never throws for bad response bytes: a malformed response gives `valid: false` with a
 * failed RESPONSE_STRUCTURE check naming the path. Throws `TypeError` for misuse (no trust
 * anchors, an unknown `tolerate` id) and `RangeError` for an unknown `waive` id.
 */
export async function verifyDeviceResponse(response: Uint8Array | DeviceResponse, options: VerifyDeviceResponseOptions): Promise<VerifyDeviceResponseResult> {
  const base = issuerContext(options);
  const list = new CheckList();
  const decoded = decodeReported(list, C.RESPONSE_STRUCTURE, () => (response instanceof Uint8Array ? decodeDeviceResponse(response) : response));
  if (decoded === undefined) return { valid: false, status: undefined, version: undefined, checks: list.checks, documents: [], documentErrors: nullRecord([]) };
  for (const d of decoded.deviations ?? []) list.deviation(d, base.tolerate);
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
  if (options.request !== undefined) request = options.request instanceof Uint8Array ? (await deviceRequestModule()).decodeDeviceRequest(options.request) : options.request;

  // Written out rather than spread from `base`: on Node 20 a literal that starts with a spread
  // and goes on costs about 2.6 µs (a runtime call per property), on Node 24 16 ns.
  const ctx: Context = { options, now: base.now, skewMs: base.skewMs, tolerate: base.tolerate, transcript, transcriptError, request };
  const documents: VerifiedDocument[] = [];
  for (const doc of decoded.documents) documents.push(await verifyDocument(doc, ctx));
  return {
    valid: list.ok && documents.every((d) => d.valid),
    status: decoded.status,
    version: decoded.version,
    checks: list.checks,
    documents,
    documentErrors: nullRecord(decoded.documentErrors),
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
