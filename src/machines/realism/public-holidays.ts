import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';

// the holiday data costs ~25 MB and ~0.1 s to load: only a process that consults a calendar pays
// it (not `--version`, `events` or `deckies`), the first time it does
let lib: typeof HolidaysClass | null = null;
function holidaysLib(): typeof HolidaysClass {
  lib ??= createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass;
  return lib;
}

// date-holidays lists a few zones under several countries; these are the zones' own countries
// (the principal country of each in the IANA zone table), so Helsinki is Finland, not Åland
const PRINCIPAL: Readonly<Record<string, string>> = {
  'Africa/Abidjan': 'CI',
  'Africa/Johannesburg': 'ZA',
  'Africa/Lagos': 'NG',
  'Africa/Maputo': 'MZ',
  'Africa/Nairobi': 'KE',
  'America/Curacao': 'CW',
  'America/Panama': 'PA',
  'America/Port_of_Spain': 'TT',
  'Asia/Bangkok': 'TH',
  'Atlantic/Canary': 'ES',
  'Europe/Belgrade': 'RS',
  'Europe/Helsinki': 'FI',
  'Europe/Oslo': 'NO',
  'Europe/Rome': 'IT',
  'Europe/Zurich': 'CH',
};
// days an office closes: public holidays and bank holidays (not observances like Valentine's Day)
const CLOSED = new Set(['public', 'bank']);

let zoneCountry: Map<string, string> | null = null;
const yearCache = new Map<string, ReadonlySet<string>>();

/** The ISO 3166 country of an IANA zone, from date-holidays' offline data; null for UTC and the like. */
export function countryOfZone(timeZone: string): string | null {
  if (!zoneCountry) {
    zoneCountry = new Map(Object.entries(PRINCIPAL));
    for (const country of Object.keys(new (holidaysLib())().getCountries()).sort()) {
      for (const zone of new (holidaysLib())(country).getTimezones() ?? []) if (!zoneCountry.has(zone)) zoneCountry.set(zone, country);
    }
  }
  return zoneCountry.get(timeZone) ?? null;
}

/**
 * The days (`YYYY-MM-DD`, local) on which offices in `timeZone`'s country close in `year`:
 * national public and bank holidays, substitute days included. Null when the zone has no
 * country (UTC, Etc/*): the caller falls back to the days every office shares.
 */
export function publicHolidays(timeZone: string, year: number): ReadonlySet<string> | null {
  const country = countryOfZone(timeZone);
  if (country === null) return null;
  const key = `${country}:${year}`;
  let days = yearCache.get(key);
  if (!days) {
    days = new Set(
      new (holidaysLib())(country)
        .getHolidays(year)
        .filter((h) => CLOSED.has(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    if (yearCache.size > 512) yearCache.clear();
    yearCache.set(key, days);
  }
  return days;
}

/**
 * Computes (and caches) the holidays of these zones for `at`'s year and the next: the first
 * look-up of a country-year compiles its rules (~50–200 ms), which must happen when a worker
 * starts or reads its scope, never inside a timer that hundreds of others wait behind.
 */
export function warmPublicHolidays(zones: Iterable<string | null | undefined>, at: Date): void {
  const year = at.getUTCFullYear();
  for (const zone of new Set(zones)) {
    if (!zone) continue;
    publicHolidays(zone, year);
    publicHolidays(zone, year + 1);
  }
}
