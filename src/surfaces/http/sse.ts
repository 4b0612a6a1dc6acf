import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BusPort, Envelope } from '../../infra/bus/bus.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { ApiSources } from './api-sources.port.js';
import { type ApiEvent, envelopeToApi, listApiEvents } from './api-json.js';
import { BASE_HEADERS, sendError } from './respond.js';

/** Options of `createEventStream`. */
interface EventStreamOptions {
  bus: BusPort;
  sources: ApiSources;
  logger: Logger;
  /** default 15 s */
  keepaliveMs?: number;
  /** concurrent streams; one more gets 429. Default 16 */
  maxStreams?: number;
  /** rows in the `snapshot` frame, default 50 */
  snapshotSize?: number;
  /** a client this far behind is dropped instead of growing our memory. Default 1 MiB */
  maxBufferedBytes?: number;
}

/** The SSE endpoint: keepalive, a snapshot, then one frame per bus event named by its kind. */
interface EventStream {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** open streams */
  count(): number;
  /** ends every open stream (server shutdown) */
  closeAll(): void;
}

const KIND = /^[a-z][a-z0-9_-]{0,31}$/;

/** Creates the `GET /api/v1/orchestrator/events/stream` handler. */
export function createEventStream(o: EventStreamOptions): EventStream {
  const keepaliveMs = o.keepaliveMs ?? 15_000;
  const maxStreams = o.maxStreams ?? 16;
  const snapshotSize = o.snapshotSize ?? 50;
  const maxBuffered = o.maxBufferedBytes ?? 1024 * 1024;
  const open = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (open.size >= maxStreams) {
      sendError(res, 429, 'too many streams', `at most ${maxStreams} concurrent event streams`, { 'Retry-After': '5' });
      return;
    }
    open.add(res);
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': keepalive\nretry: 5000\n\n');

    const write = (chunk: string): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(chunk);
      if (res.writableLength > maxBuffered) {
        o.logger.warn({ buffered: res.writableLength }, 'event stream client too slow, dropping it');
        res.destroy();
      }
    };
    // live events are held back until the snapshot is out, so the client sees them in order
    let pending: Envelope[] | null = [];
    let sent = new Set<string>();
    const frame = (env: Envelope): void => {
      const ev = envelopeToApi(env);
      if (!KIND.test(ev.kind) || sent.has(ev.uuid)) return;
      write(`id: ${JSON.stringify(env.id)}\nevent: ${ev.kind}\ndata: ${JSON.stringify(ev)}\n\n`);
    };
    const unsubscribe = o.bus.subscribe('orchestrator.>', (env) => (pending ? pending.push(env) : frame(env)));
    const timer = setInterval(() => write(': keepalive\n\n'), keepaliveMs);
    let cleaned = false;
    const cleanup = (): void => {
      if (cleaned) return;
      cleaned = true;
      unsubscribe();
      clearInterval(timer);
      open.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);

    let rows: ApiEvent[] = [];
    try {
      const page = await listApiEvents(o.sources, { limit: snapshotSize, offset: 0 });
      if (page.ok) rows = page.value.data;
    } catch (err) {
      o.logger.warn({ err: String(err) }, 'event stream snapshot failed; sending an empty one');
    }
    sent = new Set(rows.map((r) => r.uuid));
    write(`event: snapshot\ndata: ${JSON.stringify(rows)}\n\n`);
    const held = pending;
    pending = null;
    for (const env of held) frame(env);
    // the snapshot dedupe only matters for events that raced it
    sent = new Set();
  }

  return {
    handle,
    count: () => open.size,
    closeAll() {
      for (const res of open) res.end();
    },
  };
}
