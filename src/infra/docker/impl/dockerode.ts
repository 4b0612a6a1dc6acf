import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { type Logger, silentLogger } from '../../log/logger.port.js';
import { DockerError } from '../docker-error.js';
import type { ContainerEvent, DockerPort, EngineProbe } from '../docker.port.js';
import type { ContainerInfo } from '../../../domain/container.js';
import { baseRefs, hasScope, selectLayout, serviceIdentity, TopologyLabel } from '../../../domain/decnet-layout.js';
import type { EngineAddress } from '../engine-address.js';
import { JsonLines } from '../json-lines.js';
import { readArchiveFile } from './archive-read.js';
import { runExec } from './dockerode-exec.js';
import { transportFor } from './engine-http.js';
import { sshEngine } from './ssh-engine.js';

/** How to build a DockerPort on dockerode. */
interface DockerodePortOptions {
  /** `local`, or the swarm host uuid this engine belongs to */
  hostId: string;
  /** an engine address (from the factory), dockerode options, or a ready instance to share */
  docker?: EngineAddress | Docker.DockerOptions | Docker;
  /** default wall-clock bound per exec (8 s) */
  defaultTimeoutMs?: number;
  /** default cap on stdout+stderr bytes per exec (64 KiB) */
  maxOutputBytes?: number;
  /** also kill the process inside the container via coreutils `timeout` (default true) */
  killInContainer?: boolean;
  /** an extra `key=value` label every service container must carry (several DECNETs on one engine) */
  scope?: string;
  logger?: Logger;
}

// lifecycle actions that can change what runs; exec_* and health_status are noise here.
const LIFECYCLE = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'destroy', 'pause', 'unpause', 'rename', 'update', 'oom'];
// event attributes the engine adds beside the labels
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'signal']);

/** A DockerPort on one dockerode instance, reused for every call. */
export function createDockerodePort(opts: DockerodePortOptions): DockerPort & { close(): void; diagnose(): Promise<EngineProbe> } {
  const { docker, explain } = toDocker(opts.docker);
  const transport = transportFor(docker);
  const log = (opts.logger ?? silentLogger).child({ docker: opts.hostId });
  const deps = {
    transport,
    defaultTimeoutMs: opts.defaultTimeoutMs ?? 8000,
    maxOutputBytes: opts.maxOutputBytes ?? 64 * 1024,
    killInContainer: opts.killInContainer ?? true,
  };

  // ids and names of the bases the last list found: their events matter too (a dying base takes
  // its decky's network), but a label filter cannot select them, being label-less
  let bases = new Set<string>();
  const concerns = (e: ContainerEvent): boolean =>
    (serviceIdentity(e) !== undefined && hasScope(e.labels, opts.scope)) ||
    e.labels[TopologyLabel.ROLE] === 'base' ||
    bases.has(e.containerId) ||
    (e.name !== undefined && bases.has(e.name));

  const diagnose = async (): Promise<EngineProbe> => {
    try {
      // the typings omit ping's abortSignal option, which dockerode does honour
      const ping = docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
      // an ssh:// engine logs in and starts `docker system dial-stdio` first: more than a socket's time
      await ping.call(docker, { abortSignal: AbortSignal.timeout(explain ? 10_000 : 3000) });
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: explain ? explain(err) : 'Docker engine did not answer' };
    }
  };

  return {
    hostId: opts.hostId,
    exec: (req) => runExec(deps, req),
    readFile: (container, path, maxBytes, readOpts) => readArchiveFile(docker, container, path, maxBytes, readOpts),

    // one unfiltered list per sync: service containers and their label-less bases in one snapshot
    async listDeckyContainers(): Promise<ContainerInfo[]> {
      let list: Docker.ContainerInfo[];
      try {
        list = await docker.listContainers({ all: true });
      } catch (err) {
        const why = explain ? `: ${explain(err)}` : '';
        throw new DockerError(`listing containers on ${opts.hostId} failed${why}`, 'DOCKER_UNAVAILABLE', true, { cause: err });
      }
      const layout = selectLayout(list.map(toContainerInfo), opts.scope);
      const refs = baseRefs(layout);
      for (const c of layout) if (refs.has(c.id) || refs.has(c.name)) refs.add(c.id);
      bases = refs;
      return layout;
    },

    watchEvents(onEvent, onError) {
      let closed = false;
      let stream: Readable | undefined;
      const abort = new AbortController();
      const fail = (err: Error): void => {
        if (closed) return;
        closed = true;
        stream?.destroy();
        onError(err);
      };
      const lines = new JsonLines((v) => {
        const e = toContainerEvent(v);
        if (!e || closed || !concerns(e)) return;
        try {
          onEvent(e);
        } catch (err) {
          log.error({ err }, 'container event handler threw');
        }
      });
      docker
        .getEvents({
          filters: { type: ['container'], event: LIFECYCLE },
          abortSignal: abort.signal,
        })
        .then(
          (s) => {
            stream = s as Readable;
            if (closed) return void stream.destroy();
            stream.on('data', (c: Buffer) => lines.push(c));
            stream.on('error', (err: Error) => fail(err));
            stream.on('end', () => fail(new Error('docker event stream ended')));
            stream.on('close', () => fail(new Error('docker event stream closed')));
          },
          (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
        );
      return () => {
        closed = true;
        abort.abort();
        stream?.destroy();
      };
    },

    async ping(): Promise<boolean> {
      return (await diagnose()).ok;
    },

    diagnose,

    // the exec transport pools keep-alive connections for create and inspect
    close(): void {
      transport.close();
    },
  };
}

