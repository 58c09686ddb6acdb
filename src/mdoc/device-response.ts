/**
 * DeviceResponse (ISO/IEC 18013-5:2021 §8.3.2.1.2.2) and DeviceSigned (§9.1.3).
 *
 * ```cddl
 * DeviceResponse = {
 *   "version" : tstr,                  ; "1.0"
 *   ? "documents" : [+ Document],
 *   ? "documentErrors" : [+ DocumentError],
 *   "status" : uint
 * }
 * Document = {
 *   "docType" : DocType,
 *   "issuerSigned" : IssuerSigned,
 *   "deviceSigned" : DeviceSigned,
 *   ? "errors" : Errors
 * }
 * DeviceSigned = { "nameSpaces" : DeviceNameSpacesBytes, "deviceAuth" : DeviceAuth }
 * DeviceNameSpacesBytes = #6.24(bstr .cbor DeviceNameSpaces)
 * DeviceNameSpaces = { * NameSpace => DeviceSignedItems }
 * DeviceSignedItems = { + DataElementIdentifier => DataElementValue }
 * DeviceAuth = { "deviceSignature" : DeviceSignature // "deviceMac" : DeviceMac }
 * Errors = { + NameSpace => ErrorItems }
 * ErrorItems = { + DataElementIdentifier => ErrorCode }
 * DocumentError = { DocType => ErrorCode }
 * ErrorCode = int
 * ```
 */

import { type CborValue, type EncodedCbor, encode, Tag } from '../cbor/index.js';
import { type CoseMac0, coseMac0Value, decodeCoseMac0 } from '../cose/mac0.js';
import { type CoseSign1, coseSign1Value, decodeCoseSign1 } from '../cose/sign1.js';
import { CoseError } from '../errors.js';
import { type Deviation, MdocDeviation } from './deviations.js';
import { decodeIssuerSigned, type IssuerSigned, issuerSignedValue } from './issuer-signed.js';
import { asArray, asEmbedded, asIdentifier, asInt, asMap, checkCount, checkEmbeddedIn, MAX_DOCUMENTS, MAX_ELEMENTS, asText, asUint, at, decodeInput, field, optional, structureError, textKeyed, memberDeviations, undefinedMember } from './structure.js';

/** Status codes of a DeviceResponse (§8.3.2.1.2.3, Table 8). */
export const DeviceResponseStatus = {
  OK: 0,
  GENERAL_ERROR: 10,
  CBOR_DECODING_ERROR: 11,
  CBOR_VALIDATION_ERROR: 12,
} as const;
export type DeviceResponseStatus = (typeof DeviceResponseStatus)[keyof typeof DeviceResponseStatus];

/** Error code for an element or document not returned (§8.3.2.1.2.3: 0 = data not returned). */
export const DATA_NOT_RETURNED = 0;

/** Device-signed element values: namespace → element → value. */
export type DeviceNameSpaces = ReadonlyMap<string, ReadonlyMap<string, CborValue>>;

/** Exactly one of a signature or a MAC. */
export type DeviceAuth = { readonly deviceSignature: CoseSign1 } | { readonly deviceMac: CoseMac0 };

/** A decoded DeviceSigned. */
export interface DeviceSigned {
  /** DeviceNameSpacesBytes as received (DeviceAuthentication covers these bytes). */
  readonly nameSpaces: EncodedCbor<DeviceNameSpaces>;
  readonly deviceAuth: DeviceAuth;
}

/** One document of a DeviceResponse. */
export interface MdocDocument {
  readonly docType: string;
  readonly issuerSigned: IssuerSigned;
  /** Absent only in a document read past the DEVICE_SIGNED_MISSING deviation (never device-authenticated). */
  readonly deviceSigned?: DeviceSigned;
  /** Elements requested but not returned: namespace → element → error code. */
  readonly errors?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Deviations read past in this document's errors and DeviceSigned (IssuerSigned and the MSO keep their own). */
  readonly deviations?: readonly Deviation[];
}

/** A decoded DeviceResponse. */
export interface DeviceResponse {
  readonly version: string;
  readonly documents: readonly MdocDocument[];
  /** Documents requested but not returned: docType → error code. */
  readonly documentErrors: readonly (readonly [string, number])[];
  readonly status: number;
  /** Deviations read past at the response level (`documents: []`, `documentErrors: []`). */
  readonly deviations?: readonly Deviation[];
}

