import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one generation request. */
export type OllamaReply =
  | { kind: 'answer'; text: string }
  | { kind: 'error'; status: number; message: string; json?: boolean }
  | { kind: 'hang' }
  | { kind: 'slow'; delayMs: number; text: string }
  /** the answer is written from the request's prompt (generate) or last message (chat) */
  | { kind: 'write'; write: (prompt: string) => string };

/** A request the server saw; `aborted` turns true when the client closed the socket before an answer. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  aborted: boolean;
  closed: Promise<void>;
}

/** A loopback HTTP server that speaks Ollama's API (/api/generate, /api/chat, /api/tags, /api/version). */
export interface OllamaTestServer {
  /** `http://127.0.0.1:<port>`, for OLLAMA_HOST */
  url: string;
  requests: RecordedRequest[];
  /** replies used in order, one per generation; the default answers when the queue is empty */
  enqueue(...replies: OllamaReply[]): void;
  setDefault(reply: OllamaReply): void;
  close(): Promise<void>;
}

const VERSION = '0.12.6';

/** Starts the server on 127.0.0.1:0. */
export async function startOllamaServer(opts: { models?: string[]; defaultReply?: OllamaReply } = {}): Promise<OllamaTestServer> {
  const models = opts.models ?? ['llama3.1'];
  const queue: OllamaReply[] = [];
  let fallback: OllamaReply = opts.defaultReply ?? { kind: 'answer', text: 'Subject: Hello\n\nHi there.' };
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> | null = null;
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    let markClosed!: () => void;
    const rec: RecordedRequest = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      body,
      aborted: false,
      closed: new Promise<void>((r) => {
        markClosed = r;
      }),
    };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
      markClosed();
    });
    route(req, res, rec);
  });

  function route(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest): void {
    if (req.method === 'GET' && rec.path === '/api/version') {
      json(res, 200, { version: VERSION });
      return;
    }
    if (req.method === 'GET' && rec.path === '/api/tags') {
      json(res, 200, { models: models.map(tag) });
      return;
    }
    if (req.method === 'POST' && (rec.path === '/api/generate' || rec.path === '/api/chat')) {
      const model = String(rec.body?.model ?? '');
      if (!models.includes(model) && !models.includes(model.split(':')[0]!)) {
        json(res, 404, { error: `model "${model}" not found, try pulling it first` });
        return;
      }
      const reply = queue.shift() ?? fallback;
      const chat = rec.path === '/api/chat';
      const stream = rec.body?.stream !== false;
      if (reply.kind === 'hang') return; // never answers; the client must give up
      if (reply.kind === 'error') {
        if (reply.json === false) {
          res.writeHead(reply.status, { 'content-type': 'text/html' }).end(`<html>${reply.message}</html>`);
          return;
        }
        json(res, reply.status, { error: reply.message });
        return;
      }
      const text = reply.kind === 'write' ? reply.write(promptOf(rec.body, chat)) : reply.text;
      const send = () => answer(res, model, text, chat, stream);
      if (reply.kind === 'slow') {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) send();
        }, reply.delayMs);
        timers.add(t);
      } else {
        send();
      }
      return;
    }
    json(res, 404, { error: '404 page not found' });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setDefault: (reply) => {
      fallback = reply;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// the prompt of /api/generate, or the newest message of /api/chat
function promptOf(body: Record<string, unknown> | null, chat: boolean): string {
  if (!chat) return String(body?.prompt ?? '');
  const messages = Array.isArray(body?.messages) ? (body.messages as { content?: unknown }[]) : [];
  return String(messages.at(-1)?.content ?? '');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

// the fields Ollama returns for a finished non-streaming generation
function answer(res: ServerResponse, model: string, text: string, chat: boolean, stream: boolean): void {
  const created_at = new Date().toISOString();
  const stats = {
    done: true,
    done_reason: 'stop',
    total_duration: 1_234_000_000,
    load_duration: 12_000_000,
    prompt_eval_count: 120,
    prompt_eval_duration: 300_000_000,
    eval_count: 90,
    eval_duration: 900_000_000,
  };
  const final = chat
    ? { model, created_at, message: { role: 'assistant', content: stream ? '' : text }, ...stats }
    : { model, created_at, response: stream ? '' : text, ...stats, context: [1, 2, 3] };
  if (!stream) {
    json(res, 200, final);
    return;
  }
  // streaming (Ollama's default when `stream` is absent): NDJSON chunks, then the done record
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const piece = chat
    ? { model, created_at, message: { role: 'assistant', content: text }, done: false }
    : { model, created_at, response: text, done: false };
  res.write(`${JSON.stringify(piece)}\n`);
  res.end(`${JSON.stringify(final)}\n`);
}

function tag(name: string) {
  return {
    name: name.includes(':') ? name : `${name}:latest`,
    model: name.includes(':') ? name : `${name}:latest`,
    modified_at: '2026-01-05T10:00:00.000Z',
    size: 4_920_753_328,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    details: {
      parent_model: '',
      format: 'gguf',
      family: 'llama',
      families: ['llama'],
      parameter_size: '8.0B',
      quantization_level: 'Q4_K_M',
    },
  };
}
