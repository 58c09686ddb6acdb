/**
 * The holder's side (ISO/IEC 18013-5:2021 §8.3.2.1.2.2, §9.1.3): a DeviceResponse that
 * discloses only what was requested and is held, with the age_over_NN nearest-value rule
 * (§7.2.5), what could not be supplied reported in `errors` / `documentErrors`, optional
 * device-signed elements, and device authentication by signature or by MAC.
 */

import { type CborEncodable, type CborValue, decode, encode, encodeEmbedded } from '../cbor/index.js';
import { type CoseMac0, createCoseMac0 } from '../cose/mac0.js';
import type { CoseSign1 } from '../cose/sign1.js';
import { signCoseSign1 } from '../cose/sign1-sign.js';
import type { ExternalSigner } from '../cose/signer.js';
import { resolveBackend } from '../crypto/default.js';
import { publicKeyOf } from '../crypto/keys.js';
import type { BackendOptions, EcPublicKey, OkpPublicKey, PrivateKey } from '../crypto/types.js';
import { MdocError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { deriveEMacKey, deviceAuthenticationBytes, readSessionTranscript } from './device-auth.js';
import { type DeviceRequest, decodeDeviceRequest } from './device-request.js';
import {
  DATA_NOT_RETURNED,
  type DeviceAuth,
  type DeviceNameSpaces,
  type DeviceResponse,
  DeviceResponseStatus,
  type MdocDocument,
} from './device-response.js';
import { answerFor } from './answer.js';
import { decodeIssuerAuthPayload, decodeIssuerSigned, type IssuerSigned, type IssuerSignedItemBytes } from './issuer-signed.js';
import type { KeyAuthorizations, MobileSecurityObject } from './mso.js';

/** A document the holder can present. */
export interface HeldDocument {
  readonly issuerSigned: IssuerSigned | Uint8Array;
  /** The device key: a private key, or (for deviceSignature only) an external signer such as a secure element. */
  readonly deviceKey: PrivateKey | ExternalSigner;
  /** Values the device may sign itself, if the MSO authorizes them (namespace → element → value). */
  readonly deviceSigned?: Readonly<Record<string, Readonly<Record<string, CborEncodable>>>>;
}

/** Which elements to disclose without a DeviceRequest: namespace → element identifiers. */
export type ElementSelection = Readonly<Record<string, readonly string[]>>;

/** What to build. */
export interface BuildDeviceResponseOptions extends BackendOptions {
  readonly documents: readonly HeldDocument[];
  /** The request to answer; or give `elements`. */
  readonly request?: DeviceRequest | Uint8Array;
  /** Elements to disclose from every document, when there is no request. */
  readonly elements?: ElementSelection;
  /** SessionTranscriptBytes (tag 24) or the bare SessionTranscript array. */
  readonly sessionTranscript: Uint8Array;
  /** Authenticate with a MAC keyed by EMacKey (needs a private device key and the reader's ephemeral public key). */
  readonly mac?: { readonly eReaderKey: EcPublicKey | OkpPublicKey };
  /**
   * Which elements to release, after the request is known (a consent step); receives the
   * docType and the elements that would be released, returns the ones to keep.
   */
  readonly consent?: (docType: string, proposed: ElementSelection) => ElementSelection | Promise<ElementSelection>;
}

function inputError(path: string, message: string): MdocError {
  return new MdocError('ERR_MDOC_INPUT', `${path}: ${message}`, { path });
}

/** `record[key]` when it is the record's own property: a name from the wire never reaches the prototype (`toString`, `__proto__`). */
function ownValue<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

function authorized(ka: KeyAuthorizations | undefined, ns: string, id: string): boolean {
  if (ka === undefined) return false;
  return (ka.nameSpaces?.includes(ns) ?? false) || (ka.dataElements?.get(ns)?.includes(id) ?? false);
}

interface Wanted {
  readonly docType: string;
  /** Namespace → requested element identifiers. */
  readonly nameSpaces: ReadonlyMap<string, readonly string[]>;
}

function wantedFromRequest(request: DeviceRequest): Wanted[] {
  return request.docRequests.map((dr) => ({
    docType: dr.itemsRequest.value.docType,
    nameSpaces: new Map([...dr.itemsRequest.value.nameSpaces].map(([ns, els]) => [ns, [...els.keys()]])),
  }));
}

async function present(
  doc: { issuerSigned: IssuerSigned; mso: MobileSecurityObject; held: HeldDocument },
  wanted: Wanted,
  options: BuildDeviceResponseOptions,
): Promise<MdocDocument> {
  const { issuerSigned, mso, held } = doc;
  // Propose: what is requested and held (issuer-signed first, then authorized device-signed values).
  const proposedIssuer = new Map<string, Map<string, IssuerSignedItemBytes>>();
  const proposedDevice = new Map<string, Map<string, CborValue>>();
  const errors = new Map<string, Map<string, number>>();
  for (const [ns, ids] of wanted.nameSpaces) {
    const heldItems = new Map((issuerSigned.nameSpaces.get(ns) ?? []).map((it) => [it.value.elementIdentifier, it] as const));
    for (const id of ids) {
      const item = answerFor(id, heldItems);
      const deviceValue = ownValue(ownValue(held.deviceSigned, ns), id);
      if (item !== undefined) {
        if (!proposedIssuer.has(ns)) proposedIssuer.set(ns, new Map());
        proposedIssuer.get(ns)!.set(item.value.elementIdentifier, item);
      } else if (deviceValue !== undefined && authorized(mso.deviceKeyInfo.keyAuthorizations, ns, id)) {
        if (!proposedDevice.has(ns)) proposedDevice.set(ns, new Map());
        proposedDevice.get(ns)!.set(id, decode(encode(deviceValue)));
      } else {
        if (!errors.has(ns)) errors.set(ns, new Map());
        errors.get(ns)!.set(id, DATA_NOT_RETURNED);
      }
    }
  }
  // Consent: the holder may release less.
  if (options.consent !== undefined) {
    // Names come from the reader: a null-prototype record, read only through own properties.
    const proposed = Object.create(null) as Record<string, string[]>;
    for (const [ns, items] of proposedIssuer) proposed[ns] = [...items.keys()];
    for (const [ns, items] of proposedDevice) proposed[ns] = [...(ownValue(proposed, ns) ?? []), ...items.keys()];
    const kept = await options.consent(wanted.docType, proposed);
    const keep = (ns: string, id: string) => {
      const ids = ownValue(kept, ns);
      return Array.isArray(ids) && ids.includes(id);
    };
    for (const [ns, items] of [...proposedIssuer, ...proposedDevice] as [string, Map<string, unknown>][]) {
      for (const id of [...items.keys()]) {
        if (keep(ns, id)) continue;
        items.delete(id);
        if (!errors.has(ns)) errors.set(ns, new Map());
        errors.get(ns)!.set(id, DATA_NOT_RETURNED);
      }
    }
  }
  const nameSpaces = new Map<string, IssuerSignedItemBytes[]>();
  for (const [ns, items] of proposedIssuer) if (items.size > 0) nameSpaces.set(ns, [...items.values()]);
  const deviceNameSpaces: DeviceNameSpaces = new Map([...proposedDevice].filter(([, items]) => items.size > 0));

  const transcript = readSessionTranscript(options.sessionTranscript);
  const deviceNameSpacesBytes = encodeEmbedded(deviceNameSpaces as CborValue).map(() => deviceNameSpaces);
  const payload = deviceAuthenticationBytes(transcript, wanted.docType, deviceNameSpacesBytes);
  let deviceAuth: DeviceAuth;
  if (options.mac !== undefined) {
    if (!('kty' in held.deviceKey)) throw inputError('mac', 'deviceMac needs the device private key (an external signer cannot do ECDH)');
    const emacKey = await deriveEMacKey(held.deviceKey, options.mac.eReaderKey, transcript, options);
    const deviceMac: CoseMac0 = await createCoseMac0({ payload, key: emacKey, detached: true, ...backendOf(options) });
    deviceAuth = { deviceMac };
  } else {
    const deviceSignature: CoseSign1 = await signCoseSign1({ payload, detached: true, signer: held.deviceKey, ...backendOf(options) });
    deviceAuth = { deviceSignature };
  }
  return {
    docType: wanted.docType,
    issuerSigned: { nameSpaces, issuerAuth: issuerSigned.issuerAuth },
    deviceSigned: { nameSpaces: deviceNameSpacesBytes, deviceAuth },
    ...(errors.size > 0 ? { errors } : {}),
  };
}

function backendOf(options: BackendOptions): BackendOptions {
  return options.backend === undefined ? {} : { backend: options.backend };
}

function checkDeviceKey(held: HeldDocument, mso: MobileSecurityObject, path: string): void {
  const expected = mso.deviceKeyInfo.deviceKey;
  if (expected === undefined) {
    // An MSO whose device key cannot be used cannot be presented: no verifier could check it.
    const where = mso.deviceKeyInfo.deviceKeyError?.path ?? path;
    throw new MdocError('ERR_MDOC_STRUCTURE', `${where}: ${mso.deviceKeyInfo.deviceKeyError?.detail ?? 'no usable device key'}`, { path: where });
  }
  if (!('kty' in held.deviceKey)) return;
  const pub = publicKeyOf(held.deviceKey);
  const same =
    pub.kty === expected.kty &&
    pub.crv === expected.crv &&
    equalBytes(pub.x, expected.x) &&
    (pub.kty !== 'EC' || expected.kty !== 'EC' || equalBytes(pub.y, expected.y));
  if (!same) throw inputError(path, 'the device key is not the one in the MSO');
}

/**
 * Build a DeviceResponse answering `request` (or disclosing `elements`) from the held
 * documents. Requested documents not held are reported in `documentErrors`; requested
 * elements not held (or not consented to) in the document's `errors`.
 *
 * @throws MdocError `ERR_MDOC_INPUT` when neither or both of request and elements are
 *   given, or a device key does not match its MSO; `ERR_MDOC_STRUCTURE` for malformed inputs.
 */
export async function buildDeviceResponse(options: BuildDeviceResponseOptions): Promise<DeviceResponse> {
  resolveBackend(options);
  if ((options.request === undefined) === (options.elements === undefined)) {
    throw inputError('request', 'give exactly one of request and elements');
  }
  const docs = options.documents.map((held, i) => {
    const issuerSigned = held.issuerSigned instanceof Uint8Array ? decodeIssuerSigned(held.issuerSigned, `documents[${i}]`) : held.issuerSigned;
    const mso = decodeIssuerAuthPayload(issuerSigned.issuerAuth, `documents[${i}].issuerAuth`);
    checkDeviceKey(held, mso, `documents[${i}].deviceKey`);
    return { issuerSigned, mso, held };
  });
  const wanted: Wanted[] =
    options.request !== undefined
      ? wantedFromRequest(options.request instanceof Uint8Array ? decodeDeviceRequest(options.request) : options.request)
      : docs.map((d) => ({ docType: d.mso.docType, nameSpaces: new Map(Object.entries(options.elements!)) }));
  const documents: MdocDocument[] = [];
  const documentErrors: [string, number][] = [];
  for (const w of wanted) {
    const doc = docs.find((d) => d.mso.docType === w.docType);
    if (doc === undefined) documentErrors.push([w.docType, DATA_NOT_RETURNED]);
    else documents.push(await present(doc, w, options));
  }
  return { version: '1.0', documents, documentErrors, status: DeviceResponseStatus.OK };
}
