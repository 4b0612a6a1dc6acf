import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { type Logger, silentLogger } from '../../log/logger.port.js';
import { DockerError } from '../docker-error.js';
import type { ContainerEvent, ContainerInfo, DockerPort } from '../docker.port.js';
import type { EngineAddress } from '../engine-address.js';
import { JsonLines } from '../json-lines.js';
import { runExec } from './dockerode-exec.js';

/** How to build a DockerPort on dockerode. */
export interface DockerodePortOptions {
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
  logger?: Logger;
}

// lifecycle actions that can change what runs; exec_* and health_status are noise here.
const LIFECYCLE = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'destroy', 'pause', 'unpause', 'rename', 'update', 'oom'];
// event attributes the engine adds beside the labels
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'signal']);

/** A DockerPort on one dockerode instance, reused for every call (keep-alive on the hot path). */
export function createDockerodePort(opts: DockerodePortOptions): DockerPort & { close(): void } {
  const { docker, agent } = toDocker(opts.docker);
  const log = (opts.logger ?? silentLogger).child({ docker: opts.hostId });
  const deps = {
    docker,
    defaultTimeoutMs: opts.defaultTimeoutMs ?? 8000,
    maxOutputBytes: opts.maxOutputBytes ?? 64 * 1024,
    killInContainer: opts.killInContainer ?? true,
  };

  return {
    hostId: opts.hostId,
    exec: (req) => runExec(deps, req),

    async listDeckyContainers(): Promise<ContainerInfo[]> {
      let list: Docker.ContainerInfo[];
      try {
        list = await docker.listContainers({ all: true, filters: { label: ['decnet.decky'] } });
      } catch (err) {
        throw new DockerError(`listing containers on ${opts.hostId} failed`, 'DOCKER_UNAVAILABLE', true, { cause: err });
      }
      return list.map(toContainerInfo);
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
        if (!e || closed) return;
        try {
          onEvent(e);
        } catch (err) {
          log.error({ err }, 'container event handler threw');
        }
      });
      docker
        .getEvents({
          filters: { type: ['container'], label: ['decnet.decky'], event: LIFECYCLE },
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
      try {
        await docker.ping({ abortSignal: AbortSignal.timeout(3000) });
        return true;
      } catch {
        return false;
      }
    },

    close(): void {
      agent?.destroy();
    },
  };
}

function toDocker(given: DockerodePortOptions['docker']): { docker: Docker; agent?: http.Agent } {
  if (given instanceof Docker) return { docker: given };
  if (given && 'kind' in given) return withAgent(fromAddress(given));
  return withAgent(given ?? {});
}

// one keep-alive agent per engine: exec create/inspect reuse connections instead of dialling.
function withAgent(options: Docker.DockerOptions): { docker: Docker; agent?: http.Agent } {
  if (options.protocol === 'ssh') return { docker: new Docker(options) };
  const agent = options.protocol === 'https' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  return { docker: new Docker({ ...options, agent } as Docker.DockerOptions), agent };
}

function fromAddress(a: EngineAddress): Docker.DockerOptions {
  switch (a.kind) {
    case 'socket':
      return { socketPath: a.path };
    case 'tcp':
      return a.tls
        ? { protocol: 'https', host: a.host, port: a.port, ca: a.tls.ca, cert: a.tls.cert, key: a.tls.key }
        : { protocol: 'http', host: a.host, port: a.port };
    case 'ssh':
      return { protocol: 'ssh', host: a.host, port: a.port, username: a.username, sshOptions: { agent: a.agent } };
  }
}

function toContainerInfo(c: Docker.ContainerInfo): ContainerInfo {
  const labels = c.Labels ?? {};
  const info: ContainerInfo = {
    id: c.Id,
    name: (c.Names?.[0] ?? '').replace(/^\//, ''),
    running: c.State === 'running',
    labels,
  };
  const ip = ipOf(c, labels['decnet.ip']);
  if (ip) info.ip = ip;
  return info;
}

// the label wins when it is an IP literal; else the first network (engine order) with an address.
function ipOf(c: Docker.ContainerInfo, label: string | undefined): string | undefined {
  if (label !== undefined && isIP(label.trim()) !== 0) return label.trim();
  for (const net of Object.values(c.NetworkSettings?.Networks ?? {})) {
    if (net?.IPAddress) return net.IPAddress;
    if (net?.GlobalIPv6Address) return net.GlobalIPv6Address;
  }
  return undefined;
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
