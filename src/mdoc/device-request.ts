/**
 * DeviceRequest (ISO/IEC 18013-5:2021 §8.3.2.1.2.1) with reader authentication (§9.1.4),
 * and the version 1.1 additions of the second edition (DeviceRequestInfo, DocRequestInfo,
 * ReaderAuthAll) kept as received.
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
 * ```
 */

import { type CborEncodable, type CborMap, type CborValue, decode, type EncodedCbor, encode, encodeEmbedded } from '../cbor/index.js';
import {
  CoseHeader,
  type CoseSign1,
  coseSign1Value,
  decodeCoseSign1,
  getX5Chain,
  type Signer,
  signCoseSign1,
  verifyCoseSign1,
  x5chainValue,
} from '../cose/index.js';
import type { BackendOptions } from '../crypto/types.js';
import { CborError, CoseError, isShomeiError } from '../errors.js';
import { type SessionTranscriptBytes, readerAuthenticationBytes } from './device-auth.js';
import { asArray, asBool, asEmbedded, asMap, asText, at, field, optional, structureError, textKeyed } from './structure.js';

/** What a reader asks for in one document. */
export interface ItemsRequest {
  readonly docType: string;
  /** Namespace → element → intent to retain. */
  readonly nameSpaces: ReadonlyMap<string, ReadonlyMap<string, boolean>>;
  readonly requestInfo?: CborMap;
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
  /** Other members (deviceRequestInfo, readerAuthAll of version 1.1 …), kept as received. */
  readonly extensions?: CborMap;
}

function decodeItemsRequest(value: CborValue, path: string): ItemsRequest {
  const m = asMap(value, path);
  const nsPath = at(path, 'nameSpaces');
  const nameSpaces = new Map<string, Map<string, boolean>>();
  for (const [ns, elements] of textKeyed(asMap(field(m, 'nameSpaces', path), nsPath), nsPath)) {
    const p = at(nsPath, ns);
    const map = new Map<string, boolean>();
    for (const [id, intent] of textKeyed(asMap(elements, p), p)) map.set(id, asBool(intent, at(p, id)));
    nameSpaces.set(ns, map);
  }
  const requestInfo = optional(m, 'requestInfo');
  return {
    docType: asText(field(m, 'docType', path), at(path, 'docType')),
    nameSpaces,
    ...(requestInfo === undefined ? {} : { requestInfo: asMap(requestInfo, at(path, 'requestInfo')) }),
  };
}

function rest(m: CborMap, known: readonly string[]): CborMap | undefined {
  const extra = new Map([...m].filter(([k]) => !known.includes(k as string)));
  return extra.size > 0 ? extra : undefined;
}

/**
 * Read a DeviceRequest from bytes or its decoded map.
 * @throws MdocError `ERR_MDOC_STRUCTURE` with the path of the first problem.
 */
export function decodeDeviceRequest(input: Uint8Array | CborValue, path = 'deviceRequest'): DeviceRequest {
  let value: CborValue;
  try {
    value = input instanceof Uint8Array ? decode(input) : input;
  } catch (e) {
    if (e instanceof CborError) structureError(path, e.message, e);
    throw e;
  }
  const m = asMap(value, path);
  const version = asText(field(m, 'version', path), at(path, 'version'));
  const drPath = at(path, 'docRequests');
  const docRequests = asArray(field(m, 'docRequests', path), drPath, true).map((raw, i): DocRequest => {
    const p = `${drPath}[${i}]`;
    const dr = asMap(raw, p);
    const itemsRequest = asEmbedded(field(dr, 'itemsRequest', p), at(p, 'itemsRequest')).map((v) => decodeItemsRequest(v, at(p, 'itemsRequest')));
    const ra = optional(dr, 'readerAuth');
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
  const extensions = rest(m, ['version', 'docRequests']);
  return { version, docRequests, ...(extensions === undefined ? {} : { extensions }) };
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

/**
 * Build a DeviceRequest (version 1.0) for one or more documents, each optionally signed
 * with reader authentication over `readerAuth.sessionTranscript`.
 */
export async function buildDeviceRequest(
  docRequests: readonly ItemsRequestInput[],
  options: BackendOptions & { readonly readerAuth?: ReaderAuthInput } = {},
): Promise<DeviceRequest> {
  const out: DocRequest[] = [];
  for (const input of docRequests) {
    const itemsRequest = buildItemsRequest(input);
    let readerAuth: CoseSign1 | undefined;
    if (options.readerAuth !== undefined) {
      const ra = options.readerAuth;
      readerAuth = await signCoseSign1({
        payload: readerAuthenticationBytes(ra.sessionTranscript, itemsRequest),
        detached: true,
        signer: ra.signer,
        unprotectedHeaders: new Map([[CoseHeader.x5chain, x5chainValue(ra.certificates)]]),
        ...(options.backend === undefined ? {} : { backend: options.backend }),
      });
    }
    out.push({ itemsRequest, ...(readerAuth === undefined ? {} : { readerAuth }) });
  }
  if (out.length === 0) throw new RangeError('a DeviceRequest needs at least one document request');
  return { version: '1.0', docRequests: out };
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
