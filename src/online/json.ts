/**
 * JSON from the other side of an online presentation (OpenID4VP requests and answers,
 * RFC 8259): text is scanned against {@link JSON_LIMITS} before `JSON.parse` sees it
 * (RFC 8259 §9 lets a parser limit size and nesting); members read as own properties of
 * prototype-free copies, so a member named `__proto__`, `toString` or `constructor` is
 * what was sent or absent, never inherited; malformed input is an `ERR_ONLINE_MESSAGE`.
 * Internal to `shomei/online`, except `JSON_LIMITS`.
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

/**
 * shomei's caps on JSON text from the other side (response bodies, vp_token, Request
 * Objects, JWS / JWE headers and payloads, DC API data, wallet metadata, transaction
 * data), checked by a linear scan before `JSON.parse` builds anything (and by a walk of an
 * object handed over already parsed, such as DC API `data`). `JSON.parse` holds
 * about 64 bytes per empty object or array, about 21 times the text: 4 MiB of `{},` is
 * 89 MB, more than a small heap has, before any check on the result can run. Real traffic
 * is far below both caps: a vp_token carries each mdoc presentation as one base64url
 * string, and a DCQL query, client_metadata with its JWK set, or a Request Object is a few
 * hundred to a few thousand values, nested 5 to 7 deep. 100,000 values (30 times the
 * largest of those) bound what `JSON.parse` builds to about 12 MB in the worst shape
 * measured (50,000 objects, each with a key of its own); 64 levels (9 times the deepest)
 * keep any recursive walk of the result shallow.
 */
export const JSON_LIMITS = Object.freeze({
  /** Values in one text, counted as its `{`, `[` and `,` outside strings (each array element and object member comes after one of them). */
  values: 100_000,
  /** Nesting of objects and arrays. */
  depth: 64,
} as const);

/** How a caller refuses JSON: throws its own error; `problem` reads after the name of what was parsed (`is not JSON`). */
export type JsonFailure = (problem: string, cause?: unknown) => never;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Why `text` is over {@link JSON_LIMITS}, or undefined: one pass, no allocation. A string
 * without a backslash is skipped with one `indexOf('"')` (a base64url mdoc presentation
 * costs microseconds); one with a backslash is stepped through, each backslash taking the
 * character after it, so `\\"` ends a string and `\"` does not. The next backslash is
 * looked up once and kept until passed, so the pass stays linear. On text that is not JSON
 * the counts can be off only past the point where `JSON.parse` stops reading, so they still
 * bound what it builds before it throws.
 */
export function overJsonLimits(text: string): string | undefined {
  const { values: maxValues, depth: maxDepth } = JSON_LIMITS;
  const n = text.length;
  let values = 0;
  let depth = 0;
  let backslash = -1; // the next backslash at or after the current position (n: none); stale once passed
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const quote = text.indexOf('"', i + 1);
      if (quote < 0) return undefined; // unterminated: JSON.parse refuses it
      if (backslash <= i) {
        backslash = text.indexOf('\\', i + 1);
        if (backslash < 0) backslash = n;
      }
      if (backslash > quote) {
        i = quote;
        continue;
      }
      for (i = backslash; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === COMMA || c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++values > maxValues) return `has more than shomei's cap of ${maxValues} JSON values (JSON_LIMITS.values)`;
      if (c !== COMMA && ++depth > maxDepth) return `nests deeper than shomei's cap of ${maxDepth} (JSON_LIMITS.depth)`;
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/**
 * Why `value`, an object handed over already parsed (the Digital Credentials API gives a
 * request's or an answer's `data` as one), is over {@link JSON_LIMITS}, or undefined: the
 * text's caps, applied to what JSON.parse would have built. Each object or array counts
 * one value, and so does each member or element; a cycle runs into one of the caps. A walk
 * with its own stack that stops at the first cap passed, so no later recursive step
 * (`JSON.stringify` in a message, a DCQL walk) meets more than 64 levels.
 */
export function overValueLimits(value: unknown): string | undefined {
  const { values: maxValues, depth: maxDepth } = JSON_LIMITS;
  let values = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return `nests deeper than shomei's cap of ${maxDepth} (JSON_LIMITS.depth)`;
    const items: readonly unknown[] = Array.isArray(v) ? v : Object.values(v);
    values += 1 + items.length;
    if (values > maxValues) return `has more than shomei's cap of ${maxValues} JSON values (JSON_LIMITS.values)`;
    for (const item of items) {
      stack.push(item);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

/**
 * `JSON.parse(text)` for text from the other side, refused first when over {@link JSON_LIMITS}.
 * @param fail throws the caller's error: `problem` is `is not JSON` or names the cap.
 */
export function parseJson(text: string, fail: JsonFailure): unknown {
  const problem = overJsonLimits(text);
  if (problem !== undefined) fail(problem);
  try {
    return JSON.parse(text);
  } catch (e) {
    fail('is not JSON', e);
  }
}

/** {@link parseJson}, or undefined for text that is not JSON or is over the caps (a reply read only for what it may say). */
export function parseJsonOrUndefined(text: string): unknown {
  if (overJsonLimits(text) !== undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

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

/** `data` (an object, or its JSON text) as a prototype-free JSON object, held to {@link JSON_LIMITS} either way. */
export function jsonObject(data: unknown, what: string): Record<string, unknown> {
  let value = data;
  if (typeof data === 'string') {
    value = parseJson(data, (problem, cause) => bad(`${what} ${problem}`, cause));
  } else {
    const problem = overValueLimits(data);
    if (problem !== undefined) bad(`${what} ${problem}`);
  }
  return record(value, what);
}

/** `value` when it is a non-empty array. */
export function nonEmptyArray(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value) || value.length === 0) bad(`${what} must be a non-empty array`);
  return value;
}
