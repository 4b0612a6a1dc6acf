import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../log/logger.port.js';
import type { TopologyFile } from '../../topology-file.schema.js';
import type { TopologyImportResult, TopologyRecord, TopologyStore } from '../../topology.port.js';
import { withBusyRetry } from './busy-retry.js';
import { TopologyEntity } from './entities/inventory.entities.js';
import { knexOf, type Db, type SqliteOrm } from './orm.types.js';
import { chunks } from './row-codec.js';

const CHUNK = 500;
type FileDecky = TopologyFile['deckies'][number];

/** Topologies and their deckies (SPEC §1.2). */
export class SqliteTopologyStore implements TopologyStore {
  private readonly db: Db;

  constructor(
    private readonly orm: SqliteOrm,
    private readonly logger: Logger,
  ) {
    this.db = knexOf(orm);
  }

  /** Upserts the topology and its deckies in one transaction (see the port for merge rules). */
  async importTopology(file: TopologyFile): Promise<TopologyImportResult> {
    const result = await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        const now = new Date().toISOString();
        const id = file.idGenerated ? ((await soleIdByName(trx, file.name)) ?? file.id) : file.id;
        const created = (await trx('topologies').where({ id }).first('id')) === undefined;
        await trx('topologies')
          .insert({
            id,
            name: file.name,
            language_default: file.language_default,
            email_personas: JSON.stringify(file.email_personas),
            timezone: file.timezone ?? null,
            created_at: now,
            updated_at: now,
          })
          .onConflict('id')
          .merge(['name', 'language_default', 'email_personas', 'timezone', 'updated_at']);
        // two statements because "state not given" must keep what discovery saw on update.
        await upsertDeckies(trx, id, file.deckies.filter((d) => d.state !== undefined), now, true);
        await upsertDeckies(trx, id, file.deckies.filter((d) => d.state === undefined), now, false);
        return { id, name: file.name, deckies: file.deckies.length, created };
      }),
    );
    this.logger.info({ topologyId: result.id, deckies: result.deckies, created: result.created }, 'topology imported');
    return result;
  }

  /** The topology with its language default and raw persona list, or null. */
  async getTopology(id: string): Promise<TopologyRecord | null> {
    const row = await this.orm.em.fork().findOne(TopologyEntity, { id });
    if (row === null) return null;
    return {
      id: row.id,
      name: row.name,
      languageDefault: row.languageDefault,
      emailPersonas: Array.isArray(row.emailPersonas) ? row.emailPersonas : [],
      timezone: row.timezone,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

async function soleIdByName(trx: Db, name: string): Promise<string | undefined> {
  const rows = (await trx('topologies').where({ name }).limit(2).select('id')) as { id: string }[];
  return rows.length === 1 ? rows[0]!.id : undefined;
}

async function upsertDeckies(trx: Db, topologyId: string, deckies: FileDecky[], now: string, withState: boolean): Promise<void> {
  for (const part of chunks(deckies, CHUNK)) {
    const merge: Record<string, unknown> = {
      services: trx.raw('excluded.services'),
      // an ip the file does not give is one discovery may know: keep it.
      ip: trx.raw('coalesce(excluded.ip, topology_deckies.ip)'),
      updated_at: trx.raw('excluded.updated_at'),
    };
    if (withState) merge.state = trx.raw('excluded.state');
    await trx('topology_deckies')
      .insert(
        part.map((d) => ({
          uuid: randomUUID(),
          topology_id: topologyId,
          name: d.name,
          services: JSON.stringify(d.services),
          ip: d.ip ?? null,
          state: d.state ?? 'pending',
          updated_at: now,
        })),
      )
      .onConflict(['topology_id', 'name'])
      .merge(merge);
  }
}
