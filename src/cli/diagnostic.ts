/**
 * How the CLI prints CBOR: RFC 8949 §8 diagnostic notation with text strings shown as
 * the characters they hold (a My Number Card's 山田　花子, not `\u5c71\u7530…`), which
 * §8 allows: a text string in diagnostic notation is any Unicode between quotes.
 */

import { type CborValue, diagnose, encode } from '../cbor/index.js';

/** Diagnostic notation of an encoded item, `indent` spaces per level (0: one line). */
export function diagnoseText(bytes: Uint8Array, indent = 0): string {
  return diagnose(bytes, { unicode: true, indent });
}

/** Compact diagnostic notation of a decoded value. */
export function diag(value: CborValue): string {
  return diagnoseText(encode(value));
}
