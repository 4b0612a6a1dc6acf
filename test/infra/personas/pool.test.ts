import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonaPool, type PoolFs, resolvePoolPath } from '../../../src/infra/personas/pool.js';
import { captureLogger } from './capture-logger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'persona-pool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const persona = (email: string, extra: Record<string, unknown> = {}) => ({ name: email.split('@')[0], email, role: 'Clerk', ...extra });

describe('resolvePoolPath', () => {
  // the real file system in a tmp dir; only access(2) is overridden, since root may write anywhere
  const realFs = (writable: (p: string) => boolean): PoolFs => ({
    exists: (p) => existsSync(p),
    writable,
    stat: () => Promise.reject(new Error('not implemented: stat')),
    readFile: () => Promise.reject(new Error('not implemented: readFile')),
  });
  const home = () => join(dir, 'home');
  const userPath = () => join(dir, 'home', '.decnet', 'email_personas.json');

  it('prefers $DECNET_REALISM_PERSONAS (DECNET 1.2) over everything else', async () => {
    const etcDir = join(dir, 'etc');
    await mkdir(etcDir);
    await writeFile(join(etcDir, 'email_personas.json'), '[]');
    const env = { DECNET_REALISM_PERSONAS: '/srv/realism.json', DECNET_EMAILGEN_PERSONAS: '/srv/emailgen.json' };
    expect(resolvePoolPath({ env, homedir: home(), etcDir })).toBe('/srv/realism.json');
  });

  it("takes $DECNET_EMAILGEN_PERSONAS (the seed's name) when the realism variable is unset or blank", async () => {
    const etcDir = join(dir, 'etc');
    await mkdir(etcDir);
    expect(resolvePoolPath({ env: { DECNET_EMAILGEN_PERSONAS: '/srv/p.json' }, homedir: home(), etcDir })).toBe('/srv/p.json');
    expect(
      resolvePoolPath({ env: { DECNET_REALISM_PERSONAS: ' ', DECNET_EMAILGEN_PERSONAS: ' /srv/p.json ' }, homedir: home(), etcDir }),
    ).toBe('/srv/p.json');
  });

  it('uses /etc/decnet/email_personas.json when the file exists, even in a read-only directory', async () => {
    const etcDir = join(dir, 'etc-decnet');
    await mkdir(etcDir);
    await writeFile(join(etcDir, 'email_personas.json'), '[]');
    const fs = realFs(() => false);
    expect(resolvePoolPath({ env: {}, homedir: home(), etcDir, fs })).toBe(join(etcDir, 'email_personas.json'));
  });

  it('uses /etc/decnet/email_personas.json when the directory exists and is writable, though the file does not', async () => {
    const etcDir = join(dir, 'etc-decnet');
    await mkdir(etcDir);
    expect(resolvePoolPath({ env: {}, homedir: home(), etcDir })).toBe(join(etcDir, 'email_personas.json'));
    expect(resolvePoolPath({ env: {}, homedir: home(), etcDir, fs: realFs((p) => p === etcDir) })).toBe(
      join(etcDir, 'email_personas.json'),
    );
  });

  it('falls back to ~/.decnet/email_personas.json when /etc/decnet exists but is not writable and holds no pool', async () => {
    const etcDir = join(dir, 'etc-decnet');
    await mkdir(etcDir);
    expect(resolvePoolPath({ env: {}, homedir: home(), etcDir, fs: realFs(() => false) })).toBe(userPath());
  });

  it('falls back to ~/.decnet/email_personas.json when /etc/decnet does not exist and the variables are blank', () => {
    const env = { DECNET_REALISM_PERSONAS: '', DECNET_EMAILGEN_PERSONAS: '  ' };
    expect(resolvePoolPath({ env, homedir: home(), etcDir: join(dir, 'none'), fs: realFs(() => true) })).toBe(userPath());
  });

  it('checks the real /etc/decnet only when no directory is injected', () => {
    const seen: string[] = [];
    const fs: PoolFs = {
      exists: (p) => {
        seen.push(p);
        return p === '/etc/decnet/email_personas.json';
      },
      writable: () => {
        throw new Error('not implemented: writable');
      },
      stat: () => Promise.reject(new Error('not implemented: stat')),
      readFile: () => Promise.reject(new Error('not implemented: readFile')),
    };
    expect(resolvePoolPath({ env: {}, homedir: '/home/u', fs })).toBe('/etc/decnet/email_personas.json');
    expect(seen).toEqual(['/etc/decnet/email_personas.json']);
  });
});

