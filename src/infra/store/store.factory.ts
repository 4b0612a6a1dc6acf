import { silentLogger, type Logger } from '../log/logger.port.js';
import { openMikroOrmStore } from './impl/mikro-orm/mikro-orm.store.js';
import type { OpenStoreOptions, Store } from './store.port.js';

/** Re-exported so callers import the store from one place. */
export type { OpenStoreOptions, Store } from './store.port.js';

/**
 * Opens the store named by `dbPath` (DECNET_DB) and runs pending migrations. A SQLite file gets
 * its parent directory and WAL so the orchestrator and emailgen processes can share it; a
 * `postgresql://` URL is one database several daemons on several hosts share.
 */
export async function openStore(opts: OpenStoreOptions & { logger?: Logger }): Promise<Store> {
  return openMikroOrmStore(opts.dbPath, (opts.logger ?? silentLogger).child({ component: 'store' }));
}

/** How commands open the store; injectable so tests can count or fail opens. */
export type StoreOpener = typeof openStore;

/** Opens the store, runs `fn`, and always closes it, even when `fn` throws. */
export async function withStore<T>(
  opts: OpenStoreOptions & { logger?: Logger },
  fn: (store: Store) => Promise<T>,
  open: StoreOpener = openStore,
): Promise<T> {
  const store = await open(opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
