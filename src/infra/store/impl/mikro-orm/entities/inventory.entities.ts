import { EntitySchema } from '@mikro-orm/core';
import { DecnetDateType } from '../decnet-date.type.js';

/** A `topologies` row, DECNET's columns (DECNET-COMPAT §2); `emailPersonas` is json.dumps text. */
interface TopologyRow {
  id: string;
  name: string;
  mode: string;
  targetHostUuid: string | null;
  configSnapshot: string;
  status: string;
  statusChangedAt: Date;
  createdAt: Date;
  version: number;
  needsResync: boolean;
  emailPersonas: string;
  languageDefault: string;
}

/** A `topology_deckies` row; `services` is compact JSON text, decoded leniently by the union view. */
interface TopologyDeckyRow {
  uuid: string;
  topologyId: string;
  name: string;
  services: string;
  deckyConfig: string | null;
  ip: string | null;
  state: string;
  lastError: string | null;
  composeHash: string | null;
  lastSeen: Date | null;
  updatedAt: Date;
  x: number | null;
  y: number | null;
}

/** A `fleet_deckies` row (keyed by host and name) or a `decky_shards` row (keyed by `decky_name`). */
interface HostDeckyRow {
  hostUuid: string;
  name: string;
  services: string;
  deckyConfig: string | null;
  deckyIp: string | null;
  state: string;
  lastError: string | null;
  composeHash: string | null;
  lastSeen: Date | null;
  updatedAt: Date;
}

/** Entity schema of `topologies`. */
export const TopologyEntity = new EntitySchema<TopologyRow>({
  name: 'Topology',
  tableName: 'topologies',
  properties: {
    id: { type: 'string', primary: true },
    name: { type: 'string', unique: true },
    mode: { type: 'string', length: 16 },
    targetHostUuid: { type: 'string', nullable: true },
    configSnapshot: { type: 'text' },
    status: { type: 'string', length: 32, index: true },
    statusChangedAt: { type: DecnetDateType },
    createdAt: { type: DecnetDateType, index: true },
    version: { type: 'integer' },
    needsResync: { type: 'boolean' },
    emailPersonas: { type: 'text' },
    languageDefault: { type: 'string', length: 8 },
  },
});

/** Entity schema of `topology_deckies`. */
export const TopologyDeckyEntity = new EntitySchema<TopologyDeckyRow>({
  name: 'TopologyDecky',
  tableName: 'topology_deckies',
  uniques: [{ name: 'uq_topology_decky_name', properties: ['topologyId', 'name'] }],
  properties: {
    uuid: { type: 'string', primary: true },
    topologyId: { type: 'string', index: true },
    name: { type: 'string' },
    services: { type: 'text' },
    deckyConfig: { type: 'text', nullable: true },
    ip: { type: 'string', nullable: true },
    state: { type: 'string', length: 32, index: true },
    lastError: { type: 'text', nullable: true },
    composeHash: { type: 'string', nullable: true },
    lastSeen: { type: DecnetDateType, nullable: true },
    updatedAt: { type: DecnetDateType },
    x: { type: 'float', nullable: true },
    y: { type: 'float', nullable: true },
  },
});

function hostDeckyEntity(name: string, tableName: string, nameColumn: string, nameIsKey: boolean): EntitySchema<HostDeckyRow> {
  return new EntitySchema<HostDeckyRow>({
    name,
    tableName,
    properties: {
      hostUuid: { type: 'string', primary: !nameIsKey, index: true },
      name: { type: 'string', primary: true, fieldName: nameColumn },
      services: { type: 'text' },
      deckyConfig: { type: 'text', nullable: true },
      deckyIp: { type: 'string', nullable: true },
      state: { type: 'string', index: true },
      lastError: { type: 'text', nullable: true },
      composeHash: { type: 'string', nullable: true },
      lastSeen: { type: DecnetDateType, nullable: true },
      updatedAt: { type: DecnetDateType },
    },
  });
}

/** Entity schema of `fleet_deckies` (single-host deckies, host `local` by default). */
export const FleetDeckyEntity = hostDeckyEntity('FleetDecky', 'fleet_deckies', 'name', false);

/** Entity schema of `decky_shards` (deckies on swarm hosts; DECNET keys them by name alone). */
export const DeckyShardEntity = hostDeckyEntity('DeckyShard', 'decky_shards', 'decky_name', true);
