/**
 * How the CLI prints CBOR: RFC 8949 §8 diagnostic notation with text strings shown as
 * the characters they hold (a My Number Card's 山田　花子, not `\u5c71\u7530…`), which
 * §8 allows: a text string in diagnostic notation is any Unicode between quotes.
 */

import { type CborValue, type DiagnoseOptions, diagnose, encode } from '../cbor/index.js';

/**
 * The options every CLI call of `diagnose` passes. `unicode` asks `diagnose` to print
 * text as UTF-8, escaping only what would break the quotes or the terminal (`"`, `\`,
 * C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides);
 * it is passed through a variable, so the CLI also builds against a `diagnose` that
 * does not know it yet (and then prints `\u` escapes, as before).
 */
const TEXT_AS_UTF8: DiagnoseOptions & { readonly unicode: true } = { unicode: true };

/** Diagnostic notation of an encoded item, `indent` spaces per level (0: one line). */
export function diagnoseText(bytes: Uint8Array, indent = 0): string {
  const options: DiagnoseOptions = { ...TEXT_AS_UTF8, indent };
  return diagnose(bytes, options);
}

/** Compact diagnostic notation of a decoded value. */
export function diag(value: CborValue): string {
  return diagnoseText(encode(value));
}
