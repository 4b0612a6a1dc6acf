import { createActor, fromCallback, setup, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { workerBasics } from '../../../src/actors/worker/worker-basics.js';
import type { WorkerDeps } from '../../../src/actors/worker/worker-deps.js';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { createLoadScopeLogic } from '../../../src/actors/email/load-scope.actor.js';
import { observeDeckies } from '../../../src/machines/discovery/observe.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';

function deps(over: Partial<WorkerDeps> = {}): WorkerDeps {
  const inventory = {} as WorkerDeps['inventory'];
  return {
    settings: { intervalMs: 5 },
    inventory,
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    docker: new FakeDocker(),
    ...over,
  };
}

describe('workerBasics', () => {
  it('passes only the exec bounds that are set', () => {
    expect(workerBasics('w', deps()).limits).toEqual({});
    expect(workerBasics('w', deps({ settings: { intervalMs: 5, execTimeoutMs: 100, execMaxOutputBytes: 9 } })).limits).toEqual({
      timeoutMs: 100,
      maxOutputBytes: 9,
    });
  });

  it('with discovery off, discovery is one sync and nothing else, whatever is hosted', () => {
    const hosted = fromCallback(() => undefined);
    const logic = workerBasics('w', deps({ discover: false })).discovery(hosted);
    expect(logic).not.toBe(hosted);
    const synced: unknown[] = [];
    // a parent that invokes it sees exactly one sync
    const parent = setup({ actors: { discovery: logic } }).createMachine({
      invoke: { src: 'discovery', input: { resyncMs: 1 } },
      on: { '*': { actions: ({ event }) => synced.push(event) } },
    });
    createActor(parent).start();
    expect(synced).toEqual([{ type: 'DISCOVERY.SYNCED' }]);
  });

  it('with discovery on, hosted discovery wins over the local engine', () => {
    const hosted = fromCallback(() => undefined);
    expect(workerBasics('w', deps()).discovery(hosted)).toBe(hosted);
    expect(workerBasics('w', deps()).discovery()).not.toBe(hosted);
  });

  it('publishes a heartbeat on system.<worker>.health, stamped with the worker and the injected clock', () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const seen: Envelope[] = [];
    bus.subscribe('system.w.health', (e) => seen.push(e));
    workerBasics('w', deps({ bus, now: () => new Date('2026-01-02T03:04:05.000Z') })).publishHealth({ ticks: 3 });
    expect(seen).toMatchObject([{ type: 'worker.health', payload: { worker: 'w', ts: '2026-01-02T03:04:05.000Z', ticks: 3 } }]);
  });

  describe("on DECNET's database", () => {
    const rows = [mailDecky('mail01'), mailDecky('mail02', { services: ['imap', 'pop3'] }), mailDecky('mail03'), mailDecky('gone')];
    const table = { listRunningDeckies: async () => rows, reconcileHost: async () => expect.fail('reconcile must not reach the store') };

    it('keeps the project inventory as it is in standalone mode and without discovery', () => {
      expect(workerBasics('w', deps({ inventory: table })).inventory).toBe(table);
      expect(workerBasics('w', deps({ inventory: table, owner: 'project' })).inventory).toBe(table);
      expect(workerBasics('w', deps({ inventory: table, owner: 'decnet', discover: false })).inventory).toBe(table);
    });

    it("gives emailgen's scope read only the mail deckies whose -imap or -pop3 runs, never writing the rows", async () => {
      const docker = new FakeDocker();
      docker.addDecky('mail01', { services: ['imap'] });
      docker.addDecky('mail02', { services: ['imap', 'pop3'] });
      docker.addDecky('mail03', { services: ['imap'] });
      docker.stop('mail02-imap');
      docker.stop('mail03-imap');
      const { inventory } = workerBasics('emailgen', deps({ inventory: table, owner: 'decnet', docker }));
      await inventory.reconcileHost('local', observeDeckies(await docker.listDeckyContainers(), 'local'), { remote: false });
      const logic = createLoadScopeLogic({
        inventory,
        pool: { load: async () => [persona({ email: 'alice@acme.example' }), persona({ email: 'bob@acme.example' })] },
        topologies: { getTopology: async () => expect.fail('no topology deckies here') },
        logger: silentLogger,
      });
      const scope = await toPromise(createActor(logic, { input: undefined }).start());
      expect(scope.mailDeckies.map((m) => [m.decky.name, m.decky.services])).toEqual([
        ['mail01', ['imap']],
        ['mail02', ['pop3']],
      ]);
    });
  });
});
