const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
// every zone's offset is a multiple of 15 minutes and changes on a 15-minute boundary of UTC,
// so one lookup per quarter hour is exact
const BUCKET_MS = 15 * 60_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      // policies never throw: an unknown zone reads as UTC
      f = formatter('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at `ms` (epoch milliseconds), in minutes; cached per quarter hour. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const bucket = Math.floor(ms / BUCKET_MS) * BUCKET_MS;
  const key = `${timeZone}\u0000${bucket}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const parts = formatter(timeZone).formatToParts(new Date(bucket));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  const offset = Math.round((asUtc - bucket) / 60_000);
  if (offsets.size > 200_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** `at` shifted by its zone offset: read it with getUTC* to get local wall-clock fields. */
export function wallDate(at: Date, timeZone: string): Date {
  const ms = at.getTime();
  return new Date(ms + zoneOffsetMinutes(ms, timeZone) * 60_000);
}
