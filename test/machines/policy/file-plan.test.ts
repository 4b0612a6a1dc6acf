import { describe, expect, it } from 'vitest';
import { FILE_USERS, planFile } from '../../../src/machines/policy/file-plan.js';
import { filePathProblem } from '../../../src/actors/drivers/validate.js';

const NOW = new Date('2025-01-15T10:20:30Z');
const TS = 1736936430;

/** an rng that plays back the given draws, and fails loudly when they run out */
function draws(...values: number[]): () => number {
  return () => {
    const v = values.shift();
    if (v === undefined) throw new Error('rng script ran out');
    return v;
  };
}

describe('planFile', () => {
  it('draws the cache template: /tmp/.cache-<ts>.tmp with session=<ts>', () => {
    expect(planFile(draws(0, 0, 0), NOW)).toEqual({ path: `/tmp/.cache-${TS}.tmp`, content: `session=${TS}\n` });
  });

  it('draws the cron template with user and pid from the rng', () => {
    expect(planFile(draws(0.4, 0.5, 0), NOW)).toEqual({
      path: `/var/log/cron-${TS}.log`,
      content: `${TS} CRON[1000]: (ubuntu) CMD (run-parts /etc/cron.daily)\n`,
    });
    expect(planFile(draws(0.4, 0.99, 0.999999999), NOW).content).toBe(
      `${TS} CRON[99999]: (service) CMD (run-parts /etc/cron.daily)\n`,
    );
  });

  it('draws the notes template in the chosen user home', () => {
    expect(planFile(draws(0.9, 0, 0.5), NOW)).toEqual({
      path: `/home/admin/notes-${TS}.txt`,
      content: 'todo: rotate keys; check on backup task\n',
    });
  });

  it('stays in range when the rng returns 1, a negative number or NaN', () => {
    for (const v of [1, -0.5, Number.NaN]) {
      const p = planFile(() => v, NOW);
      expect(p.path).toMatch(/^\/(tmp|var\/log|home)\//);
    }
  });

  it('over many draws uses every template and user, and every path is one the file driver accepts', () => {
    let seed = 7;
    const rng = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const kinds = new Set<string>();
    const users = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const p = planFile(rng, NOW);
      kinds.add(p.path.split('/')[1]!);
      const user = /\((\w+)\)|\/home\/(\w+)\//.exec(p.content + p.path);
      if (user) users.add(user[1] ?? user[2]!);
      expect(filePathProblem(p.path)).toBeUndefined();
    }
    expect(kinds).toEqual(new Set(['tmp', 'var', 'home']));
    expect(users).toEqual(new Set(FILE_USERS));
  });
});
