import type { TimerClock } from '../../src/actors/orchestrator.runtime.js';
import type { InventoryPort } from '../../src/infra/store/inventory.port.js';
import type { EngineExecLog } from '../peers/fake-engine.js';
import { epochMs, percentile } from '../lib/measure.js';

/** One exec call of the daemon: its container, when it was due, when the call left. */
interface Call {
  container: string;
  /** epoch ms the action was scheduled for */
  due: number;
  at: number;
  measured: boolean;
}

/** Dispatch latency figures, in ms. */
export interface LagFigures {
  n: number;
  p50: number;
  p99: number;
  max: number;
  /** scheduled → the exec call left the driver (client side only) */
  callP50: number;
  callP99: number;
}

/**
 * Measures dispatch latency without touching the runtime: the xstate clock is wrapped so the due
 * time of the timer whose callback runs is known, for that callback and the microtasks after it
 * (a tick answered from the cached inventory dispatches there); a tick that reads the store notes
 * its due time in the wrapped inventory, and its execs, later, take that one. The engine's start times are then paired with the calls,
 * in order per container (a decky runs one action at a time).
 */
export class LagProbe {
  private firing: number | null = null;
  private recentDue: number | null = null;
  private tickDue: number | null = null;
  private readonly calls: Call[] = [];
  /** only calls made while true count */
  measuring = false;

  /** the timer source to hand to the runtime */
  readonly clock: TimerClock = {
    setTimeout: (fn: (...args: unknown[]) => void, ms: number) => {
      const due = epochMs() + ms;
      return setTimeout(() => {
        this.firing = due;
        // what the callback started and its microtasks (a cached inventory read) belong to it too
        this.recentDue = due;
        setImmediate(() => {
          if (this.recentDue === due) this.recentDue = null;
        });
        try {
          fn();
        } finally {
          this.firing = null;
        }
      }, ms);
    },
    clearTimeout: (id: unknown) => clearTimeout(id as NodeJS.Timeout),
  } as TimerClock;

  /** wraps the inventory: a read from inside a timer callback is a tick due at that time */
  inventory(inner: InventoryPort): InventoryPort {
    return {
      listRunningDeckies: () => {
        if (this.firing !== null) this.tickDue = this.firing;
        return inner.listRunningDeckies();
      },
      reconcileHost: (host, observed, opts) => inner.reconcileHost(host, observed, opts),
    };
  }

  /** when the work now starting was due: the running timer's due time, else the last tick's */
  scheduledDue(): number | null {
    return this.firing ?? this.recentDue ?? this.tickDue;
  }

  /** to call on every exec call (ExecTap.onCall) */
  onExec(container: string): void {
    const due = this.scheduledDue();
    this.calls.push({ container, due: due ?? Number.NaN, at: epochMs(), measured: this.measuring });
  }

  /** pairs the calls with the engine's exec starts and reads the percentiles */
  figures(log: readonly EngineExecLog[]): LagFigures {
    const starts = new Map<string, number[]>();
    for (const e of log) {
      const list = starts.get(e.container) ?? [];
      list.push(e.startedAt);
      starts.set(e.container, list);
    }
    const seen = new Map<string, number>();
    const lags: number[] = [];
    const callLags: number[] = [];
    for (const c of this.calls) {
      const k = seen.get(c.container) ?? 0;
      seen.set(c.container, k + 1);
      const started = starts.get(c.container)?.[k];
      if (!c.measured || started === undefined || Number.isNaN(c.due)) continue;
      lags.push(started - c.due);
      callLags.push(c.at - c.due);
    }
    return {
      n: lags.length,
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: percentile(lags, 100),
      callP50: percentile(callLags, 50),
      callP99: percentile(callLags, 99),
    };
  }
}
