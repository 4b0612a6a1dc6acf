import { fromPromise } from 'xstate';
import type { Logger } from '../../infra/log/logger.port.js';
import type { TopologyPersonaSource } from '../../infra/personas/persona-source.port.js';
import type { Persona } from '../../infra/personas/persona.schema.js';
import { personasForDecky } from '../../infra/personas/resolver.js';
import type { InventoryPort } from '../../infra/store/inventory.port.js';
import { isMailDecky } from '../../machines/email/mail-decky.js';
import type { MailScope, ScopeSnapshot } from '../../machines/emailgen/emailgen.types.js';

/** What the scope reader binds: the union view, the pool, the topologies and a clock. */
export interface LoadScopeDeps {
  inventory: Pick<InventoryPort, 'listRunningDeckies'>;
  pool: { load(): Promise<Persona[]> };
  topologies: TopologyPersonaSource;
  logger: Logger;
  now?: () => Date;
}

/**
 * `loadScope` for the emailgen supervisor (SPEC §6.2, §6.3): the running mail deckies (imap or
 * pop3) from the union view, each with its personas: its topology's for topology deckies, the
 * host pool for fleet and shard deckies, never mixed. The pool is re-read only when it changed.
 */
export function createLoadScopeLogic(deps: LoadScopeDeps) {
  const now = deps.now ?? (() => new Date());
  // a broken topology or pool entry is reported once, not on every tick
  const warned = new Set<string>();
  const resolver = { pool: deps.pool, topologies: deps.topologies, logger: deps.logger, warned };
  return fromPromise<ScopeSnapshot>(async () => {
    const running = await deps.inventory.listRunningDeckies();
    const mailDeckies: MailScope[] = [];
    for (const decky of running.filter(isMailDecky)) {
      mailDeckies.push({ decky, personas: await personasForDecky(decky, resolver) });
    }
    return { mailDeckies, running: running.length, at: now().toISOString() };
  });
}
