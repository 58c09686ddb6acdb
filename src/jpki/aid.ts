/**
 * Application identifiers and EF / key-reference ids of the My Number Card
 * (reference: shared jpki.md §1 and §2; sources named per entry there).
 *
 * Every AP is selected by its full 10-byte DF name (`00 A4 04 0C 0A <AID>`); EFs by
 * file id (`00 A4 02 0C 02 <FID>`). All FIDs lie in 0001–001E, so each is also a short
 * EF identifier (SFI = FID & 0x1F).
 */
import { fromHex } from '../internal/bytes.js';

/** DF names (AIDs) of the card's applications, as hex. */
export const AidHex = {
  /** 公的個人認証AP (JPKI-AP): the two certificates, their keys and PINs. */
  JPKI: 'd392f000260100000001',
  /** 券面事項入力補助AP (card info input support AP): My Number and the basic four, as text. */
  CARD_INFO_SUPPORT: 'd3921000310001010408',
  /** 券面事項確認AP (券面AP, card info AP): the card face as images, the photo. */
  CARD_SURFACE: 'd3921000310001010402',
  /** 住基AP per two sources (uncertain naming, reference §8 item 1). */
  JUKI: 'd3921000310001010401',
  /** The AP with the 個人番号カード用 (住基) PIN and a card-info record (naming uncertain). */
  COMMON: 'd3921000310001010100',
} as const;

/** The name of an application in {@link AidHex}. */
export type AppletName = keyof typeof AidHex;

/** The AIDs as bytes (fresh copies on each call, so callers cannot alter the registry). */
export function aidBytes(name: AppletName): Uint8Array {
  return fromHex(AidHex[name]);
}

/** EFs and key references of the JPKI-AP. */
export const JpkiEf = {
  /** 署名用電子証明書 (DER); readable only after VERIFY of the sign password. */
  SIGN_CERT: 0x0001,
  /** 署名用CA証明書 (self-signed J-LIS root). */
  SIGN_CA_CERT: 0x0002,
  /** Token information (PKCS#11 CK_TOKEN_INFO; label `JPKIAPICCTOKEN2` on a card). */
  TOKEN: 0x0006,
  /** Certificate availability, 3 bytes (uncertain meaning, single source). */
  CERT_AVAILABILITY: 0x0008,
  /** 利用者証明用電子証明書 (DER). */
  AUTH_CERT: 0x000a,
  /** 利用者証明用CA証明書. */
  AUTH_CA_CERT: 0x000b,
  /** 利用者証明用秘密鍵 (RSA-2048). */
  AUTH_KEY: 0x0017,
  /** 利用者証明用PIN (4 digits, 3 tries). */
  AUTH_PIN: 0x0018,
  /** 署名用秘密鍵 (RSA-2048). */
  SIGN_KEY: 0x001a,
  /** 署名用パスワード (6–16 of A–Z 0–9, 5 tries). */
  SIGN_PIN: 0x001b,
} as const;

/** EFs and key references of the 券面事項入力補助AP. */
export const SupportEf = {
  /** 個人番号: `FF 10 0C <12 digits>` + 2 filler bytes (17 bytes). */
  MY_NUMBER: 0x0001,
  /** 基本4情報: `FF 20 { DF21 offsets, DF22 name, DF23 address, DF24 birth date, DF25 sex }`. */
  BASIC_FOUR: 0x0002,
  /** Integrity record: `FF 30 { DF31, DF32 SHA-256 digests, DF33 RSA signature }`. */
  INTEGRITY: 0x0003,
  /** Card-verifiable certificate `7F 21` of the AP's signing key. */
  CVC: 0x0004,
  /** AP basic information `FF 40 { DF41, DF42 key id, DF43 }`. */
  BASIC_INFO: 0x0005,
  /** 券面事項入力補助用PIN (4 digits, 3 tries). */
  PIN: 0x0011,
  /** 照合番号A (the 12-digit My Number). */
  CODE_A: 0x0014,
  /** 照合番号B (14 digits). */
  CODE_B: 0x0015,
} as const;

/** EFs and key references of the 券面事項確認AP. */
export const SurfaceEf = {
  /** Age record `FF 10 { DF11 birth date, DF12 key, DF13 signature }` (opened by the birth-date key). */
  AGE: 0x0001,
  /** Card face `FF 20 { DF21 offsets, DF22 … DF2A }` (opened by 照合番号A or B). */
  FACE: 0x0002,
  /** AP basic information `FF 30 { … }`. */
  BASIC_INFO: 0x0003,
  /** Card-verifiable certificate `7F 21`. */
  CVC: 0x0004,
  /** Rendered My Number `FF 40 { DF41 PNG, DF42 key, DF43 signature }` (照合番号A only). */
  MY_NUMBER_IMAGE: 0x0005,
  /** Birth-date key: the first 6 digits of 照合番号B (single source). */
  BIRTH_DATE_KEY: 0x0011,
  /** 照合番号B. */
  CODE_B: 0x0012,
  /** 照合番号A. */
  CODE_A: 0x0013,
} as const;

/** EFs of the 住基AP and the `…0100` AP (reference §2.4, mostly single source). */
export const JukiEf = {
  /** Record EF; in the `…0100` AP record 1 is serial ‖ municipality code ‖ expiry. */
  CARD_INFO: 0x0001,
  /** Record EF holding a 16-byte key reference (content otherwise unidentified). */
  KEY_REFERENCE: 0x0002,
  /** 個人番号カード用 (住基) PIN, 4 digits, 3 tries. */
  PIN: 0x001c,
} as const;
