import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { EngineAddress } from '../engine-address.js';
import type Docker from 'dockerode';
import { dockerodeTransport, type ExecConfig, type ExecState, type ExecTransport } from './exec-transport.js';

/** Largest JSON answer read from the engine for an exec call (they are a few hundred bytes). */
export const MAX_ENGINE_ANSWER = 1024 * 1024;

/** Connections kept open per engine for create/inspect calls; more calls wait for one. */
const MAX_POOLED_SOCKETS = 64;

type Address = Exclude<EngineAddress, { kind: 'ssh' }>;

/** The exec transport for a dockerode instance: straight HTTP unless the engine is reached over SSH. */
export function transportFor(docker: Docker): ExecTransport {
  // docker-modem has already resolved DOCKER_HOST and the TLS files into these fields
  const m = docker.modem as {
    socketPath?: unknown;
    protocol?: string;
    host?: string;
    port?: number | string;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
  };
  if (typeof m.socketPath === 'string') return httpTransport({ kind: 'socket', path: m.socketPath });
  if ((m.protocol === 'http' || m.protocol === 'https') && m.host) {
    const port = Number(m.port ?? (m.protocol === 'https' ? 2376 : 2375));
    return httpTransport(
      m.protocol === 'https'
        ? { kind: 'tcp', host: m.host, port, tls: { ca: m.ca, cert: m.cert, key: m.key } }
        : { kind: 'tcp', host: m.host, port },
    );
  }
  return dockerodeTransport(docker);
}

/**
 * The exec calls straight over node:http (unix socket, TCP, TLS). Create and inspect reuse
 * keep-alive connections, bounded per engine; start gets a fresh connection, since the engine
 * takes it over for the raw stream. It does what dockerode does for these three calls at about
 * a third of the client CPU: docker-modem formats every request's options with util.inspect
 * (even with debug off) and wraps each in several promise and stream layers.
 */
export function httpTransport(address: Address): ExecTransport {
  const tls = address.kind === 'tcp' ? address.tls : undefined;
  const base: RequestOptions =
    address.kind === 'socket'
      ? { socketPath: address.path }
      : { host: address.host, port: address.port, ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}) };
  const send = tls ? httpsRequest : httpRequest;
  // idle pooled sockets close after a while so an idle daemon holds no connection
  const agentOpts = { keepAlive: true, maxSockets: MAX_POOLED_SOCKETS, maxFreeSockets: 16, timeout: 30_000 };
  const agent = tls ? new HttpsAgent({ ...agentOpts, ca: tls.ca, cert: tls.cert, key: tls.key }) : new HttpAgent(agentOpts);

  function call<T>(method: string, path: string, body: unknown, signal: AbortSignal, ok: number[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> =
        data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
      const req = send({ ...base, agent, method, path, headers }, (res) => {
        readAnswer(res).then((text) => {
          signal.removeEventListener('abort', cancel);
          if (!ok.includes(res.statusCode ?? 0)) return reject(engineError(res.statusCode, text));
          try {
            resolve(JSON.parse(text) as T);
          } catch (err) {
            reject(err);
          }
        }, reject);
      });
      const cancel = cancelOn(req, signal);
      req.on('error', (err) => {
        signal.removeEventListener('abort', cancel);
        reject(err);
      });
      req.end(data);
    });
  }

  return {
    async create(container: string, config: ExecConfig, signal: AbortSignal): Promise<string> {
      const answer = await call<{ Id?: unknown }>('POST', `/containers/${encodeURIComponent(container)}/exec`, config, signal, [200, 201]);
      if (typeof answer.Id !== 'string' || !/^[A-Za-z0-9]+$/.test(answer.Id)) throw new Error('engine answered an exec without an id');
      return answer.Id;
    },

    // stdin needs nothing here: the exec was created with AttachStdin, the caller writes and half-closes
    start(id: string, _stdin: boolean, signal: AbortSignal): Promise<Duplex> {
      return new Promise<Duplex>((resolve, reject) => {
        const data = JSON.stringify({ Detach: false, Tty: false });
        const req: ClientRequest = send({
          ...base,
          agent: false,
          method: 'POST',
          path: `/exec/${id}/start`,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), connection: 'Upgrade', upgrade: 'tcp' },
        });
        // once upgraded, the socket is the caller's to destroy
        const cancel = cancelOn(req, signal);
        req.on('upgrade', (_res: IncomingMessage, sock: Duplex, head: Buffer) => {
          signal.removeEventListener('abort', cancel);
          if (head.length > 0) sock.unshift(head);
          resolve(sock);
        });
        // no upgrade: the engine refused (404 exec gone, 409 paused or stopped)
        req.on('response', (res: IncomingMessage) => {
          signal.removeEventListener('abort', cancel);
          readAnswer(res).then((text) => reject(engineError(res.statusCode, text)), reject);
        });
        req.on('error', (err) => {
          signal.removeEventListener('abort', cancel);
          reject(err);
        });
        req.end(data);
      });
    },

    async inspect(id: string, signal: AbortSignal): Promise<ExecState> {
      const info = await call<{ Running?: unknown; ExitCode?: unknown; Pid?: unknown }>(
        'GET',
        `/exec/${id}/json`,
        undefined,
        signal,
        [200],
      );
      return {
        Running: info.Running === true,
        ExitCode: typeof info.ExitCode === 'number' ? info.ExitCode : null,
        Pid: typeof info.Pid === 'number' ? info.Pid : 0,
      };
    },

    close(): void {
      agent.destroy();
    },
  };
}

// one plain listener per call: the `signal` option of http.request adds an end-of-stream watcher
// per request, which cost more than the request itself
function cancelOn(req: ClientRequest, signal: AbortSignal): () => void {
  const cancel = () => req.destroy(new Error('aborted: the exec was abandoned'));
  if (signal.aborted) queueMicrotask(cancel);
  else signal.addEventListener('abort', cancel, { once: true });
  return cancel;
}

// the body of a small answer, cut off (and the connection dropped) past MAX_ENGINE_ANSWER
function readAnswer(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ENGINE_ANSWER) {
        res.destroy();
        reject(new Error(`engine answer larger than ${MAX_ENGINE_ANSWER} bytes`));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

// the engine's own message (`{"message": …}`) with the status, as dockerode reports it
function engineError(status: number | undefined, text: string): Error & { statusCode?: number } {
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return Object.assign(new Error(`(HTTP code ${status ?? '?'}) ${message.slice(0, 300)}`), { statusCode: status });
}
