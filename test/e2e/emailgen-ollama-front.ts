import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OllamaTestServer, startOllamaServer } from '../support/ollama-server.js';

/** A loopback Ollama whose answer depends on the language the prompt asks for. */
export interface LanguageOllama {
  /** for OLLAMA_HOST */
  url: string;
  /** the prompts it answered, in order */
  prompts: string[];
  close(): Promise<void>;
}

/**
 * Puts a tiny front before the scriptable test server: it reads each /api/generate prompt,
 * queues the answer written for the language named in it (`in Spanish`, …), then forwards the
 * request unchanged, one at a time so answers never cross. The Ollama protocol stays the test
 * server's.
 */
export async function startLanguageOllama(answers: Record<string, string>, fallback: string): Promise<LanguageOllama> {
  const backend: OllamaTestServer = await startOllamaServer();
  const prompts: string[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const forward = async () => {
      if (req.url?.startsWith('/api/generate')) {
        const prompt = String((JSON.parse(body.toString('utf8')) as { prompt?: unknown }).prompt ?? '');
        prompts.push(prompt);
        const language = Object.keys(answers).find((l) => prompt.includes(`in ${l}.`) || prompt.includes(`in ${l},`));
        backend.enqueue({ kind: 'answer', text: language ? answers[language]! : fallback });
      }
      const upstream = await fetch(`${backend.url}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(body.length > 0 ? { body } : {}),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    };
    const turn = chain.then(forward, forward);
    chain = turn.catch(() => undefined);
    await turn.catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    prompts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await backend.close();
    },
  };
}
