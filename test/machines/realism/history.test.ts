import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/domain/rng.js';
import { isUserClass } from '../../../src/machines/realism/content-class.js';
import { planHistory } from '../../../src/machines/realism/history.js';
import { insideHours } from '../../../src/machines/realism/intensity.js';
import { PERSON_CLASSES, SYSTEM_CLASS_WEIGHTS } from '../../../src/machines/realism/plan-file.js';
import { profileForPersona, profileForSystem } from '../../../src/machines/realism/timing-profile.js';
import { SYSTEM_AUTHOR, authorForPersona } from '../../../src/machines/realism/user-name.js';

const ann = { email: 'ann.keller@corp.example', name: 'Ann Keller', active_hours: '08:30-17:00', timezone: 'Asia/Tokyo' };
const annProfile = profileForPersona(ann, { eventsPerDay: 6, seed: 1, fallbackZone: 'UTC' });
const FROM = new Date('2025-01-06T00:00:00Z');
const TO = new Date('2025-02-17T00:00:00Z');

function history(seed = 1, system = 12) {
  return planHistory(
    {
      host: 'files01',
      desks: [
        { author: authorForPersona(ann), classes: PERSON_CLASSES, maxFiles: 5, profile: annProfile },
        {
          author: SYSTEM_AUTHOR,
          classes: SYSTEM_CLASS_WEIGHTS,
          maxFiles: 3,
          profile: profileForSystem('local:files01', { eventsPerDay: system, seed: 1, timeZone: 'Asia/Tokyo' }),
        },
      ],
      from: FROM,
      to: TO,
    },
    seededRng(seed),
  );
}

describe('planHistory', () => {
  const h = history();

  it('plans writes in time order inside the window', () => {
    const times = h.writes.map((w) => w.write.mtime.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]!).toBeGreaterThanOrEqual(FROM.getTime());
    expect(times.at(-1)!).toBeLessThan(TO.getTime());
  });

  it('keeps each author to their file count and lets files grow through edits', () => {
    const mine = h.files.filter((f) => f.author === 'ann.keller@corp.example');
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.length).toBeLessThanOrEqual(5);
    expect(mine.some((f) => f.editCount >= 3)).toBe(true);
    for (const f of h.files) {
      const writes = h.writes.filter((w) => w.write.path === f.path);
      // a rotated copy is written by its log's rotations, not by writes of its own path
      if (!f.path.endsWith('.1')) expect(f.editCount).toBe(writes.length - 1);
      expect(f.mtime.getTime()).toBeGreaterThanOrEqual(f.createdAt.getTime());
    }
  });

  it('stamps the person’s writes inside their hours in their own zone (Tokyo)', () => {
    const theirs = h.writes.filter((w) => isUserClass(w.contentClass));
    const inside = theirs.filter((w) => insideHours(annProfile, w.write.mtime)).length / theirs.length;
    expect(theirs.length).toBeGreaterThan(60);
    expect(inside).toBeGreaterThanOrEqual(0.9);
  });

  it('rotates busy logs to .1, keeping the rotated copy’s older mtime', () => {
    const busy = history(2, 250);
    const rotated = busy.files.filter((f) => f.path.endsWith('.log.1'));
    expect(rotated.length).toBeGreaterThan(0);
    for (const r of rotated) {
      const live = busy.files.find((f) => f.path === r.path.slice(0, -2))!;
      expect(r.mtime.getTime()).toBeLessThan(live.mtime.getTime());
      expect(Buffer.byteLength(r.body)).toBeGreaterThan(12 * 1024);
    }
  });

  it('continues a history it is given instead of starting over', () => {
    const later = planHistory(
      {
        host: 'files01',
        desks: [{ author: authorForPersona(ann), classes: PERSON_CLASSES, maxFiles: 5, profile: annProfile }],
        from: TO,
        to: new Date(TO.getTime() + 7 * 86_400_000),
        existing: h.files,
      },
      seededRng(3),
    );
    const before = new Map(h.files.map((f) => [f.path, f]));
    const continued = later.files.filter((f) => before.has(f.path) && f.editCount > before.get(f.path)!.editCount);
    expect(continued.length).toBeGreaterThan(0);
    for (const f of continued) expect(f.createdAt).toEqual(before.get(f.path)!.createdAt);
  });

  it('is reproducible from its seed', () => {
    expect(history(5).files).toEqual(history(5).files);
  });
});
