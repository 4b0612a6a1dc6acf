import { DeckyShardEntity, FleetDeckyEntity, SwarmHostEntity, TopologyDeckyEntity, TopologyEntity } from './inventory.entities.js';
import { EmailEntity, EventEntity } from './record.entities.js';

/** Every entity schema the store maps, for both dialects. */
export const STORE_ENTITIES = [TopologyEntity, TopologyDeckyEntity, FleetDeckyEntity, DeckyShardEntity, SwarmHostEntity, EventEntity, EmailEntity];
