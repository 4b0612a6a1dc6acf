import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../../src/infra/store/topology-file.schema.js';
import { observed, sql, tempDir } from '../../infra/store/store-fixtures.js';
import { runStoreCommand } from './store-command-harness.js';

const TOPO = '11111111-2222-4333-8444-555555555555';

describe('decnet-orchestrator deckies', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dbPath: string;
  beforeAll(async () => {
    tmp = await tempDir();
    dbPath = tmp.dbPath();
    const store = await openStore({ dbPath });
    await store.inventory.importTopology(parseTopologyFile({ id: TOPO, name: 'corp', deckies: [{ name: 'mail01', services: ['imap'] }] }));
    await store.inventory.reconcileHost(
      'local',
      [
        observed('web01', { ip: '10.0.0.1', services: ['ssh', 'http'] }),
        observed('mail01', { topologyId: TOPO, ip: '10.0.0.2', services: ['imap'] }),
      ],
      { remote: false },
    );
    await store.inventory.reconcileHost('host-b', [observed('db01', { hostUuid: 'host-b', ip: null })], { remote: true });
    await store.close();
    // an attacker-controlled name must not drive the operator's terminal.
    await sql(dbPath, "update decky_shards set decky_name = 'db01' || char(27) || '[2J', services = 'not json'");
  });
  afterAll(() => tmp.cleanup());

  it('prints the running union view as a table', async () => {
    const [mail] = await sql<{ uuid: string }>(dbPath, 'select uuid from topology_deckies');
    const { lines } = await runStoreCommand(dbPath, ['deckies']);
    expect(lines).toEqual([
      expect.stringMatching(/^UUID\s+NAME\s+IP\s+SERVICES\s+SOURCE$/),
      expect.stringMatching(/^local:web01\s+web01\s+10\.0\.0\.1\s+ssh,http\s+fleet$/),
      expect.stringMatching(/^host-b:db01\\x1b\[2J\s+db01\\x1b\[2J\s+-\s+\(unknown\)\s+shard$/),
      expect.stringMatching(new RegExp(`^${mail!.uuid}\\s+mail01\\s+10\\.0\\.0\\.2\\s+imap\\s+topology$`)),
    ]);
    expect(lines.join('')).not.toContain('\u001b');
  });

  it('prints one JSON array with --json', async () => {
    const { lines } = await runStoreCommand(dbPath, ['deckies', '--json']);
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Array<Record<string, unknown>>;
    expect(parsed.map((d) => [d.uuid, d.source])).toEqual([
      ['local:web01', 'fleet'],
      ['host-b:db01\u001b[2J', 'shard'],
      [expect.any(String), 'topology'],
    ]);
    expect(parsed[1]).toMatchObject({ services: null, ip: null, hostUuid: 'host-b' });
    expect(parsed[2]).toMatchObject({ topologyId: TOPO });
  });

  it('says so when nothing runs', async () => {
    const { lines } = await runStoreCommand(tmp.dbPath(), ['deckies']);
    expect(lines).toEqual(['no running deckies']);
  });
});
