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
 *
 * Real cards differ from this shape (issue 14): the birth date may be partial or unknown,
 * the sex code may be one ISO 5218 lacks (J-LIS writes 不明 as 3), and the DF21 table is
 * redundant with the TLVs (DF32 protects the data either way). All are read, not refused.
 */
import { JpkiError } from '../errors.js';
import { utf8Decode } from '../internal/bytes.js';
import { decodeConstructed, requireTag, type Tlv } from './tlv.js';

/** ISO 5218 sex codes as the card stores them. Real cards may hold others (see {@link sexMeaning}). */
export const SexCode = { UNKNOWN: '0', MALE: '1', FEMALE: '2', NOT_APPLICABLE: '9' } as const;

/** A sex code from {@link SexCode}. */
export type SexCode = (typeof SexCode)[keyof typeof SexCode];

/** What a known sex code means. */
export type SexMeaning = 'male' | 'female' | 'unknown' | 'not-applicable';

/**
 * The meaning of a sex code, or undefined for a code not known here. ISO 5218: 0 unknown,
 * 1 male, 2 female, 9 not applicable; the J-LIS certificate profile writes 不明 as 3
 * (reference §5.3), so 3 is read as unknown too.
 */
export function sexMeaning(code: string): SexMeaning | undefined {
  switch (code) {
    case '1':
      return 'male';
    case '2':
      return 'female';
    case '0':
    case '3':
      return 'unknown';
    case '9':
      return 'not-applicable';
    default:
      return undefined;
  }
}

/** Stable ids of what a basic-four read found odd but read anyway. */
export const BasicFourFindingId = {
  /** The DF21 offset table does not point at the DF22–DF25 TLVs; the fields were read by their TLVs. */
  OFFSET_TABLE_MISMATCH: 'OFFSET_TABLE_MISMATCH',
} as const;

/** A basic-four finding id. */
export type BasicFourFindingId = (typeof BasicFourFindingId)[keyof typeof BasicFourFindingId];

/** A deviation found while reading: reported, not thrown (the DF32 digest still protects the data). */
export interface BasicFourFinding {
  readonly id: BasicFourFindingId;
  readonly detail: string;
}

/** The decoded basic four. */
export interface BasicFour {
  /** 氏名. */
  readonly name: string;
  /** 住所. */
  readonly address: string;
  /**
   * 生年月日 as `YYYY-MM-DD` when the card's value is a complete calendar date, else
   * undefined (partial or unknown birth dates exist; {@link birthDateRaw} keeps the value).
   */
  readonly birthDate: string | undefined;
  /** 生年月日 exactly as on the card (normally `YYYYMMDD`). */
  readonly birthDateRaw: string;
  /** 性別, the code exactly as on the card (normally one of {@link SexCode}; any code is kept). */
  readonly sex: string;
  /** The meaning of {@link sex} when the code is known, else undefined. */
  readonly sexMeaning: SexMeaning | undefined;
  /** Deviations read past (e.g. a DF21 offset table that does not match). Empty for a well-formed file. */
  readonly findings: readonly BasicFourFinding[];
}

/** The decoded EF with the byte ranges the integrity record covers. */
export interface BasicFourFile extends BasicFour {
  /** The offsets in DF21, in order (DF22, DF23, DF24, DF25), as written (they may not match: see findings). */
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

/** `YYYYMMDD` → `YYYY-MM-DD` when it is a complete calendar date, else undefined (internal). */
export function parseCompactDate(yyyymmdd: string): string | undefined {
  if (!/^[0-9]{8}$/.test(yyyymmdd)) return undefined;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** `YYYYMMDD` → `YYYY-MM-DD`, checking it is a date. Throws `ERR_JPKI_DATA` (internal). */
export function isoDate(yyyymmdd: string, what: string): string {
  if (!/^[0-9]{8}$/.test(yyyymmdd)) throw new JpkiError('ERR_JPKI_DATA', `${what} is not YYYYMMDD`);
  const date = parseCompactDate(yyyymmdd);
  if (date === undefined) throw new JpkiError('ERR_JPKI_DATA', `${what} is not a calendar date`);
  return date;
}

/**
 * Decode EF 0002 of the 券面事項入力補助AP. Filler after the object is ignored. The fields
 * are read by their TLVs; an offset table that does not match them is a finding, not an
 * error, and so are a partial birth date (kept raw) and an unknown sex code (kept raw).
 * Throws `ERR_JPKI_DATA` for a wrong tag, a missing or repeated field, a field before DF22
 * (outside {@link BasicFourFile.digestSource}) or bad UTF-8.
 */
export function decodeBasicFourFile(bytes: Uint8Array): BasicFourFile {
  const { outer, children } = decodeConstructed(bytes, 0xff20, 'basic four');
  const table = requireTag(children, 0xdf21, 'basic four');
  const fields = [0xdf22, 0xdf23, 0xdf24, 0xdf25].map((tag) => requireTag(children, tag, 'basic four'));
  const findings: BasicFourFinding[] = [];
  const offsets: number[] = [];
  for (let i = 0; i + 1 < table.value.length; i += 2) offsets.push((table.value[i]! << 8) | table.value[i + 1]!);
  // The offsets are counted from the start of the file (the FF 20 header included).
  const wrong: number[] = [];
  for (let i = 0; i < 4; i++) if (offsets[i] !== fields[i]!.offset) wrong.push(i);
  if (table.value.length !== 8 || wrong.length > 0) {
    const what = table.value.length !== 8 ? `is ${table.value.length} bytes, not 8` : `entries ${wrong.join(', ')} do not point at their fields`;
    findings.push({ id: 'OFFSET_TABLE_MISMATCH', detail: `DF21 offset table ${what}; fields read by their TLVs` });
  }
  const [nameT, addressT, birthT, sexT] = fields as [Tlv, Tlv, Tlv, Tlv];
  // DF32 covers the object from DF22 on: a field before it would be read but not covered.
  for (const f of [addressT, birthT, sexT]) {
    if (f.offset < nameT.offset) {
      throw new JpkiError('ERR_JPKI_DATA', `basic four: DF${f.tag.toString(16).slice(2).toUpperCase()} comes before DF22, outside the bytes the integrity record covers`, { offset: f.offset });
    }
  }
  const birthDateRaw = text(birthT, 'birth date');
  const sex = text(sexT, 'sex');
  const objectEnd = outer.raw.length;
  return {
    name: text(nameT, 'name'),
    address: text(addressT, 'address'),
    birthDate: parseCompactDate(birthDateRaw),
    birthDateRaw,
    sex,
    sexMeaning: sexMeaning(sex),
    findings,
    offsets,
    digestSource: bytes.slice(nameT.offset, objectEnd),
  };
}
