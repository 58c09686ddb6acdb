/**
 * OpenID4VP 1.0 `transaction_data` (§5.1, §8.4; error `invalid_transaction_data`, §8.5) and
 * its mdoc binding (Appendix B.2.1).
 *
 * The request parameter is a non-empty array of base64url-encoded JSON objects, each with a
 * `type`, `credential_ids` naming DCQL Credential Queries, and optionally
 * `transaction_data_hashes_alg` (the SD-JWT VC profile of B.3.3.1, kept as read). A wallet must
 * reject any type it does not know or any object its type does not accept, so the caller
 * lists the {@link TransactionDataType}s it supports.
 *
 * The mdoc binding is NOT FINAL in the specification: B.2.1 only RECOMMENDS that each
 * transaction data type define a data element (NameSpace, DataElementIdentifier,
 * DataElementValue) returned in `DeviceSigned`, authorized by the issuer in the MSO's
 * `KeyAuthorizations`, and no such type is published (the HAIP and ISO/IEC TS 18013-7
 * texts checked define none for mdoc). shomei implements exactly that published form, per type,
 * behind {@link TransactionDataType.mdocDeviceSigned}: the type names the element, and its
 * value is what the type computes, by default the hash of the received string under the
 * first supported `transaction_data_hashes_alg` (else sha-256), as B.3.3.1 does for SD-JWT.
 */
import type { CborEncodable, CborValue } from '../cbor/index.js';
import { encode } from '../cbor/index.js';
import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions, HashAlg } from '../crypto/types.js';
import { OnlineError } from '../errors.js';
import { equalBytes, utf8Decode, utf8Encode } from '../internal/bytes.js';
import type { HeldDocument, KeyAuthorizations, VerifiedDocument } from '../mdoc/index.js';
import { decodeIssuerAuthPayload, decodeIssuerSigned } from '../mdoc/index.js';
import type { DcqlQuery } from './dcql-query.js';
import { fromBase64UrlStrict } from './jwe.js';
import { isObject, parseJson } from './json.js';

/** The mdoc binding of a transaction data type (B.2.1, not final): the DeviceSigned element that carries it. */
export interface MdocTransactionDataElement {
  readonly nameSpace: string;
  readonly elementIdentifier: string;
  /** The DataElementValue for one entry; default: the hash of `entry.encoded` (see the file header). */
  readonly value?: (entry: TransactionData, options: BackendOptions) => CborEncodable | Promise<CborEncodable>;
}

/** A transaction data type a wallet or verifier supports (its definition is outside OpenID4VP). */
export interface TransactionDataType {
  readonly type: string;
  /**
   * Check the type-specific members (and refuse unknown ones, as §8.5 asks): return what is
   * wrong, or undefined when the object is valid. Absent: any object of the type is accepted.
   */
  readonly validate?: (data: Readonly<Record<string, unknown>>) => string | undefined;
  /** B.2.1 (NOT FINAL, see the file header): where an mdoc presentation returns the processed transaction data. */
  readonly mdocDeviceSigned?: MdocTransactionDataElement;
}

