import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startOllamaServer } from '../../test/support/ollama-server.js';
import { type EngineContainer, type EngineExecLog, type EngineStats, startFakeEngine } from './fake-engine.js';
import { pidCpuMs } from '../lib/measure.js';

/** What a peer hosts: a fake engine (with its containers) and/or a zero-latency Ollama server. */
export interface PeerOptions {
  engine?: { socketPath: string; containers: EngineContainer[]; log?: boolean };
  /** the text every generation answers with */
  ollamaReply?: string;
  /** run in this process (tests, or when no compiled peer exists); default: a child process when compiled */
  inline?: boolean;
  /** scratch directory for the container list handed to a child */
  dir: string;
}

/** A running peer; its CPU never counts as the measured process's. */
export interface Peer {
  socketPath?: string;
  ollamaUrl?: string;
  /** true when it runs in its own process */
  separate: boolean;
  /** CPU ms the peer process spent so far (0 inline: it is inside ours) */
  cpuMs(): number;
  engineStats(): Promise<EngineStats>;
  engineLog(): Promise<EngineExecLog[]>;
  resetEngine(): Promise<void>;
  close(): Promise<void>;
}

/** True when this module runs compiled (node on the bench build), false under vitest. */
export const COMPILED = import.meta.url.endsWith('.js');

/** Starts a peer, in a child process when compiled, else inline. */
export async function startPeer(opts: PeerOptions): Promise<Peer> {
  return (opts.inline ?? !COMPILED) ? startInline(opts) : startChild(opts);
}

async function startInline(opts: PeerOptions): Promise<Peer> {
  const engine = opts.engine ? await startFakeEngine(opts.engine) : undefined;
  const ollama =
    opts.ollamaReply === undefined ? undefined : await startOllamaServer({ defaultReply: { kind: 'answer', text: opts.ollamaReply } });
  return {
    ...(engine ? { socketPath: engine.socketPath } : {}),
    ...(ollama ? { ollamaUrl: ollama.url } : {}),
    separate: false,
    cpuMs: () => 0,
    engineStats: async () => need(engine).stats(),
    engineLog: async () => need(engine).log(),
    resetEngine: async () => need(engine).reset(),
    close: async () => {
      await engine?.close();
      await ollama?.close();
    },
  };
}

async function startChild(opts: PeerOptions): Promise<Peer> {
  const args: string[] = [];
  if (opts.engine) {
    const file = `${opts.dir}/containers.json`;
    writeFileSync(file, JSON.stringify(opts.engine.containers));
    args.push('--socket', opts.engine.socketPath, '--containers', file, ...(opts.engine.log ? ['--log'] : []));
  }
  if (opts.ollamaReply !== undefined) {
    const file = `${opts.dir}/ollama-reply.txt`;
    writeFileSync(file, opts.ollamaReply);
    args.push('--ollama', file);
  }
  const child = spawn(process.execPath, [fileURLToPath(new URL('./peer.main.js', import.meta.url)), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const ready = await readyLine(child);
  const socketPath = opts.engine?.socketPath;
  const call = <T>(method: string, path: string) => engineCall<T>(need(socketPath), method, path);
  return {
    ...(socketPath ? { socketPath } : {}),
    ...(ready.ollamaUrl ? { ollamaUrl: ready.ollamaUrl } : {}),
    separate: true,
    cpuMs: () => pidCpuMs(child.pid ?? 0),
    engineStats: () => call<EngineStats>('GET', '/_bench/stats'),
    engineLog: () => call<EngineExecLog[]>('GET', '/_bench/log'),
    resetEngine: async () => void (await call('POST', '/_bench/reset')),
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function readyLine(child: ChildProcess): Promise<{ ollamaUrl?: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (c: Buffer) => {
      text += c.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      child.stdout?.off('data', onData);
      resolve(JSON.parse(text.slice(0, nl)) as { ollamaUrl?: string });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`peer exited early (${code})`)));
  });
}

/** One JSON request to the fake engine's `/_bench` endpoints over its socket. */
export function engineCall<T>(socketPath: string, method: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T));
    });
    req.on('error', reject);
    req.end();
  });
}

function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('not implemented: this peer does not host that server');
  return v;
}
