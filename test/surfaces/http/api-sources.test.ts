import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { createApiSources } from '../../../src/surfaces/http/api-sources.js';
import { trackWorkerHealth } from '../../../src/surfaces/http/worker-health.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { createMetricsRegistry } from '../../../src/surfaces/metrics/registry.js';
import { anEmail, anEvent } from './support/in-memory-sources.js';
import { readOnlyEmailStore, readOnlyEventStore } from './support/store-fakes.js';

function deps(events = readOnlyEventStore([]), emails = readOnlyEmailStore([])) {
  const bus = createMemoryBus({ logger: silentLogger });
  return {
    events,
    emails,
    inventory: {
      listRunningDeckies: async () => [
        { uuid: 'local:web01', name: 'web01', ip: '10.0.0.2', services: ['ssh'], source: 'fleet' as const, hostUuid: 'local' },
        { uuid: 'local:db01', name: 'db01', ip: '10.0.0.3', services: ['ssh'], source: 'fleet' as const, hostUuid: 'local' },
      ],
    },
    workers: trackWorkerHealth({ bus }),
    metrics: createMetricsRegistry(),
  };
}

describe('createApiSources', () => {
  it('joins each running decky with its actor state, null when no actor runs it', async () => {
    const s = createApiSources({ ...deps(), deckyStates: () => new Map([['local:web01', 'acting']]) });
    expect((await s.listDeckies()).map((d) => [d.name, d.machineState])).toEqual([
      ['web01', 'acting'],
      ['db01', null],
    ]);
  });

  it('counts recent rows by kind without reading past the window', async () => {
    const rows = [
      ...Array.from({ length: 1500 }, (_, i) => anEvent({ success: i % 3 !== 0, agoMs: 1000 + i })),
      ...Array.from({ length: 3000 }, () => anEvent({ kind: 'file', agoMs: 7_200_000 })),
    ];
    const events = readOnlyEventStore(rows);
    const emails = readOnlyEmailStore([anEmail({ success: false, agoMs: 10 }), anEmail({ agoMs: 7_200_000 })]);
    const s = createApiSources(deps(events, emails));
    const since = new Date(Date.now() - 3_600_000);
    expect(await s.eventStats(since)).toEqual({ byKind: { traffic: { success: 1000, failure: 500 }, email: { success: 0, failure: 1 } } });
    // two pages of traffic reach the first old row; the 3,000 old rows are never paged through
    expect(events.pages).toEqual([
      { limit: 1000, offset: 0 },
      { limit: 1000, offset: 1000 },
    ]);
    expect(await s.eventStats(since, false)).toEqual({
      byKind: { traffic: { success: 0, failure: 500 }, email: { success: 0, failure: 1 } },
    });
  });

  it('reads thread messages oldest first and adds bodies when it can read them', async () => {
    const emails = readOnlyEmailStore([anEmail({ uuid: 'b', threadId: 't', agoMs: 1 }), anEmail({ uuid: 'a', threadId: 't', agoMs: 9 })]);
    const s = createApiSources({
      ...deps(undefined, emails),
      readBody: async (r) => (r.uuid === 'a' ? 'hello' : Promise.reject(new Error('gone'))),
    });
    const msgs = await s.threadMessages!('t');
    expect(msgs.map((m) => [m.uuid, m.body])).toEqual([
      ['a', 'hello'],
      ['b', undefined],
    ]);
  });

  it('exposes the registry text and the tracked workers', () => {
    const d = deps();
    d.metrics.counter({ name: 'x_total', help: 'x' }).inc();
    const s = createApiSources(d);
    expect(s.metricsText()).toContain('x_total 1');
    expect(s.workers().map((w) => w.status)).toEqual(['unknown', 'unknown']);
  });
});
