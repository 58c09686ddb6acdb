/**
 * Reading CBOR structures against their CDDL shape, with a path for every error
 * (`documents[0].issuerSigned.nameSpaces["org.iso.18013.5.1"][2]`), so that a malformed
 * mdoc gives a typed `MdocError` (`ERR_MDOC_STRUCTURE`) and never a bare TypeError.
 */

import { type CborMap, type CborValue, decode, EncodedCbor, Tag, TDate } from '../cbor/index.js';
import { CborError, MdocError } from '../errors.js';
import { type Deviation, MdocDeviation } from './deviations.js';

/** Throw `ERR_MDOC_STRUCTURE` at `path`. */
export function structureError(path: string, message: string, cause?: unknown): never {
  throw new MdocError('ERR_MDOC_STRUCTURE', `${path}: ${message}`, cause === undefined ? { path } : { path, cause });
}

/** Decode bytes (or take an already decoded value); a CBOR error becomes `ERR_MDOC_STRUCTURE` at `path`. */
export function decodeInput(input: Uint8Array | CborValue, path: string): CborValue {
  if (!(input instanceof Uint8Array)) return input;
  try {
    return decode(input);
  } catch (e) {
    if (e instanceof CborError) structureError(path, e.message, e);
    throw e;
  }
}

/** The path of a map field: `a.b` for identifiers, `a["x.y"]` otherwise. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
}

/** What `v` is, for an error or a check's detail: never its content, which may not print (a bigint has no JSON). */
export function describeValue(v: CborValue): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'a byte string';
  if (v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof EncodedCbor) return 'tag 24';
  if (typeof v === 'object') return `a ${v.constructor.name}`;
  return `a ${typeof v}`;
}

/** A map (text or integer keys). */
export function asMap(v: CborValue, path: string): CborMap {
  if (!(v instanceof Map)) structureError(path, `expected a map, got ${describeValue(v)}`);
  return v;
}

/** An array, optionally non-empty. */
export function asArray(v: CborValue, path: string, nonEmpty = false): readonly CborValue[] {
  if (!Array.isArray(v)) structureError(path, `expected an array, got ${describeValue(v)}`);
  if (nonEmpty && v.length === 0) structureError(path, 'expected a non-empty array');
  return v as readonly CborValue[];
}

/** A text string. */
export function asText(v: CborValue, path: string): string {
  if (typeof v !== 'string') structureError(path, `expected a text string, got ${describeValue(v)}`);
  return v;
}

/**
 * Longest namespace, element identifier or docType read (characters). The standards set no
 * bound, and real ones are under 50 (`org.iso.18013.5.1`, `driving_privileges`); every check
 * of a report names them, so a 100,000-character namespace over thousands of tiny elements
 * made a 150 KB response into a report of gigabytes.
 */
export const MAX_IDENTIFIER_LENGTH = 256;

/**
 * Most documents in one DeviceResponse, and DocRequests in one DeviceRequest. Real ones hold
 * one to a few; without a cap, a response of 3,000 copies of one small document took seconds
 * to verify (about 15 s with the noble backend), and a request repeating one DocRequest 5,000
 * times made a holder ask for consent 5,000 times.
 */
export const MAX_DOCUMENTS = 32;

/**
 * Most data elements in one DeviceResponse (issuer-signed and device-signed, over every
 * document) or one DeviceRequest, and in one OpenID4VP vp_token over all its presentations.
 * A full mDL has about 40; each element gets checks of its own in a report, so 45,000 tiny
 * elements made a report some 80 times the size of the response.
 */
export const MAX_ELEMENTS = 4096;

/** ERR_MDOC_STRUCTURE at `path` when `count` is over the cap `max` (named in `what`). */
export function checkCount(count: number, max: number, what: string, path: string): void {
  if (count > max) structureError(path, `${count} ${what}, more than shomei's cap of ${max}`);
}

function identifierError(path: string, s: string): never {
  return structureError(path, `a name of ${s.length} characters, more than shomei's cap of ${MAX_IDENTIFIER_LENGTH} (MAX_IDENTIFIER_LENGTH)`);
}

/** A namespace, element identifier or docType: a text string of at most {@link MAX_IDENTIFIER_LENGTH} characters. */
export function asIdentifier(v: CborValue, path: string): string {
  const s = asText(v, path);
  if (s.length > MAX_IDENTIFIER_LENGTH) identifierError(path, s);
  return s;
}

/** A byte string. */
export function asBytes(v: CborValue, path: string): Uint8Array {
  if (!(v instanceof Uint8Array)) structureError(path, `expected a byte string, got ${describeValue(v)}`);
  return v;
}

/** True for an unsigned integer that fits in a JavaScript number. */
export function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** An unsigned integer that fits in a JavaScript number. */
export function asUint(v: CborValue, path: string): number {
  if (!isUint(v)) structureError(path, `expected an unsigned integer, got ${describeValue(v)}`);
  return v;
}

