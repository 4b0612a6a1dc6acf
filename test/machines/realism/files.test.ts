import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/domain/rng.js';
import { CONTENT_CLASSES, type FileState, USER_CLASSES } from '../../../src/machines/realism/content-class.js';
import { hasEpochLikeName } from '../../../src/machines/realism/file-names.js';
import { planHumanFile } from '../../../src/machines/realism/live-file.js';
import { planEdit } from '../../../src/machines/realism/plan-edit.js';
import { planNewFile } from '../../../src/machines/realism/plan-file.js';
import { loginFor } from '../../../src/machines/realism/user-name.js';

const ann = { user: 'akeller', name: 'Ann Keller', persona: 'ann.keller@corp.example' };
const ctx = { host: 'web01', timeZone: 'Europe/Berlin', taken: new Set<string>() };
const NOW = new Date('2025-03-04T09:14:07Z');
const SYSTEM_DIRS = ['/var/log/', '/var/cache/', '/etc/cron.d/'];

function state(over: Partial<FileState> & Pick<FileState, 'path' | 'body' | 'contentClass'>): FileState {
  return { author: ann.persona, createdAt: NOW, mtime: NOW, editCount: 0, ...over };
}

describe('file planner', () => {
  it('names every class as a person or a package would: no epoch numbers, no product name', () => {
    const rng = seededRng(1);
    for (let i = 0; i < 300; i += 1) {
      for (const cls of CONTENT_CLASSES) {
        const w = planNewFile(cls, ann, ctx, rng, new Date(NOW.getTime() + i * 3_600_000))!;
        expect(w.path).not.toMatch(/\d{9,11}/);
        expect(hasEpochLikeName(w.path)).toBe(false);
        expect(`${w.path}\n${w.body}`.toLowerCase()).not.toContain('decnet');
      }
    }
  });

  it('puts user classes under the author’s home and system classes under system dirs', () => {
    const rng = seededRng(2);
    for (let i = 0; i < 100; i += 1) {
      for (const cls of CONTENT_CLASSES) {
        const w = planNewFile(cls, ann, ctx, rng, NOW)!;
        if ((USER_CLASSES as readonly string[]).includes(cls)) expect(w.path.startsWith('/home/akeller/')).toBe(true);
        else expect(SYSTEM_DIRS.some((d) => w.path.startsWith(d)) || w.path.startsWith('/home/akeller/.cache/')).toBe(true);
      }
    }
  });

  it('writes bodies of plausible sizes for their class', () => {
    const rng = seededRng(3);
    const sizes = (cls: (typeof CONTENT_CLASSES)[number]) =>
      Array.from({ length: 50 }, () => Buffer.byteLength(planNewFile(cls, ann, ctx, rng, NOW)!.body));
    for (const n of sizes('notes')) expect(n).toBeGreaterThan(40);
    for (const n of sizes('script')) expect(n).toBeGreaterThan(150);
    for (const n of sizes('cache')) expect(n).toBeLessThan(200);
    for (const cls of CONTENT_CLASSES) for (const n of sizes(cls)) expect(n).toBeLessThan(8192);
  });

  it('does not reuse a taken name, and gives up (null) when every name is taken', () => {
    const rng = seededRng(4);
    const taken = new Set(['/home/akeller/todo.txt', '/home/akeller/TODO.md']);
    const w = planNewFile('todo', ann, { ...ctx, taken }, rng, NOW)!;
    expect(w.path).toBe('/home/akeller/Documents/todo-march.md');
    taken.add(w.path);
    expect(planNewFile('todo', ann, { ...ctx, taken }, rng, NOW)).toBeNull();
  });

  it('stamps log lines in the decky’s zone and ends them at the write time', () => {
    const w = planNewFile('daemon-log', ann, ctx, seededRng(5), NOW)!;
    // 09:14:07Z is 10:14:07 in Berlin in March
    expect(w.body.trimEnd().split('\n').at(-1)).toMatch(/^Mar {2}4 10:14:07 web01 [a-z-]+\[\d+\]: /);
    expect(w.mtime).toEqual(NOW);
  });
});