function decodeDeviceNameSpaces(value: CborValue, path: string, deviations: Deviation[]): DeviceNameSpaces {
  const out = new Map<string, Map<string, CborValue>>();
  for (const [ns, items] of textKeyed(asMap(value, path), path)) {
    const p = at(path, ns);
    const entries = textKeyed(asMap(items, p), p);
    for (const [id, v] of entries) checkEmbeddedIn(v, p, id);
    if (entries.length === 0) deviations.push({ id: MdocDeviation.EMPTY_DEVICE_NAMESPACE, path: p, detail: 'a device-signed namespace with no element' });
    out.set(ns, new Map(entries));
  }
  return out;
}

/**
 * A COSE_Sign1 or COSE_Mac0 (tagged or not) whose payload is CBOR `undefined`, with nil in its
 * place (`UNDEFINED_AS_ABSENT`): the detached payload is the verifier's own
 * DeviceAuthenticationBytes either way. Anything else is returned as it is.
 */
function undefinedPayloadAsNil(value: CborValue, path: string, deviations: Deviation[]): CborValue {
  const tagged = value instanceof Tag;
  const arr = tagged ? (value as Tag).value : value;
  if (!Array.isArray(arr) || arr.length !== 4 || arr[2] !== undefined) return value;
  deviations.push({ id: MdocDeviation.UNDEFINED_AS_ABSENT, path: at(path, 'payload'), detail: 'the detached payload is CBOR undefined: read as nil' });
  const fixed = [arr[0], arr[1], null, arr[3]];
  return tagged ? new Tag((value as Tag).tag, fixed) : fixed;
}

function decodeDeviceSigned(value: CborValue, path: string, deviations: Deviation[]): DeviceSigned {
  const m = asMap(value, path);
  memberDeviations(m, ['nameSpaces', 'deviceAuth'], path, deviations);
  const nameSpaces = asEmbedded(field(m, 'nameSpaces', path), at(path, 'nameSpaces')).map((v) => decodeDeviceNameSpaces(v, at(path, 'nameSpaces'), deviations));
  const daPath = at(path, 'deviceAuth');
  const da = asMap(field(m, 'deviceAuth', path), daPath);
  // A member sent as CBOR undefined (`deviceMac: undefined` beside the signature) is absent.
  let members = 0;
  for (const [k, v] of da) {
    if (v !== undefined) members++;
    else if (typeof k === 'string') undefinedMember(k, daPath, deviations);
  }
  const sig = optional(da, 'deviceSignature');
  const mac = optional(da, 'deviceMac');
  if ((sig === undefined) === (mac === undefined) || members !== 1) structureError(daPath, 'expected exactly one of deviceSignature or deviceMac');
  const which = sig !== undefined ? 'deviceSignature' : 'deviceMac';
  try {
    const cose = undefinedPayloadAsNil(sig ?? mac, at(daPath, which), deviations);
    const deviceAuth: DeviceAuth = sig !== undefined ? { deviceSignature: decodeCoseSign1(cose) } : { deviceMac: decodeCoseMac0(cose) };
    return { nameSpaces, deviceAuth };
  } catch (e) {
    if (e instanceof CoseError) structureError(daPath, e.message, e);
    throw e;
  }
}

