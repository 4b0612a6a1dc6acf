import type { Logger } from '../../../log/logger.port.js';
import type { Store, StoreOwner } from '../../store.port.js';
import { parseStoreTarget } from '../../store-target.js';
import { SqlBackfillLog } from './backfill-log.repository.js';
import { SqliteEmailStore } from './email.repository.js';
import { SqliteEventStore, type TieBreak } from './event.repository.js';
import { SqliteInventory } from './inventory.repository.js';
import { knexOf, type SqlOrm } from './orm.types.js';
import { openMysqlOrm } from './mysql.connection.js';
import { openPgOrm } from './postgres.connection.js';
import { openOrm } from './sqlite.connection.js';
import type { PreparedSchema } from './schema/migrate.js';
import { guarded } from './store-failure.js';
import { SqlSwarmHosts } from './swarm-host.repository.js';
import { SqliteSyntheticFiles } from './synthetic-file.repository.js';
import { SqliteTopologyStore } from './topology.repository.js';

// every port method leaves through `guarded`: callers see StoreError/StoreQueryError, never knex.
function guard<A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => guarded(op, () => fn(...args));
}

/**
 * Opens the SQLite file, or the PostgreSQL or MySQL/MariaDB database `db` names (a URL), decides
 * who owns it (DECNET or this project), migrates the project's part and wires the repositories
 * over one connection pool.
 */
export async function openMikroOrmStore(db: string, logger: Logger): Promise<Store> {
  const target = parseStoreTarget(db);
  const open = async (): Promise<unknown> => {
    if (target.dialect === 'mysql') return openMysqlOrm(target.url, logger);
    return target.dialect === 'postgresql' ? openPgOrm(target.url, logger) : openOrm(target.path, logger);
  };
  const { orm, schema } = (await guarded('open', open)) as { orm: SqlOrm; schema: PreparedSchema };
  if (schema.owner === 'decnet') logger.info({ revision: schema.revision }, "DECNET's database: decky rows are read, never written");
  // DECNET's MySQL tables have no rowid (SQLite has one built in; a database this project owns
  // gets one): ties of its whole-second timestamps are then broken by uuid
  const order: TieBreak = target.dialect === 'mysql' && schema.owner === 'decnet' ? 'uuid' : 'rowid';
  return wireStore(orm, logger, schema.owner, order);
}

function wireStore(orm: SqlOrm, logger: Logger, owner: StoreOwner, order: TieBreak): Store {
  const db = knexOf(orm);
  const inventory = new SqliteInventory(db, logger, owner);
  const topologies = new SqliteTopologyStore(db, logger, owner);
  const events = new SqliteEventStore(db, order);
  const emails = new SqliteEmailStore(db, order);
  const files = new SqliteSyntheticFiles(db, order);
  const swarm = new SqlSwarmHosts(db, owner);
  const backfills = new SqlBackfillLog(db);
  let closed: Promise<void> | undefined;
  return {
    owner,
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
    files: {
      putFiles: guard('putFiles', files.putFiles.bind(files)),
      recordWrites: guard('recordWrites', files.recordWrites.bind(files)),
      listFiles: guard('listFiles', files.listFiles.bind(files)),
      filesOf: guard('filesOf', files.filesOf.bind(files)),
      getFile: guard('getFile', files.getFile.bind(files)),
    },
    swarm: {
      addHost: guard('addHost', swarm.addHost.bind(swarm)),
      listHosts: guard('listHosts', swarm.listHosts.bind(swarm)),
      getHost: guard('getHost', swarm.getHost.bind(swarm)),
      removeHost: guard('removeHost', swarm.removeHost.bind(swarm)),
      markOnline: guard('markOnline', swarm.markOnline.bind(swarm)),
      markUnreachable: guard('markUnreachable', swarm.markUnreachable.bind(swarm)),
    },
    backfills: {
      recordBackfill: guard('recordBackfill', backfills.recordBackfill.bind(backfills)),
      getBackfill: guard('getBackfill', backfills.getBackfill.bind(backfills)),
      finishedDeckies: guard('finishedDeckies', backfills.finishedDeckies.bind(backfills)),
    },
    // idempotent: shutdown paths (SIGTERM and the finally of a command) may both close.
    close: () => {
      closed ??= orm.close(true);
      return closed;
    },
  };
}
