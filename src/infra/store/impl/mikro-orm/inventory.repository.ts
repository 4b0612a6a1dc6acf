import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from '../../../log/logger.port.js';
import type { InventoryPort } from '../../inventory.port.js';
import type { StoreOwner } from '../../store.port.js';
import { compactJson, toDecnetTime } from '../../decnet-format.js';
import type { DeckySource, ObservedDecky, RunningDecky } from '../../../../domain/decky.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { chunks, decodeServices, dialectOf, fromDbBool, rawRows, upsertSql } from './row-codec.js';

const CHUNK = 500;
// states that mean "containers existed when we last looked": these become torn_down when gone.
// `unreachable`: its host stopped answering (issue 6); gone when the host is back means gone.
const LIVE_STATES = ['running', 'stopped', 'degraded', 'unreachable'];

// DECNET's columns (DECNET-COMPAT §2) and ids as DECNET's list_running_deckies builds them.
// The project's own tables add what DECNET has no column for: the host a topology decky was
// seen on, and the host-level "shares a network" setting (issue 6); `is true` reads the same
// on SQLite (0/1) and PostgreSQL (boolean).
// `||` concatenates on SQLite and PostgreSQL; on MySQL it is OR, so concat() there.
const unionSql = (mysql: boolean) => {
  const join = (a: string, b: string) => (mysql ? `concat(${a}, ':', ${b})` : `${a} || ':' || ${b}`);
  return UNION_SQL.replace("d.host_uuid || ':' || d.name", join('d.host_uuid', 'd.name')).replace(
    "d.host_uuid || ':' || d.decky_name",
    join('d.host_uuid', 'd.decky_name'),
  );
};

const UNION_SQL = `
  select d.uuid as uuid, d.name as name, d.ip as ip, d.services as services, 'topology' as source,
         d.topology_id as topology_id, th.host_uuid as host_uuid, (h.shares_network is true) as shares_network
    from topology_deckies d
    left join orch_topology_decky_hosts th on th.topology_id = d.topology_id and th.name = d.name
    left join orch_swarm_hosts h on h.uuid = th.host_uuid
   where d.state = 'running'
  union all
  select d.host_uuid || ':' || d.name, d.name, d.decky_ip, d.services, 'fleet', null, d.host_uuid, (h.shares_network is true)
    from fleet_deckies d left join orch_swarm_hosts h on h.uuid = d.host_uuid where d.state = 'running'
  union all
  select d.host_uuid || ':' || d.decky_name, d.decky_name, d.decky_ip, d.services, 'shard', null, d.host_uuid, (h.shares_network is true)
    from decky_shards d left join orch_swarm_hosts h on h.uuid = d.host_uuid where d.state = 'running'
  order by source, name, uuid`;

interface UnionRow {
  uuid: string;
  name: string;
  ip: string | null;
  services: unknown;
  source: DeckySource;
  topology_id: string | null;
  host_uuid: string | null;
  shares_network: unknown;
}

/**
 * Inventory over DECNET's three decky tables (SPEC §1.1). Standalone (`project`), discovery
 * keeps them true (SPEC §1.3); on DECNET's database its reconciler does, and `reconcileHost`
 * writes nothing.
 */
