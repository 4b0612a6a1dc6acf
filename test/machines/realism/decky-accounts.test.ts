import { describe, expect, it } from 'vitest';
import { parsePasswd } from '../../../src/domain/passwd.js';
import { seededRng } from '../../../src/domain/rng.js';
import { accountAuthors, placeAuthors } from '../../../src/machines/realism/decky-accounts.js';
import { livePeople, planLiveWrite } from '../../../src/machines/realism/live-file.js';
import { isUserClass } from '../../../src/machines/realism/content-class.js';
import { authorForPersona } from '../../../src/machines/realism/user-name.js';

const BASE = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const users = (extra = '') => parsePasswd(BASE + extra);
const ann = { email: 'ann.keller@corp.example', name: 'Ann Keller', active_hours: '00:00-23:59', timezone: 'UTC' };
const bob = { email: 'bob.stone@corp.example', name: 'Bob Stone', active_hours: '00:00-23:59', timezone: 'UTC' };

describe('placeAuthors', () => {
  it('keeps an author’s own login when the decky has it, with the home its passwd gives', () => {
    const placed = placeAuthors([authorForPersona(ann)], users('akeller:x:1001:1001::/srv/akeller:/bin/bash\n'));
    expect(placed).toEqual([{ user: 'akeller', name: 'Ann Keller', persona: 'ann.keller@corp.example', home: '/srv/akeller' }]);
  });

  it('puts the others on the unused login accounts in uid order, and leaves out whoever is left over', () => {
    const placed = placeAuthors([authorForPersona(ann), authorForPersona(bob)], users('jdoe:x:1000:1000::/home/jdoe:/bin/bash\n'));
    expect(placed).toEqual([{ user: 'jdoe', name: 'Ann Keller', persona: 'ann.keller@corp.example', home: '/home/jdoe' }, undefined]);
  });

  it('never places anyone on root, a nologin account, or an account without a home', () => {
    const placed = placeAuthors(
      [
        { user: 'root', name: 'root' },
        { user: 'svc', name: 'Svc' },
        { user: 'gone', name: 'Gone' },
      ],
      users('svc:x:1000:1000::/home/svc:/usr/sbin/nologin\ngone:x:1001:1001::/nonexistent:/bin/bash\n'),
    );
    expect(placed).toEqual([undefined, undefined, undefined]);
  });

  it('turns a decky’s own login accounts into authors when no persona writes there', () => {
    expect(accountAuthors(users('jdoe:x:1000:1000:John Doe,,,:/home/jdoe:/bin/bash\n'))).toEqual([
      { user: 'jdoe', name: 'John Doe', home: '/home/jdoe' },
    ]);
  });
});

describe('livePeople with the decky’s accounts', () => {
  it('writes a persona’s files as the account the decky has, in its home', () => {
    const people = livePeople('local:web01', [], [ann], 'UTC', 2, users('jdoe:x:1000:1000::/home/jdoe:/bin/bash\n'));
    expect(people.map((p) => p.author)).toEqual([
      { user: 'jdoe', name: 'Ann Keller', persona: 'ann.keller@corp.example', home: '/home/jdoe' },
    ]);
    const rng = seededRng(3);
    const writes = Array.from({ length: 40 }, (_, i) =>
      planLiveWrite({ host: 'web01', files: [], taken: new Set(), people, systemZone: 'UTC' }, rng, new Date(Date.UTC(2025, 2, 4, 10, i))),
    );
    const mine = writes.filter((w) => w && isUserClass(w.contentClass));
    expect(mine.length).toBeGreaterThan(5);
    for (const w of mine) expect(w!.write.path).toMatch(/^\/home\/jdoe\//);
  });

  it('has no people on a decky without login accounts, so only the machine writes and no home appears', () => {
    expect(livePeople('local:web01', [], [ann, bob], 'UTC', 2, users())).toEqual([]);
    expect(livePeople('local:web01', [], [], 'UTC', 2, users())).toEqual([]);
    const rng = seededRng(5);
    for (let i = 0; i < 40; i += 1) {
      const w = planLiveWrite(
        { host: 'web01', files: [], taken: new Set(), people: [], systemZone: 'UTC' },
        rng,
        new Date(Date.UTC(2025, 2, 4, 10, i)),
      );
      expect(w!.write.path.startsWith('/home/')).toBe(false);
    }
  });

  it('replaces the default admin/ubuntu/service accounts with the decky’s own when no persona is in scope', () => {
    const people = livePeople('local:web01', [], [], 'UTC', 2, users('jdoe:x:1000:1000::/home/jdoe:/bin/bash\n'));
    expect(people.map((p) => p.author.user)).toEqual(['jdoe']);
    expect(livePeople('local:web01', [], [], 'UTC').map((p) => p.author.user)).toEqual(['admin', 'ubuntu', 'service']);
  });

  it('continues a recorded file as the account whose home it is in', () => {
    const files = [{ path: '/home/jdoe/notes.txt', author: 'bob.stone@corp.example', contentClass: 'notes' as const }];
    const people = livePeople(
      'local:web01',
      files,
      [ann, bob],
      'UTC',
      2,
      users('akeller:x:1000:1000::/home/akeller:/bin/bash\njdoe:x:1001:1001::/home/jdoe:/bin/bash\n'),
    );
    expect(people.map((p) => [p.author.persona, p.author.user])).toEqual([
      ['bob.stone@corp.example', 'jdoe'],
      ['ann.keller@corp.example', 'akeller'],
    ]);
  });
});
