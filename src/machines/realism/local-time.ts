import { wallDate } from '../../domain/zone-offset.js';

/** Wall-clock facts of an instant in one IANA zone. */
export interface LocalDay {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** minutes since local midnight */
  minutes: number;
  /** `YYYY-MM-DD`, the local calendar day */
  dayKey: string;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The local calendar day, weekday and minute of `at` in `timeZone` (DST-correct via the zone database). */
export function localDay(at: Date, timeZone: string): LocalDay {
  const w = wallDate(at, timeZone);
  const year = w.getUTCFullYear();
  const month = w.getUTCMonth() + 1;
  const day = w.getUTCDate();
  return {
    year,
    month,
    day,
    weekday: w.getUTCDay(),
    minutes: w.getUTCHours() * 60 + w.getUTCMinutes(),
    dayKey: `${year}-${two(month)}-${two(day)}`,
  };
}
