import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../log/logger.port.js';
import type { InventoryPort } from '../../inventory.port.js';
import type { DeckySource, ObservedDecky, RunningDecky } from '../../../../domain/decky.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { chunks, decodeServices, fromDbBool, rawRows } from './row-codec.js';

const CHUNK = 500;
// states that mean "containers existed when we last looked": these become torn_down when gone.
// `unreachable`: its host stopped answering (issue 6); gone when the host is back means gone.
const LIVE_STATES = ['running', 'stopped', 'degraded', 'unreachable'];

// swarm_hosts is joined for the host-level "shares a network" setting (issue 6); `is true`
// reads the same on SQLite (0/1) and PostgreSQL (boolean).
const UNION_SQL = `
  select d.uuid as uuid, d.name as name, d.ip as ip, d.services as services, 'topology' as source,
         d.topology_id as topology_id, d.host_uuid as host_uuid, (h.shares_network is true) as shares_network
    from topology_deckies d left join swarm_hosts h on h.uuid = d.host_uuid where d.state = 'running'
  union all
  select d.host_uuid || ':' || d.name, d.name, d.ip, d.services, 'fleet', null, d.host_uuid, (h.shares_network is true)
    from fleet_deckies d left join swarm_hosts h on h.uuid = d.host_uuid where d.state = 'running'
  union all
  select d.host_uuid || ':' || d.name, d.name, d.ip, d.services, 'shard', null, d.host_uuid, (h.shares_network is true)
    from decky_shards d left join swarm_hosts h on h.uuid = d.host_uuid where d.state = 'running'
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

/** Inventory over the three decky tables (SPEC §1.1), kept true by discovery (SPEC §1.3). */
export class SqliteInventory implements InventoryPort {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** The union view: running deckies of every source, services decoded leniently. */
  async listRunningDeckies(): Promise<RunningDecky[]> {
    const rows = await rawRows<UnionRow>(this.db, UNION_SQL);
    return rows.map((r) => {
      const decky: RunningDecky = { uuid: r.uuid, name: r.name, ip: r.ip, services: decodeServices(r.services), source: r.source };
      if (r.topology_id !== null) decky.topologyId = r.topology_id;
      if (r.host_uuid !== null) decky.hostUuid = r.host_uuid;
      if (fromDbBool(r.shares_network)) decky.sharesNetwork = true;
      return decky;
    });
  }

  /** Upserts what one host runs and tears down what it no longer runs, in one transaction. */
  async reconcileHost(hostUuid: string, observed: ObservedDecky[], opts: { remote: boolean }): Promise<void> {
    const hostTable = opts.remote ? 'decky_shards' : 'fleet_deckies';
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        // PostgreSQL: one reconcile per host at a time; two reconciles of the same host lock its
        // rows in different orders and deadlock each other (SQLite already has a single writer)
        if ((trx.client as { dialect?: string }).dialect === 'postgresql') await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`reconcile:${hostUuid}`]);
        const now = new Date().toISOString();
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
        await upsertHostDeckies(trx, hostTable, hostUuid, host, now);
        const gone =
          (await tearDownTopologyDeckies(trx, hostUuid, topo, !opts.remote, now)) +
          (await tearDownHostDeckies(trx, hostTable, hostUuid, host, now));
        this.logger.debug({ hostUuid, observed: observed.length, tornDown: gone }, 'host reconciled');
      }),
    );
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
const IP_MERGE = (table: string) => `case when excluded.state = 'running' then excluded.ip else coalesce(excluded.ip, ${table}.ip) end`;

async function upsertTopologyDeckies(trx: Db, hostUuid: string, rows: ObservedDecky[], now: string): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    await trx('topology_deckies')
      .insert(
        part.map((o) => ({
          uuid: randomUUID(),
          topology_id: o.topologyId,
          name: o.name,
          services: JSON.stringify(o.services),
          ip: o.ip,
          state: observedState(o),
          host_uuid: hostUuid,
          last_seen: now,
          updated_at: now,
        })),
      )
      .onConflict(['topology_id', 'name'])
      .merge({
        services: trx.raw('excluded.services'),
        ip: trx.raw(IP_MERGE('topology_deckies')),
        state: trx.raw('excluded.state'),
        host_uuid: trx.raw('excluded.host_uuid'),
        last_seen: trx.raw('excluded.last_seen'),
        updated_at: trx.raw('excluded.updated_at'),
      });
  }
}

async function upsertHostDeckies(trx: Db, table: string, hostUuid: string, rows: ObservedDecky[], now: string): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    await trx(table)
      .insert(
        part.map((o) => ({
          host_uuid: hostUuid,
          name: o.name,
          services: JSON.stringify(o.services),
          ip: o.ip,
          state: observedState(o),
          last_seen: now,
          updated_at: now,
        })),
      )
      .onConflict(['host_uuid', 'name'])
      .merge({
        services: trx.raw('excluded.services'),
        ip: trx.raw(IP_MERGE(table)),
        state: trx.raw('excluded.state'),
        last_seen: trx.raw('excluded.last_seen'),
        updated_at: trx.raw('excluded.updated_at'),
      });
  }
}

async function tearDownHostDeckies(trx: Db, table: string, hostUuid: string, seen: ObservedDecky[], now: string): Promise<number> {
  const seenNames = new Set(seen.map((o) => o.name));
  const live = (await trx(table).where({ host_uuid: hostUuid }).whereIn('state', LIVE_STATES).select('name')) as { name: string }[];
  const gone = live.map((r) => r.name).filter((n) => !seenNames.has(n));
  for (const part of chunks(gone, CHUNK)) {
    await trx(table).where({ host_uuid: hostUuid }).whereIn('name', part).update({ state: 'torn_down', updated_at: now });
  }
  return gone.length;
}

// topology deckies carry the host they were seen on; never-seen ones (host null) are local.
async function tearDownTopologyDeckies(trx: Db, hostUuid: string, seen: ObservedDecky[], local: boolean, now: string): Promise<number> {
  const key = (topologyId: string, name: string) => `${topologyId}\u0000${name}`;
  const seenKeys = new Set(seen.map((o) => key(o.topologyId!, o.name)));
  const live = (await trx('topology_deckies')
    .whereIn('state', LIVE_STATES)
    .andWhere((q) => {
      q.where('host_uuid', hostUuid);
      if (local) q.orWhereNull('host_uuid');
    })
    .select('uuid', 'topology_id', 'name')) as { uuid: string; topology_id: string; name: string }[];
  const gone = live.filter((r) => !seenKeys.has(key(r.topology_id, r.name))).map((r) => r.uuid);
  for (const part of chunks(gone, CHUNK)) {
    await trx('topology_deckies').whereIn('uuid', part).update({ state: 'torn_down', updated_at: now });
  }
  return gone.length;
}
