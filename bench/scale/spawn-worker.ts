import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineExecLog } from '../peers/fake-engine.js';
import { COMPILED, engineCall } from '../peers/peer.js';
import { type CapacityOptions, type CapacityResult, runCapacity } from './capacity-worker.js';
import { type DeckyWorkerOptions, type DeckyWorkerResult, runDeckyWorker } from './decky-worker.js';
import { type PersonaWorkerOptions, type PersonaWorkerResult, runPersonaWorker } from './persona-worker.js';

/** Worker roles and what each answers. */
export interface WorkerRoles {
  deckies: [DeckyWorkerOptions, DeckyWorkerResult];
  personas: [PersonaWorkerOptions, PersonaWorkerResult];
  capacity: [CapacityOptions, CapacityResult];
}

/**
 * Runs one measured worker: in a fresh `node --expose-gc` process when compiled (its RSS and CPU
 * are its own), inline under vitest.
 */
export async function runWorker<R extends keyof WorkerRoles>(
  role: R,
  opts: WorkerRoles[R][0],
  timeoutMs = 600_000,
): Promise<WorkerRoles[R][1]> {
  if (!COMPILED) return inline(role, opts);
  const main = fileURLToPath(new URL('./worker.main.js', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', main, role, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  if (timedOut) throw new Error(`${role} worker still busy after ${Math.round(timeoutMs / 1000)} s: killed`);
  if (code !== 0) throw new Error(`${role} worker exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as WorkerRoles[R][1];
}

async function inline<R extends keyof WorkerRoles>(role: R, opts: WorkerRoles[R][0]): Promise<WorkerRoles[R][1]> {
  const socketPath = (opts as { socketPath: string }).socketPath;
  const engineLog = () => engineCall<EngineExecLog[]>(socketPath, 'GET', '/_bench/log');
  if (role === 'deckies') return (await runDeckyWorker(opts as DeckyWorkerOptions, engineLog)) as WorkerRoles[R][1];
  if (role === 'personas') return (await runPersonaWorker(opts as PersonaWorkerOptions)) as WorkerRoles[R][1];
  return (await runCapacity(opts as CapacityOptions)) as WorkerRoles[R][1];
}
