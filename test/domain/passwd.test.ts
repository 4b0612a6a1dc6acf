import { describe, expect, it } from 'vitest';
import { loginAccounts, PASSWD_MAX_LINES, parsePasswd } from '../../src/domain/passwd.js';

const DEBIAN = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
].join('\n');

describe('parsePasswd', () => {
  it('reads every well-formed account with its name, home and shell', () => {
    const users = parsePasswd(`${DEBIAN}\njdoe:x:1000:1000:John Doe,,,:/home/jdoe:/bin/bash\n`);
    expect(users.map((u) => u.login)).toEqual(['root', 'daemon', 'www-data', 'sshd', 'nobody', 'jdoe']);
    expect(users.at(-1)).toEqual({ login: 'jdoe', uid: 1000, gid: 1000, name: 'John Doe', home: '/home/jdoe', shell: '/bin/bash' });
  });

  it('skips hostile lines instead of passing them on: odd logins, homes, shells, ids, field counts, repeats', () => {
    const hostile = [
      '../../etc:x:1001:1001::/home/x:/bin/bash',
      'evil;rm -rf /:x:1002:1002::/home/evil:/bin/bash',
      'dots:x:1003:1003::/home/../etc:/bin/bash',
      'rel:x:1004:1004::home/rel:/bin/bash',
      'space:x:1005:1005::/home/a b:/bin/bash',
      'neg:x:-1:1006::/home/neg:/bin/bash',
      'big:x:99999999999:1:: /home/big:/bin/bash',
      'short:x:1007:1007:/home/short:/bin/bash',
      'extra:x:1008:1008::/home/extra:/bin/bash:more',
      'shell:x:1009:1009::/home/shell:/bin/bash $(id)',
      'ctrl:x:1010:1010::/home/ctrl\u0000:/bin/bash',
      `long:x:1011:1011:${'A'.repeat(2000)}:/home/long:/bin/bash`,
      'root:x:1012:1012::/home/root2:/bin/bash',
      'Upper:x:1013:1013::/home/Upper:/bin/bash',
      'gecos:x:1014:1014:Mallory <script>\r\nX: y,room:/home/gecos:/bin/bash',
      '#jdoe:x:1015:1015::/home/jdoe:/bin/bash',
    ];
    const users = parsePasswd(`root:x:0:0:root:/root:/bin/bash\n${hostile.join('\n')}\n`);
    expect(users.map((u) => u.login)).toEqual(['root']);
  });

  it('keeps a GECOS name printable', () => {
    const [u] = parsePasswd('ann:x:1000:1000:Ann <b>Keller</b>\u0007,,,:/home/ann:/bin/bash');
    expect(u?.name).toBe('Ann bKellerb');
  });

  it('reads a huge file only up to its line cap, and fast', () => {
    const line = (i: number) => `u${i}:x:${2000 + i}:${2000 + i}::/home/u${i}:/bin/bash`;
    const text = Array.from({ length: PASSWD_MAX_LINES * 3 }, (_, i) => line(i)).join('\n');
    const started = performance.now();
    const users = parsePasswd(text);
    expect(users).toHaveLength(PASSWD_MAX_LINES);
    expect(performance.now() - started).toBeLessThan(500);
    expect(parsePasswd('x'.repeat(5_000_000))).toEqual([]);
  });
});

describe('loginAccounts', () => {
  it('keeps people: uid ≥ 1000, a login shell, a home a file may go in; in uid order', () => {
    const users = parsePasswd(
      [
        DEBIAN,
        'svc:x:1002:1002::/home/svc:/usr/sbin/nologin',
        'bob:x:1001:1001:Bob:/home/bob:/bin/zsh',
        'ann:x:1000:1000:Ann:/home/ann:/bin/bash',
        'nohome:x:1003:1003::/nonexistent:/bin/bash',
        'var:x:1004:1004::/var/lib/var:/bin/bash',
        'srv:x:1005:1005::/srv/srv:/bin/sh',
      ].join('\n'),
    );
    expect(loginAccounts(users).map((u) => u.login)).toEqual(['ann', 'bob', 'srv']);
    expect(loginAccounts(parsePasswd(DEBIAN))).toEqual([]);
  });
});
