import { describe, expect, it } from 'vitest';
import { envelopeFromDecnet } from '../../../src/infra/bus/impl/decnet-envelope.js';
import {
  createFrameDecoder,
  decodeBody,
  encodeFrame,
  type Frame,
  FrameError,
  MAX_BODY_BYTES,
} from '../../../src/infra/bus/impl/decnet-frame.js';
import { backoffMs, createOutbox } from '../../../src/infra/bus/impl/decnet-outbox.js';
import { frameBytes, splitFrames } from '../../support/decnet-bus-wire.js';

const decodeAll = (bytes: Buffer, chunk = bytes.length): Frame[] => {
  const d = createFrameDecoder();
  const out: Frame[] = [];
  for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk), (f) => out.push(f));
  expect(d.midFrame).toBe(false);
  return out;
};

const problemOf = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FrameError) return err.problem;
    throw err;
  }
  return 'none';
};

describe('DECNET bus frame codec', () => {
  it('encodes the header line, a big-endian length and a JSON body, as the test peer reads them', () => {
    const bytes = encodeFrame('PUB', 'orchestrator.file.local:web01', { type: 'file', payload: { n: 1 } });
    const nl = bytes.indexOf(0x0a);
    expect(bytes.subarray(0, nl + 1).toString('ascii')).toBe('PUB orchestrator.file.local:web01\n');
    expect(bytes.readUInt32BE(nl + 1)).toBe(bytes.length - nl - 5);
    expect(splitFrames(bytes).frames).toEqual([
      { verb: 'PUB', arg: 'orchestrator.file.local:web01', body: { type: 'file', payload: { n: 1 } } },
    ]);
    expect(encodeFrame('BYE')).toEqual(Buffer.from([0x42, 0x59, 0x45, 0x0a, 0, 0, 0, 0]));
  });

  it('decodes frames split at every byte and frames packed into one chunk alike', () => {
    const bytes = Buffer.concat([
      frameBytes('EVT', 'system.bus.health', { v: 1, payload: { ok: true } }),
      frameBytes('BYE'),
      Buffer.from('EVT  orchestrator.traffic.a \r\n\0\0\0\0'),
    ]);
    for (const chunk of [1, 3, 7, bytes.length]) {
      const frames = decodeAll(bytes, chunk);
      expect(frames.map((f) => [f.verb, f.arg, f.body.toString()])).toEqual([
        ['EVT', 'system.bus.health', '{"v":1,"payload":{"ok":true}}'],
        ['BYE', '', ''],
        ['EVT', 'orchestrator.traffic.a', ''],
      ]);
    }
  });

  it('refuses a header past 4096 bytes at once, holding no more than the limit', () => {
    const d = createFrameDecoder();
    d.push(Buffer.alloc(4000, 'A'), () => {});
    expect(d.bufferedBytes).toBe(4000);
    expect(problemOf(() => d.push(Buffer.alloc(97, 'A'), () => {}))).toBe('header-too-long');
    // a 4096-byte line (newline included) is still a header
    expect(decodeAll(Buffer.concat([Buffer.from(`EVT ${'a'.repeat(4091)}\n`), Buffer.alloc(4)]))).toHaveLength(1);
  });

  it('refuses a length over 1 MiB before reading any of the body', () => {
    const d = createFrameDecoder();
    const head = Buffer.from('EVT a.b\n\xff\xff\xff\xf0', 'latin1');
    expect(problemOf(() => d.push(head, () => {}))).toBe('body-too-large');
    expect(decodeAll(frameBytes('EVT', 'a.b', Buffer.alloc(MAX_BODY_BYTES, 0x20)), 65536)[0]?.body.length).toBe(MAX_BODY_BYTES);
  });

  it('names unknown verbs, empty and non-ASCII header lines', () => {
    expect(problemOf(() => decodeAll(frameBytes('WHAT', 'a.b')))).toBe('unknown-verb');
    expect(problemOf(() => decodeAll(Buffer.from('\n\0\0\0\0')))).toBe('bad-header');
    expect(problemOf(() => decodeAll(Buffer.from('EVT caf\u00e9.x\n\0\0\0\0')))).toBe('bad-header');
  });

  it('keeps a frame in progress visible, so a stalled peer can be timed out', () => {
    const d = createFrameDecoder();
    d.push(frameBytes('EVT', 'a.b', { x: 1 }).subarray(0, 12), () => {});
    expect(d.midFrame).toBe(true);
  });

  it('reads bodies as DECNET does: empty is {}, anything but a JSON object is refused, with a short sanitized sample', () => {
    expect(decodeBody(Buffer.alloc(0))).toEqual({});
    expect(problemOf(() => decodeBody(Buffer.from('[1]')))).toBe('not-object');
    expect(problemOf(() => decodeBody(Buffer.from('null')))).toBe('not-object');
    const err = (() => {
      try {
        decodeBody(Buffer.concat([Buffer.from('{"x":\x1b[31m'), Buffer.alloc(200, 'z')]));
      } catch (e) {
        return e as FrameError;
      }
    })();
    expect(err?.problem).toBe('bad-json');
    expect(err?.sample).toBe(`{"x":?[31m${'z'.repeat(22)}…`);
  });

  it('will not encode what the server would refuse', () => {
    expect(problemOf(() => encodeFrame('PUB', 'a.b\nSUB >'))).toBe('bad-header');
    expect(problemOf(() => encodeFrame('PUB', 'caf\u00e9.x'))).toBe('bad-header');
    expect(problemOf(() => encodeFrame('PUB', 'a.b', { big: 'x'.repeat(MAX_BODY_BYTES) }))).toBe('body-too-large');
  });
});