describe('PersonaPool', () => {
  const poolAt = (path: string, logger = captureLogger()) =>
    new PersonaPool({ env: { DECNET_EMAILGEN_PERSONAS: path }, homedir: dir, etcDir: join(dir, 'no-etc'), logger });

  it('loads valid personas, resolving null languages to en and dropping invalid ones with a warning', async () => {
    const path = join(dir, 'pool.json');
    await writeFile(path, JSON.stringify([persona('a@x.com'), persona('bad'), persona('b@x.com', { language: 'fr' })]));
    const logger = captureLogger();
    const personas = await poolAt(path, logger).load();
    expect(personas.map((p) => [p.email, p.language])).toEqual([
      ['a@x.com', 'en'],
      ['b@x.com', 'fr'],
    ]);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => (l.obj as { warning: string }).warning)).toEqual([
      expect.stringMatching(/^persona\[1\] dropped/),
    ]);
  });

  it('is an empty pool with one warning when the file is missing, never dummy personas', async () => {
    const logger = captureLogger();
    const pool = poolAt(join(dir, 'missing.json'), logger);
    expect(await pool.load()).toEqual([]);
    expect(await pool.load()).toEqual([]);
    const warns = logger.lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]?.msg).toMatch(/missing or unreadable: ENOENT; the pool is empty/);
  });

  it('is an empty pool when the file is not JSON or not a list', async () => {
    const path = join(dir, 'pool.json');
    await writeFile(path, '{oops');
    const logger = captureLogger();
    expect(await poolAt(path, logger).load()).toEqual([]);
    expect(logger.lines.some((l) => l.level === 'warn' && /unreadable/.test(l.msg ?? ''))).toBe(true);
    await writeFile(path, JSON.stringify({ personas: [persona('a@x.com')] }));
    expect(await poolAt(path).load()).toEqual([]);
  });

  it('reads the file once while its mtime stays, and again when it changes', async () => {
    const path = join(dir, 'pool.json');
    await writeFile(path, JSON.stringify([persona('a@x.com')]));
    await utimes(path, 1_000, 1_000);
    let reads = 0;
    const fs: PoolFs = {
      exists: () => false,
      writable: () => false,
      stat: (p) => import('node:fs/promises').then((m) => m.stat(p)),
      readFile: (p) => {
        reads += 1;
        return import('node:fs/promises').then((m) => m.readFile(p, 'utf8'));
      },
    };
    const pool = new PersonaPool({ env: { DECNET_EMAILGEN_PERSONAS: path }, logger: captureLogger(), fs });
    const first = await pool.load();
    expect(await pool.load()).toBe(first);
    expect(reads).toBe(1);
    await writeFile(path, JSON.stringify([persona('a@x.com'), persona('b@x.com')]));
    await utimes(path, 2_000, 2_000);
    expect((await pool.load()).map((p) => p.email)).toEqual(['a@x.com', 'b@x.com']);
    expect(reads).toBe(2);
  });

  it('follows a changed $DECNET_EMAILGEN_PERSONAS to the new file', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await writeFile(a, JSON.stringify([persona('a@x.com')]));
    await writeFile(b, JSON.stringify([persona('b@x.com')]));
    const env: NodeJS.ProcessEnv = { DECNET_EMAILGEN_PERSONAS: a };
    const pool = new PersonaPool({ env, logger: captureLogger() });
    expect((await pool.load())[0]?.email).toBe('a@x.com');
    env.DECNET_EMAILGEN_PERSONAS = b;
    expect((await pool.load())[0]?.email).toBe('b@x.com');
  });

  it('becomes empty when its file disappears after a good load', async () => {
    const path = join(dir, 'pool.json');
    await writeFile(path, JSON.stringify([persona('a@x.com')]));
    const pool = poolAt(path);
    expect(await pool.load()).toHaveLength(1);
    await rm(path);
    expect(await pool.load()).toEqual([]);
  });
});
