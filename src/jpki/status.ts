/**
 * Status words, ISO/IEC 7816-4 §5.6 (Tables 5–6), with the meanings JICSAP gives them
 * and what My Number Cards were seen to answer (reference: shared jpki.md §3.7).
 */
import { ApduError } from '../errors.js';

/** Status words the JPKI layer names. `SW1 << 8 | SW2`. */
export const StatusWord = {
  /** Normal processing. */
  OK: 0x9000,
  /** Part of the returned data may be corrupted, or end of file reached before Ne bytes. */
  END_OF_FILE: 0x6282,
  /** Verification failed and the counter is unlimited (JICSAP). */
  VERIFY_FAILED_UNLIMITED: 0x6300,
  /** Wrong length (no further indication). */
  WRONG_LENGTH: 0x6700,
  /** Logical channel not supported. */
  CHANNEL_NOT_SUPPORTED: 0x6881,
  /** Secure messaging not supported. */
  SM_NOT_SUPPORTED: 0x6882,
  /** Command incompatible with file structure. */
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  /** Security status not satisfied (PIN not verified). */
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  /** Authentication method blocked. */
  AUTH_METHOD_BLOCKED: 0x6983,
  /** Reference data not usable: the PIN is blocked (every VERIFY after blocking). */
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  /** Conditions of use not satisfied. */
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** Command not allowed: no current EF. */
  NO_CURRENT_EF: 0x6986,
  /** Expected secure-messaging data objects missing. */
  SM_DATA_MISSING: 0x6987,
  /** Incorrect secure-messaging data objects. */
  SM_DATA_INCORRECT: 0x6988,
  /** Incorrect parameters in the command data field. */
  WRONG_DATA: 0x6a80,
  /** Function not supported. */
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  /** File or application not found. */
  FILE_NOT_FOUND: 0x6a82,
  /** Record not found. */
  RECORD_NOT_FOUND: 0x6a83,
  /** Incorrect parameters P1-P2. */
  WRONG_P1P2: 0x6a86,
  /** Referenced data or reference data not found. */
  DATA_NOT_FOUND: 0x6a88,
  /** Wrong parameters P1-P2: offset outside the EF. */
  OFFSET_OUTSIDE_EF: 0x6b00,
  /** Instruction code not supported or invalid. */
  INS_NOT_SUPPORTED: 0x6d00,
  /** Class not supported. */
  CLA_NOT_SUPPORTED: 0x6e00,
  /** No precise diagnosis. */
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** A named status word value. */
export type StatusWord = (typeof StatusWord)[keyof typeof StatusWord];

const MEANINGS: ReadonlyMap<number, string> = new Map([
  [0x9000, 'normal processing'],
  [0x6282, 'end of file reached before reading Ne bytes'],
  [0x6300, 'verification failed (no retry limit)'],
  [0x6700, 'wrong length'],
  [0x6881, 'logical channel not supported'],
  [0x6882, 'secure messaging not supported'],
  [0x6981, 'command incompatible with file structure'],
  [0x6982, 'security status not satisfied'],
  [0x6983, 'authentication method blocked'],
  [0x6984, 'reference data not usable (blocked)'],
  [0x6985, 'conditions of use not satisfied'],
  [0x6986, 'command not allowed (no current EF)'],
  [0x6987, 'expected secure messaging data objects missing'],
  [0x6988, 'incorrect secure messaging data objects'],
  [0x69fc, 'secure messaging session destroyed (proprietary)'],
  [0x66f1, 'no key delivery configured (proprietary)'],
  [0x6a80, 'incorrect parameters in the data field'],
  [0x6a81, 'function not supported'],
  [0x6a82, 'file or application not found'],
  [0x6a83, 'record not found'],
  [0x6a86, 'incorrect parameters P1-P2'],
  [0x6a88, 'referenced data not found'],
  [0x6b00, 'offset outside the EF'],
  [0x6d00, 'instruction not supported'],
  [0x6e00, 'class not supported'],
  [0x6f00, 'no precise diagnosis'],
]);

/** Four upper-case hex digits, e.g. `6982`. */
export function formatStatusWord(sw: number): string {
  return (sw & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * A human-readable meaning of `sw`, including the parameterised families
 * `61xx` (more data), `63Cx` (x tries left) and `6Cxx` (wrong Le, xx is right).
 */
export function describeStatusWord(sw: number): string {
  const known = MEANINGS.get(sw);
  if (known !== undefined) return known;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return `${sw2 === 0 ? 256 : sw2} more bytes available (GET RESPONSE)`;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return (sw2 & 0x0f) === 0 ? 'verification failed, no tries left (blocked)' : `verification failed, ${sw2 & 0x0f} tries left`;
  if (sw1 === 0x6c) return `wrong Le, the card has ${sw2 === 0 ? 256 : sw2} bytes`;
  if (sw1 === 0x62 || sw1 === 0x63) return 'warning';
  if (sw1 === 0x64 || sw1 === 0x65) return 'execution error';
  return 'unknown status';
}

/** True for `9000`. */
export function isSuccess(sw: number): boolean {
  return sw === StatusWord.OK;
}

/** The retry count of a `63Cx` status word, or undefined for any other. */
export function retriesFromStatusWord(sw: number): number | undefined {
  return (sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined;
}

/** The `ERR_APDU_STATUS` error for a command that ended with `sw`. */
export function statusError(command: string, sw: number): ApduError {
  return new ApduError('ERR_APDU_STATUS', `${command}: card answered ${formatStatusWord(sw)} (${describeStatusWord(sw)})`, { sw });
}
