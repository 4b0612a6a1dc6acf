/** The bus envelope (SPEC §5). */
export interface Envelope<P = Record<string, unknown>> {
  v: 1;
  id: string;
  topic: string;
  type: string;
  ts: string;
  payload: P;
}

/** Publish/subscribe on NATS-style topics. Publishing never throws into the caller. */
export interface BusPort {
  publish(topic: string, type: string, payload: Record<string, unknown>): void;
  /** pattern uses NATS wildcards: `*` one token, `>` the rest; returns the unsubscribe */
  subscribe(pattern: string, handler: (e: Envelope) => void): () => void;
}
