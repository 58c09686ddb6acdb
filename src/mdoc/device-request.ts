/**
 * DeviceRequest (ISO/IEC 18013-5:2021 §8.3.2.1.2.1) with reader authentication (§9.1.4),
 * and the version 1.1 additions of the second edition (§10.2): DeviceRequestInfo with its
 * use cases, DocRequestInfo in ItemsRequest's `requestInfo`, and ReaderAuthAll, each read
 * into typed fields and re-emitted as received.
 *
 * ```cddl
 * DeviceRequest = {
 *   "version" : tstr,                       ; "1.0" (or "1.1")
 *   "docRequests" : [+ DocRequest],
 *   ? "deviceRequestInfo" : DeviceRequestInfoBytes,   ; 1.1
 *   ? "readerAuthAll" : [+ ReaderAuthAll]             ; 1.1
 * }
 * DocRequest = { "itemsRequest" : ItemsRequestBytes, ? "readerAuth" : ReaderAuth }
 * ItemsRequestBytes = #6.24(bstr .cbor ItemsRequest)
 * ItemsRequest = { "docType" : DocType, "nameSpaces" : NameSpaces, ? "requestInfo" : { * tstr => any } }
 * NameSpaces = { + NameSpace => DataElements }
 * DataElements = { + DataElementIdentifier => IntentToRetain }     ; IntentToRetain = bool
 * ReaderAuth = COSE_Sign1     ; detached payload: ReaderAuthenticationBytes
 *
 * ; version 1.1 (second edition)
 * DeviceRequestInfo = { ? "useCases" : [+ UseCase], * tstr => any }
 * UseCase = { "mandatory" : bool, "documentSets" : [+ [+ uint]], ? "purposeHints" : { + tstr => int } }
 * DocRequestInfo = { ? "alternativeDataElements" : [+ any], ? "issuerIdentifiers" : [+ bstr],
 *                    ? "uniqueDocSetRequired" : bool, ? "maximumResponseSize" : uint, * tstr => any }
 * ReaderAuthAll = COSE_Sign1  ; detached payload: ReaderAuthenticationAllBytes
 * ReaderAuthenticationAll = [ "ReaderAuthenticationAll", SessionTranscript, [* ItemsRequestBytes],
 *                             DeviceRequestInfoBytes / null ]
 * ```
 *
 * An optional member sent as `null` (or CBOR `undefined`) is read as absent and named in
 * `deviations` (REQUEST_OPTIONAL_NULL, UNDEFINED_AS_ABSENT): the iPhone reader of iOS 26.0
 * sends `readerAuthAll: null` and `deviceRequestInfo: null`.
 */

import { type CborEncodable, type CborMap, type CborValue, type EncodedCbor, encode, encodeEmbedded, Tag } from '../cbor/index.js';
import { CoseHeader } from '../cose/algorithms.js';
import { getX5Chain, x5chainValue } from '../cose/headers.js';
import { type CoseSign1, coseSign1Value, decodeCoseSign1, verifyCoseSign1 } from '../cose/sign1.js';
import { signCoseSign1 } from '../cose/sign1-sign.js';
import type { Signer } from '../cose/signer.js';
import type { BackendOptions } from '../crypto/types.js';
import { CoseError, isShomeiError } from '../errors.js';
import { readerAuthenticationAllBytes, readerAuthenticationBytes, type SessionTranscriptBytes } from './device-auth.js';
import { type Deviation, MdocDeviation } from './deviations.js';
import { asArray, asBool, asBytes, asEmbedded, asIdentifier, asInt, asMap, checkCount, MAX_DOCUMENTS, MAX_ELEMENTS, asText, asUint, at, decodeInput, field, optionalMember, structureError, textKeyed } from './structure.js';

/** DocRequestInfo (version 1.1): what the reader says about one document request. */
export interface DocRequestInfo {
  readonly alternativeDataElements?: readonly CborValue[];
  /** AKI keyIdentifier values of the issuers the reader accepts. */
  readonly issuerIdentifiers?: readonly Uint8Array[];
  readonly uniqueDocSetRequired?: boolean;
  readonly maximumResponseSize?: number;
}

/** What a reader asks for in one document. */
export interface ItemsRequest {
  readonly docType: string;
  /** Namespace → element → intent to retain. */
  readonly nameSpaces: ReadonlyMap<string, ReadonlyMap<string, boolean>>;
  /** `requestInfo` as received (DocRequestInfo in version 1.1). */
  readonly requestInfo?: CborMap;
  /** The DocRequestInfo members shomei knows, read from `requestInfo`. */
  readonly docRequestInfo?: DocRequestInfo;
}