export class SqliteInventory implements InventoryPort {
  // a bad row is logged once per value, not on every read of the union view
  private readonly warned = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly owner: StoreOwner = 'project',
  ) {}

  /**
   * The union view: running deckies of every source. A decky whose `services` is not a JSON list
   * of strings, or whose IP is not an IP, stays listed (its id is real) with that field null, so
   * no action picks it; it is logged once. Two sources may name the same decky: both are kept,
   * told apart by their ids (`<host>:<name>` or the topology row uuid).
   */
  async listRunningDeckies(): Promise<RunningDecky[]> {
    const rows = await rawRows<UnionRow>(this.db, unionSql(dialectOf(this.db) === 'mysql'));
    return rows.map((r) => {
      const services = decodeServices(r.services);
      if (services === null) this.warnOnce(r, 'services', 'decky services are not a JSON list of strings; no action will pick it');
      let ip = r.ip;
      if (ip !== null && isIP(ip) === 0) {
        this.warnOnce(r, 'ip', 'decky ip is not an IP address; no action will pick it');
        ip = null;
      }
      const decky: RunningDecky = { uuid: r.uuid, name: r.name, ip, services, source: r.source };
      if (r.topology_id !== null) decky.topologyId = r.topology_id;
      if (r.host_uuid !== null) decky.hostUuid = r.host_uuid;
      if (fromDbBool(r.shares_network)) decky.sharesNetwork = true;
      return decky;
    });
  }

  /** Upserts what one host runs and tears down what it no longer runs, in one transaction. */
  async reconcileHost(hostUuid: string, observed: ObservedDecky[], opts: { remote: boolean }): Promise<void> {
    if (this.owner === 'decnet') {
      // DECNET's reconciler owns these rows; the runtime should not even call this there.
      if (!this.warned.has('reconcile'))
        this.logger.info({ hostUuid }, "DECNET's database: its reconciler keeps the decky rows; discovery writes nothing");
      this.warned.add('reconcile');
      return;
    }
    const shards = opts.remote;
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        // PostgreSQL: one reconcile per host at a time; two reconciles of the same host lock its
        // rows in different orders and deadlock each other (SQLite already has a single writer)
        if ((trx.client as { dialect?: string }).dialect === 'postgresql')
          await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`reconcile:${hostUuid}`]);
        const now = toDecnetTime(new Date());
        const known = await existingTopologies(trx, observed);
        const topo: ObservedDecky[] = [];
        const host: ObservedDecky[] = [];
        for (const o of observed) {
          if (o.topologyId !== undefined && known.has(o.topologyId)) topo.push(o);
          else {
            if (o.topologyId !== undefined) {
              this.logger.warn({ decky: o.name, topologyId: o.topologyId, hostUuid }, 'unknown topology label; kept as a host decky');
            }
            host.push(o);
          }
        }
        await upsertTopologyDeckies(trx, hostUuid, topo, now);
        await upsertHostDeckies(trx, shards, hostUuid, host, now);
        const gone =
          (await tearDownTopologyDeckies(trx, hostUuid, topo, !opts.remote, now)) +
          (await tearDownHostDeckies(trx, shards, hostUuid, host, now));
        this.logger.debug({ hostUuid, observed: observed.length, tornDown: gone }, 'host reconciled');
      }),
    );
  }

  private warnOnce(r: UnionRow, field: 'services' | 'ip', msg: string): void {
    const value = field === 'ip' ? r.ip : r.services;
    const key = `${r.uuid}\u0000${field}\u0000${String(value)}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn({ decky: r.name, uuid: r.uuid, source: r.source, [field]: String(value).slice(0, 120) }, msg);
  }
}

async function existingTopologies(trx: Db, observed: ObservedDecky[]): Promise<Set<string>> {
  const ids = [...new Set(observed.flatMap((o) => (o.topologyId === undefined ? [] : [o.topologyId])))];
  const found = new Set<string>();
  for (const part of chunks(ids, CHUNK)) {
    for (const r of (await trx('topologies').whereIn('id', part).select('id')) as { id: string }[]) found.add(r.id);
  }
  return found;
}

function observedState(o: ObservedDecky): string {
  return o.running ? 'running' : 'stopped';
}

// a stopped container reports no ip; keep the last known one rather than forget it.
const IP_MERGE = (trx: Db, table: string, column: string) =>
  mysqlExcluded(
    trx,
    `case when excluded.state = 'running' then excluded.${column} else coalesce(excluded.${column}, ${table}.${column}) end`,
  );

// `excluded.col` in a knex merge, as `db`'s dialect names the proposed row
function mysqlExcluded(db: Db, sql: string): string {
  return upsertSql(db, sql);
}
const ex = (trx: Db, column: string) => trx.raw(mysqlExcluded(trx, `excluded.${column}`));

async function upsertTopologyDeckies(trx: Db, hostUuid: string, rows: ObservedDecky[], now: string): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    await trx('topology_deckies')
      .insert(
        part.map((o) => ({
          uuid: randomUUID(),
          topology_id: o.topologyId,
          name: o.name,
          services: compactJson(o.services),
          decky_config: null,
          ip: o.ip,
          state: observedState(o),
          last_error: null,
          compose_hash: null,
          last_seen: now,
          updated_at: now,
          x: null,
          y: null,
        })),
      )
      .onConflict(['topology_id', 'name'])
      .merge({
        services: ex(trx, 'services'),
        ip: trx.raw(IP_MERGE(trx, 'topology_deckies', 'ip')),
        state: ex(trx, 'state'),
        last_seen: ex(trx, 'last_seen'),
        updated_at: ex(trx, 'updated_at'),
      });
    await trx('orch_topology_decky_hosts')
      .insert(part.map((o) => ({ topology_id: o.topologyId, name: o.name, host_uuid: hostUuid })))
      .onConflict(['topology_id', 'name'])
      .merge(['host_uuid']);
  }
}

// fleet deckies are keyed by (host, name); DECNET keys shards by name alone, so a shard name
// seen on another host moves there.
async function upsertHostDeckies(trx: Db, shards: boolean, hostUuid: string, rows: ObservedDecky[], now: string): Promise<void> {
  const table = shards ? 'decky_shards' : 'fleet_deckies';
  const nameColumn = shards ? 'decky_name' : 'name';
  for (const part of chunks(uniqueByName(rows), CHUNK)) {
    await trx(table)
      .insert(
        part.map((o) => ({
          host_uuid: hostUuid,
          [nameColumn]: o.name,
          services: compactJson(o.services),
          decky_config: null,
          decky_ip: o.ip,
          state: observedState(o),
          last_error: null,
          compose_hash: null,
          last_seen: now,
          updated_at: now,
        })),
      )
      .onConflict(shards ? ['decky_name'] : ['host_uuid', 'name'])
      .merge({
        ...(shards ? { host_uuid: ex(trx, 'host_uuid') } : {}),
        services: ex(trx, 'services'),
        decky_ip: trx.raw(IP_MERGE(trx, table, 'decky_ip')),
        state: ex(trx, 'state'),
        last_seen: ex(trx, 'last_seen'),
        updated_at: ex(trx, 'updated_at'),
      });
  }
}

// PostgreSQL refuses to update one row twice in a statement: the last report of a name wins.
function uniqueByName(rows: ObservedDecky[]): ObservedDecky[] {
  return [...new Map(rows.map((o) => [o.name, o])).values()];
}

async function tearDownHostDeckies(trx: Db, shards: boolean, hostUuid: string, seen: ObservedDecky[], now: string): Promise<number> {
  const table = shards ? 'decky_shards' : 'fleet_deckies';
  const nameColumn = shards ? 'decky_name' : 'name';
  const seenNames = new Set(seen.map((o) => o.name));
  const live = (await trx(table).where({ host_uuid: hostUuid }).whereIn('state', LIVE_STATES).select(`${nameColumn} as name`)) as {
    name: string;
  }[];
  const gone = live.map((r) => r.name).filter((n) => !seenNames.has(n));
  for (const part of chunks(gone, CHUNK)) {
    await trx(table).where({ host_uuid: hostUuid }).whereIn(nameColumn, part).update({ state: 'torn_down', updated_at: now });
  }
  return gone.length;
}

// topology deckies carry the host they were seen on; never-seen ones (no host) are local.
async function tearDownTopologyDeckies(trx: Db, hostUuid: string, seen: ObservedDecky[], local: boolean, now: string): Promise<number> {
  const key = (topologyId: string, name: string) => `${topologyId}\u0000${name}`;
  const seenKeys = new Set(seen.map((o) => key(o.topologyId!, o.name)));
  const live = (await trx('topology_deckies as d')
    .leftJoin('orch_topology_decky_hosts as h', function () {
      this.on('h.topology_id', 'd.topology_id').andOn('h.name', 'd.name');
    })
    .whereIn('d.state', LIVE_STATES)
    .andWhere((q) => {
      q.where('h.host_uuid', hostUuid);
      if (local) q.orWhereNull('h.host_uuid');
    })
    .select('d.uuid as uuid', 'd.topology_id as topology_id', 'd.name as name')) as { uuid: string; topology_id: string; name: string }[];
  const gone = live.filter((r) => !seenKeys.has(key(r.topology_id, r.name))).map((r) => r.uuid);
  for (const part of chunks(gone, CHUNK)) {
    await trx('topology_deckies').whereIn('uuid', part).update({ state: 'torn_down', updated_at: now });
  }
  return gone.length;
}
