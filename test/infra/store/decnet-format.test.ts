import { describe, expect, it } from 'vitest';
import {
  compactJson,
  fromDecnetBool,
  fromDecnetTime,
  fromDecnetTimeOrNull,
  pyJsonDumps,
  toDecnetBool,
  toDecnetTime,
} from '../../../src/infra/store/decnet-format.js';

describe('DECNET formats', () => {
  describe('timestamps', () => {
    it('writes naive UTC text with a six-digit fraction, as SQLAlchemy stores it in SQLite', () => {
      expect(toDecnetTime(new Date('2026-06-20T08:09:10.123Z'))).toBe('2026-06-20 08:09:10.123000');
      expect(toDecnetTime(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05.000000');
    });

    it('sorts as text in time order, so string comparisons in SQL stay right', () => {
      const a = toDecnetTime(new Date('2026-06-20T08:09:10.123Z'));
      const b = toDecnetTime(new Date('2026-06-20T08:09:10.124Z'));
      const c = toDecnetTime(new Date('2026-06-20T10:00:00Z'));
      expect([c, b, a].sort()).toEqual([a, b, c]);
    });

    it('reads naive text as UTC, with or without a fraction, and ISO text with an offset', () => {
      expect(fromDecnetTime('2026-06-20 08:09:10.123456').toISOString()).toBe('2026-06-20T08:09:10.123Z');
      expect(fromDecnetTime('2026-06-20 08:09:10').toISOString()).toBe('2026-06-20T08:09:10.000Z');
      expect(fromDecnetTime('2026-06-20T08:09:10.5Z').toISOString()).toBe('2026-06-20T08:09:10.500Z');
      expect(fromDecnetTime('2026-06-20T10:09:10+02:00').toISOString()).toBe('2026-06-20T08:09:10.000Z');
    });

    it('round-trips every millisecond it is given', () => {
      const d = new Date('2031-12-31T23:59:59.999Z');
      expect(fromDecnetTime(toDecnetTime(d))).toEqual(d);
    });

    it('reads garbage as an invalid date rather than throwing, and null as null', () => {
      expect(Number.isNaN(fromDecnetTime('yesterday').getTime())).toBe(true);
      expect(Number.isNaN(fromDecnetTime(42).getTime())).toBe(true);
      expect(fromDecnetTimeOrNull(null)).toBeNull();
    });

    it('refuses to write an invalid date', () => {
      expect(() => toDecnetTime(new Date(Number.NaN))).toThrow(RangeError);
    });
  });

  describe('booleans', () => {
    it('writes 0/1 and reads every form a driver answers', () => {
      expect([toDecnetBool(true), toDecnetBool(false)]).toEqual([1, 0]);
      expect([1, true, '1'].map(fromDecnetBool)).toEqual([true, true, true]);
      expect([0, false, '0', null, undefined, 2].map(fromDecnetBool)).toEqual([false, false, false, false, false, false]);
    });
  });

  describe('JSON', () => {
    it('writes payloads as json.dumps does: spaced separators', () => {
      expect(pyJsonDumps({ a: 1, b: [1, 2], c: { d: null, e: true } })).toBe('{"a": 1, "b": [1, 2], "c": {"d": null, "e": true}}');
      expect(pyJsonDumps([])).toBe('[]');
      expect(pyJsonDumps({})).toBe('{}');
    });

    it('escapes everything outside printable ASCII as lowercase \\uXXXX (ensure_ascii)', () => {
      expect(pyJsonDumps({ subject: 'Grüße ✓ 😀' })).toBe('{"subject": "Gr\\u00fc\\u00dfe \\u2713 \\ud83d\\ude00"}');
      expect(pyJsonDumps('a"b\\c\n\t\u0001\u007f')).toBe('"a\\"b\\\\c\\n\\t\\u0001\\u007f"');
    });

    it('writes numbers as Python would for integers and floats, and non-finite ones as null', () => {
      expect(pyJsonDumps([1, -2, 0.5, 1e-7, 1e21, Number.NaN])).toBe('[1, -2, 0.5, 1e-07, 1e+21, null]');
    });

    it('leaves undefined members out and honours toJSON, as JSON.stringify does', () => {
      expect(pyJsonDumps({ a: undefined, at: new Date('2026-01-01T00:00:00Z') })).toBe('{"at": "2026-01-01T00:00:00.000Z"}');
    });

    it('reads back to the same value with JSON.parse', () => {
      const v = { banner: 'SSH-2.0-OpenSSH_9.2p1 Debian', rc: 0, ok: true, tags: ['é', 'x'] };
      expect(JSON.parse(pyJsonDumps(v))).toEqual(v);
    });

    it('writes services compactly, as orjson does', () => {
      expect(compactJson(['ssh', 'imap'])).toBe('["ssh","imap"]');
    });
  });
});
