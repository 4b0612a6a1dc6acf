import { randomUUID } from 'node:crypto';
import { StoreQueryError } from '../../store-errors.js';
import type { NewSwarmHost, SwarmHost, SwarmHostsPort, SwarmHostState } from '../../swarm-hosts.port.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { fromDbBool, toDbBool } from './row-codec.js';

const TABLE = 'swarm_hosts';
// what a decky on an unreachable host becomes: out of the union view, back on the next sync.
const UNREACHABLE = 'unreachable';
const MAX_ERROR = 300;

type Row = Record<string, unknown>;

/** `swarm_hosts` through knex, for SQLite and PostgreSQL alike. */
export class SqlSwarmHosts implements SwarmHostsPort {
  constructor(private readonly db: Db) {}

  /** Inserts the host under a fresh uuid. */
  async addHost(host: NewSwarmHost): Promise<SwarmHost> {
    const row = {
      uuid: randomUUID(),
      name: host.name,
      endpoint: host.endpoint,
      state: 'unknown',
      last_seen: null,
      created_at: new Date().toISOString(),
      tls_ca: host.tls?.ca ?? null,
      tls_cert: host.tls?.cert ?? null,
      tls_key: host.tls?.key ?? null,
      shares_network: toDbBool(host.sharesNetwork ?? false),
      last_error: null,
    };
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        if ((await trx(TABLE).where({ name: host.name }).first('uuid')) !== undefined) {
          throw new StoreQueryError(`a swarm host named ${JSON.stringify(host.name)} already exists`);
        }
        await trx(TABLE).insert(row);
      }),
    );
    return fromRow(row);
  }

  /** Every host, by name. */
  async listHosts(): Promise<SwarmHost[]> {
    return ((await this.db(TABLE).select('*').orderBy([{ column: 'name' }, { column: 'uuid' }])) as Row[]).map(fromRow);
  }

  /** One host by name or uuid. */
  async getHost(nameOrUuid: string): Promise<SwarmHost | null> {
    const row = (await this.db(TABLE).where({ uuid: nameOrUuid }).orWhere({ name: nameOrUuid }).first()) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  /** Deletes the row; its shard and topology deckies become torn_down (events keep their ids). */
  async removeHost(nameOrUuid: string): Promise<SwarmHost | null> {
    return withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        const row = (await trx(TABLE).where({ uuid: nameOrUuid }).orWhere({ name: nameOrUuid }).first()) as Row | undefined;
        if (row === undefined) return null;
        const uuid = String(row.uuid);
        const now = new Date().toISOString();
        await trx('decky_shards').where({ host_uuid: uuid }).update({ state: 'torn_down', updated_at: now });
        await trx('topology_deckies').where({ host_uuid: uuid }).update({ state: 'torn_down', updated_at: now });
        await trx(TABLE).where({ uuid }).del();
        return fromRow(row);
      }),
    );
  }

  /** State online, last_seen `at`. */
  async markOnline(uuid: string, at: Date): Promise<void> {
    await withBusyRetry(() => this.db(TABLE).where({ uuid }).update({ state: 'online', last_seen: at.toISOString(), last_error: null }));
  }

  /** State unreachable; the host's running deckies leave the running set. */
  async markUnreachable(uuid: string, reason: string, at: Date): Promise<number> {
    const now = at.toISOString();
    return withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        await trx(TABLE).where({ uuid }).update({ state: UNREACHABLE, last_error: reason.slice(0, MAX_ERROR) });
        const shards = await trx('decky_shards').where({ host_uuid: uuid, state: 'running' }).update({ state: UNREACHABLE, updated_at: now });
        const topology = await trx('topology_deckies').where({ host_uuid: uuid, state: 'running' }).update({ state: UNREACHABLE, updated_at: now });
        return Number(shards) + Number(topology);
      }),
    );
  }
}

function fromRow(r: Row): SwarmHost {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const state = String(r.state);
  return {
    uuid: String(r.uuid),
    name: String(r.name),
    endpoint: String(r.endpoint),
    tls: { ca: text(r.tls_ca), cert: text(r.tls_cert), key: text(r.tls_key) },
    sharesNetwork: fromDbBool(r.shares_network),
    state: (state === 'online' || state === UNREACHABLE ? state : 'unknown') as SwarmHostState,
    lastSeen: r.last_seen === null || r.last_seen === undefined ? null : new Date(String(r.last_seen)),
    lastError: text(r.last_error),
    createdAt: new Date(String(r.created_at)),
  };
}
