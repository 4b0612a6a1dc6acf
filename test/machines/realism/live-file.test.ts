import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/domain/rng.js';
import { type FileState, isUserClass } from '../../../src/machines/realism/content-class.js';
import { DEFAULT_AUTHORS, type LiveDeck, type LivePerson, livePeople, planLiveWrite } from '../../../src/machines/realism/live-file.js';
import { localDay } from '../../../src/machines/realism/local-time.js';

const ann: LivePerson = {
  author: { user: 'akeller', name: 'Ann Keller', persona: 'ann.keller@corp.example' },
  timeZone: 'Europe/Berlin',
  activeHours: '09:00-17:30',
};
const deck = (over: Partial<LiveDeck> = {}): LiveDeck => ({
  host: 'web01',
  files: [],
  taken: new Set(),
  people: [ann],
  systemZone: 'UTC',
  ...over,
});
// Tuesday 10:00 in Berlin (09:00 UTC), and the same Tuesday at 02:00 in Berlin
const WORK = new Date('2025-03-04T09:00:00Z');
const NIGHT = new Date('2025-03-04T01:00:00Z');

function state(over: Partial<FileState> & Pick<FileState, 'path' | 'body' | 'contentClass'>): FileState {
  return { author: ann.author.persona!, createdAt: WORK, mtime: WORK, editCount: 0, ...over };
}

describe('planLiveWrite', () => {
  it('lets people write only inside their hours: at night every write is the machine’s', () => {
    const rng = seededRng(7);
    for (let i = 0; i < 200; i += 1) {
      const w = planLiveWrite(deck(), rng, new Date(NIGHT.getTime() + i * 60_000))!;
      expect(isUserClass(w.contentClass), w.write.path).toBe(false);
      expect(w.author).toBe('root');
    }
  });

  it('during working hours gives most writes to a person at work, in their home directory', () => {
    const rng = seededRng(8);
    const writes = Array.from({ length: 400 }, (_, i) => planLiveWrite(deck(), rng, new Date(WORK.getTime() + (i % 60) * 60_000))!);
    const mine = writes.filter((w) => w.author === ann.author.persona);
    expect(mine.length / writes.length).toBeGreaterThan(0.6);
    expect(mine.length / writes.length).toBeLessThan(0.8);
    for (const w of mine) {
      expect(w.write.path.startsWith('/home/akeller/')).toBe(true);
      expect(isUserClass(w.contentClass)).toBe(true);
      expect(localDay(w.write.mtime, ann.timeZone).minutes).toBeGreaterThanOrEqual(9 * 60);
    }
  });

  it('rarely lets people write at a weekend, even inside their hours', () => {
    const rng = seededRng(9);
    const saturday = new Date('2025-03-08T09:30:00Z');
    const writes = Array.from({ length: 500 }, () => planLiveWrite(deck(), rng, saturday)!);
    expect(writes.filter((w) => w.author === ann.author.persona).length / writes.length).toBeLessThan(0.1);
  });

  it('continues recorded files: with a full desk every write edits one of them', () => {
    const files = [
      state({ path: '/home/akeller/todo.txt', body: '- [ ] renew the certificate\n- [ ] order toner\n', contentClass: 'todo' }),
      state({ path: '/home/akeller/notes.txt', body: 'call the vendor\n', contentClass: 'notes' }),
      state({ path: '/home/akeller/TODO.md', body: '- [ ] a\n', contentClass: 'todo' }),
      state({ path: '/home/akeller/scratch.txt', body: 'x\n', contentClass: 'notes' }),
      state({ path: '/home/akeller/drafts/backup.md', body: '# Backup (draft)\n\nHi.\n', contentClass: 'draft' }),
      state({ path: '/home/akeller/bin/check-disk.sh', body: '#!/bin/bash\necho ok\n', contentClass: 'script' }),
    ];
    const rng = seededRng(10);
    for (let i = 0; i < 50; i += 1) {
      const w = planLiveWrite(deck({ files, taken: new Set(files.map((f) => f.path)), people: [ann] }), rng, WORK)!;
      if (w.author === 'root') continue;
      expect(w.isNew).toBe(false);
      expect(files.map((f) => f.path)).toContain(w.write.path);
      expect(w.write.edit).not.toBe('create');
    }
  });

  it('never starts a new file under a path already recorded, even one it may not edit', () => {
    const taken = new Set(['/home/akeller/todo.txt', '/home/akeller/TODO.md']);
    const rng = seededRng(11);
    for (let i = 0; i < 300; i += 1) {
      const w = planLiveWrite(deck({ taken }), rng, WORK)!;
      if (w.isNew) expect(taken.has(w.write.path)).toBe(false);
    }
  });
});

describe('livePeople', () => {
  const personas = [
    { email: 'ann.keller@corp.example', name: 'Ann Keller', active_hours: '09:00-17:30', timezone: 'Europe/Berlin' },
    { email: 'bob@corp.example', name: 'Bob Stone', active_hours: '08:00-16:00' },
    { email: 'cy.lee@corp.example', name: 'Cy Lee', active_hours: '10:00-19:00', timezone: 'Asia/Tokyo' },
  ];

  it('continues with the authors of the recorded user files, with their persona’s hours and zone', () => {
    const people = livePeople(
      'local:web01',
      [{ path: '/home/clee/notes.txt', author: 'cy.lee@corp.example', contentClass: 'notes' }],
      personas,
      'UTC',
      1,
    );
    expect(people).toEqual([
      { author: { user: 'clee', name: 'Cy Lee', persona: 'cy.lee@corp.example' }, timeZone: 'Asia/Tokyo', activeHours: '10:00-19:00' },
    ]);
  });

  it('picks the same two personas for a decky every time, and different ones across deckies', () => {
    const a = livePeople('local:web01', [], personas, 'UTC');
    expect(a).toHaveLength(2);
    expect(livePeople('local:web01', [], [...personas].reverse(), 'UTC')).toEqual(a);
    const picks = new Set(
      Array.from({ length: 20 }, (_, i) =>
        livePeople(`local:d${i}`, [], personas, 'UTC')
          .map((p) => p.author.user)
          .join(),
      ),
    );
    expect(picks.size).toBeGreaterThan(1);
    expect(livePeople('local:web01', [], personas, 'UTC').find((p) => p.author.user === 'bob')?.timeZone ?? 'UTC').toBe('UTC');
  });

  it('recovers an author whose persona left the scope from the home directory it wrote in', () => {
    const people = livePeople(
      'local:web01',
      [{ path: '/home/dmiller/todo.txt', author: 'dana.miller@old.example', contentClass: 'todo' }],
      [],
      'Europe/Paris',
    );
    expect(people[0]).toEqual({
      author: { user: 'dmiller', name: 'Dana Miller', persona: 'dana.miller@old.example' },
      timeZone: 'Europe/Paris',
      activeHours: '09:00-18:00',
    });
  });

  it('ignores system files and recorded homes that are not logins', () => {
    const people = livePeople(
      'local:web01',
      [
        { path: '/var/log/backup.log', author: 'root', contentClass: 'daemon-log' },
        { path: '/home/$(id)/notes.txt', author: 'evil@x.example', contentClass: 'notes' },
      ],
      [],
      'UTC',
    );
    expect(people.map((p) => p.author.user)).toEqual(DEFAULT_AUTHORS.map((a) => a.user));
  });
});
