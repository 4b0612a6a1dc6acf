import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTransport, MAX_ENGINE_ANSWER, transportFor } from '../../../src/infra/docker/impl/engine-http.js';
import type { ExecConfig } from '../../../src/infra/docker/impl/exec-transport.js';
import { createDockerodePort } from '../../../src/infra/docker/impl/dockerode.js';

const config: ExecConfig = { Cmd: ['true'], AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false };

// a scripted engine on a unix socket: each test sets how a path answers
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('engine-http exec transport › against a scripted engine on a unix socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-engine-http-'));
  const socketPath = join(dir, 'engine.sock');
  const handlers = new Map<string, Handler>();
  const seen: { method: string; url: string; body: string; socket: number }[] = [];
  const sockets = new Map<unknown, number>();
  let server: Server;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body: Buffer.concat(chunks).toString(),
          socket: sockets.get(req.socket)!,
        });
        const h = handlers.get(`${req.method} ${req.url}`);
        if (h) h(req, res);
        else
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ message: `not implemented: ${req.method} ${req.url}` }));
      });
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an exec with the config as JSON and reuses one kept-alive connection for the next call', async () => {
    handlers.set('POST /containers/web01-ssh/exec', (_q, res) =>
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"Id":"abc123"}'),
    );
    handlers.set('GET /exec/abc123/json', (_q, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"Running":false,"ExitCode":3,"Pid":42}'),
    );
    const t = httpTransport({ kind: 'socket', path: socketPath });
    const signal = new AbortController().signal;
    seen.length = 0;
    expect(await t.create('web01-ssh', config, signal)).toBe('abc123');
    expect(await t.inspect('abc123', signal)).toEqual({ Running: false, ExitCode: 3, Pid: 42 });
    expect(JSON.parse(seen[0]!.body)).toEqual(config);
    expect(seen[0]!.socket).toBe(seen[1]!.socket);
    t.close();
  });

  it('rejects with the engine status and message, as dockerode does', async () => {
    handlers.set('POST /containers/gone-ssh/exec', (_q, res) =>
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No such container: gone-ssh"}'),
    );
    const t = httpTransport({ kind: 'socket', path: socketPath });
    const err = await t.create('gone-ssh', config, new AbortController().signal).catch((e: Error & { statusCode?: number }) => e);
    expect(err).toMatchObject({ statusCode: 404, message: '(HTTP code 404) No such container: gone-ssh' });
    t.close();
  });

  it('refuses an id that could leave the API path, and an answer past the size cap', async () => {
    handlers.set('POST /containers/evil-ssh/exec', (_q, res) => res.writeHead(201).end('{"Id":"../../containers/x/kill"}'));
    handlers.set('POST /containers/huge-ssh/exec', (_q, res) => res.writeHead(201).end(`{"Id":"${'a'.repeat(MAX_ENGINE_ANSWER + 10)}"}`));
    const t = httpTransport({ kind: 'socket', path: socketPath });
    const signal = new AbortController().signal;
    await expect(t.create('evil-ssh', config, signal)).rejects.toThrow(/without an id/);
    await expect(t.create('huge-ssh', config, signal)).rejects.toThrow(/larger than/);
    t.close();
  });

  it('drops a pending call when its signal aborts', async () => {
    handlers.set('GET /exec/slow/json', () => undefined);
    const t = httpTransport({ kind: 'socket', path: socketPath });
    const ctl = new AbortController();
    const pending = t.inspect('slow', ctl.signal);
    setTimeout(() => ctl.abort(), 20);
    await expect(pending).rejects.toThrow(/aborted/);
    t.close();
  });

  it('reports a refused start (no upgrade) with its status', async () => {
    handlers.set('POST /exec/stopped/start', (_q, res) =>
      res.writeHead(409, { 'content-type': 'application/json' }).end('{"message":"container is paused"}'),
    );
    const t = httpTransport({ kind: 'socket', path: socketPath });
    await expect(t.start('stopped', false, new AbortController().signal)).rejects.toMatchObject({ statusCode: 409 });
    t.close();
  });

  it('is chosen for socket and TCP engines from what docker-modem resolved', async () => {
    handlers.set('POST /containers/tcp01-ssh/exec', (_q, res) => res.writeHead(201).end('{"Id":"feed01"}'));
    const tcp = createServer((req, res) => server.emit('request', req, res));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const port = (tcp.address() as { port: number }).port;
    try {
      const signal = new AbortController().signal;
      const viaTcp = transportFor(new Docker({ protocol: 'http', host: '127.0.0.1', port }));
      expect(await viaTcp.create('tcp01-ssh', config, signal)).toBe('feed01');
      viaTcp.close();
      const viaSocket = transportFor(new Docker({ socketPath }));
      expect(await viaSocket.create('tcp01-ssh', config, signal)).toBe('feed01');
      viaSocket.close();
    } finally {
      tcp.closeAllConnections();
      await new Promise((r) => tcp.close(r));
    }
    createDockerodePort({ hostId: 'x', docker: { kind: 'socket', path: socketPath } }).close();
  });
});
