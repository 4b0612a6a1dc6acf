import { describe, expect, it } from 'vitest';
import { parseEventsQuery, parseStatsQuery, parseThreadId } from '../../../src/surfaces/http/query.js';

const q = (s: string) => new URLSearchParams(s);

describe('parseStatsQuery', () => {
  it.each([
    ['', '1h', 3_600_000],
    ['since=30m', '30m', 1_800_000],
    ['since=1h', '1h', 3_600_000],
    ['since=24h', '24h', 86_400_000],
    ['since=7d', '7d', 604_800_000],
    ['since=31d', '31d', 31 * 86_400_000],
  ])('reads %j as a %s window', (query, window, ms) => {
    expect(parseStatsQuery(q(query))).toEqual({ ok: true, value: { window, windowMs: ms } });
  });

  it('reads success=true and success=false', () => {
    expect(parseStatsQuery(q('success=false'))).toMatchObject({ ok: true, value: { success: false } });
    expect(parseStatsQuery(q('since=1h&success=true'))).toMatchObject({ ok: true, value: { success: true } });
  });

  it.each([
    'since=',
    'since=1',
    'since=1s',
    'since=-1h',
    'since=1.5h',
    'since=01h',
    'since=32d',
    'since=99999d',
    'since=1h&since=2h',
    'success=1',
    'success=False',
  ])('refuses %j with a reason', (query) => {
    const r = parseStatsQuery(q(query));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
  });
});

describe('parseEventsQuery', () => {
  it('defaults to the newest 50 of every kind', () => {
    expect(parseEventsQuery(q(''))).toEqual({ ok: true, value: { limit: 50, offset: 0 } });
  });

  it('accepts the bounds and each kind', () => {
    expect(parseEventsQuery(q('limit=1000&offset=0&kind=email'))).toEqual({ ok: true, value: { limit: 1000, offset: 0, kind: 'email' } });
    expect(parseEventsQuery(q('limit=1&kind=traffic'))).toMatchObject({ ok: true, value: { limit: 1, kind: 'traffic' } });
  });

  it.each([
    'limit=',
    'limit=1e3',
    'limit=+5',
    'limit= 5',
    'offset=1.5',
    'offset=99999999999',
    'kind=',
    'kind=TRAFFIC',
    'kind=traffic&kind=file',
  ])('refuses %j', (query) => expect(parseEventsQuery(q(query)).ok).toBe(false));
});

describe('parseThreadId', () => {
  it('accepts uuids and store-made ids', () => {
    expect(parseThreadId('0b9c2f1e-6a43-4c55-9d1e-3f1f6a7b8c9d')).toEqual({ ok: true, value: '0b9c2f1e-6a43-4c55-9d1e-3f1f6a7b8c9d' });
    expect(parseThreadId('th%2D1')).toEqual({ ok: true, value: 'th-1' });
  });

  it.each(['', '..', '.hidden', 'a/b', 'a%2Fb', 'a b', 'a\nb', '%E0%A4%A', '<script>', 'x'.repeat(129)])('refuses %j', (id) => {
    expect(parseThreadId(id).ok).toBe(false);
  });
});
