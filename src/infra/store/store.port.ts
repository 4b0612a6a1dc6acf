import type { EmailStorePort } from './email-store.port.js';
import type { EventStorePort } from './event-store.port.js';
import type { InventoryPort } from './inventory.port.js';
import type { TopologyStore } from './topology.port.js';

/** One open database: inventory, events and emails over the same file. */
export interface Store {
  inventory: InventoryPort & TopologyStore;
  events: EventStorePort;
  emails: EmailStorePort;
  /** closes the connection; the store must not be used afterwards */
  close(): Promise<void>;
}

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** SQLite file; its parent directory is created */
  dbPath: string;
}
