import { describe, expect, it } from 'vitest';
import { createEngineLiveness } from '../../src/actors/engine-liveness.js';
import type { ObservedDecky, RunningDecky } from '../../src/domain/decky.js';
import type { Logger } from '../../src/infra/log/logger.port.js';

function recordingLogger(lines: Array<Record<string, unknown>>): Logger {
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) =>
    lines.push(typeof obj === 'string' ? { level, msg: obj } : { level, ...obj, msg });
  const l: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => l };
  return l;
}

const row = (name: string, services = ['ssh']): RunningDecky => ({
  uuid: `local:${name}`,
  name,
  ip: '10.0.0.1',
  services,
  source: 'fleet',
  hostUuid: 'local',
});
const seen = (name: string, running = true, services = ['ssh']): ObservedDecky => ({
  name,
  hostUuid: 'local',
  services,
  ip: '10.0.0.1',
  running,
});

describe('createEngineLiveness', () => {
  it('answers only the rows whose deckies the last sync saw running, and writes nothing', async () => {
    const rows = [row('a'), row('b'), row('ghost')];
    const live = createEngineLiveness({ listRunningDeckies: async () => rows }, recordingLogger([]));
    expect(await live.listRunningDeckies()).toEqual([]);
    await live.reconcileHost('local', [seen('a'), seen('b', false)], { remote: false });
    expect((await live.listRunningDeckies()).map((d) => d.name)).toEqual(['a']);
    await live.reconcileHost('local', [seen('a'), seen('b')], { remote: false });
    expect((await live.listRunningDeckies()).map((d) => d.name)).toEqual(['a', 'b']);
  });

  it('logs each decky left out once per reason, not on every read, and again after it changed', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const live = createEngineLiveness({ listRunningDeckies: async () => [row('a'), row('ghost')] }, recordingLogger(lines));
    await live.reconcileHost('local', [seen('a', false), seen('stray')], { remote: false });
    for (let i = 0; i < 5; i++) await live.listRunningDeckies();
    const about = (name: string) => lines.filter((l) => l.decky === name);
    expect(about('ghost')).toEqual([expect.objectContaining({ reason: 'no containers on the engine', uuid: 'local:ghost' })]);
    expect(about('a')).toEqual([expect.objectContaining({ reason: 'containers stopped' })]);
    expect(about('stray')).toHaveLength(1);
    expect(String(about('stray')[0]?.msg)).toMatch(/not acted on/);

    await live.reconcileHost('local', [seen('a')], { remote: false });
    await live.listRunningDeckies();
    expect(about('a').at(-1)?.msg).toMatch(/live on its engine again/);
    await live.reconcileHost('local', [seen('a', false)], { remote: false });
    await live.listRunningDeckies();
    expect(about('a').filter((l) => l.reason === 'containers stopped')).toHaveLength(2);
  });

  it('says once which listed services of a running decky are stopped', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const live = createEngineLiveness({ listRunningDeckies: async () => [row('m', ['ssh', 'imap'])] }, recordingLogger(lines));
    await live.reconcileHost('local', [seen('m', true, ['imap'])], { remote: false });
    expect((await live.listRunningDeckies())[0]?.services).toEqual(['imap']);
    await live.listRunningDeckies();
    expect(lines.filter((l) => l.decky === 'm')).toEqual([expect.objectContaining({ stopped: ['ssh'] })]);
  });
});
