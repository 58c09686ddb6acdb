/**
 * 基本4情報 (the basic four: name, address, birth date, sex) in EF 0002 of the
 * 券面事項入力補助AP (reference §4.3):
 *
 * ```
 * FF 20 L
 *   DF 21 08  offsets of DF22, DF23, DF24, DF25, 2 bytes each, counted from the file start
 *   DF 22 ..  氏名 (UTF-8; U+3000 between surname and given name)
 *   DF 23 ..  住所 (UTF-8, from the prefecture down)
 *   DF 24 08  生年月日 YYYYMMDD (Gregorian)
 *   DF 25 01  性別: 1 male, 2 female, 9 not applicable, 0 unknown (ISO 5218)
 * ```
 */
import { JpkiError } from '../errors.js';
import { utf8Decode } from '../internal/bytes.js';
import { decodeConstructed, requireTag, type Tlv } from './tlv.js';

/** ISO 5218 sex codes as the card stores them. */
export const SexCode = { UNKNOWN: '0', MALE: '1', FEMALE: '2', NOT_APPLICABLE: '9' } as const;

/** A sex code from {@link SexCode}. */
export type SexCode = (typeof SexCode)[keyof typeof SexCode];

/** The decoded basic four. */
export interface BasicFour {
  /** 氏名. */
  readonly name: string;
  /** 住所. */
  readonly address: string;
  /** 生年月日 as `YYYY-MM-DD` (the card's YYYYMMDD, Gregorian). */
  readonly birthDate: string;
  /** 性別 (ISO 5218 code). */
  readonly sex: SexCode;
}

/** The decoded EF with the byte ranges the integrity record covers. */
export interface BasicFourFile extends BasicFour {
  /** The offsets in DF21, in order (DF22, DF23, DF24, DF25). */
  readonly offsets: readonly number[];
  /**
   * The bytes EF 0003 DF32 is a SHA-256 of: the outer value with the DF21 offset table
   * skipped, i.e. from the DF22 TLV to the end of the object, as received.
   */
  readonly digestSource: Uint8Array;
}

function text(t: Tlv, what: string): string {
  try {
    return utf8Decode(t.value);
  } catch {
    throw new JpkiError('ERR_JPKI_DATA', `basic four: ${what} is not UTF-8`, { offset: t.offset });
  }
}

/** `YYYYMMDD` → `YYYY-MM-DD`, checking it is a date. Throws `ERR_JPKI_DATA` (internal). */
export function isoDate(yyyymmdd: string, what: string): string {
  if (!/^[0-9]{8}$/.test(yyyymmdd)) throw new JpkiError('ERR_JPKI_DATA', `${what} is not YYYYMMDD`);
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw new JpkiError('ERR_JPKI_DATA', `${what} is not a calendar date`);
  }
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * Decode EF 0002 of the 券面事項入力補助AP. Filler after the object is ignored. Throws
 * `ERR_JPKI_DATA` for a wrong tag, a missing field, bad UTF-8, a bad date or sex code, or an
 * offset table that does not point at the fields.
 */
export function decodeBasicFourFile(bytes: Uint8Array): BasicFourFile {
  const { outer, children } = decodeConstructed(bytes, 0xff20, 'basic four');
  const table = requireTag(children, 0xdf21, 'basic four');
  const fields = [0xdf22, 0xdf23, 0xdf24, 0xdf25].map((tag) => requireTag(children, tag, 'basic four'));
  if (table.value.length !== 8) throw new JpkiError('ERR_JPKI_DATA', 'basic four: DF21 offset table is not 8 bytes', { offset: table.offset });
  const offsets: number[] = [];
  for (let i = 0; i < 4; i++) offsets.push((table.value[2 * i]! << 8) | table.value[2 * i + 1]!);
  // The offsets are counted from the start of the file (the FF 20 header included).
  for (let i = 0; i < 4; i++) {
    if (offsets[i] !== fields[i]!.offset) {
      throw new JpkiError('ERR_JPKI_DATA', `basic four: DF21 offset ${i} does not point at its field`, { offset: table.offset });
    }
  }
  const [nameT, addressT, birthT, sexT] = fields as [Tlv, Tlv, Tlv, Tlv];
  const birth = text(birthT, 'birth date');
  const sex = text(sexT, 'sex');
  if (sex !== '0' && sex !== '1' && sex !== '2' && sex !== '9') throw new JpkiError('ERR_JPKI_DATA', 'basic four: unknown sex code', { offset: sexT.offset });
  const objectEnd = outer.raw.length;
  return {
    name: text(nameT, 'name'),
    address: text(addressT, 'address'),
    birthDate: isoDate(birth, 'basic four birth date'),
    sex,
    offsets,
    digestSource: bytes.slice(offsets[0]!, objectEnd),
  };
}
