/**
 * Shared pieces of the typed doctype views (`mdlView`, `pidView`, `photoIdView`,
 * `myNumberCardView`) and the age attestation rule of ISO/IEC 18013-5:2021 §7.2.5
 * (2e §13.4.6).
 *
 * A view only exposes values that pass the profile check of their element; a value of
 * the wrong type is left out (the profile check in the verification report says why).
 */

import { type CborValue, FullDate, TDate } from '../../cbor/index.js';
import { checkElement } from './check.js';
import type { ElementSpec } from './types.js';

/** NameSpace → element identifier → value, as the views read them. */
export type NameSpacesInput = ReadonlyMap<string, ReadonlyMap<string, CborValue>>;

/** `age_over_NN` attestations by NN, e.g. `{ 18: true, 65: false }`. */
export type AgeOverAttestations = Readonly<Record<number, boolean>>;

const AGE_OVER = /^age_over_(\d{2})$/;

/**
 * The answer to "is the holder at least `nn`?" from the attestations a document returned,
 * per 18013-5 §7.2.5: `true` if some `age_over_MM` with MM ≥ nn is true, `false` if some
 * `age_over_MM` with MM ≤ nn is false, otherwise `undefined` (not answerable).
 *
 * @example
 * ```ts
 * answerAgeOver({ 21: true }, 18) // true: over 21 implies over 18
 * answerAgeOver({ 16: false }, 18) // false
 * answerAgeOver({ 21: false }, 18) // undefined
 * ```
 */
export function answerAgeOver(attestations: AgeOverAttestations, nn: number): boolean | undefined {
  if (!Number.isInteger(nn) || nn < 0) throw new RangeError(`nn must be a non-negative integer, got ${nn}`);
  let answer: boolean | undefined;
  for (const [key, value] of Object.entries(attestations)) {
    const mm = Number(key);
    if (value === true && mm >= nn) return true;
    if (value === false && mm <= nn) answer = false;
  }
  return answer;
}

/** @internal The `age_over_NN` boolean elements of one namespace. */
export function ageOverOf(elements: ReadonlyMap<string, CborValue> | undefined): AgeOverAttestations {
  const out: Record<number, boolean> = {};
  if (elements === undefined) return out;
  for (const [name, value] of elements) {
    const m = AGE_OVER.exec(name);
    if (m !== null && typeof value === 'boolean') out[Number(m[1])] = value;
  }
  return out;
}

/** @internal Reads elements of one namespace through their specs. */
export class ElementReader {
  constructor(
    private readonly elements: ReadonlyMap<string, CborValue> | undefined,
    private readonly specs: Readonly<Record<string, ElementSpec>>,
  ) {}

  /** The value of `name` if present and valid for its spec. */
  value(name: string): CborValue | undefined {
    const value = this.elements?.get(name);
    const spec = this.specs[name];
    if (value === undefined || spec === undefined) return undefined;
    return checkElement(spec, value).ok ? value : undefined;
  }

  text(name: string): string | undefined {
    const v = this.value(name);
    return typeof v === 'string' ? v : undefined;
  }

  /** An integer in the safe range (a bigint is left out). */
  int(name: string): number | undefined {
    const v = this.value(name);
    return typeof v === 'number' ? v : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.value(name);
    return typeof v === 'boolean' ? v : undefined;
  }

  bytes(name: string): Uint8Array | undefined {
    const v = this.value(name);
    return v instanceof Uint8Array ? v : undefined;
  }

  fullDate(name: string): FullDate | undefined {
    const v = this.value(name);
    return v instanceof FullDate ? v : undefined;
  }

  date(name: string): FullDate | TDate | undefined {
    const v = this.value(name);
    return v instanceof FullDate || v instanceof TDate ? v : undefined;
  }

  tdate(name: string): TDate | undefined {
    const v = this.value(name);
    return v instanceof TDate ? v : undefined;
  }

  /** An array of text (already checked by the spec). */
  texts(name: string): readonly string[] | undefined {
    const v = this.value(name);
    return Array.isArray(v) ? (v as readonly CborValue[]).filter((x): x is string => typeof x === 'string') : undefined;
  }
}

/** @internal A text field of a map value, or undefined. */
export function textField(map: ReadonlyMap<CborValue, CborValue>, key: string): string | undefined {
  const v = map.get(key);
  return typeof v === 'string' ? v : undefined;
}

/** @internal A date field (full-date or tdate) of a map value, or undefined. */
export function dateField(map: ReadonlyMap<CborValue, CborValue>, key: string): FullDate | TDate | undefined {
  const v = map.get(key);
  return v instanceof FullDate || v instanceof TDate ? v : undefined;
}
