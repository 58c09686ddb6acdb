/**
 * JSON ⇄ mdoc data elements: the CLI's `data.json` for issuance, and readable output of
 * received elements.
 *
 * `data.json` is `{ "<namespace>": { "<element>": value } }`. Where the doctype profile
 * knows an element's type, JSON is converted to that type:
 *
 * | profile type             | JSON                                   | CBOR                     |
 * |--------------------------|----------------------------------------|--------------------------|
 * | full-date                | `"YYYY-MM-DD"`                         | `FullDate` (tag 1004)    |
 * | tdate                    | RFC 3339 date-time                     | `TDate` (tag 0)          |
 * | tdate-or-full-date       | either of the above (chosen by form)   | `FullDate` or `TDate`    |
 * | bstr                     | base64 or base64url                    | bytes                    |
 * | map / array / oneOf      | object / array, converted field-wise   | `Map` (text keys) / array |
 *
 * Anything else maps directly: numbers → number, strings, booleans, null, arrays, objects
 * → `Map` with text keys. Explicit forms override everywhere, typed or not:
 * `{ "$bytes": "<base64>" }`, `{ "$date": "YYYY-MM-DD" }`, `{ "$tdate": "<RFC 3339>" }`.
 *
 * The reverse, {@link nameSpacesToJson}, writes one consistent form: full-date and tdate
 * as their text, byte strings always as `{ "$bytes": "<base64>" }` (so bytes never look
 * like text and round-trip without a profile), and values JSON cannot hold (other tags,
 * simple values, undefined, non-finite floats, tag 24) as `{ "$cbor": "<diagnostic notation>" }`
 * (output only). Integers beyond 2^53 become decimal strings.
 */

import {
  CborFloat,
  type CborValue,
  diagnose,
  encode,
  FullDate,
  TDate,
} from '../../cbor/index.js';
import { MdocError } from '../../errors.js';
import { fromBase64, toBase64 } from '../../internal/bytes.js';
import { checkElement, findElementSpec } from './check.js';
import type { DoctypeRegistry } from './registry.js';
import type { DoctypeProfile, ElementType } from './types.js';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Options for {@link jsonToNameSpaces}. */
export interface JsonToNameSpacesOptions {
  /**
   * Check every converted element the profile knows against its type and throw
   * `ERR_MDOC_PROFILE` when it does not fit. Default true.
   */
  readonly validate?: boolean;
}

const FULL_DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
/** Deepest nesting converted either way (element values are shallow; this only stops runaway input). */
const MAX_DEPTH = 64;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function profileError(path: string, message: string, cause?: unknown): MdocError {
  return new MdocError('ERR_MDOC_PROFILE', `${path}: ${message}`, cause === undefined ? { path } : { path, cause });
}

function fullDate(text: string, path: string): FullDate {
  try {
    return new FullDate(text);
  } catch (e) {
    throw profileError(path, `not a full-date (YYYY-MM-DD): ${JSON.stringify(text)}`, e);
  }
}

function tdate(text: string, path: string): TDate {
  try {
    return new TDate(text);
  } catch (e) {
    throw profileError(path, `not an RFC 3339 date-time: ${JSON.stringify(text)}`, e);
  }
}

function bytes(text: string, path: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch (e) {
    throw profileError(path, 'not base64', e);
  }
}

/** The explicit form `{ "$x": "…" }` converted, or undefined when `json` is not one. */
function explicitForm(json: Record<string, unknown>, path: string): CborValue | undefined {
  const keys = Object.keys(json);
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return undefined;
  const key = keys[0]!;
  const text = json[key];
  const need = () => {
    if (typeof text !== 'string') throw profileError(path, `${key} needs a string`);
    return text;
  };
  switch (key) {
    case '$bytes':
      return bytes(need(), path);
    case '$date':
      return fullDate(need(), path);
    case '$tdate':
      return tdate(need(), path);
    default:
      throw new MdocError('ERR_MDOC_INPUT', `${path}: unknown explicit form ${key} (use $bytes, $date or $tdate)`, { path });
  }
}

/** Convert `json` to CBOR, guided by `type` when known. */
function fromJson(json: unknown, type: ElementType | undefined, path: string, depth: number): CborValue {
  if (depth > MAX_DEPTH) throw new MdocError('ERR_MDOC_INPUT', `${path}: nested more than ${MAX_DEPTH} levels`, { path });
  // Values already in CBOR form (programmatic callers) pass through.
  if (json instanceof Uint8Array || json instanceof FullDate || json instanceof TDate) return json;
  if (isObject(json)) {
    const explicit = explicitForm(json, path);
    if (explicit !== undefined) return explicit;
  }
  if (type !== undefined) {
    const typed = fromJsonTyped(json, type, path, depth);
    if (typed !== undefined) return typed;
  }
  return fromJsonGeneric(json, path, depth);
}

