/** Counters a bus keeps for heartbeats and logs; publish failures are counted, never thrown (SPEC §5). */
export interface BusStats {
  backend: 'memory' | 'nats' | 'decnet-unix';
  /** false while the server cannot be reached; always true in process */
  connected: boolean;
  /** envelopes handed to the server (NATS, DECNET) or to local subscribers (memory) */
  published: number;
  /** publishes lost: not connected, refused, or dropped from a full outbox */
  failed: number;
  /** envelopes that arrived from other processes */
  received: number;
  /** inbound messages dropped as malformed */
  rejected: number;
  /** DECNET bus: publishes dropped as the oldest of a full outbox (also counted in `failed`) */
  dropped?: number;
  /** DECNET bus: publishes waiting for the connection */
  queued?: number;
  /** DECNET bus: connections made after the first */
  reconnects?: number;
}
