import { wallDate, zoneOffsetMinutes } from '../../domain/zone-offset.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date in the zone's own offset, e.g. `Tue, 03 Mar 2026 09:14:07 +0100` (UTC is +0000, never -0000). */
export function formatMailDate(date: Date, timeZone: string): string {
  // the Date header carries whole seconds; the offset is the zone's at that second
  const at = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const offset = zoneOffsetMinutes(at.getTime(), timeZone);
  const wall = wallDate(at, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())}`;
  return `${DAYS[wall.getUTCDay()]}, ${two(wall.getUTCDate())} ${MONTHS[wall.getUTCMonth()]} ${wall.getUTCFullYear()} ${clock} ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}
