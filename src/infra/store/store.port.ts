import type { BackfillLogPort } from './backfill-log.port.js';
import type { EmailStorePort } from './email-store.port.js';
import type { EventStorePort } from './event-store.port.js';
import type { InventoryPort } from './inventory.port.js';
import type { SwarmHostsPort } from './swarm-hosts.port.js';
import type { SyntheticFilesPort } from './synthetic-files.port.js';
import type { TopologyStore } from './topology.port.js';

/**
 * Who owns the database's shared tables (DECNET-COMPAT §2): `decnet` when DECNET's
 * `alembic_version` is there (its reconciler owns the decky rows; this project reads them and
 * writes only events, emails and files), else `project` (standalone: this project keeps them).
 */
export type StoreOwner = 'decnet' | 'project';

/** One open database (a SQLite file or a PostgreSQL database): inventory, events and emails. */
export interface Store {
  /** whose database this is; with DECNET's, `reconcileHost` writes nothing */
  owner: StoreOwner;
  inventory: InventoryPort & TopologyStore;
  events: EventStorePort;
  emails: EmailStorePort;
  /** files written on deckies (`synthetic_files`, issue 7) */
  files: SyntheticFilesPort;
  /** remote Docker engines (`swarm_hosts`, issue 6) */
  swarm: SwarmHostsPort;
  /** which deckies already got their past (`decky_backfills`, issue 7) */
  backfills: BackfillLogPort;
  /** closes the connection; the store must not be used afterwards */
  close(): Promise<void>;
}

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** SQLite file (its parent directory is created) or a `postgresql://` URL (DECNET_DB) */
  dbPath: string;
}
