import { readFileSync } from 'node:fs';
import { startOllamaServer } from '../../test/support/ollama-server.js';
import { type EngineContainer, startFakeEngine } from './fake-engine.js';

// a peer process: the fake engine and/or the loopback Ollama server, out of the measured process.
// argv: [--socket PATH --containers FILE [--log]] [--ollama TEXT_FILE]; prints one JSON line when ready.
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};

const socket = opt('--socket');
const engine = socket
  ? await startFakeEngine({
      socketPath: socket,
      containers: JSON.parse(readFileSync(opt('--containers') ?? '', 'utf8')) as EngineContainer[],
      log: args.includes('--log'),
    })
  : undefined;
const replyFile = opt('--ollama');
const ollama = replyFile ? await startOllamaServer({ defaultReply: { kind: 'answer', text: readFileSync(replyFile, 'utf8') } }) : undefined;

const shutdown = async () => {
  await engine?.close();
  await ollama?.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
// the parent holds our stdin: when it goes away, so do we
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ ready: true, socketPath: engine?.socketPath, ollamaUrl: ollama?.url })}\n`);
