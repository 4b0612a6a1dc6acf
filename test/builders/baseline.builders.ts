import type { FilePlan } from '../../src/machines/policy/file-plan.js';

// what the orchestrator did before the realism work (SPEC §3.2 templates, a jittered timer):
// the checks must flag these, and e2e tests use them as plain, valid plans

/** Users the original templates write as (SPEC §3.2). */
const FILE_USERS = ['admin', 'ubuntu', 'service'] as const;

const FILE_TEMPLATES = ['cache', 'cron', 'notes'] as const;

/**
 * The original §3.2 templates, epoch-second names and all. `ts` is the epoch second of `now`.
 * The rng is called exactly three times, in this order: template, user, cron pid.
 */
export function planFile(rng: () => number, now: Date): FilePlan {
  const template = FILE_TEMPLATES[index(rng, FILE_TEMPLATES.length)]!;
  const user = FILE_USERS[index(rng, FILE_USERS.length)]!;
  const n = 1000 + index(rng, 99999 - 1000 + 1);
  const ts = Math.floor(now.getTime() / 1000);
  switch (template) {
    case 'cache':
      return { path: `/tmp/.cache-${ts}.tmp`, content: `session=${ts}\n` };
    case 'cron':
      return { path: `/var/log/cron-${ts}.log`, content: `${ts} CRON[${n}]: (${user}) CMD (run-parts /etc/cron.daily)\n` };
    case 'notes':
      return { path: `/home/${user}/notes-${ts}.txt`, content: 'todo: rotate keys; check on backup task\n' };
  }
}

// clamps so an rng returning exactly 1, a negative or NaN still yields a valid index
function index(rng: () => number, n: number): number {
  const r = rng();
  const i = Number.isFinite(r) ? Math.floor(r * n) : 0;
  return Math.min(n - 1, Math.max(0, i));
}

/** Bounds of the jitter factor applied to the mean interval. */
interface JitterOptions {
  /** log-space standard deviation (default 0.3) */
  sigma?: number;
  /** smallest factor (default 0.4) */
  min?: number;
  /** largest factor (default 2.5) */
  max?: number;
}

/**
 * The cadence before `humanDelay`: the mean interval times a log-normal factor whose mean is 1,
 * clamped to [min, max] × interval. No fixed period, yet still a timer to a KS test (§7).
 */
export function jitteredDelay(intervalMs: number, rng: () => number, opts: JitterOptions = {}): number {
  const sigma = opts.sigma ?? 0.3;
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const factor = Math.exp(sigma * z - (sigma * sigma) / 2);
  const bounded = Math.min(Math.max(factor, opts.min ?? 0.4), opts.max ?? 2.5);
  return Math.max(1, Math.round(intervalMs * bounded));
}