/** One `transaction_data` entry, read and checked. */
export interface TransactionData {
  readonly index: number;
  /** The base64url string exactly as received (what hashes are computed over). */
  readonly encoded: string;
  readonly type: string;
  readonly credential_ids: readonly string[];
  readonly transaction_data_hashes_alg?: readonly string[];
  /** The whole decoded object, prototype-free. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** shomei's caps on `transaction_data` (the specification sets none). */
export const TRANSACTION_DATA_LIMITS = {
  /** Entries in the array. */
  entries: 16,
  /** Length of one base64url string. */
  encodedLength: 65_536,
  /** Entries in `credential_ids` and in `transaction_data_hashes_alg`. */
  ids: 64,
} as const;

/** Hash Name Strings (IANA "Named Information Hash Algorithm") shomei computes. */
const HASHES: ReadonlyMap<string, HashAlg> = new Map([
  ['sha-256', 'SHA-256'],
  ['sha-384', 'SHA-384'],
  ['sha-512', 'SHA-512'],
]);

function invalid(path: string, message: string): never {
  throw new OnlineError('ERR_TRANSACTION_DATA', `${path} ${message}`, { path });
}

function typeMap(types: readonly TransactionDataType[]): Map<string, TransactionDataType> {
  if (!Array.isArray(types)) throw new TypeError('types must be an array of TransactionDataType');
  return new Map(types.map((t) => [t.type, t]));
}

/**
 * Read the `transaction_data` request parameter (§5.1) against the DCQL query it comes with.
 * @param raw The parameter: an array of strings (or, as sent in a URL, its JSON text).
 * @param query The request's DCQL query: every `credential_ids` entry must name one of its Credential Queries.
 * @param types The transaction data types supported; any other type is refused.
 * @throws OnlineError `ERR_TRANSACTION_DATA` (the OpenID4VP error `invalid_transaction_data`) with
 *   `path`: not a non-empty array of base64url JSON objects, an unknown type, an object its type
 *   refuses, `credential_ids` absent, empty or naming no Credential Query, a malformed
 *   `transaction_data_hashes_alg` or none of its algorithms supported; or over {@link TRANSACTION_DATA_LIMITS}.
 */
export function readTransactionData(raw: unknown, query: DcqlQuery, types: readonly TransactionDataType[]): TransactionData[] {
  const known = typeMap(types);
  let list = raw;
  if (typeof raw === 'string') {
    if (raw.length > TRANSACTION_DATA_LIMITS.entries * (TRANSACTION_DATA_LIMITS.encodedLength + 3) + 2) invalid('transaction_data', "is longer than shomei's caps allow");
    list = parseJson(raw, (problem) => invalid('transaction_data', problem));
  }
  if (!Array.isArray(list) || list.length === 0) invalid('transaction_data', 'must be a non-empty array of strings');
  if (list.length > TRANSACTION_DATA_LIMITS.entries) invalid('transaction_data', `has more than shomei's cap of ${TRANSACTION_DATA_LIMITS.entries} entries`);
  const ids = new Set(query.credentials.map((c) => c.id));
  return list.map((encoded, index) => {
    const at = `transaction_data[${index}]`;
    if (typeof encoded !== 'string' || encoded.length > TRANSACTION_DATA_LIMITS.encodedLength) invalid(at, `must be a base64url string of at most ${TRANSACTION_DATA_LIMITS.encodedLength} characters`);
    const bytes = fromBase64UrlStrict(encoded);
    if (bytes === undefined || bytes.length === 0) invalid(at, 'is not base64url (without padding)');
    let text: string;
    try {
      text = utf8Decode(bytes);
    } catch {
      invalid(at, 'is not UTF-8');
    }
    const value = parseJson(text, (problem) => invalid(at, problem));
    if (!isObject(value)) invalid(at, 'is not a JSON object');
    const data = Object.assign(Object.create(null) as Record<string, unknown>, value);
    if (typeof data.type !== 'string' || data.type === '') invalid(`${at}.type`, 'must be a non-empty string');
    const type = known.get(data.type);
    if (type === undefined) invalid(`${at}.type`, `${JSON.stringify(data.type)} is not a supported transaction data type`);
    const credentialIds = data.credential_ids;
    if (!Array.isArray(credentialIds) || credentialIds.length === 0) invalid(`${at}.credential_ids`, 'must be a non-empty array of strings');
    if (credentialIds.length > TRANSACTION_DATA_LIMITS.ids) invalid(`${at}.credential_ids`, `has more than shomei's cap of ${TRANSACTION_DATA_LIMITS.ids} entries`);
    credentialIds.forEach((id, j) => {
      if (typeof id !== 'string' || !ids.has(id)) invalid(`${at}.credential_ids[${j}]`, `${JSON.stringify(id)} is not the id of a Credential Query in dcql_query`);
      if (credentialIds.indexOf(id) !== j) invalid(`${at}.credential_ids[${j}]`, `${JSON.stringify(id)} is listed twice`);
    });
    let algs: string[] | undefined;
    if (data.transaction_data_hashes_alg !== undefined) {
      const a = data.transaction_data_hashes_alg;
      if (!Array.isArray(a) || a.length === 0 || a.length > TRANSACTION_DATA_LIMITS.ids || !a.every((x) => typeof x === 'string' && x !== '')) {
        invalid(`${at}.transaction_data_hashes_alg`, 'must be a non-empty array of hash algorithm names');
      }
      algs = a as string[];
      if (type.mdocDeviceSigned !== undefined && type.mdocDeviceSigned.value === undefined && !algs.some((x) => HASHES.has(x))) {
        invalid(`${at}.transaction_data_hashes_alg`, `offers none of the supported ${[...HASHES.keys()].join(', ')}`);
      }
    }
    const problem = type.validate?.(data);
    if (problem !== undefined) invalid(at, `is not a valid ${JSON.stringify(data.type)}: ${problem}`);
    return {
      index,
      encoded,
      type: data.type,
      credential_ids: credentialIds as string[],
      ...(algs === undefined ? {} : { transaction_data_hashes_alg: algs }),
      data,
    };
  });
}

/**
 * Which credential authorizes each entry: the first of its `credential_ids` that the wallet
 * answers (§5.1: "the Wallet MUST use only one of the referenced Credentials").
 * @throws OnlineError `ERR_TRANSACTION_DATA` when an entry names no credential being answered.
 */
export function assignTransactionData(entries: readonly TransactionData[], answered: readonly string[]): Map<string, TransactionData[]> {
  const out = new Map<string, TransactionData[]>();
  for (const e of entries) {
    const id = e.credential_ids.find((c) => answered.includes(c));
    if (id === undefined) invalid(`transaction_data[${e.index}].credential_ids`, `names none of the credentials presented (${answered.join(', ')})`);
    out.set(id, [...(out.get(id) ?? []), e]);
  }
  return out;
}

/** The hash of the received string under the first supported algorithm offered (default sha-256). */
export async function transactionDataHash(entry: TransactionData, options: BackendOptions = {}): Promise<Uint8Array> {
  const name = entry.transaction_data_hashes_alg?.find((a) => HASHES.has(a)) ?? (entry.transaction_data_hashes_alg === undefined ? 'sha-256' : undefined);
  if (name === undefined) invalid(`transaction_data[${entry.index}].transaction_data_hashes_alg`, 'offers no supported algorithm');
  return resolveBackend(options).digest(HASHES.get(name)!, utf8Encode(entry.encoded));
}

async function elementValue(entry: TransactionData, el: MdocTransactionDataElement, options: BackendOptions): Promise<CborEncodable> {
  return el.value === undefined ? transactionDataHash(entry, options) : el.value(entry, options);
}

function mdocElement(types: Map<string, TransactionDataType>, e: TransactionData): MdocTransactionDataElement {
  const el = types.get(e.type)?.mdocDeviceSigned;
  if (el === undefined) invalid(`transaction_data[${e.index}].type`, `${JSON.stringify(e.type)} defines no mdoc binding (B.2.1)`);
  return el;
}

function authorized(ka: KeyAuthorizations | undefined, ns: string, id: string): boolean {
  if (ka === undefined) return false;
  return (ka.nameSpaces?.includes(ns) ?? false) || (ka.dataElements?.get(ns)?.includes(id) ?? false);
}

/**
 * Wallet side (B.2.1, NOT FINAL): bind the entries assigned to one credential into its mdoc
 * presentation. Returns the held document with the entries' DeviceSigned elements added and
 * the elements to add to the disclosure, for `buildDeviceResponse`.
 * @throws OnlineError `ERR_TRANSACTION_DATA` when a type has no mdoc binding, two entries use
 *   the same element, or the MSO's KeyAuthorizations do not authorize the element (B.2.1:
 *   "the Wallet MUST reject the request due to an unsupported transaction data type").
 */
export async function bindMdocTransactionData(
  document: HeldDocument,
  entries: readonly TransactionData[],
  types: readonly TransactionDataType[],
  options: BackendOptions = {},
): Promise<{ document: HeldDocument; elements: Record<string, string[]> }> {
  const known = typeMap(types);
  const issuerSigned = document.issuerSigned instanceof Uint8Array ? decodeIssuerSigned(document.issuerSigned, 'document') : document.issuerSigned;
  const keyAuthorizations = decodeIssuerAuthPayload(issuerSigned.issuerAuth, 'document.issuerAuth').deviceKeyInfo.keyAuthorizations;
  const deviceSigned: Record<string, Record<string, CborEncodable>> = Object.create(null);
  if (document.deviceSigned !== undefined) for (const ns of Object.keys(document.deviceSigned)) deviceSigned[ns] = Object.assign(Object.create(null), document.deviceSigned[ns]);
  const elements: Record<string, string[]> = Object.create(null);
  for (const e of entries) {
    const el = mdocElement(known, e);
    if (!authorized(keyAuthorizations, el.nameSpace, el.elementIdentifier)) {
      invalid(`transaction_data[${e.index}].type`, `the credential's KeyAuthorizations do not authorize ${el.nameSpace}/${el.elementIdentifier} (B.2.1)`);
    }
    if (Object.hasOwn(elements, el.nameSpace) && elements[el.nameSpace]!.includes(el.elementIdentifier)) {
      invalid(`transaction_data[${e.index}].type`, `another entry for this credential already uses ${el.nameSpace}/${el.elementIdentifier}`);
    }
    deviceSigned[el.nameSpace] ??= Object.create(null);
    deviceSigned[el.nameSpace]![el.elementIdentifier] = await elementValue(e, el, options);
    (elements[el.nameSpace] ??= []).push(el.elementIdentifier);
  }
  return { document: { ...document, deviceSigned }, elements };
}

/** The verifier's check of one entry (B.2.1, NOT FINAL). */
export interface TransactionDataCheck {
  readonly index: number;
  readonly type: string;
  readonly ok: boolean;
  /** The credential id whose presentation carried it. */
  readonly credentialId?: string;
  readonly detail: string;
}

function ownValue(o: Readonly<Record<string, Readonly<Record<string, CborValue>>>>, ns: string, id: string): CborValue | undefined {
  if (!Object.hasOwn(o, ns)) return undefined;
  const inner = o[ns]!;
  return Object.hasOwn(inner, id) ? inner[id] : undefined;
}

/**
 * Verifier side (B.2.1, NOT FINAL): check that each entry came back, in the DeviceSigned
 * elements of a valid presentation of one of its `credential_ids`, with the value its type
 * computes. An element returned issuer-signed does not count: only the device key binds it.
 * @param documents Credential id → its verified documents (from `verifyDeviceResponse`).
 */
export async function checkMdocTransactionData(
  entries: readonly TransactionData[],
  types: readonly TransactionDataType[],
  documents: Readonly<Record<string, readonly VerifiedDocument[]>>,
  options: BackendOptions = {},
): Promise<TransactionDataCheck[]> {
  const known = typeMap(types);
  const out: TransactionDataCheck[] = [];
  for (const e of entries) {
    const el = known.get(e.type)?.mdocDeviceSigned;
    if (el === undefined) {
      out.push({ index: e.index, type: e.type, ok: false, detail: `${JSON.stringify(e.type)} defines no mdoc binding` });
      continue;
    }
    const expected = encode(await elementValue(e, el, options));
    let found: TransactionDataCheck | undefined;
    let seen = false;
    for (const id of e.credential_ids) {
      const docs = Object.hasOwn(documents, id) ? documents[id]! : [];
      for (const d of docs) {
        const v = ownValue(d.deviceSigned, el.nameSpace, el.elementIdentifier);
        if (v === undefined) continue;
        seen = true;
        if (d.valid && equalBytes(encode(v as CborEncodable), expected)) {
          found = { index: e.index, type: e.type, ok: true, credentialId: id, detail: `${el.nameSpace}/${el.elementIdentifier} device-signed in ${id}` };
          break;
        }
      }
      if (found !== undefined) break;
    }
    out.push(
      found ?? {
        index: e.index,
        type: e.type,
        ok: false,
        detail: seen
          ? `${el.nameSpace}/${el.elementIdentifier} came back with another value, or in a presentation that did not verify`
          : `no presentation of ${e.credential_ids.join(' or ')} carries ${el.nameSpace}/${el.elementIdentifier} device-signed`,
      },
    );
  }
  return out;
}
