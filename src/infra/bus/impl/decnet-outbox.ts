/** A frame waiting for the socket, with the topic it carries (for the drop log). */
interface OutboxEntry {
  topic: string;
  frame: Buffer;
}

/** A FIFO of frames bounded in count and bytes; adding past either bound drops the oldest. */
interface Outbox {
  /** queues `entry`; returns what had to be dropped to make room (oldest first) */
  push(entry: OutboxEntry): OutboxEntry[];
  shift(): OutboxEntry | undefined;
  /** empties the outbox; returns how many entries it held */
  clear(): number;
  readonly length: number;
  readonly bytes: number;
}

/** Creates an outbox holding at most `maxFrames` frames and `maxBytes` bytes (one frame may exceed it alone). */
export function createOutbox(maxFrames: number, maxBytes: number): Outbox {
  let items: OutboxEntry[] = [];
  let head = 0;
  let bytes = 0;
  const take = (): OutboxEntry | undefined => {
    if (head >= items.length) return undefined;
    const e = items[head]!;
    head += 1;
    bytes -= e.frame.length;
    // compact now and then so a long outage does not keep dead slots
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    return e;
  };
  return {
    push(entry) {
      items.push(entry);
      bytes += entry.frame.length;
      const dropped: OutboxEntry[] = [];
      while (items.length - head > 1 && (items.length - head > maxFrames || bytes > maxBytes)) dropped.push(take()!);
      return dropped;
    },
    shift: take,
    clear() {
      const n = items.length - head;
      items = [];
      head = 0;
      bytes = 0;
      return n;
    },
    get length() {
      return items.length - head;
    },
    get bytes() {
      return bytes;
    },
  };
}

/** The wait before reconnect attempt `attempt` (0-based): doubling from `baseMs`, capped at `maxMs`, jittered to half–full. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
