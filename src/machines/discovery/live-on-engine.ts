import type { ObservedDecky, RunningDecky } from '../../domain/decky.js';
import { hostOf } from '../policy/pick.js';

/** Why a row of someone else's inventory is not acted on. */
type NotLiveReason =
  /** its host's engine has not been read yet (or never answered) */
  | 'engine not read yet'
  /** no container of the decky on its host's engine */
  | 'no containers on the engine'
  /** its base or every service container is stopped */
  | 'containers stopped'
  /** the row's services run in none of the decky's running service containers */
  | 'listed services not running';

/** A row left out, and why. */
interface NotLive {
  decky: RunningDecky;
  reason: NotLiveReason;
  /** the row's services whose containers are not running (for `listed services not running`) */
  stopped?: string[];
}

/** The union view seen through the engine. */
interface LiveOnEngine {
  /** rows whose decky runs, services narrowed to those whose containers run */
  live: RunningDecky[];
  /** live rows that lost some of their listed services to stopped containers */
  narrowed: Array<{ decky: RunningDecky; stopped: string[] }>;
  notLive: NotLive[];
  /** running deckies on an engine that no row lists */
  unlisted: ObservedDecky[];
}

/**
 * Intersects an inventory kept by someone else (DECNET's tables) with what discovery saw on each
 * engine (`observed` by host uuid, `local` for the local one): a row is acted on only when its
 * decky runs there, and only for the services whose containers run (DECNET-COMPAT §1: actions
 * target `<decky>-ssh`, `-imap`, `-pop3`). Rows keep their own ids and IPs; a row whose services
 * could not be decoded stays as it is (no action picks it). Deckies no row lists are reported,
 * never added: the rows are the inventory.
 */
export function liveOnEngine(rows: readonly RunningDecky[], observed: ReadonlyMap<string, readonly ObservedDecky[]>): LiveOnEngine {
  const out: LiveOnEngine = { live: [], narrowed: [], notLive: [], unlisted: [] };
  const index = new Map<string, ObservedDecky>();
  for (const [host, deckies] of observed) for (const o of deckies) index.set(keyOf(host, o.name, o.topologyId), o);
  const matched = new Set<ObservedDecky>();
  for (const row of rows) {
    const host = hostOf(row);
    if (!observed.has(host)) {
      out.notLive.push({ decky: row, reason: 'engine not read yet' });
      continue;
    }
    const seen = index.get(keyOf(host, row.name, row.source === 'topology' ? row.topologyId : undefined));
    if (!seen) {
      out.notLive.push({ decky: row, reason: 'no containers on the engine' });
      continue;
    }
    matched.add(seen);
    if (!seen.running) {
      out.notLive.push({ decky: row, reason: 'containers stopped' });
      continue;
    }
    if (row.services === null) {
      out.live.push(row);
      continue;
    }
    const services = row.services.filter((s) => seen.services.includes(s));
    const stopped = row.services.filter((s) => !seen.services.includes(s));
    if (services.length === 0) {
      out.notLive.push({ decky: row, reason: 'listed services not running', stopped });
      continue;
    }
    out.live.push(stopped.length === 0 ? row : { ...row, services });
    if (stopped.length > 0) out.narrowed.push({ decky: row, stopped });
  }
  for (const deckies of observed.values()) for (const o of deckies) if (o.running && !matched.has(o)) out.unlisted.push(o);
  return out;
}

function keyOf(host: string, name: string, topologyId: string | undefined): string {
  return `${host}\u0000${name}\u0000${topologyId ?? ''}`;
}
