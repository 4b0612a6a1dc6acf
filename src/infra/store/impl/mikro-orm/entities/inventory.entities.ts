import { EntitySchema } from '@mikro-orm/core';
import { UtcDateType } from '../utc-date.type.js';

/** A `topologies` row (SPEC §1.2); email_personas stays raw JSON, validated by the personas package. */
interface TopologyRow {
  id: string;
  name: string;
  languageDefault: string;
  emailPersonas: unknown[];
  /** IANA zone for personas that set none; null → the host's */
  timezone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A `topology_deckies` row; services is JSON text, decoded leniently by the union view. */
interface TopologyDeckyRow {
  uuid: string;
  topologyId: string;
  name: string;
  services: string;
  ip: string | null;
  state: string;
  /** docker host it was last seen on; null until discovery sees it */
  hostUuid: string | null;
  lastSeen: Date | null;
  updatedAt: Date;
}

/** A `fleet_deckies` or `decky_shards` row, keyed by (host_uuid, name). */
interface HostDeckyRow {
  hostUuid: string;
  name: string;
  services: string;
  ip: string | null;
  state: string;
  lastSeen: Date | null;
  updatedAt: Date;
}

/** A `swarm_hosts` row: a remote Docker engine (issue 6). */
interface SwarmHostRow {
  uuid: string;
  name: string;
  endpoint: string;
  state: string;
  lastSeen: Date | null;
  createdAt: Date;
  tlsCa: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  sharesNetwork: boolean;
  lastError: string | null;
}

/** Entity schema of `topologies`. */
export const TopologyEntity = new EntitySchema<TopologyRow>({
  name: 'Topology',
  tableName: 'topologies',
  properties: {
    id: { type: 'string', primary: true, columnType: 'text' },
    name: { type: 'string', columnType: 'text' },
    languageDefault: { type: 'string', columnType: 'text', default: 'en' },
    emailPersonas: { type: 'json', columnType: 'text', default: '[]' },
    timezone: { type: 'string', columnType: 'text', nullable: true },
    createdAt: { type: UtcDateType },
    updatedAt: { type: UtcDateType },
  },
});

/** Entity schema of `topology_deckies`. */
export const TopologyDeckyEntity = new EntitySchema<TopologyDeckyRow>({
  name: 'TopologyDecky',
  tableName: 'topology_deckies',
  uniques: [{ properties: ['topologyId', 'name'] }],
  properties: {
    uuid: { type: 'string', primary: true, columnType: 'text' },
    topologyId: { type: 'string', columnType: 'text' },
    name: { type: 'string', columnType: 'text' },
    services: { type: 'string', columnType: 'text', default: '[]' },
    ip: { type: 'string', columnType: 'text', nullable: true },
    state: { type: 'string', columnType: 'text', default: 'pending' },
    hostUuid: { type: 'string', columnType: 'text', nullable: true },
    lastSeen: { type: UtcDateType, nullable: true },
    updatedAt: { type: UtcDateType },
  },
});

function hostDeckyEntity(name: string, tableName: string): EntitySchema<HostDeckyRow> {
  return new EntitySchema<HostDeckyRow>({
    name,
    tableName,
    properties: {
      hostUuid: { type: 'string', primary: true, columnType: 'text', default: 'local' },
      name: { type: 'string', primary: true, columnType: 'text' },
      services: { type: 'string', columnType: 'text', default: '[]' },
      ip: { type: 'string', columnType: 'text', nullable: true },
      state: { type: 'string', columnType: 'text', default: 'pending' },
      lastSeen: { type: UtcDateType, nullable: true },
      updatedAt: { type: UtcDateType },
    },
  });
}

/** Entity schema of `fleet_deckies` (single-host deckies, host `local` by default). */
export const FleetDeckyEntity = hostDeckyEntity('FleetDecky', 'fleet_deckies');

/** Entity schema of `decky_shards` (deckies on remote swarm hosts). */
export const DeckyShardEntity = hostDeckyEntity('DeckyShard', 'decky_shards');

/** Entity schema of `swarm_hosts`. */
export const SwarmHostEntity = new EntitySchema<SwarmHostRow>({
  name: 'SwarmHost',
  tableName: 'swarm_hosts',
  properties: {
    uuid: { type: 'string', primary: true, columnType: 'text' },
    name: { type: 'string', columnType: 'text', unique: true },
    endpoint: { type: 'string', columnType: 'text' },
    state: { type: 'string', columnType: 'text', default: 'unknown' },
    lastSeen: { type: UtcDateType, nullable: true },
    createdAt: { type: UtcDateType },
    tlsCa: { type: 'string', columnType: 'text', nullable: true },
    tlsCert: { type: 'string', columnType: 'text', nullable: true },
    tlsKey: { type: 'string', columnType: 'text', nullable: true },
    sharesNetwork: { type: 'boolean', default: false },
    lastError: { type: 'string', columnType: 'text', nullable: true },
  },
});
