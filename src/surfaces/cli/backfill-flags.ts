import { Option } from 'commander';
import { DEFAULT_BACKFILL_DAYS, emailsAutoBackfill, filesAutoBackfill } from '../../actors/backfill-runs.js';
import type { Config } from '../../infra/config/config.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { Persona } from '../../domain/persona.js';
import { PersonaPool } from '../../infra/personas/pool.js';
import { personaResolver } from '../../actors/realism/personas-in-scope.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { Store } from '../../infra/store/store.port.js';
import { hostTimeZone } from '../../machines/email/active-hours.js';
import { CliError } from './cli-error.js';

/** The worker flags of the automatic backfill (issue 7), parsed. */
export interface BackfillFlags {
  /** false with `--no-backfill` */
  backfill?: false;
  backfillDays?: number;
}

/** What commander hands over for them. */
export interface RawBackfillFlags {
  backfill?: boolean;
  backfillDays?: string;
}

/** The commander options: `--no-backfill` (or DECNET_NO_BACKFILL=1) and `--backfill-days <n>` (or DECNET_BACKFILL_DAYS). */
export function backfillOptions(): [Option, Option] {
  return [
    // DECNET_NO_BACKFILL is read in parseBackfillFlags: commander would take "0" as "set"
    new Option('--no-backfill', 'do not give deckies seen for the first time a past (or DECNET_NO_BACKFILL=1)'),
    new Option('--backfill-days <n>', `days of past a new decky is given, 1..365 (default ${DEFAULT_BACKFILL_DAYS})`).env(
      'DECNET_BACKFILL_DAYS',
    ),
  ];
}

/** Parses the flags and DECNET_NO_BACKFILL; a bad value of either is a CliError with exit status 2. */
export function parseBackfillFlags(raw: RawBackfillFlags, env: NodeJS.ProcessEnv = process.env): BackfillFlags {
  const out: BackfillFlags = {};
  if (raw.backfill === false || envSwitch(env.DECNET_NO_BACKFILL, 'DECNET_NO_BACKFILL')) out.backfill = false;
  if (raw.backfillDays !== undefined) out.backfillDays = parseDays(raw.backfillDays, '--backfill-days');
  return out;
}

// a yes/no environment switch: unset or empty is no; anything unclear is refused, never guessed
function envSwitch(raw: string | undefined, name: string): boolean {
  const v = raw?.trim().toLowerCase() ?? '';
  if (v === '' || v === '0' || v === 'false' || v === 'no' || v === 'off') return false;
  if (v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
  throw new CliError(`${name} must be 1 or 0 (got "${raw}")`, 2);
}

/** An integer number of days from 1 to 365 (CliError, exit 2, naming the option otherwise). */
export function parseDays(raw: string, option: string): number {
  const n = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(n >= 1 && n <= 365)) throw new CliError(`${option} must be an integer from 1 to 365 (got "${raw}")`, 2);
  return n;
}

/** What a worker has open when it wires the backfill. */
interface BackfillParts {
  config: Config;
  logger: Logger;
  store: Store;
  /** the persona pool (default: the SPEC §6.2 pool file) */
  pool?: { load(): Promise<Persona[]> };
  seed?: number;
}

function common(flags: BackfillFlags, parts: BackfillParts) {
  const pool = parts.pool ?? new PersonaPool({ logger: parts.logger });
  return {
    days: flags.backfillDays ?? DEFAULT_BACKFILL_DAYS,
    ...(parts.seed === undefined ? {} : { seed: parts.seed }),
    log: parts.store.backfills,
    // resolved afresh per decky: a long-running worker sees topology edits (the pool caches by mtime)
    personasFor: (decky: RunningDecky) => personaResolver({ pool, topologies: parts.store.inventory, logger: parts.logger })(decky),
    hostZone: hostTimeZone(),
    limits: { timeoutMs: parts.config.execTimeoutMs },
    logger: parts.logger,
  };
}

/** The orchestrator's `backfill` dep (files for new ssh deckies), or nothing with `--no-backfill`. */
export function orchestratorBackfill(flags: BackfillFlags, parts: BackfillParts) {
  if (flags.backfill === false) return {};
  return { backfill: filesAutoBackfill({ ...common(flags, parts), files: parts.store.files, events: parts.store.events }) };
}

/** The emailgen worker's `backfill` dep (email for new mail deckies), or nothing with `--no-backfill`. */
export function emailgenBackfill(flags: BackfillFlags, parts: BackfillParts) {
  if (flags.backfill === false) return {};
  return { backfill: emailsAutoBackfill({ ...common(flags, parts), emails: parts.store.emails, spoolRoot: parts.config.spoolRoot }) };
}
