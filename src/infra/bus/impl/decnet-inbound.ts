import type { Socket } from 'node:net';
import { errText } from '../../../domain/err-text.js';
import type { Logger } from '../../log/logger.port.js';
import type { Envelope } from '../bus.port.js';
import { topicProblem } from '../topics.js';
import { envelopeFromDecnet } from './decnet-envelope.js';
import { decodeBody, type Frame, type FrameDecoder, FrameError } from './decnet-frame.js';

/** One connection as the reading side sees it. */
export interface InboundConn {
  socket: Socket;
  decoder: FrameDecoder;
  /** one protocol warning per connection */
  warned: boolean;
  stall?: ReturnType<typeof setTimeout>;
}

/** What the reading side needs from the bus. */
interface InboundDeps {
  log: Logger;
  counters: { received: number; rejected: number };
  now: () => Date;
  newId: () => string;
  deliver: (e: Envelope) => void;
  /** a frame that does not complete within this long drops the connection */
  stallMs: number;
}

/**
 * The reading side of a DECNET bus connection: EVT frames become envelopes for the local
 * subscribers; a malformed or stalled frame is counted, warned about once per connection, and
 * ends the connection (the bus reconnects). Nothing read is buffered beyond one frame.
 */
export function createInboundReader(d: InboundDeps): (c: InboundConn, chunk: Buffer) => void {
  const protocolError = (c: InboundConn, problem: string, sample: string): void => {
    d.counters.rejected += 1;
    if (!c.warned) d.log.warn({ problem, sample }, 'malformed frame from the DECNET bus; reconnecting');
    c.warned = true;
    c.socket.destroy();
  };

  // a well-formed frame that is not ours to act on is counted and skipped, as DECNET's client does
  const skip = (c: InboundConn, fields: Record<string, unknown>, msg: string): void => {
    d.counters.rejected += 1;
    if (!c.warned) d.log.warn(fields, msg);
    c.warned = true;
  };

  const onFrame = (c: InboundConn, f: Frame): void => {
    if (f.verb === 'BYE') {
      d.log.info('DECNET bus said BYE; reconnecting');
      c.socket.destroy();
      return;
    }
    if (f.verb !== 'EVT') {
      skip(c, { verb: f.verb }, 'unexpected verb from the DECNET bus; ignored');
      return;
    }
    const body = decodeBody(f.body);
    const e = topicProblem(f.arg) ? null : envelopeFromDecnet(f.arg, body, d.now, d.newId);
    if (!e) {
      skip(c, { topic: f.arg.slice(0, 64) }, 'DECNET bus event with an invalid topic or a non-object payload dropped');
      return;
    }
    d.counters.received += 1;
    d.deliver(e);
  };

  return (c, chunk) => {
    if (c.socket.destroyed) return;
    let completed = false;
    try {
      c.decoder.push(chunk, (f) => {
        completed = true;
        onFrame(c, f);
      });
    } catch (err) {
      if (err instanceof FrameError) return protocolError(c, err.problem, err.sample);
      // not the peer's fault, but the stream position is lost either way
      d.log.error({ err: errText(err) }, 'DECNET bus frame handling failed; reconnecting');
      c.socket.destroy();
      return;
    }
    // the bound runs from a frame's first byte, or from the last completed frame, to its end
    if (completed || !c.decoder.midFrame) {
      clearTimeout(c.stall);
      c.stall = undefined;
    }
    if (c.decoder.midFrame && !c.stall && !c.socket.destroyed) {
      c.stall = setTimeout(
        () => protocolError(c, 'stalled-mid-frame', `${c.decoder.bufferedBytes} bytes held for ${d.stallMs} ms`),
        d.stallMs,
      );
    }
  };
}
