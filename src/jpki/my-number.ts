/**
 * 個人番号 (My Number): the 12-digit number, its check digit, and the 券面事項入力補助AP
 * EF 0001 that holds it.
 *
 * Check digit: 行政手続における特定の個人を識別するための番号の利用等に関する法律施行規則
 * (the My Number Act's enforcement ordinance), 第1条: with Pn the n-th digit counted from the
 * right of the first 11 digits and Qn = n + 1 (1 ≤ n ≤ 6) or n − 5 (7 ≤ n ≤ 11),
 * check = 0 if Σ Pn·Qn mod 11 ≤ 1, else 11 − (Σ Pn·Qn mod 11).
 *
 * EF 0001 (reference §4.2): `FF 10 0C <12 ASCII digits>` followed by filler (17 bytes on the
 * documented cards; read to the end the card reports, see `support-ap.ts`).
 */
import { JpkiError } from '../errors.js';
import { decodeTlv } from './tlv.js';

/** The check digit (0–9) of the first 11 digits of a My Number. Throws `TypeError` for non-digits. */
export function myNumberCheckDigit(first11: string): number {
  if (typeof first11 !== 'string' || !/^[0-9]{11}$/.test(first11)) throw new TypeError('first11 must be 11 ASCII digits');
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = first11.charCodeAt(11 - n) - 48;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

/** True when `value` is 12 ASCII digits whose last digit is the correct check digit. */
export function isValidMyNumber(value: string): boolean {
  return typeof value === 'string' && /^[0-9]{12}$/.test(value) && myNumberCheckDigit(value.slice(0, 11)) === value.charCodeAt(11) - 48;
}

/** The My Number masked for display: all but the last 4 digits replaced by `*`. */
export function maskMyNumber(value: string): string {
  return '*'.repeat(Math.max(0, value.length - 4)) + value.slice(-4);
}

/** A decoded 券面事項入力補助AP EF 0001. */
export interface MyNumberFile {
  /** The 12 digits. */
  readonly myNumber: string;
  /** Whether the check digit is right (a real card's number always is). */
  readonly checkDigitValid: boolean;
}

/**
 * Decode EF 0001 of the 券面事項入力補助AP (`FF 10 0C` + 12 digits; filler after it is
 * ignored). Throws `ERR_JPKI_DATA` for any other shape.
 */
export function decodeMyNumberFile(bytes: Uint8Array): MyNumberFile {
  const tlv = decodeTlv(bytes, 0);
  if (tlv.tag !== 0xff10 || tlv.value.length !== 12) throw new JpkiError('ERR_JPKI_DATA', 'My Number EF is not FF 10 0C <12 digits>', { offset: 0 });
  let myNumber = '';
  for (const b of tlv.value) {
    if (b < 0x30 || b > 0x39) throw new JpkiError('ERR_JPKI_DATA', 'My Number EF holds a non-digit', { offset: 3 });
    myNumber += String.fromCharCode(b);
  }
  return { myNumber, checkDigitValid: isValidMyNumber(myNumber) };
}