/** The typed conversion, or undefined when `json` has the wrong JSON shape for `type`. */
function fromJsonTyped(json: unknown, type: ElementType, path: string, depth: number): CborValue | undefined {
  const kind = typeof type === 'string' ? type : type.kind;
  switch (kind) {
    case 'full-date':
      return typeof json === 'string' ? fullDate(json, path) : undefined;
    case 'tdate':
      return typeof json === 'string' ? tdate(json, path) : undefined;
    case 'tdate-or-full-date':
      if (typeof json !== 'string') return undefined;
      return FULL_DATE_TEXT.test(json) ? fullDate(json, path) : tdate(json, path);
    case 'bstr':
      return typeof json === 'string' ? bytes(json, path) : undefined;
    case 'array': {
      if (!Array.isArray(json) || typeof type === 'string' || type.kind !== 'array') return undefined;
      const of = type.of;
      return json.map((item, i) => fromJson(item, of, `${path}[${i}]`, depth + 1));
    }
    case 'map': {
      if (!isObject(json) || typeof type === 'string' || type.kind !== 'map') return undefined;
      const out = new Map<CborValue, CborValue>();
      for (const [key, value] of Object.entries(json)) {
        const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
        out.set(key, fromJson(value, field?.type, `${path}.${key}`, depth + 1));
      }
      return out;
    }
    case 'oneOf': {
      if (typeof type === 'string' || type.kind !== 'oneOf') return undefined;
      // The first alternative that converts and then fits its type wins.
      for (const alternative of type.types) {
        try {
          const value = fromJsonTyped(json, alternative, path, depth);
          if (value !== undefined && checkElement({ type: alternative }, value).ok) return value;
        } catch {
          // try the next alternative
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function fromJsonGeneric(json: unknown, path: string, depth: number): CborValue {
  if (json === null || typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) throw new MdocError('ERR_MDOC_INPUT', `${path}: not a finite number`, { path });
    return json;
  }
  if (Array.isArray(json)) return json.map((item, i) => fromJson(item, undefined, `${path}[${i}]`, depth + 1));
  if (isObject(json)) {
    const out = new Map<CborValue, CborValue>();
    for (const [key, value] of Object.entries(json)) out.set(key, fromJson(value, undefined, `${path}.${key}`, depth + 1));
    return out;
  }
  throw new MdocError('ERR_MDOC_INPUT', `${path}: ${typeof json} is not a JSON value`, { path });
}

/**
 * Convert `data.json` content to namespaces of CBOR element values, typed by the profile
 * of `docType` when the registry has one (otherwise every value maps directly).
 *
 * @param json `{ "<namespace>": { "<element>": value } }`, e.g. from `JSON.parse`.
 * @throws MdocError `ERR_MDOC_PROFILE` with `path` (`org.iso.18013.5.1.birth_date`,
 *   `org.iso.18013.5.1.driving_privileges[0].issue_date`) for a value that cannot be
 *   converted or does not fit its type; `ERR_MDOC_INPUT` when `json` is not that shape or
 *   uses an unknown `$` form.
 *
 * @example
 * ```ts
 * jsonToNameSpaces(defaultRegistry(), 'org.iso.18013.5.1.mDL', {
 *   'org.iso.18013.5.1': { family_name: 'Doe', birth_date: '1990-01-31', portrait: '/9j/4AAQ…' },
 * })
 * ```
 */
export function jsonToNameSpaces(
  registry: DoctypeRegistry,
  docType: string,
  json: unknown,
  options: JsonToNameSpacesOptions = {},
): Map<string, Map<string, CborValue>> {
  if (!isObject(json)) throw new MdocError('ERR_MDOC_INPUT', 'data must be an object of namespaces', { path: '' });
  const profile: DoctypeProfile | undefined = registry.get(docType);
  const validate = options.validate !== false;
  const out = new Map<string, Map<string, CborValue>>();
  for (const [namespace, elements] of Object.entries(json)) {
    if (!isObject(elements)) {
      throw new MdocError('ERR_MDOC_INPUT', `${namespace}: must be an object of data elements`, { path: namespace });
    }
    const ns = new Map<string, CborValue>();
    for (const [element, value] of Object.entries(elements)) {
      const path = `${namespace}.${element}`;
      const spec = profile === undefined ? undefined : findElementSpec(profile, namespace, element);
      const cbor = fromJson(value, spec?.type, path, 0);
      if (validate && spec !== undefined) {
        const result = checkElement(spec, cbor);
        if (!result.ok) throw profileError(path, result.detail);
      }
      ns.set(element, cbor);
    }
    out.set(namespace, ns);
  }
  return out;
}

function setOwn(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function diagnostic(value: CborValue): JsonValue {
  try {
    return { $cbor: diagnose(encode(value)) };
  } catch {
    return { $cbor: '?' };
  }
}

function mapKey(key: CborValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  const d = diagnostic(key) as { $cbor: string };
  return d.$cbor;
}

/** Convert one CBOR value to its readable JSON form (see the file header). */
export function cborToJson(value: CborValue): JsonValue {
  return toJson(value, 0);
}

function toJson(value: CborValue, depth: number): JsonValue {
  if (depth > MAX_DEPTH) return { $cbor: '…' };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : diagnostic(value);
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
  if (value instanceof FullDate || value instanceof TDate) return value.text;
  if (value instanceof CborFloat) return Number.isFinite(value.value) ? value.value : diagnostic(value);
  if (Array.isArray(value)) return (value as readonly CborValue[]).map((v) => toJson(v, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of value) setOwn(out, mapKey(k), toJson(v, depth + 1));
    return out;
  }
  return diagnostic(value);
}

/**
 * Readable JSON of namespaces of element values: dates as text, bytes as
 * `{ "$bytes": "<base64>" }` (see the file header for the full mapping). Never throws
 * for decoded data.
 */
export function nameSpacesToJson(
  nameSpaces: ReadonlyMap<string, ReadonlyMap<string, CborValue>>,
): Record<string, Record<string, JsonValue>> {
  const out: Record<string, Record<string, JsonValue>> = {};
  for (const [namespace, elements] of nameSpaces) {
    const ns: Record<string, JsonValue> = {};
    for (const [element, value] of elements) setOwn(ns, element, cborToJson(value));
    Object.defineProperty(out, namespace, { value: ns, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
