/**
 * JSON from the other side of an online presentation (OpenID4VP requests and answers,
 * RFC 8259): members read as own properties of prototype-free copies, so a member named
 * `__proto__`, `toString` or `constructor` is what was sent or absent, never inherited;
 * malformed input is an `ERR_ONLINE_MESSAGE`. Internal to `shomei/online`.
 */
import { OnlineError } from '../errors.js';

/** Throw `ERR_ONLINE_MESSAGE`. */
export function bad(message: string, cause?: unknown): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', message, cause === undefined ? {} : { cause });
}

/** A DCQL / OpenID4VP identifier (§6.1 `id`): a non-empty string of [A-Za-z0-9_-]. */
export const ID = /^[A-Za-z0-9_-]+$/;
/** A nonce or state value: URL-safe characters only. */
export const NONCE = /^[A-Za-z0-9._~-]+$/;

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON object from the other side as a dictionary: a copy of its own enumerable members
 * without a prototype, so a member name such as `toString`, `constructor` or `__proto__`
 * reads as what was sent (or as absent), never as an inherited property.
 */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) bad(`${what} is not a JSON object`);
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}

/** `o[key]` when `o` has it as its own member (for objects the caller built, whose keys come from the wire). */
export function own<T>(o: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}

/** `data` (an object, or its JSON text) as a prototype-free JSON object. */
export function jsonObject(data: unknown, what: string): Record<string, unknown> {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch (e) {
      bad(`${what} is not JSON`, e);
    }
  }
  return record(value, what);
}

/** `value` when it is a non-empty array. */
export function nonEmptyArray(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value) || value.length === 0) bad(`${what} must be a non-empty array`);
  return value;
}
