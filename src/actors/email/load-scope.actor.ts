import { fromPromise } from 'xstate';
import type { Logger } from '../../infra/log/logger.port.js';
import type { TopologyPersonaSource } from '../../infra/personas/persona-source.port.js';
import type { Persona } from '../../domain/persona.js';
import { personasForDecky } from '../../infra/personas/resolver.js';
import type { InventoryPort } from '../../infra/store/inventory.port.js';
import { isMailDecky } from '../../machines/email/mail-decky.js';
import type { LoadScopeInput, MailScope, ScopeSnapshot } from '../../machines/emailgen/emailgen.types.js';
import { warmPublicHolidays } from '../../machines/realism/public-holidays.js';

/** What the scope reader binds: the union view, the pool, the topologies and a clock. */
interface LoadScopeDeps {
  inventory: Pick<InventoryPort, 'listRunningDeckies'>;
  pool: { load(): Promise<Persona[]> };
  topologies: TopologyPersonaSource;
  logger: Logger;
  now?: () => Date;
}

const HOST_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * `loadScope` for the emailgen supervisor (SPEC §6.2, §6.3): the running mail deckies (imap or
 * pop3) from the union view, each with its personas: its topology's for topology deckies, the
 * host pool for fleet and shard deckies, never mixed. The pool is re-read only when it changed.
 * Asked with `reuseMs > 0`, a read younger than that is answered again (`reused`), with a fresh `at`.
 */
export function createLoadScopeLogic(deps: LoadScopeDeps) {
  const now = deps.now ?? (() => new Date());
  // a broken topology or pool entry is reported once, not on every tick
  const warned = new Set<string>();
  let last: { readAt: number; mailDeckies: MailScope[]; running: number } | null = null;
  return fromPromise<ScopeSnapshot, LoadScopeInput | undefined>(async ({ input }) => {
    const t = now();
    const reuseMs = input?.reuseMs ?? 0;
    // a clock that went back never makes an old read look fresh
    if (last && reuseMs > 0 && t.getTime() >= last.readAt && t.getTime() - last.readAt < reuseMs) {
      return { mailDeckies: last.mailDeckies, running: last.running, at: t.toISOString(), reused: true };
    }
    const running = await deps.inventory.listRunningDeckies();
    // the pool is asked once per read, not once per fleet decky (each ask stats its file)
    let poolRead: Promise<Persona[]> | undefined;
    const pool = {
      load: () => {
        poolRead ??= deps.pool.load();
        return poolRead;
      },
    };
    const resolver = { pool, topologies: deps.topologies, logger: deps.logger, warned };
    const mailDeckies: MailScope[] = [];
    for (const decky of running.filter(isMailDecky)) {
      mailDeckies.push({ decky, personas: await personasForDecky(decky, resolver) });
    }
    // personas' holiday calendars are compiled here, off the timers that will consult them
    // (personas without a zone fall back to the host's)
    warmPublicHolidays([HOST_ZONE, ...mailDeckies.flatMap((m) => m.personas.map((p) => p.timezone))], t);
    // a read cut short by a newer one (its actor stopped) may finish last: it never replaces it
    if (!last || t.getTime() >= last.readAt) last = { readAt: t.getTime(), mailDeckies, running: running.length };
    return { mailDeckies, running: running.length, at: now().toISOString() };
  });
}
