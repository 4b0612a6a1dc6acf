import { wallDate, zoneOffsetMinutes } from '../../domain/zone-offset.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
/** Local wall-clock fields of `at` in `timeZone`, and the zone's UTC offset then (minutes). */
export function wallClock(at: Date, timeZone: string) {
  const secs = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const offsetMinutes = zoneOffsetMinutes(secs.getTime(), timeZone);
  const w = wallDate(secs, timeZone);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
    offsetMinutes,
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `Mar  4 09:12:03`, the classic syslog stamp (day padded with a space). */
export function syslogStamp(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${MONTHS[w.month - 1]} ${String(w.day).padStart(2, ' ')} ${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
}

/** `2025-03-04T09:12:03+01:00`, as `date --iso-8601=seconds` prints it. */
export function isoLocal(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const sign = w.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(w.offsetMinutes);
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** `2025-03-04`, the local calendar day. */
export function isoDay(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${two(w.month)}-${two(w.day)}`;
}

/** `march`, the local month's name, as people put it in file names. */
export function monthName(at: Date, timeZone: string): string {
  return LONG_MONTHS[wallClock(at, timeZone).month - 1]!;
}
