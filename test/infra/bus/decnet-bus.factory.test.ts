import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusConfigError, chooseBus, createBus, defaultDecnetSocket } from '../../../src/infra/bus/bus.factory.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { ConfigError } from '../../../src/infra/config/config-error.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { busOptionsOf } from '../../../src/surfaces/cli/bus-options.js';
import { DecnetBusServer } from '../../support/decnet-bus-server.js';

const fromEnv = (env: Record<string, string>) => chooseBus(busOptionsOf(loadConfig(env)));

describe('createBus › DECNET bus selection (DECNET_BUS_ENABLED, DECNET_BUS_TYPE, DECNET_BUS_SOCKET)', () => {
  it('keeps the in-process bus when none of DECNET variables picks the unix bus', () => {
    const envs: Record<string, string>[] = [
      {},
      { DECNET_BUS_TYPE: 'fake' },
      { DECNET_BUS_TYPE: 'memory' },
      { DECNET_BUS_ENABLED: 'false', DECNET_BUS_TYPE: 'unix' },
    ];
    for (const env of envs) {
      expect(fromEnv(env)).toEqual({ kind: 'memory' });
    }
    for (const off of ['false', 'FALSE', '0', 'no', 'off'])
      expect(fromEnv({ DECNET_BUS_ENABLED: off, DECNET_BUS_TYPE: 'unix' })).toEqual({ kind: 'memory' });
  });

  it('picks the unix bus for DECNET_BUS_TYPE=unix, or DECNET_BUS_ENABLED=true alone (DECNET defaults its type to unix)', () => {
    expect(fromEnv({ DECNET_BUS_TYPE: 'unix' })).toEqual({ kind: 'decnet-unix' });
    expect(fromEnv({ DECNET_BUS_TYPE: ' Unix ', DECNET_BUS_SOCKET: '/tmp/d/bus.sock' })).toEqual({
      kind: 'decnet-unix',
      socket: '/tmp/d/bus.sock',
    });
    expect(fromEnv({ DECNET_BUS_ENABLED: 'true' })).toEqual({ kind: 'decnet-unix' });
    // a NATS URL is a bus too: enabled does not override it
    expect(fromEnv({ DECNET_BUS_ENABLED: '1', DECNET_BUS: 'nats://10.0.0.5:4222', DECNET_NATS_INSECURE: '1' })).toEqual({
      kind: 'nats',
      url: 'nats://10.0.0.5:4222',
    });
  });

  it('names the accepted DECNET_BUS_TYPE values for anything else, and refuses DECNET_BUS and DECNET_BUS_TYPE together', () => {
    expect(() => fromEnv({ DECNET_BUS_TYPE: 'redis' })).toThrow(BusConfigError);
    expect(() => fromEnv({ DECNET_BUS_TYPE: 'redis' })).toThrow('unsupported DECNET_BUS_TYPE "redis"; expected one of unix, fake, memory');
    expect(() => fromEnv({ DECNET_BUS_TYPE: 'unix', DECNET_BUS: 'nats://u:secret@h:4222' })).toThrow(
      'DECNET_BUS and DECNET_BUS_TYPE both choose a bus ("nats://***@h:4222", unix); set one of them',
    );
  });

  it('reads the variables into config and refuses a DECNET_BUS_ENABLED that is no flag', () => {
    expect(loadConfig({ DECNET_BUS_ENABLED: ' Off ', DECNET_BUS_TYPE: 'unix', DECNET_BUS_SOCKET: '/run/x.sock' })).toMatchObject({
      busEnabled: false,
      busType: 'unix',
      busSocket: '/run/x.sock',
    });
    expect(loadConfig({ DECNET_BUS_ENABLED: '', DECNET_BUS_TYPE: '', DECNET_BUS_SOCKET: '' })).toMatchObject({
      busEnabled: undefined,
      busType: undefined,
      busSocket: undefined,
    });
    expect(() => loadConfig({ DECNET_BUS_ENABLED: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ DECNET_BUS_ENABLED: 'maybe' })).toThrow(/DECNET_BUS_ENABLED.*true, false, 1, 0, yes, no, on, off/);
  });

  it('defaults the socket as DECNET does: /run/decnet/bus.sock when that directory is usable, else ~/.decnet/bus.sock', () => {
    expect(defaultDecnetSocket(() => true, '/home/op')).toBe('/run/decnet/bus.sock');
    expect(defaultDecnetSocket(() => false, '/home/op')).toBe('/home/op/.decnet/bus.sock');
    const probed: string[] = [];
    defaultDecnetSocket((d) => probed.push(d) < 0, '/home/op');
    expect(probed).toEqual(['/run/decnet']);
  });

  it('builds a working DECNET bus client on the configured socket, named by clientName', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbusf-'));
    const server = await DecnetBusServer.start(join(dir, 'bus.sock'));
    try {
      const bus = createBus({
        ...busOptionsOf(loadConfig({ DECNET_BUS_TYPE: 'unix', DECNET_BUS_SOCKET: server.path })),
        logger: silentLogger,
        clientName: 'emailgen',
      });
      bus.publish('system.emailgen.health', 'health', { worker: 'emailgen' });
      const pub = await server.waitFor((f) => f.verb === 'PUB');
      expect(pub).toMatchObject({ name: 'emailgen', arg: 'system.emailgen.health' });
      expect(bus.stats()).toMatchObject({ backend: 'decnet-unix', connected: true, published: 1 });
      await bus.close();
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warns when DECNET_BUS_SOCKET is set but nothing selects the unix bus', async () => {
    const warned: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_o, msg) => void warned.push(String(msg)), child: () => logger };
    const bus = createBus({ ...busOptionsOf(loadConfig({ DECNET_BUS_SOCKET: '/run/decnet/bus.sock' })), logger });
    expect(bus.stats()).toMatchObject({ backend: 'memory' });
    expect(warned).toEqual(['DECNET_BUS_SOCKET is set but DECNET_BUS_TYPE is not unix; using the in-process bus']);
    await bus.close();
  });
});
