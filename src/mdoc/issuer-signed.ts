/**
 * IssuerSigned and IssuerSignedItem (ISO/IEC 18013-5:2021 §8.3.2.1.2.2, §9.1.2.4, §9.1.2.5).
 *
 * ```cddl
 * IssuerSigned = { ? "nameSpaces" : IssuerNameSpaces, "issuerAuth" : IssuerAuth }
 * IssuerNameSpaces = { + NameSpace => [ + IssuerSignedItemBytes ] }
 * IssuerSignedItemBytes = #6.24(bstr .cbor IssuerSignedItem)
 * IssuerSignedItem = {
 *   "digestID" : uint,
 *   "random" : bstr,
 *   "elementIdentifier" : DataElementIdentifier,
 *   "elementValue" : DataElementValue
 * }
 * IssuerAuth = COSE_Sign1   ; payload: MobileSecurityObjectBytes
 * ```
 *
 * Every IssuerSignedItemBytes keeps the bytes it was received as: the value digest is
 * always computed over them (§9.1.2.5), never over a re-encoding.
 */

import { type CborValue, decode, type EncodedCbor, encode } from '../cbor/index.js';
import { type CoseSign1, coseSign1Value, decodeCoseSign1 } from '../cose/sign1.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions } from '../crypto/types.js';
import { CborError, CoseError } from '../errors.js';
import { type Deviation, MdocDeviation } from './deviations.js';
import type { DigestAlgorithm, MobileSecurityObject } from './mso.js';
import { decodeMobileSecurityObject } from './mso.js';
import { asArray, asBytes, asEmbedded, asIdentifier, asMap, asUint, at, checkEmbeddedIn, field, isUint, MAX_IDENTIFIER_LENGTH, optional, structureError, textKeyed, memberDeviations } from './structure.js';

/** One issuer-signed data element. */
export interface IssuerSignedItem {
  readonly digestID: number;
  readonly random: Uint8Array;
  readonly elementIdentifier: string;
  readonly elementValue: CborValue;
}

/** An IssuerSignedItem with the exact tag-24 bytes it came in. */
export type IssuerSignedItemBytes = EncodedCbor<IssuerSignedItem>;

/** Decoded IssuerSigned. */
export interface IssuerSigned {
  /** Namespace → items, in the order received. */
  readonly nameSpaces: ReadonlyMap<string, readonly IssuerSignedItemBytes[]>;
  readonly issuerAuth: CoseSign1;
  /** Deviations read past while decoding (an empty nameSpaces map or namespace). */
  readonly deviations?: readonly Deviation[];
}

/** Read an IssuerSignedItem from its decoded map. */
export function decodeIssuerSignedItem(value: CborValue, path: string): IssuerSignedItem {
  // Every disclosed element takes this path: a well-formed item is read without building the
  // error paths below, which report the first problem of any other.
  if (value instanceof Map) {
    const digestID = value.get('digestID');
    const random = value.get('random');
    const elementIdentifier = value.get('elementIdentifier');
    if (isUint(digestID) && random instanceof Uint8Array && typeof elementIdentifier === 'string' && elementIdentifier.length <= MAX_IDENTIFIER_LENGTH && value.has('elementValue')) {
      const elementValue = value.get('elementValue');
      checkEmbeddedIn(elementValue, path, 'elementValue');
      return { digestID, random, elementIdentifier, elementValue };
    }
  }
  const m = asMap(value, path);
  // Any uint is accepted (some issuers use 32-bit random ids); shomei issues them below 2^31.
  const digestID = asUint(field(m, 'digestID', path), at(path, 'digestID'));
  const item = {
    digestID,
    random: asBytes(field(m, 'random', path), at(path, 'random')),
    elementIdentifier: asIdentifier(field(m, 'elementIdentifier', path), at(path, 'elementIdentifier')),
    elementValue: field(m, 'elementValue', path),
  };
  checkEmbeddedIn(item.elementValue, path, 'elementValue');
  return item;
}

/** The IssuerSignedItem as a CBOR map. */
export function encodeIssuerSignedItem(item: IssuerSignedItem): Map<string, CborValue> {
  return new Map<string, CborValue>([
    ['digestID', item.digestID],
    ['random', item.random],
    ['elementIdentifier', item.elementIdentifier],
    ['elementValue', item.elementValue],
  ]);
}

function coseStructure<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof CoseError || e instanceof CborError) structureError(path, e.message, e);
    throw e;
  }
}

/**
 * Read IssuerSigned from bytes or its decoded map. An empty `nameSpaces` map or an empty
 * namespace is read past and recorded in `deviations` (`EMPTY_ISSUER_NAMESPACES`).
 * @throws MdocError `ERR_MDOC_STRUCTURE` with the path of the first problem.
 */