/** One use case of a version 1.1 request (§10.2.8): sets of DocRequest indexes, any one of which satisfies it. */
export interface UseCase {
  readonly mandatory: boolean;
  readonly documentSets: readonly (readonly number[])[];
  readonly purposeHints?: ReadonlyMap<string, number>;
}

/** DeviceRequestInfo (version 1.1). */
export interface DeviceRequestInfo {
  readonly useCases?: readonly UseCase[];
}

/** One document request, with the exact ItemsRequestBytes received. */
export interface DocRequest {
  readonly itemsRequest: EncodedCbor<ItemsRequest>;
  readonly readerAuth?: CoseSign1;
  /** Other members (DocRequestInfo of version 1.1 …), kept as received. */
  readonly extensions?: CborMap;
}

/** A decoded DeviceRequest. */
export interface DeviceRequest {
  readonly version: string;
  readonly docRequests: readonly DocRequest[];
  /** DeviceRequestInfoBytes (version 1.1), as received. */
  readonly deviceRequestInfo?: EncodedCbor<DeviceRequestInfo>;
  /** ReaderAuthAll signatures (version 1.1). */
  readonly readerAuthAll?: readonly CoseSign1[];
  /** Other members, kept as received. */
  readonly extensions?: CborMap;
  /**
   * Deviations read past anywhere in the request (an optional member sent as `null`:
   * REQUEST_OPTIONAL_NULL; as CBOR `undefined`: UNDEFINED_AS_ABSENT), each with its path.
   * Absent when there are none.
   */
  readonly deviations?: readonly Deviation[];
}

/** An optional request member; `null` is REQUEST_OPTIONAL_NULL, CBOR `undefined` UNDEFINED_AS_ABSENT. */
function requestOptional(m: CborMap, key: string, path: string, deviations: Deviation[]): CborValue {
  return optionalMember(m, key, path, deviations, MdocDeviation.REQUEST_OPTIONAL_NULL);
}

function decodeDocRequestInfo(m: CborMap, path: string, deviations: Deviation[]): DocRequestInfo {
  const out: { -readonly [K in keyof DocRequestInfo]: DocRequestInfo[K] } = {};
  const alt = requestOptional(m, 'alternativeDataElements', path, deviations);
  if (alt !== undefined) out.alternativeDataElements = asArray(alt, at(path, 'alternativeDataElements'), true);
  const ids = requestOptional(m, 'issuerIdentifiers', path, deviations);
  if (ids !== undefined) out.issuerIdentifiers = asArray(ids, at(path, 'issuerIdentifiers'), true).map((v, i) => asBytes(v, `${at(path, 'issuerIdentifiers')}[${i}]`));
  const unique = requestOptional(m, 'uniqueDocSetRequired', path, deviations);
  if (unique !== undefined) out.uniqueDocSetRequired = asBool(unique, at(path, 'uniqueDocSetRequired'));
  const max = requestOptional(m, 'maximumResponseSize', path, deviations);
  if (max !== undefined) out.maximumResponseSize = asUint(max, at(path, 'maximumResponseSize'));
  return out;
}

function decodeDeviceRequestInfo(value: CborValue, path: string, deviations: Deviation[]): DeviceRequestInfo {
  const m = asMap(value, path);
  const useCases = requestOptional(m, 'useCases', path, deviations);
  if (useCases === undefined) return {};
  const ucPath = at(path, 'useCases');
  return {
    useCases: asArray(useCases, ucPath, true).map((u, i): UseCase => {
      const p = `${ucPath}[${i}]`;
      const um = asMap(u, p);
      const hints = requestOptional(um, 'purposeHints', p, deviations);
      return {
        mandatory: asBool(field(um, 'mandatory', p), at(p, 'mandatory')),
        documentSets: asArray(field(um, 'documentSets', p), at(p, 'documentSets'), true).map((set, j) =>
          asArray(set, `${at(p, 'documentSets')}[${j}]`, true).map((n, k) => asUint(n, `${at(p, 'documentSets')}[${j}][${k}]`)),
        ),
        ...(hints === undefined ? {} : { purposeHints: new Map(textKeyed(asMap(hints, at(p, 'purposeHints')), at(p, 'purposeHints')).map(([k, v]) => [k, asInt(v, at(at(p, 'purposeHints'), k))])) }),
      };
    }),
  };
}

