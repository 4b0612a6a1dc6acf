import type { Logger } from '../../../log/logger.port.js';
import type { Store } from '../../store.port.js';
import { SqliteEmailStore } from './email.repository.js';
import { SqliteEventStore } from './event.repository.js';
import { SqliteInventory } from './inventory.repository.js';
import { knexOf, type SqliteOrm } from './orm.types.js';
import { openOrm } from './sqlite.connection.js';
import { guarded } from './store-failure.js';
import { SqliteTopologyStore } from './topology.repository.js';

// every port method leaves through `guarded`: callers see StoreError/StoreQueryError, never knex.
function guard<A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => guarded(op, () => fn(...args));
}

/** Opens the SQLite file, migrates it and wires the repositories over one connection. */
export async function openMikroOrmStore(dbPath: string, logger: Logger): Promise<Store> {
  const orm = (await guarded('open', () => openOrm(dbPath, logger))) as unknown as SqliteOrm;
  const db = knexOf(orm);
  const inventory = new SqliteInventory(db, logger);
  const topologies = new SqliteTopologyStore(orm, logger);
  const events = new SqliteEventStore(db);
  const emails = new SqliteEmailStore(orm);
  let closed: Promise<void> | undefined;
  return {
    inventory: {
      listRunningDeckies: guard('listRunningDeckies', inventory.listRunningDeckies.bind(inventory)),
      reconcileHost: guard('reconcileHost', inventory.reconcileHost.bind(inventory)),
      importTopology: guard('importTopology', topologies.importTopology.bind(topologies)),
      getTopology: guard('getTopology', topologies.getTopology.bind(topologies)),
    },
    events: {
      recordEvents: guard('recordEvents', events.recordEvents.bind(events)),
      listEvents: guard('listEvents', events.listEvents.bind(events)),
      pruneEvents: guard('pruneEvents', events.pruneEvents.bind(events)),
    },
    emails: {
      recordEmails: guard('recordEmails', emails.recordEmails.bind(emails)),
      listEmails: guard('listEmails', emails.listEmails.bind(emails)),
      findLatestBetween: guard('findLatestBetween', emails.findLatestBetween.bind(emails)),
      getByMessageId: guard('getByMessageId', emails.getByMessageId.bind(emails)),
      threadChain: guard('threadChain', emails.threadChain.bind(emails)),
      referencesFor: guard('referencesFor', emails.referencesFor.bind(emails)),
      pruneEmails: guard('pruneEmails', emails.pruneEmails.bind(emails)),
    },
    // idempotent: shutdown paths (SIGTERM and the finally of a command) may both close.
    close: () => {
      closed ??= orm.close(true);
      return closed;
    },
  };
}
