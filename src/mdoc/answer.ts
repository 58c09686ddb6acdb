/**
 * Which held element answers a request (ISO/IEC 18013-5 §7.2.5): the element itself, or for
 * `age_over_NN` the nearest attestation. Shared by the holder (what to release) and the
 * verifier (whether what came back answers what was asked).
 */

import type { IssuerSignedItemBytes } from './issuer-signed.js';

const AGE_OVER = /^age_over_(\d{2})$/;

/**
 * The item that answers a request for `requested` among the held items of a namespace:
 * the element itself, or for age_over_NN the nearest attestation (§7.2.5): the smallest
 * nn ≥ NN whose value is true, else the largest nn ≤ NN whose value is false.
 */
export function answerFor(requested: string, held: ReadonlyMap<string, IssuerSignedItemBytes>): IssuerSignedItemBytes | undefined {
  const m = AGE_OVER.exec(requested);
  if (m === null) return held.get(requested);
  const nn = Number(m[1]);
  let bestTrue: [number, IssuerSignedItemBytes] | undefined;
  let bestFalse: [number, IssuerSignedItemBytes] | undefined;
  for (const [id, item] of held) {
    const a = AGE_OVER.exec(id);
    if (a === null) continue;
    const n = Number(a[1]);
    const v = item.value.elementValue;
    if (v === true && n >= nn && (bestTrue === undefined || n < bestTrue[0])) bestTrue = [n, item];
    if (v === false && n <= nn && (bestFalse === undefined || n > bestFalse[0])) bestFalse = [n, item];
  }
  return (bestTrue ?? bestFalse)?.[1];
}
