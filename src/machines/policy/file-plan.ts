/** A file to drop on a decky: where and what (SPEC §3.2). Plain data, safe in a context. */
export interface FilePlan {
  /** absolute path inside the decky's ssh container */
  path: string;
  content: string;
}

/** Users the original templates write as (SPEC §3.2). */
export const FILE_USERS = ['admin', 'ubuntu', 'service'] as const;

/** Which original template produced a plan, in draw order. */
export const FILE_TEMPLATES = ['cache', 'cron', 'notes'] as const;

/**
 * The original §3.2 templates (the baseline; §7 brings better names). `ts` is the epoch second
 * of `now`. The rng is called exactly three times, in this order: template, user, cron pid.
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
