import { describe, expect, it } from 'vitest';
import { BusConfigError, createBus } from '../../../src/infra/bus/bus.factory.js';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';

describe('createBus (DECNET_BUS)', () => {
  it('keeps the in-process bus as the default', async () => {
    for (const url of [undefined, '', 'memory']) {
      const bus = createBus({ url, logger: silentLogger });
      const seen: Envelope[] = [];
      bus.subscribe('orchestrator.>', (e) => seen.push(e));
      bus.publish('orchestrator.file.local:web01', 'action', {});
      expect(seen).toHaveLength(1);
      expect(bus.stats()).toMatchObject({ backend: 'memory', connected: true, published: 1 });
      await bus.close();
    }
  });

  it('builds a NATS bus for nats:// and tls:// URLs, one or several servers', async () => {
    for (const [url, nats] of [
      ['nats://127.0.0.1:1', {}],
      ['tls://nats.example:4222', { token: 't0ken' }],
      ['nats://a:1, nats://b:2', { insecure: true }],
    ] as const) {
      const bus = createBus({ url, nats, logger: silentLogger });
      expect(bus.stats()).toMatchObject({ backend: 'nats', connected: false });
      await bus.close();
    }
  });

  it('names the accepted values for anything else, without echoing credentials', () => {
    expect(() => createBus({ url: 'redis://user:hunter2@cache:6379', logger: silentLogger })).toThrow(BusConfigError);
    expect(() => createBus({ url: 'redis://user:hunter2@cache:6379', logger: silentLogger })).toThrow(
      /unsupported DECNET_BUS "redis:\/\/\*\*\*@cache:6379"; expected one of memory, nats:\/\/host:4222, tls:\/\/host:4222/,
    );
    expect(() => createBus({ url: 'nats://a:1,http://b', logger: silentLogger })).toThrow(BusConfigError);
  });

  it('refuses a remote NATS server without authentication or TLS unless DECNET_NATS_INSECURE is set', () => {
    expect(() => createBus({ url: 'nats://a:1', logger: silentLogger })).toThrow(
      /^NATS server a:1 is not on this host and no authentication is configured; .*DECNET_NATS_INSECURE=1/,
    );
    expect(() => createBus({ url: 'nats://u:p@a:1', logger: silentLogger })).toThrow(/would be reached in plaintext/);
  });

  it('reads DECNET_BUS from the environment', () => {
    expect(loadConfig({ DECNET_BUS: 'nats://10.0.0.5:4222' }).busUrl).toBe('nats://10.0.0.5:4222');
    expect(loadConfig({}).busUrl).toBeUndefined();
  });
});