function decodeItemsRequest(value: CborValue, path: string, deviations: Deviation[]): ItemsRequest {
  const m = asMap(value, path);
  const nsPath = at(path, 'nameSpaces');
  const nameSpaces = new Map<string, Map<string, boolean>>();
  for (const [ns, elements] of textKeyed(asMap(field(m, 'nameSpaces', path), nsPath), nsPath)) {
    const p = at(nsPath, ns);
    const map = new Map<string, boolean>();
    for (const [id, intent] of textKeyed(asMap(elements, p), p)) map.set(id, asBool(intent, at(p, id)));
    nameSpaces.set(ns, map);
  }
  const requestInfo = requestOptional(m, 'requestInfo', path, deviations);
  const info = requestInfo === undefined ? undefined : asMap(requestInfo, at(path, 'requestInfo'));
  return {
    docType: asIdentifier(field(m, 'docType', path), at(path, 'docType')),
    nameSpaces,
    ...(info === undefined ? {} : { requestInfo: info, docRequestInfo: decodeDocRequestInfo(info, at(path, 'requestInfo'), deviations) }),
  };
}

function rest(m: CborMap, known: readonly string[]): CborMap | undefined {
  const extra = new Map([...m].filter(([k]) => !known.includes(k as string)));
  return extra.size > 0 ? extra : undefined;
}

/**
 * Read a DeviceRequest from bytes or its decoded map. An optional member sent as `null` or
 * CBOR `undefined` is read as absent and recorded in `deviations`, never thrown.
 * @throws MdocError `ERR_MDOC_STRUCTURE` with the path of the first problem.
 */
export function decodeDeviceRequest(input: Uint8Array | CborValue, path = 'deviceRequest'): DeviceRequest {
  const m = asMap(decodeInput(input, path), path);
  const deviations: Deviation[] = [];
  const version = asText(field(m, 'version', path), at(path, 'version'));
  const drPath = at(path, 'docRequests');
  const rawRequests = asArray(field(m, 'docRequests', path), drPath, true);
  checkCount(rawRequests.length, MAX_DOCUMENTS, 'DocRequests (MAX_DOCUMENTS)', drPath);
  const docRequests = rawRequests.map((raw, i): DocRequest => {
    const p = `${drPath}[${i}]`;
    const dr = asMap(raw, p);
    const itemsRequest = asEmbedded(field(dr, 'itemsRequest', p), at(p, 'itemsRequest')).map((v) => decodeItemsRequest(v, at(p, 'itemsRequest'), deviations));
    const ra = requestOptional(dr, 'readerAuth', p, deviations);
    let readerAuth: CoseSign1 | undefined;
    if (ra !== undefined) {
      try {
        readerAuth = decodeCoseSign1(ra);
      } catch (e) {
        if (e instanceof CoseError) structureError(at(p, 'readerAuth'), e.message, e);
        throw e;
      }
    }
    const extensions = rest(dr, ['itemsRequest', 'readerAuth']);
    return { itemsRequest, ...(readerAuth === undefined ? {} : { readerAuth }), ...(extensions === undefined ? {} : { extensions }) };
  });
  let elements = 0;
  for (const dr of docRequests) for (const items of dr.itemsRequest.value.nameSpaces.values()) elements += items.size;
  checkCount(elements, MAX_ELEMENTS, 'requested data elements (MAX_ELEMENTS)', drPath);
  const dri = requestOptional(m, 'deviceRequestInfo', path, deviations);
  const deviceRequestInfo = dri === undefined ? undefined : asEmbedded(dri, at(path, 'deviceRequestInfo')).map((v) => decodeDeviceRequestInfo(v, at(path, 'deviceRequestInfo'), deviations));
  const raa = requestOptional(m, 'readerAuthAll', path, deviations);
  let readerAuthAll: CoseSign1[] | undefined;
  if (raa !== undefined) {
    // An array of COSE_Sign1 (second edition); a single COSE_Sign1 (its first element the
    // protected header's bstr, or tag 18 around it) is read as a list of one, and named.
    const single = raa instanceof Tag || (Array.isArray(raa) && raa[0] instanceof Uint8Array);
    if (single) deviations.push({ id: MdocDeviation.READER_AUTH_ALL_SINGLE, path: at(path, 'readerAuthAll'), detail: 'one COSE_Sign1, not an array of them: read as a list of one' });
    const list = single ? [raa] : asArray(raa, at(path, 'readerAuthAll'));
    checkCount(list.length, MAX_DOCUMENTS, 'ReaderAuthAll signatures (MAX_DOCUMENTS)', at(path, 'readerAuthAll'));
    readerAuthAll = list.map((r, i) => {
      try {
        return decodeCoseSign1(r);
      } catch (e) {
        if (e instanceof CoseError) structureError(`${at(path, 'readerAuthAll')}[${i}]`, e.message, e);
        throw e;
      }
    });
  }
  const extensions = rest(m, ['version', 'docRequests', 'deviceRequestInfo', 'readerAuthAll']);
  return {
    version,
    docRequests,
    ...(deviceRequestInfo === undefined ? {} : { deviceRequestInfo }),
    ...(readerAuthAll === undefined ? {} : { readerAuthAll }),
    ...(extensions === undefined ? {} : { extensions }),
    ...(deviations.length === 0 ? {} : { deviations }),
  };
}

