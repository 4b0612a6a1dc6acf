import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../log/logger.port.js';
import type { StoreOwner } from '../../store.port.js';
import { StoreQueryError } from '../../store-errors.js';
import type { TopologyFile } from '../../topology-file.schema.js';
import type { TopologyImportResult, TopologyRecord, TopologyStore } from '../../topology.port.js';
import { compactJson, fromDecnetTime, pyJsonDumps, toDecnetTime } from '../../decnet-format.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { chunks, upsertSql } from './row-codec.js';

const CHUNK = 500;
type FileDecky = TopologyFile['deckies'][number];

/**
 * Topologies and their deckies (SPEC §1.2) in DECNET's `topologies` and `topology_deckies`;
 * the zone and last import time, which DECNET has no column for, in `orch_topologies`.
 */
export class SqliteTopologyStore implements TopologyStore {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly owner: StoreOwner = 'project',
  ) {}

  /** Upserts the topology and its deckies in one transaction (see the port for merge rules). */
  async importTopology(file: TopologyFile): Promise<TopologyImportResult> {
    if (this.owner === 'decnet') {
      throw new StoreQueryError("this is DECNET's database: its topologies are made with DECNET (MazeNET), not imported here");
    }
    const result = await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        const now = toDecnetTime(new Date());
        const id = file.idGenerated ? ((await soleIdByName(trx, file.name)) ?? file.id) : file.id;
        const created = (await trx('topologies').where({ id }).first('id')) === undefined;
        const taken = (await trx('topologies').where({ name: file.name }).whereNot({ id }).first('id')) as { id: string } | undefined;
        if (taken !== undefined) throw new StoreQueryError(`a topology named ${JSON.stringify(file.name)} already exists (${taken.id})`);
        await trx('topologies')
          .insert({
            id,
            name: file.name,
            mode: 'unihost',
            target_host_uuid: null,
            config_snapshot: '{}',
            status: 'active',
            status_changed_at: now,
            created_at: now,
            version: 1,
            needs_resync: 0,
            email_personas: pyJsonDumps(file.email_personas),
            language_default: file.language_default,
          })
          .onConflict('id')
          .merge(['name', 'language_default', 'email_personas']);
        await trx('orch_topologies')
          .insert({ id, timezone: file.timezone ?? null, updated_at: now })
          .onConflict('id')
          .merge(['timezone', 'updated_at']);
        // two statements because "state not given" must keep what discovery saw on update.
        await upsertDeckies(
          trx,
          id,
          file.deckies.filter((d) => d.state !== undefined),
          now,
          true,
        );
        await upsertDeckies(
          trx,
          id,
          file.deckies.filter((d) => d.state === undefined),
          now,
          false,
        );
        return { id, name: file.name, deckies: file.deckies.length, created };
      }),
    );
    this.logger.info({ topologyId: result.id, deckies: result.deckies, created: result.created }, 'topology imported');
    return result;
  }

  /** The topology with its language default and raw persona list, or null. */
  async getTopology(id: string): Promise<TopologyRecord | null> {
    const row = (await this.db('topologies as t')
      .leftJoin('orch_topologies as o', 'o.id', 't.id')
      .where('t.id', id)
      .first(
        't.id',
        't.name',
        't.language_default',
        't.email_personas',
        't.created_at',
        't.status_changed_at',
        'o.timezone',
        'o.updated_at',
      )) as Record<string, unknown> | undefined;
    if (row === undefined) return null;
    return {
      id: String(row.id),
      name: String(row.name),
      languageDefault: String(row.language_default),
      emailPersonas: personas(row.email_personas),
      timezone: row.timezone === null || row.timezone === undefined ? null : String(row.timezone),
      createdAt: fromDecnetTime(row.created_at),
      updatedAt: fromDecnetTime(row.updated_at ?? row.status_changed_at),
    };
  }
}

// DECNET writes the list with json.dumps; anything but a list reads as none.
function personas(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== 'string') return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

async function soleIdByName(trx: Db, name: string): Promise<string | undefined> {
  const rows = (await trx('topologies').where({ name }).limit(2).select('id')) as { id: string }[];
  return rows.length === 1 ? rows[0]!.id : undefined;
}

async function upsertDeckies(trx: Db, topologyId: string, deckies: FileDecky[], now: string, withState: boolean): Promise<void> {
  for (const part of chunks(deckies, CHUNK)) {
    const merge: Record<string, unknown> = {
      services: trx.raw(upsertSql(trx, 'excluded.services')),
      // an ip the file does not give is one discovery may know: keep it.
      ip: trx.raw(upsertSql(trx, 'coalesce(excluded.ip, topology_deckies.ip)')),
      updated_at: trx.raw(upsertSql(trx, 'excluded.updated_at')),
    };
    if (withState) merge.state = trx.raw(upsertSql(trx, 'excluded.state'));
    await trx('topology_deckies')
      .insert(
        part.map((d) => ({
          uuid: randomUUID(),
          topology_id: topologyId,
          name: d.name,
          services: compactJson(d.services),
          decky_config: null,
          ip: d.ip ?? null,
          state: d.state ?? 'pending',
          last_error: null,
          compose_hash: null,
          last_seen: null,
          updated_at: now,
          x: null,
          y: null,
        })),
      )
      .onConflict(['topology_id', 'name'])
      .merge(merge);
  }
}
