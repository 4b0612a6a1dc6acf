import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliContext, CliError } from '../../../src/surfaces/cli/cli-context.js';
import { registerEmailgenImportCommand } from '../../../src/surfaces/cli/emailgen-import.command.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { PersonaPool } from '../../../src/infra/personas/pool.js';

let dir: string;
let out: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-personas-'));
  out = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = (): CliContext => ({
  config: () => {
    throw new Error('not implemented: config');
  },
  logger: silentLogger,
  out: (line) => out.push(line),
});

// the host as the command sees it: no /etc/decnet, home in the tmp dir
const loc = () => ({ env: {}, homedir: join(dir, 'home'), etcDir: join(dir, 'etc-decnet') });

async function run(...args: string[]): Promise<void> {
  const program = new Command('decnet').exitOverride();
  const emailgen = program.command('emailgen');
  registerEmailgenImportCommand(emailgen, ctx(), loc());
  await program.parseAsync(['emailgen', 'import-personas', ...args], { from: 'user' });
}

async function failure(...args: string[]): Promise<CliError> {
  const err = await run(...args).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

const persona = (email: string, extra: Record<string, unknown> = {}) => ({ name: `N ${email}`, email, role: 'Clerk', ...extra });

async function input(content: unknown, raw = false): Promise<string> {
  const file = join(dir, 'in.json');
  await writeFile(file, raw ? String(content) : JSON.stringify(content));
  return file;
}

describe('decnet-orchestrator emailgen import-personas', () => {
  it('writes the normalised list, languages resolved, to DEST, creating its directory', async () => {
    const file = await input([persona('a@x.com', { language: null, extra: 1 }), persona('b@x.com', { language: 'de' })]);
    const dest = join(dir, 'new', 'dir', 'pool.json');
    await run(file, '-o', dest);
    const written = JSON.parse(await readFile(dest, 'utf8'));
    expect(written).toEqual([
      {
        name: 'N a@x.com',
        email: 'a@x.com',
        role: 'Clerk',
        tone: 'formal',
        mannerisms: [],
        language: 'en',
        signature: null,
        active_hours: '09:00-18:00',
        reply_latency: 'normal',
        uses_llms_heavily: false,
      },
      expect.objectContaining({ email: 'b@x.com', language: 'de' }),
    ]);
    expect(out.at(-1)).toBe(`imported 2 persona(s) into ${dest}`);
  });

  it('resolves null languages with --language', async () => {
    const dest = join(dir, 'pool.json');
    await run(await input([persona('a@x.com'), persona('b@x.com')]), '-o', dest, '--language', 'pt');
    expect(JSON.parse(await readFile(dest, 'utf8')).map((p: { language: string }) => p.language)).toEqual(['pt', 'pt']);
  });

  it('writes to the resolved pool path when no DEST is given', async () => {
    await run(await input([persona('a@x.com'), persona('b@x.com')]));
    const path = join(dir, 'home', '.decnet', 'email_personas.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toHaveLength(2);
  });

  it('writes the pool 0640, replacing a world-readable one: personas are not for every local user (issue 15)', async () => {
    const dest = join(dir, 'pool.json');
    await writeFile(dest, '[]');
    await chmod(dest, 0o666);
    await run(await input([persona('a@x.com'), persona('b@x.com')]), '-o', dest);
    expect((await stat(dest)).mode & 0o777).toBe(0o640);
  });

  it.runIf(process.getuid?.() === 0)(
    'gives the pool its directory’s group, so root importing into root:decnet /etc/decnet leaves it readable by decnet',
    async () => {
      const etc = join(dir, 'etc-decnet');
      await mkdir(etc);
      await chown(etc, 0, 4242);
      await run(await input([persona('a@x.com'), persona('b@x.com')]), '-o', join(etc, 'email_personas.json'));
      const s = await stat(join(etc, 'email_personas.json'));
      expect([s.gid, s.mode & 0o777]).toEqual([4242, 0o640]);
    },
  );

  it('writes a pool that the pool loader then loads exactly as imported', async () => {
    const file = await input([
      persona('a@x.com', { tone: 'casual', mannerisms: ['signs with initials'], timezone: 'Europe/Lisbon', signature: 'A.\nSales' }),
      persona('b@x.com', { language: 'ja', active_hours: '22:00-06:00', uses_llms_heavily: true }),
      persona('broken'),
    ]);
    await run(file);
    const path = join(dir, 'home', '.decnet', 'email_personas.json');
    const written = JSON.parse(await readFile(path, 'utf8'));
    const loaded = await new PersonaPool({ ...loc(), logger: silentLogger }).load();
    expect(loaded).toEqual(written);
    expect(loaded.map((p) => p.email)).toEqual(['a@x.com', 'b@x.com']);
  });

  it('warns for each dropped entry and still writes the valid ones', async () => {
    const dest = join(dir, 'pool.json');
    await run(await input([persona('a@x.com'), { name: 'x' }, persona('b@x.com')]), '-o', dest);
    expect(out).toContainEqual(expect.stringMatching(/^warning: persona\[1\] dropped: /));
    expect(JSON.parse(await readFile(dest, 'utf8'))).toHaveLength(2);
  });

  it('warns when only one persona is valid, and still writes it', async () => {
    const dest = join(dir, 'pool.json');
    await run(await input([persona('a@x.com')]), '-o', dest);
    expect(out).toContainEqual(expect.stringMatching(/^warning: only one valid persona/));
    expect(JSON.parse(await readFile(dest, 'utf8'))).toHaveLength(1);
  });

  it('fails with exit 66 when the file cannot be read', async () => {
    const err = await failure(join(dir, 'missing.json'), '-o', join(dir, 'pool.json'));
    expect(err.exitCode).toBe(66);
    expect(err.message).toMatch(/^cannot read .*missing\.json: ENOENT$/);
  });

  it('fails with exit 65 for invalid JSON', async () => {
    const err = await failure(await input('[{"name": ', true), '-o', join(dir, 'pool.json'));
    expect([err.exitCode, err.message]).toEqual([65, expect.stringMatching(/is not valid JSON/)]);
  });

  it('fails with exit 65 when the JSON is not a list', async () => {
    const err = await failure(await input({ personas: [persona('a@x.com')] }), '-o', join(dir, 'pool.json'));
    expect([err.exitCode, err.message]).toEqual([65, expect.stringMatching(/must hold a JSON list of personas, not object/)]);
  });

  it('fails with exit 65 when no persona is valid, naming why, and for an empty list', async () => {
    const err = await failure(await input([{ name: 'x' }, persona('nope')]), '-o', join(dir, 'pool.json'));
    expect(err.exitCode).toBe(65);
    expect(err.message).toMatch(/holds no valid persona: persona\[0\] dropped: .*persona\[1\] dropped: email/);
    const empty = await failure(await input([]), '-o', join(dir, 'pool.json'));
    expect(empty.message).toMatch(/no valid persona \(the list is empty\)/);
  });

  it('leaves an existing pool untouched when the import fails', async () => {
    const dest = join(dir, 'pool.json');
    await writeFile(dest, 'previous pool');
    await failure(await input('nope', true), '-o', dest);
    expect(await readFile(dest, 'utf8')).toBe('previous pool');
  });

  it('fails with exit 73 when DEST cannot be written, leaving no temporary file behind', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await writeFile(join(locked, 'pool.json'), 'old');
    await mkdir(join(locked, 'pool.json.d'));
    // a directory where the file should go makes the rename fail even for root
    const err = await failure(await input([persona('a@x.com'), persona('b@x.com')]), '-o', join(locked, 'pool.json.d'));
    expect(err.exitCode).toBe(73);
    expect(err.message).toMatch(/^cannot write /);
    expect((await readdir(locked)).sort()).toEqual(['pool.json', 'pool.json.d']);
  });

  it('refuses a --language that is not a code', async () => {
    const err = await failure(await input([persona('a@x.com')]), '--language', 'en; rm -rf /');
    expect(err.exitCode).toBe(2);
  });

  it('replaces an existing pool atomically: a reader never sees a half-written file', async () => {
    const dest = join(dir, 'pool.json');
    const big = Array.from({ length: 3_000 }, (_, i) => persona(`p${i}@x.com`, { mannerisms: ['m'.repeat(100)] }));
    await writeFile(dest, JSON.stringify([persona('old@x.com')]));
    const file = await input(big);
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(dest, 'utf8');
        expect(() => JSON.parse(text)).not.toThrow();
        reads += 1;
      }
    })();
    for (let i = 0; i < 15; i++) await run(file, '-o', dest);
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(dest, 'utf8'))).toHaveLength(3_000);
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});

describe('decnet-orchestrator emailgen import-personas with a pool of every DECNET shape', () => {
  it('installs exactly the entries DECNET keeps and warns about each dropped one', async () => {
    const fixture = new URL('../../fixtures/decnet/personas-pool.json', import.meta.url);
    const dest = join(dir, 'pool.json');
    await run(fixture.pathname, '-o', dest);
    const written = JSON.parse(await readFile(dest, 'utf8')) as { email: string }[];
    const source = JSON.parse(await readFile(fixture, 'utf8')) as { email?: string }[];
    const kept = [0, 1, 5, 7, 9, 11, 12, 16, 17, 18, 20, 23, 25, 26, 28, 29, 33, 36, 38, 45, 46, 47, 49];
    expect(written.map((p) => p.email)).toEqual(kept.map((i) => source[i]!.email));
    expect(out.filter((l) => / dropped: /.test(l))).toHaveLength(source.length - kept.length);
    expect(out.at(-1)).toBe(`imported ${kept.length} persona(s) into ${dest}`);
  });
});
