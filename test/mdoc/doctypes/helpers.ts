/** Builders for doctype tests (tests only). */
import type { CborValue } from '../../../src/cbor/index.js';

/** NameSpaces as Maps from a plain object literal. */
export function nameSpaces(data: Record<string, Record<string, CborValue>>): Map<string, Map<string, CborValue>> {
  return new Map(Object.entries(data).map(([ns, elements]) => [ns, new Map(Object.entries(elements))]));
}

/** A CBOR map with text keys from an object literal. */
export function cmap(data: Record<string, CborValue>): Map<CborValue, CborValue> {
  return new Map(Object.entries(data));
}

/** A few bytes standing in for a JPEG portrait. */
export const PORTRAIT = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10);