export function decodeIssuerSigned(input: Uint8Array | CborValue, path = 'issuerSigned'): IssuerSigned {
  const value = input instanceof Uint8Array ? coseStructure(path, () => decode(input)) : input;
  const m = asMap(value, path);
  const nameSpaces = new Map<string, IssuerSignedItemBytes[]>();
  const deviations: Deviation[] = [];
  memberDeviations(m, ['nameSpaces', 'issuerAuth'], path, deviations);
  const ns = optional(m, 'nameSpaces');
  if (ns !== undefined) {
    const nsPath = at(path, 'nameSpaces');
    const entries = textKeyed(asMap(ns, nsPath), nsPath);
    if (entries.length === 0) deviations.push({ id: MdocDeviation.EMPTY_ISSUER_NAMESPACES, path: nsPath, detail: 'nameSpaces is an empty map' });
    for (const [namespace, items] of entries) {
      const p = at(nsPath, namespace);
      const seen = new Set<string>();
      const raws = asArray(items, p);
      if (raws.length === 0) deviations.push({ id: MdocDeviation.EMPTY_ISSUER_NAMESPACES, path: p, detail: 'a namespace with no element' });
      const list = raws.map((raw, i) => {
        const ip = `${p}[${i}]`;
        const item = asEmbedded(raw, ip).map((v) => decodeIssuerSignedItem(v, ip));
        if (seen.has(item.value.elementIdentifier)) structureError(ip, `element ${item.value.elementIdentifier} appears twice`);
        seen.add(item.value.elementIdentifier);
        return item;
      });
      nameSpaces.set(namespace, list);
    }
  }
  const authPath = at(path, 'issuerAuth');
  const issuerAuth = coseStructure(authPath, () => decodeCoseSign1(field(m, 'issuerAuth', path)));
  return { nameSpaces, issuerAuth, ...(deviations.length === 0 ? {} : { deviations }) };
}

/** IssuerSigned as a CBOR map (items re-emitted as received). */
export function issuerSignedValue(issuerSigned: IssuerSigned): Map<string, CborValue> {
  const m = new Map<string, CborValue>();
  if (issuerSigned.nameSpaces.size > 0) {
    m.set('nameSpaces', new Map<string, CborValue>([...issuerSigned.nameSpaces].map(([ns, items]) => [ns, [...items] as CborValue[]])));
  }
  m.set('issuerAuth', coseSign1Value(issuerSigned.issuerAuth));
  return m;
}

/** Encode IssuerSigned. */
export function encodeIssuerSigned(issuerSigned: IssuerSigned): Uint8Array {
  return encode(issuerSignedValue(issuerSigned));
}

const EXACT_NUMBERS = { exactNumbers: true } as const;

/**
 * The MSO carried in IssuerAuth: the payload is `#6.24(bstr .cbor MobileSecurityObject)`.
 * A payload that is the MSO map itself is read and recorded as the `MSO_UNTAGGED`
 * deviation (the signature covers the payload bytes either way).
 * @throws MdocError `ERR_MDOC_STRUCTURE` otherwise.
 */
export function decodeIssuerAuthPayload(issuerAuth: CoseSign1, path = 'issuerAuth'): MobileSecurityObject {
  const payloadPath = `${path}.payload`;
  if (issuerAuth.payload === null) structureError(payloadPath, 'IssuerAuth has a detached payload');
  // exactNumbers: the MSO's integers (digestIDs, status idx, the device key's kty and crv)
  // are integers; a float that equals one (3.0) is not read as it.
  const decoded = coseStructure(payloadPath, () => decode(issuerAuth.payload!, EXACT_NUMBERS));
  if (decoded instanceof Map) {
    const mso = decodeMobileSecurityObject(decoded, `${payloadPath}.mso`);
    const untagged: Deviation = { id: MdocDeviation.MSO_UNTAGGED, path: payloadPath, detail: 'the payload is the MSO itself, not tag 24 around it' };
    // Object.assign, not a literal starting with a spread: that costs about 1 µs on Node 20.
    return Object.assign({}, mso, { deviations: [untagged, ...(mso.deviations ?? [])] });
  }
  const embedded = asEmbedded(decoded, payloadPath);
  return decodeMobileSecurityObject(embedded.value, `${payloadPath}.mso`);
}

/** The digest of an IssuerSignedItemBytes: over the whole tag-24 item exactly as received. */
export function digestItem(item: EncodedCbor<unknown>, algorithm: DigestAlgorithm, options: BackendOptions = {}): Promise<Uint8Array> {
  return resolveBackend(options).digest(algorithm, item.tagged);
}
