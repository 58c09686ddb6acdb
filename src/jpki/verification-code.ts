/**
 * 照合番号A and 照合番号B, the codes that open the card-info APs without the PIN
 * (reference §4.6).
 *
 * - A: the 12-digit My Number.
 * - B: 14 digits = birth date `YYMMDD` with YY the **Japanese-era** year ‖ expiry year `YYYY`
 *   ‖ the 4-digit security code printed on the card. Confirmed on one test card by one
 *   source (1980-02-17 → 昭和55 → `55021720352285`); another source writes the birth
 *   date as YYYYMMDD (reference §8 item 3). Check the retry counter before trying it.
 */
import { toJapaneseEra } from './era.js';
import { isValidMyNumber } from './my-number.js';

/** The printed fields 照合番号B is built from. */
export interface VerificationCodeBInput {
  /** Birth date as printed, Gregorian `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** The year the card expires (有効期限), e.g. 2035. */
  readonly expiryYear: number;
  /** The 4-digit セキュリティコード printed on the card. */
  readonly securityCode: string;
}

/**
 * Build 照合番号B from typed inputs. Throws `RangeError` for a bad date, an expiry year
 * outside 2000..2099 or a security code that is not 4 digits.
 *
 * @example
 * ```ts
 * verificationCodeB({ birthDate: '1980-02-17', expiryYear: 2035, securityCode: '2285' }) // '55021720352285'
 * ```
 */
export function verificationCodeB(input: VerificationCodeBInput): string {
  const { year } = toJapaneseEra(input.birthDate);
  if (year > 99) throw new RangeError('birthDate: era year above 99 cannot be written as YY');
  if (!Number.isInteger(input.expiryYear) || input.expiryYear < 2000 || input.expiryYear > 2099) throw new RangeError('expiryYear must be 2000..2099');
  if (typeof input.securityCode !== 'string' || !/^[0-9]{4}$/.test(input.securityCode)) throw new RangeError('securityCode must be 4 digits');
  const mmdd = input.birthDate.slice(5, 7) + input.birthDate.slice(8, 10);
  return String(year).padStart(2, '0') + mmdd + String(input.expiryYear) + input.securityCode;
}

/** The birth-date key of the 券面事項確認AP (EF 0011): the first 6 digits of 照合番号B. */
export function birthDateKey(birthDate: string): string {
  const { year } = toJapaneseEra(birthDate);
  if (year > 99) throw new RangeError('birthDate: era year above 99 cannot be written as YY');
  return String(year).padStart(2, '0') + birthDate.slice(5, 7) + birthDate.slice(8, 10);
}

/** 照合番号A: the My Number itself, checked (12 digits with a valid check digit). */
export function verificationCodeA(myNumber: string): string {
  if (!isValidMyNumber(myNumber)) throw new RangeError('myNumber must be 12 digits with a valid check digit');
  return myNumber;
}
