/**
 * PIN formats of the My Number Card, checked before anything is sent
 * (reference §3.1; OpenSC pkcs15-jpki.c min/max lengths; J-LIS password page):
 *
 * - 利用者証明用PIN, 券面事項入力補助用PIN, 住基 PIN: 4 digits.
 * - 署名用パスワード: 6–16 characters from A–Z and 0–9. The card does not accept lower
 *   case; like the official client, lower-case letters are upper-cased before sending.
 *   It must also mix letters and digits: the card only ever accepts such a password (J-LIS
 *   password page), so one without either can never be right, and sending it would only
 *   spend one of the five tries.
 * - 照合番号A: the 12-digit My Number, check digit verified; 照合番号B: 14 digits; the birth-date key: 6 digits.
 */
import { JpkiError } from '../errors.js';
import { isValidMyNumber } from './my-number.js';

/** The kinds of reference data the APs verify. */
export type PinKind = 'auth-pin' | 'sign-password' | 'support-pin' | 'juki-pin' | 'code-a' | 'code-b' | 'birth-date-key';

const DIGITS: Record<Exclude<PinKind, 'sign-password'>, number> = {
  'auth-pin': 4,
  'support-pin': 4,
  'juki-pin': 4,
  'code-a': 12,
  'code-b': 14,
  'birth-date-key': 6,
};

const LABEL: Record<PinKind, string> = {
  'auth-pin': 'the user-authentication PIN',
  'sign-password': 'the signature password',
  'support-pin': 'the card-info input support PIN',
  'juki-pin': 'the resident registry PIN',
  'code-a': '照合番号A',
  'code-b': '照合番号B',
  'birth-date-key': 'the birth-date key',
};

/** A human label for a PIN kind (used in errors; never the PIN itself). */
export function pinLabel(kind: PinKind): string {
  return LABEL[kind];
}

/**
 * Check `value` against the format of `kind` and return the bytes to send (ASCII, no
 * padding). Throws `JpkiError` `ERR_JPKI_PIN_FORMAT` (the message never contains the value).
 * A sign password must contain both a letter and a digit, the current one as well as a new
 * one (`forNewValue` only changes the message).
 */
export function encodePin(kind: PinKind, value: string, options: { forNewValue?: boolean } = {}): Uint8Array {
  if (typeof value !== 'string') throw new JpkiError('ERR_JPKI_PIN_FORMAT', `${LABEL[kind]} must be a string`);
  let text = value;
  if (kind === 'sign-password') {
    text = value.toUpperCase();
    if (!/^[A-Z0-9]{6,16}$/.test(text)) throw new JpkiError('ERR_JPKI_PIN_FORMAT', `${LABEL[kind]} must be 6 to 16 characters from A-Z and 0-9`);
    if (!(/[A-Z]/.test(text) && /[0-9]/.test(text))) {
      const what = options.forNewValue === true ? `a new ${LABEL[kind].replace(/^the /, '')}` : LABEL[kind];
      throw new JpkiError('ERR_JPKI_PIN_FORMAT', `${what} must contain both letters and digits`);
    }
  } else {
    const n = DIGITS[kind];
    if (!new RegExp(`^[0-9]{${n}}$`).test(text)) throw new JpkiError('ERR_JPKI_PIN_FORMAT', `${LABEL[kind]} must be ${n} digits`);
    if (kind === 'code-a' && !isValidMyNumber(text)) throw new JpkiError('ERR_JPKI_PIN_FORMAT', `${LABEL[kind]} must be a My Number with a valid check digit`);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