describe('planEdit', () => {
  it('ticks an open todo item or adds one, never loses the list', () => {
    const rng = seededRng(6);
    const body = '- [ ] renew the domain\n- [ ] order a dock\n';
    const kinds = new Set<string>();
    for (let i = 0; i < 40; i += 1) {
      const e = planEdit(state({ path: '/home/akeller/todo.txt', body, contentClass: 'todo' }), rng, NOW);
      kinds.add(e.edit);
      if (e.edit === 'tick') expect(e.body.match(/- \[x\] /g)).toHaveLength(1);
      if (e.edit === 'append') expect(e.body.startsWith(body)).toBe(true);
      expect(e.body.split('\n').length).toBeGreaterThanOrEqual(body.split('\n').length);
    }
    expect(kinds).toEqual(new Set(['tick', 'append']));
  });

  it('appends to notes and keeps the earlier text', () => {
    const e = planEdit(state({ path: '/home/akeller/notes.txt', body: 'first line\n', contentClass: 'notes' }), seededRng(7), NOW);
    expect(e.edit).toBe('append');
    expect(e.body.startsWith('first line\n')).toBe(true);
    expect(e.body.length).toBeGreaterThan('first line\n'.length);
  });

  it('rotates a big log to .1 with its old body and old mtime, and starts a fresh one', () => {
    const old = new Date('2025-03-03T17:00:00Z');
    const line = 'Mar  3 18:00:00 web01 backup[4242]: processed batch\n';
    const body = line.repeat(2000);
    const e = planEdit(state({ path: '/var/log/backup.log', body, contentClass: 'daemon-log', mtime: old }), seededRng(8), NOW, {
      host: 'web01',
      timeZone: 'Europe/Berlin',
    });
    expect(e.edit).toBe('rotate');
    expect(e.rotated).toEqual({ path: '/var/log/backup.log.1', body, mtime: old });
    expect(e.body.length).toBeLessThan(400);
    expect(e.mtime).toEqual(NOW);
  });

  it('appends log lines with the same pid most of the time', () => {
    const body = 'Mar  3 18:00:00 web01 backup[4242]: processed batch\n';
    const e = planEdit(state({ path: '/var/log/backup.log', body, contentClass: 'daemon-log' }), seededRng(9), NOW);
    expect(e.edit).toBe('append');
    expect(e.body.startsWith(body)).toBe(true);
    expect(e.body).toContain('backup[4242]:');
  });

  it('rewrites caches and moves cron schedules without touching the command', () => {
    const cache = planEdit(
      state({ path: '/var/cache/backup/last-run', body: 'last_run=x\n', contentClass: 'cache', mtime: new Date('2025-03-03T09:00:00Z') }),
      seededRng(10),
      NOW,
      { host: 'h', timeZone: 'Europe/Berlin' },
    );
    expect(cache.edit).toBe('rewrite');
    expect(cache.body).toContain('last_run=2025-03-04T10:14:07+01:00');
    const cronBody = '# job\n17 3 * * * root /usr/local/bin/job.sh >/dev/null 2>&1\n';
    const cron = planEdit(state({ path: '/etc/cron.d/job', body: cronBody, contentClass: 'cron' }), seededRng(11), NOW);
    expect(cron.body).toMatch(/^\d{1,2} \d \* \* \* root \/usr\/local\/bin\/job\.sh/m);
  });

  it('never dates an edit before the file’s current mtime', () => {
    const later = new Date(NOW.getTime() + 3_600_000);
    const e = planEdit(state({ path: '/home/akeller/notes.txt', body: 'x\n', contentClass: 'notes', mtime: later }), seededRng(12), NOW);
    expect(e.mtime.getTime()).toBeGreaterThan(later.getTime());
  });

  it('is pure: the same inputs give the same edit', () => {
    const f = state({ path: '/home/akeller/drafts/budget.md', body: '# Budget\n\nsome text\n', contentClass: 'draft' });
    expect(planEdit(f, seededRng(13), NOW)).toEqual(planEdit(f, seededRng(13), NOW));
  });
});

describe('planHumanFile (drop-in for the §3.2 baseline)', () => {
  it('never produces an epoch-numbered name, unlike the baseline', () => {
    const rng = seededRng(14);
    for (let i = 0; i < 500; i += 1) {
      const plan = planHumanFile(rng, new Date(NOW.getTime() + i * 60_000));
      expect(hasEpochLikeName(plan.path)).toBe(false);
      expect(plan.path.startsWith('/')).toBe(true);
      expect(plan.content.length).toBeGreaterThan(0);
    }
  });
});

describe('loginFor', () => {
  it('derives a Debian-style login from the persona address', () => {
    expect(loginFor('ann.keller@corp.example')).toBe('akeller');
    expect(loginFor('Bob@corp.example')).toBe('bob');
    expect(loginFor('7even@corp.example')).toBe('u7even');
    expect(loginFor('"; rm -rf /"@corp.example')).toMatch(/^[a-z_][a-z0-9_-]*$/);
    expect(loginFor('@corp.example')).toBe('user');
  });
});
