import { assign, type InspectionEvent, SimulatedClock, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../../src/actors/worker/start-worker.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { type Logger, silentLogger } from '../../../src/infra/log/logger.port.js';

// a root machine of the smallest kind: it stops on T.STOP, beats once a second, fails on T.BREAK
const machine = setup({
  types: {
    input: {} as { name: string },
    context: {} as { name: string; reason: string | null; beats: number },
    events: {} as { type: 'T.STOP'; reason?: string } | { type: 'T.BREAK' },
    output: {} as { name: string; reason: string; beats: number },
  },
}).createMachine({
  id: 't',
  context: ({ input }) => ({ name: input.name, reason: null, beats: 0 }),
  initial: 'running',
  states: {
    running: {
      after: { 1000: { target: 'running', reenter: true, actions: assign({ beats: ({ context }) => context.beats + 1 }) } },
      on: {
        'T.STOP': { target: 'stopped', actions: assign({ reason: ({ event }) => event.reason ?? 'stop' }) },
        'T.BREAK': 'broken',
      },
    },
    broken: {
      entry: () => {
        throw new Error('boom');
      },
    },
    stopped: { type: 'final' },
  },
  output: ({ context }) => ({ name: context.name, reason: context.reason ?? 'stop', beats: context.beats }),
});

function recordingLogger() {
  const lines: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) => {
    lines.push({ level, obj: typeof obj === 'string' ? {} : obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

function start(opts: { clock?: SimulatedClock; inspect?: (e: InspectionEvent) => void } = {}) {
  const { logger, lines } = recordingLogger();
  const bus = createMemoryBus({ logger: silentLogger });
  const calls: string[] = [];
  const run = startWorker({
    worker: 'tester',
    machine,
    input: { name: 'w1' },
    stopEvent: (reason) => ({ type: 'T.STOP' as const, reason }),
    bus,
    log: logger,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.inspect ? { inspect: opts.inspect } : {}),
    onStop: () => calls.push('onStop'),
    finish: async (failed) => {
      await new Promise((r) => setTimeout(r, 5));
      calls.push(`finish:${failed}`);
    },
    started: { intervalMs: 5 },
    stopped: () => ({ flushed: true }),
  });
  return { run, bus, lines, calls };
}

describe('startWorker', () => {
  it('starts the actor with its input and logs `<worker> started` with the given fields', async () => {
    const w = start();
    expect(w.run.actor.getSnapshot().status).toBe('active');
    expect(w.lines).toContainEqual({ level: 'info', msg: 'tester started', obj: { intervalMs: 5 } });
    await w.run.stop();
  });

  it('stops on {action:"stop"} on system.<worker>.control, finishes, then logs the output and the stopped fields', async () => {
    const w = start();
    w.bus.publish('system.tester.control', 'worker.control', { action: 'stop' });
    const out = await w.run.done;
    expect(out).toEqual({ name: 'w1', reason: 'control', beats: 0 });
    expect(w.calls).toEqual(['onStop', 'finish:false']);
    expect(w.lines.at(-1)).toEqual({
      level: 'info',
      msg: 'tester stopped',
      obj: { name: 'w1', reason: 'control', beats: 0, flushed: true },
    });
    // unsubscribed: a later stop request reaches nothing
    w.bus.publish('system.tester.control', 'worker.control', { action: 'stop' });
    expect(w.calls).toEqual(['onStop', 'finish:false']);
  });

  it('ignores an unknown control action', async () => {
    const w = start();
    w.bus.publish('system.tester.control', 'worker.control', { action: 'dance' });
    expect(w.run.actor.getSnapshot().status).toBe('active');
    expect(w.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'unknown control action ignored' }));
    await w.run.stop('test');
  });

  it('stop(reason) sends the stop command with that reason and waits for done; a second stop sends nothing', async () => {
    const w = start();
    await w.run.stop('signal');
    expect(w.calls).toEqual(['onStop', 'finish:false']);
    expect(await w.run.done).toMatchObject({ reason: 'signal' });
    await w.run.stop('again');
    expect(await w.run.done).toMatchObject({ reason: 'signal' });
  });

  it('when the machine fails: logs it, finishes with failed=true and rejects done; stop() does not throw', async () => {
    const w = start();
    w.run.actor.send({ type: 'T.BREAK' });
    await expect(w.run.done).rejects.toThrow('boom');
    expect(w.lines).toContainEqual({ level: 'error', msg: 'tester supervisor failed', obj: { err: 'boom' } });
    expect(w.calls).toEqual(['finish:true']);
    await expect(w.run.stop()).resolves.toBeUndefined();
  });

  it('schedules delays on the given clock and reports to the given inspector', async () => {
    const clock = new SimulatedClock();
    const seen: string[] = [];
    const w = start({ clock, inspect: (e) => seen.push(e.type) });
    for (let i = 0; i < 3; i++) clock.increment(1000);
    await w.run.stop();
    expect(await w.run.done).toMatchObject({ beats: 3 });
    expect(seen).toContain('@xstate.actor');
  });
});
