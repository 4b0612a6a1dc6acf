import { DeckyShardEntity, FleetDeckyEntity, TopologyDeckyEntity, TopologyEntity } from './inventory.entities.js';
import { EmailEntity, EventEntity } from './record.entities.js';

/** Every entity schema the store maps (DECNET's shapes), for both dialects. */
export const STORE_ENTITIES = [TopologyEntity, TopologyDeckyEntity, FleetDeckyEntity, DeckyShardEntity, EventEntity, EmailEntity];
