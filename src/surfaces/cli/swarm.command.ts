import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { StoreQueryError } from '../../infra/store/store-errors.js';
import { withStore } from '../../infra/store/store.factory.js';
import type { SwarmHost } from '../../infra/store/swarm-hosts.port.js';
import { checkSwarmHostSpec, type SwarmHostSpec, SwarmHostSpecError } from '../../infra/swarm/swarm-endpoint.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { formatTable, safeJson } from './text-output.js';
import type { StoreCommandDeps } from './topology-import.command.js';

/** The option strings commander hands `add-host`. */
interface AddHostOptions {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  sharesNetwork?: boolean;
}

/**
 * Registers `swarm add-host NAME ENDPOINT [--tls-ca/--tls-cert/--tls-key PATH] [--shares-network]`,
 * `swarm list-hosts [--json]` and `swarm remove-host NAME|UUID` (issue 6). A running daemon picks
 * changes up at its next host-list refresh. Bad input is a CliError (exit 2) and writes nothing.
 */
export function registerSwarmCommand(program: Command, ctx: CliContext, deps: StoreCommandDeps = {}): Command {
  const swarm = program.command('swarm').description('remote Docker engines that run shard deckies');
  const store = <T>(fn: Parameters<typeof withStore<T>>[1]) =>
    withStore({ dbPath: ctx.config().dbPath, logger: ctx.logger }, fn, deps.openStore);

  swarm
    .command('add-host')
    .description('register a remote Docker engine: unix:///path, tcp://host:port with TLS files, or ssh://user@host')
    .argument('<name>', 'short host name (letters, digits, _ . -)')
    .argument('<endpoint>', 'unix:///path/docker.sock | tcp://host:2376 | ssh://user@host[:port]')
    .option('--tls-ca <path>', 'CA certificate of a tcp:// engine')
    .option('--tls-cert <path>', 'client certificate for a tcp:// engine')
    .option('--tls-key <path>', 'client key for a tcp:// engine')
    .option('--shares-network', 'deckies here may exchange traffic with deckies of other sharing hosts')
    .action(async (name: string, endpoint: string, opts: AddHostOptions) => {
      const spec = await checkedSpec(name, endpoint, opts);
      const host = await store((s) =>
        s.swarm.addHost({ name: spec.name, endpoint: spec.endpoint, tls: spec.tls, sharesNetwork: spec.sharesNetwork }),
      ).catch((err: unknown) => {
        if (err instanceof StoreQueryError) throw new CliError(err.message, 2);
        throw err;
      });
      ctx.out(`added swarm host ${host.name} (${host.uuid}) at ${host.endpoint}${host.sharesNetwork ? ', sharing a network' : ''}`);
    });

  swarm
    .command('list-hosts')
    .description('list swarm hosts with their state as their host actors last saw it')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const hosts = await store((s) => s.swarm.listHosts());
      if (opts.json) return ctx.out(safeJson(hosts));
      if (hosts.length === 0) return ctx.out('no swarm hosts');
      for (const line of formatTable(['UUID', 'NAME', 'ENDPOINT', 'TLS', 'SHARES', 'STATE', 'LAST SEEN'], hosts.map(hostCells)))
        ctx.out(line);
    });

  swarm
    .command('remove-host')
    .description('unregister a swarm host; its deckies are marked torn_down (their events stay)')
    .argument('<host>', 'host name or uuid')
    .action(async (key: string) => {
      const removed = await store((s) => s.swarm.removeHost(key));
      if (!removed) throw new CliError(`no swarm host named ${JSON.stringify(key)}`, 1);
      ctx.out(`removed swarm host ${removed.name} (${removed.uuid})`);
    });
  return swarm;
}

// paths are made absolute and checked readable now: a typo is found at add-host, not at 3 a.m.
async function checkedSpec(name: string, endpoint: string, opts: AddHostOptions): Promise<SwarmHostSpec> {
  const tls: SwarmHostSpec['tls'] = {};
  for (const key of ['ca', 'cert', 'key'] as const) {
    const raw = opts[`tls${key[0]!.toUpperCase()}${key.slice(1)}` as 'tlsCa' | 'tlsCert' | 'tlsKey'];
    if (raw === undefined) continue;
    const path = resolve(raw);
    await access(path, constants.R_OK).catch(() => {
      throw new CliError(`--tls-${key} ${path} is not a readable file`, 2);
    });
    tls[key] = path;
  }
  try {
    return checkSwarmHostSpec({ name, endpoint: endpoint.trim(), tls, sharesNetwork: opts.sharesNetwork === true });
  } catch (err) {
    if (err instanceof SwarmHostSpecError) throw new CliError(err.message, 2);
    throw err;
  }
}

function hostCells(h: SwarmHost): string[] {
  const tls = h.tls.cert !== null ? 'mutual' : h.tls.ca !== null ? 'ca' : '-';
  const state = h.state === 'unreachable' && h.lastError ? `unreachable (${h.lastError})` : h.state;
  return [h.uuid, h.name, h.endpoint, tls, h.sharesNetwork ? 'yes' : 'no', state, h.lastSeen?.toISOString() ?? '-'];
}
