import { describe, expect, it } from 'vitest';
import { JsonLines } from '../../../src/infra/docker/json-lines.js';

describe('JsonLines', () => {
  it('parses several lines in one chunk and a line split across chunks', () => {
    const got: unknown[] = [];
    const p = new JsonLines((v) => got.push(v));
    p.push('{"a":1}\n{"b"');
    p.push(':2}\n\n{"c":3}');
    expect(got).toEqual([{ a: 1 }, { b: 2 }]);
    p.push('\n');
    expect(got).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('skips malformed lines and keeps going', () => {
    const got: unknown[] = [];
    const p = new JsonLines((v) => got.push(v));
    p.push('not json\n{"ok":true}\n');
    expect(got).toEqual([{ ok: true }]);
    expect(p.dropped).toBe(1);
  });

  it('drops an oversized line whole instead of buffering it', () => {
    const got: unknown[] = [];
    const p = new JsonLines((v) => got.push(v), 32);
    p.push(`{"big":"${'x'.repeat(20)}`);
    p.push(`${'y'.repeat(40)}"}\n{"next":1}\n`);
    expect(got).toEqual([{ next: 1 }]);
    expect(p.dropped).toBe(1);
  });
});
