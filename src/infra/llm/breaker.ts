import type { LLMBackend, LLMResult } from './base.js';

/** Breaker states: closed (calls pass), open (calls refused), half-open (one trial call). */
type BreakerState = 'closed' | 'open' | 'half-open';

/** Settings of the breaker; the clock is injectable for tests. */
export interface BreakerOptions {
  /** consecutive failures that open the breaker; 3 by default */
  threshold?: number;
  /** how long it stays open before one trial call; 60 s by default */
  cooldownMs?: number;
  now?: () => number;
}

/** What the heartbeat shows of the LLM side. */
interface BreakerHealth {
  backend: string;
  model: string;
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: string | null;
}

/**
 * Wraps a backend so a dead server is not hammered: after `threshold` consecutive failures
 * (failed results or timeouts) calls are refused without reaching it until the cooldown ends;
 * then one trial call decides between closed and open again.
 */
export class CircuitBreaker implements LLMBackend {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(
    readonly inner: LLMBackend,
    opts: BreakerOptions = {},
  ) {
    this.threshold = opts.threshold ?? 3;
    this.cooldownMs = opts.cooldownMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get name(): string {
    return this.inner.name;
  }
  get model(): string {
    return this.inner.model;
  }
  get timeoutMs(): number {
    return this.inner.timeoutMs;
  }

  /** The current state; open turns half-open once the cooldown has passed. */
  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** State and counters for the heartbeat. */
  health(): BreakerHealth {
    return {
      backend: this.name,
      model: this.model,
      state: this.state,
      consecutiveFailures: this.failures,
      openedAt: this.openedAt === null ? null : new Date(this.openedAt).toISOString(),
    };
  }

  /** Passes the call through unless open; a refused call is a failed result with `extra.breaker`. */
  async generate(prompt: string): Promise<LLMResult> {
    const state = this.state;
    // only one trial at a time while half-open; the others are refused like an open breaker
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      return { success: false, text: '', model: this.model, latencyMs: 0, extra: { error: 'circuit open', breaker: state } };
    }
    if (state === 'half-open') this.trialInFlight = true;
    try {
      const result = await this.inner.generate(prompt);
      if (result.success) this.succeeded();
      else this.failed();
      return result;
    } catch (err) {
      this.failed();
      throw err;
    } finally {
      if (state === 'half-open') this.trialInFlight = false;
    }
  }

  private succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
  }

  private failed(): void {
    this.failures += 1;
    // a failed trial re-opens with a fresh cooldown
    if (this.openedAt !== null || this.failures >= this.threshold) this.openedAt = this.now();
  }
}