/** Encode a DeviceRequest (ItemsRequestBytes and ReaderAuth re-emitted as they are). */
export function encodeDeviceRequest(request: DeviceRequest): Uint8Array {
  const docRequests = request.docRequests.map((dr) => {
    const m = new Map<string, CborEncodable>([['itemsRequest', dr.itemsRequest]]);
    if (dr.readerAuth !== undefined) m.set('readerAuth', coseSign1Value(dr.readerAuth));
    for (const [k, v] of dr.extensions ?? []) m.set(k as string, v);
    return m;
  });
  const m = new Map<string, CborEncodable>([
    ['version', request.version],
    ['docRequests', docRequests],
  ]);
  if (request.deviceRequestInfo !== undefined) m.set('deviceRequestInfo', request.deviceRequestInfo);
  if (request.readerAuthAll !== undefined) m.set('readerAuthAll', request.readerAuthAll.map((r) => coseSign1Value(r)));
  for (const [k, v] of request.extensions ?? []) m.set(k as string, v);
  return encode(m);
}

/** The ItemsRequest of one document, as data: namespace → element → intent to retain. */
export interface ItemsRequestInput {
  readonly docType: string;
  readonly nameSpaces: Readonly<Record<string, Readonly<Record<string, boolean>>>> | ReadonlyMap<string, ReadonlyMap<string, boolean>>;
  readonly requestInfo?: CborMap;
}

/** Reader authentication for a request: the reader key or signer and its certificates. */
export interface ReaderAuthInput {
  readonly signer: Signer;
  /** The reader certificate first, then intermediates (never the root). */
  readonly certificates: readonly Uint8Array[];
  /** The SessionTranscript the ReaderAuth signs over. */
  readonly sessionTranscript: SessionTranscriptBytes;
}

/** Build ItemsRequestBytes. */
export function buildItemsRequest(input: ItemsRequestInput): EncodedCbor<ItemsRequest> {
  const entries = input.nameSpaces instanceof Map ? [...input.nameSpaces] : Object.entries(input.nameSpaces);
  const nameSpaces = new Map<string, Map<string, boolean>>(
    entries.map(([ns, els]) => [ns, new Map(els instanceof Map ? [...els] : Object.entries(els as Record<string, boolean>))]),
  );
  const m = new Map<string, CborValue>([
    ['docType', input.docType],
    ['nameSpaces', nameSpaces],
  ]);
  if (input.requestInfo !== undefined) m.set('requestInfo', input.requestInfo);
  const itemsRequest: ItemsRequest = {
    docType: input.docType,
    nameSpaces,
    ...(input.requestInfo === undefined ? {} : { requestInfo: input.requestInfo }),
  };
  return encodeEmbedded(m).map(() => itemsRequest);
}

/** Options of {@link buildDeviceRequest}. */
export interface BuildDeviceRequestOptions extends BackendOptions {
  /** Sign each DocRequest (ReaderAuth). */
  readonly readerAuth?: ReaderAuthInput;
  /** Sign the whole request once (ReaderAuthAll, version 1.1). */
  readonly readerAuthAll?: ReaderAuthInput;
  /** DeviceRequestInfo (version 1.1), e.g. use cases. */
  readonly deviceRequestInfo?: DeviceRequestInfo;
}

function deviceRequestInfoValue(info: DeviceRequestInfo): Map<string, CborValue> {
  const m = new Map<string, CborValue>();
  if (info.useCases !== undefined) {
    m.set(
      'useCases',
      info.useCases.map((u) => {
        const um = new Map<string, CborValue>([
          ['mandatory', u.mandatory],
          ['documentSets', u.documentSets.map((set) => [...set])],
        ]);
        if (u.purposeHints !== undefined) um.set('purposeHints', new Map(u.purposeHints));
        return um;
      }),
    );
  }
  return m;
}

