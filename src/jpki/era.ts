/**
 * Japanese eras (元号) for dates from 1868 on: 明治, 大正, 昭和, 平成, 令和, with the first
 * day of each as set by the imperial ordinances and 元号法 (大正 1912-07-30, 昭和 1926-12-25,
 * 平成 1989-01-08, 令和 2019-05-01; 明治 dated from 1868-01-25 by the 改元の詔).
 *
 * The era codes are those of the JPKI sign certificate's birth date, `EYYYYMMDD`
 * (reference §5.3, citing the J-LIS certificate profile): 1 明治, 2 大正, 3 昭和, 4 平成,
 * 5 令和, 0 unknown.
 */

/** An era with its code and first day. */
export interface Era {
  readonly code: 1 | 2 | 3 | 4 | 5;
  readonly name: '明治' | '大正' | '昭和' | '平成' | '令和';
  readonly romaji: 'Meiji' | 'Taisho' | 'Showa' | 'Heisei' | 'Reiwa';
  /** First day, `YYYY-MM-DD`. */
  readonly start: string;
}

/** The eras, oldest first. */
export const ERAS: readonly Era[] = [
  { code: 1, name: '明治', romaji: 'Meiji', start: '1868-01-25' },
  { code: 2, name: '大正', romaji: 'Taisho', start: '1912-07-30' },
  { code: 3, name: '昭和', romaji: 'Showa', start: '1926-12-25' },
  { code: 4, name: '平成', romaji: 'Heisei', start: '1989-01-08' },
  { code: 5, name: '令和', romaji: 'Reiwa', start: '2019-05-01' },
];

/** A Gregorian date as `YYYY-MM-DD`, checked. Throws `RangeError` naming `name` (internal). */
export function checkIsoDate(date: string, name: string): { year: number; month: number; day: number } {
  const m = typeof date === 'string' ? /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(date) : null;
  if (m === null) throw new RangeError(`${name} must be YYYY-MM-DD`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) throw new RangeError(`${name} is not a calendar date`);
  return { year, month, day };
}

/** The era of a Gregorian date and the year within it (1 = 元年). Throws `RangeError` before 明治. */
export function toJapaneseEra(date: string): { era: Era; year: number } {
  const { year } = checkIsoDate(date, 'date');
  for (let i = ERAS.length - 1; i >= 0; i--) {
    const era = ERAS[i]!;
    if (date >= era.start) return { era, year: year - Number(era.start.slice(0, 4)) + 1 };
  }
  throw new RangeError('date is before the 明治 era');
}