function decodeErrors(value: CborValue, path: string, deviations: Deviation[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const entries = textKeyed(asMap(value, path), path);
  if (entries.length === 0) deviations.push({ id: MdocDeviation.EMPTY_ERRORS, path, detail: 'errors is an empty map' });
  for (const [ns, items] of entries) {
    const p = at(path, ns);
    const codes = textKeyed(asMap(items, p), p);
    if (codes.length === 0) deviations.push({ id: MdocDeviation.EMPTY_ERRORS, path: p, detail: 'a namespace with no error item' });
    out.set(ns, new Map(codes.map(([id, code]) => [id, asInt(code, at(p, id))])));
  }
  return out;
}

/**
 * Read one Document. Deviations a verifier can read past (see {@link MdocDeviation}) are
 * recorded in `deviations`, never thrown.
 */
export function decodeDocument(value: CborValue, path: string): MdocDocument {
  const m = asMap(value, path);
  const deviations: Deviation[] = [];
  memberDeviations(m, ['docType', 'issuerSigned', 'deviceSigned', 'errors'], path, deviations);
  const errors = optional(m, 'errors');
  const ds = optional(m, 'deviceSigned');
  if (ds === undefined) deviations.push({ id: MdocDeviation.DEVICE_SIGNED_MISSING, path: at(path, 'deviceSigned'), detail: 'the document has no deviceSigned: it cannot be device-authenticated' });
  return {
    docType: asIdentifier(field(m, 'docType', path), at(path, 'docType')),
    issuerSigned: decodeIssuerSigned(field(m, 'issuerSigned', path), at(path, 'issuerSigned')),
    ...(ds === undefined ? {} : { deviceSigned: decodeDeviceSigned(ds, at(path, 'deviceSigned'), deviations) }),
    ...(errors === undefined ? {} : { errors: decodeErrors(errors, at(path, 'errors'), deviations) }),
    ...(deviations.length === 0 ? {} : { deviations }),
  };
}

/**
 * Read a DeviceResponse from bytes or its decoded map. Deviations a verifier can read past
 * (an empty `documents` or `documentErrors` array, and those listed in {@link MdocDeviation})
 * are recorded in `deviations` of the response, document, IssuerSigned or MSO, never thrown:
 * `verifyDeviceResponse` reports each one.
 * @throws MdocError `ERR_MDOC_STRUCTURE` with the path of the first problem.
 */
export function decodeDeviceResponse(input: Uint8Array | CborValue, path = 'deviceResponse'): DeviceResponse {
  const m = asMap(decodeInput(input, path), path);
  const deviations: Deviation[] = [];
  memberDeviations(m, ['version', 'documents', 'documentErrors', 'status'], path, deviations);
  const nonEmpty = (v: CborValue, p: string, id: MdocDeviation): readonly CborValue[] => {
    const arr = asArray(v, p);
    if (arr.length === 0) deviations.push({ id, path: p, detail: 'an empty array where the CDDL requires at least one entry' });
    return arr;
  };
  const docs = optional(m, 'documents');
  const docErrors = optional(m, 'documentErrors');
  const docsPath = at(path, 'documents');
  const docList = docs === undefined ? [] : nonEmpty(docs, docsPath, MdocDeviation.EMPTY_DOCUMENTS);
  checkCount(docList.length, MAX_DOCUMENTS, 'documents (MAX_DOCUMENTS)', docsPath);
  const documents = docList.map((d, i) => decodeDocument(d, `${docsPath}[${i}]`));
  checkCount(
    documents.reduce((n, d) => n + elementCount(d), 0),
    MAX_ELEMENTS,
    'data elements (MAX_ELEMENTS)',
    docsPath,
  );
  const documentErrors =
    docErrors === undefined
      ? []
      : nonEmpty(docErrors, at(path, 'documentErrors'), MdocDeviation.EMPTY_DOCUMENT_ERRORS).map((e, i) => {
          const p = `${at(path, 'documentErrors')}[${i}]`;
          const entries = textKeyed(asMap(e, p), p);
          if (entries.length !== 1) structureError(p, 'a DocumentError maps exactly one docType');
          const [docType, code] = entries[0]!;
          return [docType, asInt(code, at(p, docType))] as const;
        });
  return {
    version: asText(field(m, 'version', path), at(path, 'version')),
    documents,
    documentErrors,
    status: asUint(field(m, 'status', path), at(path, 'status')),
    ...(deviations.length === 0 ? {} : { deviations }),
  };
}

/** The data elements of a document, issuer-signed and device-signed. */
export function elementCount(doc: MdocDocument): number {
  let n = 0;
  for (const items of doc.issuerSigned.nameSpaces.values()) n += items.length;
  for (const items of doc.deviceSigned?.nameSpaces.value.values() ?? []) n += items.size;
  return n;
}

/** A Document as a CBOR map (received bytes re-emitted as they are). */
export function documentValue(doc: MdocDocument): Map<string, CborValue> {
  const m = new Map<string, CborValue>([
    ['docType', doc.docType],
    ['issuerSigned', issuerSignedValue(doc.issuerSigned)],
  ]);
  if (doc.deviceSigned !== undefined) {
    const auth = doc.deviceSigned.deviceAuth;
    const deviceAuth =
      'deviceSignature' in auth ? new Map([['deviceSignature', coseSign1Value(auth.deviceSignature)]]) : new Map([['deviceMac', coseMac0Value(auth.deviceMac)]]);
    m.set(
      'deviceSigned',
      new Map<string, CborValue>([
        ['nameSpaces', doc.deviceSigned.nameSpaces as EncodedCbor],
        ['deviceAuth', deviceAuth],
      ]),
    );
  }
  if (doc.errors !== undefined && doc.errors.size > 0) m.set('errors', new Map([...doc.errors].map(([ns, e]) => [ns, new Map(e)])));
  return m;
}

/** Encode a DeviceResponse. */
export function encodeDeviceResponse(response: DeviceResponse): Uint8Array {
  const m = new Map<string, CborValue>([['version', response.version]]);
  if (response.documents.length > 0) m.set('documents', response.documents.map(documentValue));
  if (response.documentErrors.length > 0) m.set('documentErrors', response.documentErrors.map(([d, c]) => new Map([[d, c]])));
  m.set('status', response.status);
  return encode(m);
}
