/** Counters a bus keeps for heartbeats and logs; publish failures are counted, never thrown (SPEC §5). */
export interface BusStats {
  backend: 'memory' | 'nats';
  /** false while the NATS server cannot be reached; always true in process */
  connected: boolean;
  /** envelopes handed to the server (NATS) or to local subscribers (memory) */
  published: number;
  /** publishes dropped: not connected, or the client refused them */
  failed: number;
  /** envelopes that arrived from other processes */
  received: number;
  /** inbound messages dropped as not JSON objects */
  rejected: number;
}