// `explain` turns an ssh:// engine's connection failure into a line naming the cause
function toDocker(given: DockerodePortOptions['docker']): { docker: Docker; explain?: (err: unknown) => string } {
  if (given instanceof Docker) return { docker: given };
  if (given !== undefined && 'kind' in given) {
    const address = given as EngineAddress;
    if (address.kind !== 'ssh') return { docker: new Docker(fromAddress(address)) };
    const ssh = sshEngine(address);
    return { docker: new Docker(ssh.options), explain: ssh.explain };
  }
  // no keep-alive agent on purpose: docker-modem util.inspect()s every request's options (debug
  // logging, evaluated even when off), and an agent with pooled sockets made that cost seconds
  // of blocked event loop under concurrent execs. Execs, the hot path, do not go through
  // docker-modem at all (engine-http.ts pools its own connections); list, events and ping do.
  return { docker: new Docker((given as Docker.DockerOptions | undefined) ?? {}) };
}

function fromAddress(a: Exclude<EngineAddress, { kind: 'ssh' }>): Docker.DockerOptions {
  switch (a.kind) {
    case 'socket':
      return { socketPath: a.path };
    case 'tcp':
      return a.tls
        ? { protocol: 'https', host: a.host, port: a.port, ca: a.tls.ca, cert: a.tls.cert, key: a.tls.key }
        : { protocol: 'http', host: a.host, port: a.port };
  }
}

function toContainerInfo(c: Docker.ContainerInfo): ContainerInfo {
  const info: ContainerInfo = {
    id: c.Id,
    name: (c.Names?.[0] ?? '').replace(/^\//, ''),
    running: c.State === 'running',
    labels: c.Labels ?? {},
    networks: addresses(c),
  };
  const mode = c.HostConfig?.NetworkMode ?? '';
  if (mode.startsWith('container:') && mode.length > 'container:'.length) info.networkContainerId = mode.slice('container:'.length);
  return info;
}

// the engine's own addresses; a container sharing another's namespace has none of its own
function addresses(c: Docker.ContainerInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, net] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    const ip = net?.IPAddress || net?.GlobalIPv6Address;
    if (ip) out[name] = ip;
  }
  return out;
}

function toContainerEvent(v: unknown): ContainerEvent | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { Type?: unknown; Action?: unknown; status?: unknown; id?: unknown; Actor?: { ID?: unknown; Attributes?: unknown } };
  const action = typeof o.Action === 'string' ? o.Action : typeof o.status === 'string' ? o.status : undefined;
  const id = typeof o.Actor?.ID === 'string' ? o.Actor.ID : typeof o.id === 'string' ? o.id : undefined;
  if ((o.Type !== undefined && o.Type !== 'container') || !action || !id) return undefined;
  if (action.startsWith('exec_') || action.startsWith('health_status')) return undefined;
  const attrs = typeof o.Actor?.Attributes === 'object' && o.Actor.Attributes !== null ? o.Actor.Attributes : {};
  const labels: Record<string, string> = {};
  let name: string | undefined;
  for (const [k, val] of Object.entries(attrs)) {
    if (typeof val !== 'string') continue;
    if (k === 'name') name = val;
    if (!NOT_LABELS.has(k)) labels[k] = val;
  }
  return name === undefined ? { action, containerId: id, labels } : { action, containerId: id, name, labels };
}
