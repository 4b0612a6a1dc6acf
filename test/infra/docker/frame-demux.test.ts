import { describe, expect, it } from 'vitest';
import { FrameDemux } from '../../../src/infra/docker/frame-demux.js';

function frame(stream: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('FrameDemux', () => {
  it('splits stdout and stderr frames', () => {
    const d = new FrameDemux(1024);
    d.push(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]));
    expect(d.stdout().toString()).toBe('out1 out2');
    expect(d.stderr().toString()).toBe('err');
  });

  it('reassembles headers and payloads split across chunks, byte by byte', () => {
    const d = new FrameDemux(1024);
    const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world')]);
    for (const b of all) d.push(Buffer.from([b]));
    expect(d.stdout().toString()).toBe('hello');
    expect(d.stderr().toString()).toBe('world');
  });

  it('keeps exactly cap bytes and reports the overflow', () => {
    const d = new FrameDemux(10);
    expect(d.push(frame(1, 'abcdef'))).toBe(true);
    expect(d.push(frame(2, 'ghijkl'))).toBe(false);
    expect(d.overflowed).toBe(true);
    expect(d.bytes).toBe(10);
    expect(d.stdout().toString() + d.stderr().toString()).toBe('abcdefghij');
  });

  it('does not allocate by a lying frame length', () => {
    const d = new FrameDemux(16);
    const head = Buffer.alloc(8);
    head[0] = 1;
    head.writeUInt32BE(0xffffffff, 4);
    expect(d.push(Buffer.concat([head, Buffer.from('tiny')]))).toBe(true);
    expect(d.stdout().toString()).toBe('tiny');
  });

  it('treats a non-multiplexed stream as raw stdout', () => {
    const d = new FrameDemux(64);
    d.push(Buffer.from('SSH-2.0-raw bytes'));
    expect(d.stdout().toString()).toBe('SSH-2.0-raw bytes');
  });
});