describe('DECNET envelope conversion', () => {
  const now = () => new Date('2025-01-01T00:00:00.000Z');
  it('turns the epoch ts into ISO, keeps id and type, and takes the topic from the header', () => {
    const body = { v: 1, id: 'ab12', topic: 'spoofed.topic', type: 'health', ts: 1_735_689_600.25, payload: { worker: 'bus' } };
    expect(envelopeFromDecnet('system.bus.health', body, now, () => 'new')).toEqual({
      v: 1,
      id: 'ab12',
      topic: 'system.bus.health',
      type: 'health',
      ts: '2025-01-01T00:00:00.250Z',
      payload: { worker: 'bus' },
    });
  });
  it('fills a missing id, ts or payload as DECNET does, and refuses a payload that is not an object', () => {
    expect(envelopeFromDecnet('a.b', { ts: 1e300 }, now, () => 'new')).toEqual({
      v: 1,
      id: 'new',
      topic: 'a.b',
      type: '',
      ts: '2025-01-01T00:00:00.000Z',
      payload: {},
    });
    expect(envelopeFromDecnet('a.b', { payload: [1] }, now, () => 'new')).toBeNull();
    expect(envelopeFromDecnet('a.b', { payload: 'x' }, now, () => 'new')).toBeNull();
  });
});

describe('DECNET bus outbox and backoff', () => {
  const entry = (topic: string, bytes = 10) => ({ topic, frame: Buffer.alloc(bytes) });
  it('drops the oldest past the frame or the byte bound', () => {
    const box = createOutbox(3, 100);
    for (const t of ['a', 'b', 'c']) expect(box.push(entry(t))).toEqual([]);
    expect(box.push(entry('d')).map((e) => e.topic)).toEqual(['a']);
    expect(box.push(entry('e', 90)).map((e) => e.topic)).toEqual(['b', 'c']);
    expect([box.length, box.bytes]).toEqual([2, 100]);
    expect(box.shift()?.topic).toBe('d');
    expect(box.clear()).toBe(1);
    expect([box.length, box.bytes, box.shift()]).toEqual([0, 0, undefined]);
  });
  it('stays bounded through a long outage', () => {
    const box = createOutbox(1024, 1 << 30);
    let dropped = 0;
    for (let i = 0; i < 100_000; i++) dropped += box.push(entry(String(i), 1)).length;
    expect([box.length, dropped, box.shift()?.topic]).toEqual([1024, 100_000 - 1024, String(100_000 - 1024)]);
  });
  it('doubles from the base to the cap, jittered between half and all of it', () => {
    expect([0, 1, 2, 3, 10, 500].map((a) => backoffMs(a, 100, 1000, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([0, 1, 10].map((a) => backoffMs(a, 100, 1000, () => 0))).toEqual([50, 100, 500]);
  });
});
