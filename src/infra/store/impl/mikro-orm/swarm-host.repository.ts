import { randomUUID } from 'node:crypto';
import { StoreQueryError } from '../../store-errors.js';
import type { StoreOwner } from '../../store.port.js';
import type { NewSwarmHost, SwarmHost, SwarmHostsPort, SwarmHostState } from '../../swarm-hosts.port.js';
import { fromDecnetTime, fromDecnetTimeOrNull, toDecnetTime } from '../../decnet-format.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { fromDbBool, toDbBool } from './row-codec.js';

// the project's registry of Docker engines; DECNET's swarm_hosts lists its agents instead.
const TABLE = 'orch_swarm_hosts';
// what a decky on an unreachable host becomes: out of the union view, back on the next sync.
const UNREACHABLE = 'unreachable';
const MAX_ERROR = 300;
// DECNET's vocabulary for swarm_hosts.status
const DECNET_STATUS: Record<SwarmHostState, string> = { unknown: 'enrolled', online: 'active', unreachable: 'unreachable' };

type Row = Record<string, unknown>;

/**
 * Swarm hosts (issue 6) through knex, for SQLite, PostgreSQL and MySQL alike, in `orch_swarm_hosts`.
 * In a database this project owns, each host also has a DECNET-shaped `swarm_hosts` row (the
 * target of `decky_shards.host_uuid`) and its deckies' states follow the host; in DECNET's,
 * DECNET's rows are never touched.
 */
export class SqlSwarmHosts implements SwarmHostsPort {
  constructor(
    private readonly db: Db,
    private readonly owner: StoreOwner = 'project',
  ) {}

  /** Inserts the host under a fresh uuid. */
  async addHost(host: NewSwarmHost): Promise<SwarmHost> {
    const now = toDecnetTime(new Date());
    const row = {
      uuid: randomUUID(),
      name: host.name,
      endpoint: host.endpoint,
      tls_ca: host.tls?.ca ?? null,
      tls_cert: host.tls?.cert ?? null,
      tls_key: host.tls?.key ?? null,
      shares_network: toDbBool(host.sharesNetwork ?? false),
      state: 'unknown',
      last_seen: null,
      last_error: null,
      created_at: now,
    };
    return withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        if ((await trx(TABLE).where({ name: host.name }).first('uuid')) !== undefined) {
          throw new StoreQueryError(`a swarm host named ${JSON.stringify(host.name)} already exists`);
        }
        await trx(TABLE).insert(row);
        if (this.owner === 'project') {
          await trx('swarm_hosts').insert({
            uuid: row.uuid,
            name: host.name,
            address: host.endpoint,
            agent_port: 8765,
            status: DECNET_STATUS.unknown,
            last_heartbeat: null,
            client_cert_fingerprint: '',
            updater_cert_fingerprint: null,
            cert_bundle_path: host.tls?.cert ?? '',
            enrolled_at: now,
            notes: null,
            use_ipvlan: 0,
          });
        }
        // read back: MySQL keeps whole seconds of created_at
        return fromRow((await trx(TABLE).where({ uuid: row.uuid }).first()) as Row);
      }),
    );
  }

  /** Every host, by name. */
  async listHosts(): Promise<SwarmHost[]> {
    return (
      (await this.db(TABLE)
        .select('*')
        .orderBy([{ column: 'name' }, { column: 'uuid' }])) as Row[]
    ).map(fromRow);
  }

  /** One host by name or uuid. */
  async getHost(nameOrUuid: string): Promise<SwarmHost | null> {
    const row = (await this.db(TABLE).where({ uuid: nameOrUuid }).orWhere({ name: nameOrUuid }).first()) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  /** Deletes the host; its shard and topology deckies become torn_down (events keep their ids). */
  async removeHost(nameOrUuid: string): Promise<SwarmHost | null> {
    return withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        const row = (await trx(TABLE).where({ uuid: nameOrUuid }).orWhere({ name: nameOrUuid }).first()) as Row | undefined;
        if (row === undefined) return null;
        const uuid = String(row.uuid);
        if (this.owner === 'project') {
          await this.setDeckyStates(trx, uuid, null, 'torn_down', new Date());
          // the shards keep pointing at it (DECNET declares the key, SQLite does not enforce it)
          await trx('swarm_hosts').where({ uuid }).del();
        }
        await trx('orch_topology_decky_hosts').where({ host_uuid: uuid }).del();
        await trx(TABLE).where({ uuid }).del();
        return fromRow(row);
      }),
    );
  }

  /** State online, last_seen `at`. */
  async markOnline(uuid: string, at: Date): Promise<void> {
    const ts = toDecnetTime(at);
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        await trx(TABLE).where({ uuid }).update({ state: 'online', last_seen: ts, last_error: null });
        if (this.owner === 'project') await trx('swarm_hosts').where({ uuid }).update({ status: DECNET_STATUS.online, last_heartbeat: ts });
      }),
    );
  }

  /** State unreachable; the host's running deckies leave the running set (in a database this project owns). */
  async markUnreachable(uuid: string, reason: string, at: Date): Promise<number> {
    return withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        await trx(TABLE)
          .where({ uuid })
          .update({ state: UNREACHABLE, last_error: reason.slice(0, MAX_ERROR) });
        if (this.owner !== 'project') return 0;
        await trx('swarm_hosts').where({ uuid }).update({ status: DECNET_STATUS.unreachable });
        return this.setDeckyStates(trx, uuid, 'running', UNREACHABLE, at);
      }),
    );
  }

  // shards of the host, and topology deckies last seen there; `from` null → every state
  private async setDeckyStates(trx: Db, uuid: string, from: string | null, to: string, at: Date): Promise<number> {
    const now = toDecnetTime(at);
    const shards = trx('decky_shards').where({ host_uuid: uuid });
    const topology = trx('topology_deckies').whereIn(
      ['topology_id', 'name'],
      trx('orch_topology_decky_hosts').where({ host_uuid: uuid }).select('topology_id', 'name'),
    );
    if (from !== null) {
      shards.andWhere({ state: from });
      topology.andWhere({ state: from });
    }
    const n = Number(await shards.update({ state: to, updated_at: now })) + Number(await topology.update({ state: to, updated_at: now }));
    return n;
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
    lastSeen: fromDecnetTimeOrNull(r.last_seen),
    lastError: text(r.last_error),
    createdAt: fromDecnetTime(r.created_at),
  };
}
