/**
 * CBOR values as JSON for `--format json` and `--json` outputs. JSON cannot say
 * everything CBOR can, so the other types use one-key objects:
 * `{"$bytes": base64}`, `{"$date": "YYYY-MM-DD"}`, `{"$tdate": text}`,
 * `{"$cbor": value}` (tag 24), `{"$tag": n, "value": v}`, `{"$bigint": "decimal"}`,
 * `{"$float": "NaN"}`, `{"$simple": n}`, `{"$undefined": true}`, `{"$raw": base64}`, and
 * `{"$map": [[key, value], …]}` for maps whose keys are not all text.
 */

import { type CborValue, EncodedCbor, FullDate, Simple, Tag, TDate } from '../cbor/index.js';
import { CborFloat, RawCbor } from '../cbor/values.js';
import { toBase64 } from '../internal/bytes.js';

/** A JSON-compatible value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Convert a decoded CBOR value to JSON-compatible data. */
export function cborToJson(v: CborValue): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v === undefined) return { $undefined: true };
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $float: Object.is(v, -0) ? '-0' : String(v) };
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (v instanceof Uint8Array) return { $bytes: toBase64(v) };
  if (v instanceof EncodedCbor) return { $cbor: cborToJson(v.value) };
  if (v instanceof TDate) return { $tdate: v.text };
  if (v instanceof FullDate) return { $date: v.text };
  if (v instanceof Tag) return { $tag: typeof v.tag === 'bigint' ? v.tag.toString() : v.tag, value: cborToJson(v.value) };
  if (v instanceof Simple) return { $simple: v.value };
  if (v instanceof CborFloat) return cborToJson(v.value);
  if (v instanceof RawCbor) return { $raw: toBase64(v.bytes) };
  if (Array.isArray(v)) return v.map(cborToJson);
  const map = v as ReadonlyMap<CborValue, CborValue>;
  if ([...map.keys()].every((k) => typeof k === 'string')) {
    const out: { [key: string]: Json } = {};
    for (const [k, value] of map) out[k as string] = cborToJson(value);
    return out;
  }
  return { $map: [...map].map(([k, value]) => [cborToJson(k), cborToJson(value)]) };
}