/** An integer (either sign) that fits in a JavaScript number. */
export function asInt(v: CborValue, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) structureError(path, `expected an integer, got ${describeValue(v)}`);
  return v;
}

/** A boolean. */
export function asBool(v: CborValue, path: string): boolean {
  if (typeof v !== 'boolean') structureError(path, `expected a boolean, got ${describeValue(v)}`);
  return v;
}

/** A tdate (tag 0). */
export function asTDate(v: CborValue, path: string): TDate {
  if (!(v instanceof TDate)) structureError(path, `expected a tdate (tag 0), got ${describeValue(v)}`);
  return v;
}

/** Tag 24 content, decoded now (its lazy decode errors become structure errors at `path`). */
export function asEmbedded(v: CborValue, path: string): EncodedCbor {
  if (!(v instanceof EncodedCbor)) structureError(path, `expected tag 24 (embedded CBOR), got ${describeValue(v)}`);
  try {
    void v.value;
  } catch (e) {
    if (e instanceof CborError) structureError(path, `embedded CBOR: ${e.message}`, e);
    throw e;
  }
  return v;
}

/**
 * Decode now every tag 24 inside a data element's value, at any depth (issuer- and
 * device-signed elements): a decode error becomes `ERR_MDOC_STRUCTURE` at `path`.`key`. The
 * decoder leaves embedded CBOR undecoded until read, so malformed content in an element (a
 * holder can put it in a device-signed one) would otherwise pass verification and throw later,
 * when the caller reads the value. A value without tag 24 costs a few type checks.
 */
export function checkEmbeddedIn(value: CborValue, path: string, key: string): void {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
  // A stack, not recursion (the decoder's nesting limit counts embedded levels too).
  const stack: CborValue[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof EncodedCbor) stack.push(asEmbedded(v, at(path, key)).value as CborValue);
    else if (Array.isArray(v)) for (const x of v as CborValue[]) stack.push(x);
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k as CborValue, x);
    else if (v instanceof Tag) stack.push(v.value as CborValue);
  }
}

/** A required field of a text-keyed map. */
export function field(map: CborMap, key: string, path: string): CborValue {
  if (!map.has(key)) structureError(path, `missing "${key}"`);
  return map.get(key);
}

/** An optional field (undefined when absent; a present `undefined` value counts as absent). */
export function optional(map: CborMap, key: string): CborValue {
  return map.get(key);
}

/** A map keyed by names (namespaces, element identifiers): text keys of at most {@link MAX_IDENTIFIER_LENGTH} characters; returns its entries typed. */
export function textKeyed(map: CborMap, path: string): [string, CborValue][] {
  const out: [string, CborValue][] = [];
  for (const [k, v] of map) {
    if (typeof k !== 'string') structureError(path, `expected text keys, got ${describeValue(k)}`);
    if (k.length > MAX_IDENTIFIER_LENGTH) identifierError(path, k);
    out.push([k, v]);
  }
  return out;
}

/**
 * Read past the members of an unsigned map whose CDDL has no extension point (DeviceResponse,
 * Document, IssuerSigned, DeviceSigned) that are not what the CDDL says, recording each so the
 * caller sees what was left unread: a key outside `allowed` is ignored (`UNKNOWN_MEMBER`), and
 * a member sent as CBOR `undefined` is read as absent (`UNDEFINED_AS_ABSENT`).
 */
export function memberDeviations(map: CborMap, allowed: readonly string[], path: string, deviations: Deviation[]): void {
  for (const [k, v] of map) {
    if (typeof k === 'string' && allowed.includes(k)) {
      if (v === undefined) undefinedMember(k, path, deviations);
      continue;
    }
    deviations.push({ id: MdocDeviation.UNKNOWN_MEMBER, path, detail: `member ${typeof k === 'string' ? JSON.stringify(k) : describeValue(k as CborValue)} is not in the CDDL: ignored` });
  }
}

/**
 * An optional member: undefined when absent, and read as absent when sent as `null` (recorded
 * as `nullId`: `MSO_OPTIONAL_NULL`, `REQUEST_OPTIONAL_NULL`) or as CBOR `undefined`
 * (`UNDEFINED_AS_ABSENT`).
 */
export function optionalMember(map: CborMap, key: string, path: string, deviations: Deviation[], nullId: MdocDeviation): CborValue {
  if (!map.has(key)) return undefined;
  const v = map.get(key);
  if (v === undefined) undefinedMember(key, path, deviations);
  else if (v === null) deviations.push({ id: nullId, path: at(path, key), detail: `${key} is null where the CDDL makes it optional: read as absent` });
  else return v;
  return undefined;
}

/** Record `key`, present with the value CBOR `undefined`, as read absent (`UNDEFINED_AS_ABSENT`). */
export function undefinedMember(key: string, path: string, deviations: Deviation[]): void {
  deviations.push({ id: MdocDeviation.UNDEFINED_AS_ABSENT, path: at(path, key), detail: `${key} is CBOR undefined: read as absent` });
}
