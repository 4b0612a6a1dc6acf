import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { sql, tempDir } from '../../infra/store/store-fixtures.js';
import { runStoreCommand } from './store-command-harness.js';

const ID = '11111111-2222-4333-8444-555555555555';

describe('decnet-orchestrator topology import', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  const writeJson = async (name: string, body: unknown) => {
    const path = join(tmp.dir, name);
    await writeFile(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };

  it('imports a good file and says what it did', async () => {
    const dbPath = tmp.dbPath();
    const file = await writeJson('good.json', {
      id: ID,
      name: 'corp',
      deckies: [
        { name: 'web01', services: ['ssh'] },
        { name: 'mail01', services: ['imap'] },
      ],
    });
    const { lines } = await runStoreCommand(dbPath, ['topology', 'import', file]);
    expect(lines).toEqual([`imported topology corp (${ID}) with 2 deckies`]);
    expect(await sql(dbPath, 'select count(*) as n from topology_deckies')).toEqual([{ n: 2 }]);
  });

  it('rejects a bad file with exit 1, naming the file and the field, and changes nothing', async () => {
    const dbPath = tmp.dbPath();
    const good = await writeJson('before.json', { id: ID, name: 'corp', deckies: [{ name: 'web01', services: ['ssh'] }] });
    await runStoreCommand(dbPath, ['topology', 'import', good]);
    const snapshot = async () => ({
      topologies: await sql(dbPath, 'select * from topologies'),
      deckies: await sql(dbPath, 'select * from topology_deckies'),
    });
    const before = await snapshot();

    const bad = await writeJson('bad.json', {
      id: ID,
      name: 'corp-changed',
      deckies: [
        { name: 'web01', services: ['ssh', 'http'] },
        { name: 'web02', services: 'ssh' },
      ],
    });
    const err = await runStoreCommand(dbPath, ['topology', 'import', bad]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(1);
    expect((err as CliError).message).toBe(`${bad}: deckies[1].services: expected array, received string`);
    expect(await snapshot()).toEqual(before);
  });

  it('does not even create the database for a bad file', async () => {
    const dbPath = join(tmp.dir, 'never', 'created.sqlite');
    const bad = await writeJson('bad-ip.json', { name: 'corp', deckies: [{ name: 'web01', services: [], ip: '999.1.1.1' }] });
    await expect(runStoreCommand(dbPath, ['topology', 'import', bad])).rejects.toThrow(/deckies\[0\]\.ip/);
    await expect(readFile(dbPath)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['invalid JSON', '{"name": "corp",', /invalid JSON/],
    ['a list instead of an object', '[]', /\(root\): expected object/],
  ])('rejects %s with one clear line', async (_what, body, message) => {
    const file = await writeJson(`x-${Math.random()}.json`, body);
    const err = (await runStoreCommand(tmp.dbPath(), ['topology', 'import', file]).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('\n');
  });

  it('rejects a missing file with exit 1', async () => {
    const missing = join(tmp.dir, 'missing.json');
    const err = (await runStoreCommand(tmp.dbPath(), ['topology', 'import', missing]).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 1, message: `${missing}: cannot read: ENOENT` });
  });

  it('keeps the persona list for the emailgen side to read', async () => {
    const dbPath = tmp.dbPath();
    const personas = [{ name: 'Ann', email: 'ann@corp.example', role: 'CFO', language: 'fr' }];
    const file = await writeJson('personas.json', { id: ID, name: 'corp', language_default: 'fr', email_personas: personas, deckies: [] });
    await runStoreCommand(dbPath, ['topology', 'import', file]);
    const store = await openStore({ dbPath });
    expect(await store.inventory.getTopology(ID)).toMatchObject({ languageDefault: 'fr', emailPersonas: personas });
    await store.close();
  });
});
