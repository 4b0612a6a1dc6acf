import type { EventStorePort, ListQuery } from '../../src/infra/store/event-store.port.js';
import type { Page } from '../../src/domain/page.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';

/**
 * An event store that keeps committed batches in memory and can be told to fail the next
 * writes. It models recordEvents and pruneEvents only; listEvents throws "not implemented".
 */
export class FakeEventStore implements EventStorePort {
  /** every committed batch, in order */
  readonly batches: OrchestratorEvent[][] = [];
  /** every recordEvents call, committed or not */
  attempts = 0;
  /** every pruneEvents call's keep */
  readonly prunes: number[] = [];
  private failures: Error[] = [];
  private gate: Promise<void> | null = null;

  /** the committed rows, in commit order */
  get rows(): OrchestratorEvent[] {
    return this.batches.flat();
  }

  /** makes the next `n` recordEvents calls reject */
  failNext(n = 1, err: Error = new Error('fake store: database is locked')): void {
    for (let i = 0; i < n; i += 1) this.failures.push(err);
  }

  /** holds every recordEvents call until the returned release is called */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((r) => {
      release = r;
    });
    return () => {
      this.gate = null;
      release();
    };
  }

  async recordEvents(events: readonly OrchestratorEvent[]): Promise<void> {
    this.attempts += 1;
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.batches.push([...events]);
  }

  async listEvents(_q: ListQuery): Promise<Page<OrchestratorEvent>> {
    throw new Error('not implemented: listEvents');
  }

  async pruneEvents(keep: number): Promise<number> {
    this.prunes.push(keep);
    return 0;
  }
}