async function signReaderAuth(payload: Uint8Array, input: ReaderAuthInput, options: BackendOptions): Promise<CoseSign1> {
  return signCoseSign1({
    payload,
    detached: true,
    signer: input.signer,
    unprotectedHeaders: new Map([[CoseHeader.x5chain, x5chainValue(input.certificates)]]),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
}

/**
 * Build a DeviceRequest for one or more documents, optionally signed per document
 * (ReaderAuth) or as a whole (ReaderAuthAll). The version is "1.1" when
 * DeviceRequestInfo or ReaderAuthAll is present, "1.0" otherwise (second edition §10.2.2).
 */
export async function buildDeviceRequest(docRequests: readonly ItemsRequestInput[], options: BuildDeviceRequestOptions = {}): Promise<DeviceRequest> {
  if (docRequests.length === 0) throw new RangeError('a DeviceRequest needs at least one document request');
  const out: DocRequest[] = [];
  for (const input of docRequests) {
    const itemsRequest = buildItemsRequest(input);
    const readerAuth =
      options.readerAuth === undefined ? undefined : await signReaderAuth(readerAuthenticationBytes(options.readerAuth.sessionTranscript, itemsRequest), options.readerAuth, options);
    out.push({ itemsRequest, ...(readerAuth === undefined ? {} : { readerAuth }) });
  }
  const info = options.deviceRequestInfo;
  const deviceRequestInfo = info === undefined ? undefined : encodeEmbedded(deviceRequestInfoValue(info) as CborValue).map(() => info);
  let readerAuthAll: CoseSign1[] | undefined;
  if (options.readerAuthAll !== undefined) {
    const payload = readerAuthenticationAllBytes(
      options.readerAuthAll.sessionTranscript,
      out.map((d) => d.itemsRequest),
      deviceRequestInfo ?? null,
    );
    readerAuthAll = [await signReaderAuth(payload, options.readerAuthAll, options)];
  }
  const v11 = deviceRequestInfo !== undefined || readerAuthAll !== undefined;
  return {
    version: v11 ? '1.1' : '1.0',
    docRequests: out,
    ...(deviceRequestInfo === undefined ? {} : { deviceRequestInfo }),
    ...(readerAuthAll === undefined ? {} : { readerAuthAll }),
  };
}

/** The reader certificate chain of a ReaderAuth (leaf first). */
export function readerAuthCertificates(readerAuth: CoseSign1): Uint8Array[] {
  return getX5Chain(readerAuth.protectedHeaders, readerAuth.unprotectedHeaders);
}

/**
 * Verify the ReaderAuth signature of one DocRequest with the reader's public key (the
 * certificate chain is checked separately, see `verifyReaderAuth` in verify-request).
 * Returns false (never throws) when the signature or headers are wrong.
 */
export async function verifyReaderAuthSignature(
  docRequest: DocRequest,
  transcript: SessionTranscriptBytes,
  key: Parameters<typeof verifyCoseSign1>[1]['key'],
  options: BackendOptions = {},
): Promise<boolean> {
  if (docRequest.readerAuth === undefined) return false;
  try {
    await verifyCoseSign1(docRequest.readerAuth, {
      key,
      detachedPayload: readerAuthenticationBytes(transcript, docRequest.itemsRequest),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    });
    return true;
  } catch (e) {
    if (isShomeiError(e)) return false;
    throw e;
  }
}

/** Options of {@link verifyReaderAuthAllSignature}. */
export interface VerifyReaderAuthAllOptions extends BackendOptions {
  /** Which ReaderAuthAll signature to verify; default 0. */
  readonly index?: number;
}

/**
 * Verify a ReaderAuthAll signature (version 1.1) with the reader's public key over
 * ReaderAuthenticationAllBytes built from this request and `transcript`: the ItemsRequestBytes
 * and DeviceRequestInfoBytes as received (null when absent or sent as null). False (never
 * throws) when absent or not valid.
 */
export async function verifyReaderAuthAllSignature(
  request: DeviceRequest,
  transcript: SessionTranscriptBytes,
  key: Parameters<typeof verifyCoseSign1>[1]['key'],
  options: VerifyReaderAuthAllOptions = {},
): Promise<boolean> {
  const signature = request.readerAuthAll?.[options.index ?? 0];
  if (signature === undefined) return false;
  const payload = readerAuthenticationAllBytes(
    transcript,
    request.docRequests.map((d) => d.itemsRequest),
    request.deviceRequestInfo ?? null,
  );
  try {
    await verifyCoseSign1(signature, { key, detachedPayload: payload, ...(options.backend === undefined ? {} : { backend: options.backend }) });
    return true;
  } catch (e) {
    if (isShomeiError(e)) return false;
    throw e;
  }
}
