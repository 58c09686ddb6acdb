/**
 * JPKI-AP token information (EF 0006) and certificate availability (EF 0008)
 * (reference §4.1 and §2.1).
 *
 * EF 0006 starts with the PKCS#11 `CK_TOKEN_INFO.label` (32 bytes, space padded) naming the
 * device. Its full 160-byte layout (single source) is `label[32] ‖ manufacturerID[32] ‖
 * model[16] ‖ serialNumber[16] ‖ 11 × u32 ‖ hwVersion[2] ‖ fwVersion[2] ‖ utcTime[16]`.
 * EF 0008 is 3 bytes, byte 0 for the sign certificate and byte 1 for the auth certificate,
 * `00` meaning absent (meaning inferred by one implementation; uncertain).
 *
 * Smartphone tokens (スマホ用電子証明書) speak the same JPKI-AP protocol. On the Android token
 * (`JPKIAPGPSETOKEN`, GlobalPlatform secure element) the auth certificate EF 000A answers
 * 6982 until the auth PIN is verified (jpki/myna, Go and Rust, verify the auth PIN first
 * for exactly this label; its issue #6 is the nil-pointer crash of reading it without).
 * For the iPhone token (`JPKIAPIOSTOKEN`, one source: soltia48/myna-card) no public source
 * says either way, so shomei reads without a PIN there and turns a 6982 into
 * `ERR_JPKI_PIN_REQUIRED`.
 */
import { JpkiError } from '../errors.js';

/** Token labels and the device each names. */
export const TokenLabel = {
  /** A physical My Number Card. */
  CARD: 'JPKIAPICCTOKEN2',
  /** スマホ用電子証明書 on Android (GP-SE). */
  ANDROID: 'JPKIAPGPSETOKEN',
  /** スマホ用電子証明書 on iPhone (single source). */
  IPHONE: 'JPKIAPIOSTOKEN',
  /** The old 住基カード's JPKI. */
  JUKI_CARD: 'JPKIAPICCTOKEN',
} as const;

/** What a token label says the device is. */
export type TokenKind = 'card' | 'android' | 'iphone' | 'juki-card' | 'unknown';

/** Decoded token information. */
export interface TokenInfo {
  /** The label with trailing spaces and NULs removed. */
  readonly label: string;
  readonly kind: TokenKind;
}

/** Decode EF 0006 (at least the 32-byte label). Throws `ERR_JPKI_DATA` if shorter or not ASCII. */
export function decodeTokenInfo(bytes: Uint8Array): TokenInfo {
  if (bytes.length < 32) throw new JpkiError('ERR_JPKI_DATA', `token information is ${bytes.length} bytes, expected at least 32`);
  let label = '';
  for (let i = 0; i < 32; i++) {
    const b = bytes[i]!;
    if (b !== 0 && (b < 0x20 || b > 0x7e)) throw new JpkiError('ERR_JPKI_DATA', 'token label is not ASCII', { offset: i });
    label += String.fromCharCode(b);
  }
  label = label.replace(/[ \0]+$/, '');
  const kind: TokenKind =
    label === TokenLabel.CARD ? 'card' : label === TokenLabel.ANDROID ? 'android' : label === TokenLabel.IPHONE ? 'iphone' : label === TokenLabel.JUKI_CARD ? 'juki-card' : 'unknown';
  return { label, kind };
}

/**
 * True when the token is known to guard the auth certificate with the auth PIN (the
 * Android token). False for a card, and for tokens where it is not known (read, and a
 * 6982 means the PIN is needed after all).
 */
export function authCertificateNeedsPin(kind: TokenKind): boolean {
  return kind === 'android';
}

/** Which certificates the JPKI-AP holds. */
export interface CertificateAvailability {
  readonly sign: boolean;
  readonly auth: boolean;
  /** The 3 bytes as read. */
  readonly raw: Uint8Array;
}

/** Decode EF 0008. Throws `ERR_JPKI_DATA` unless it is 3 bytes. */
export function decodeCertificateAvailability(bytes: Uint8Array): CertificateAvailability {
  if (bytes.length !== 3) throw new JpkiError('ERR_JPKI_DATA', `certificate availability is ${bytes.length} bytes, expected 3`);
  return { sign: bytes[0] !== 0, auth: bytes[1] !== 0, raw: bytes.slice() };
}
