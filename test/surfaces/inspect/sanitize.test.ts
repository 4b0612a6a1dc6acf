import { describe, expect, it } from 'vitest';
import { REDACTED, sanitizeForInspector } from '../../../src/surfaces/inspect/sanitize.js';

describe('sanitizeForInspector', () => {
  it('redacts bodies, prompts, emails, tokens and passwords at any depth', () => {
    const out = sanitizeForInspector({
      persona: { name: 'Alice', email: 'alice@corp.example', senderEmail: 'a@b.example', signature: 'Alice\nCFO' },
      draft: { subject: 'Budget', body: 'secret plans', text: 'llm output', prompt: 'You are Alice' },
      auth: { token: 'abc', apiToken: 'def', password: 'hunter2', DB_PASSWORD: 'x', authorization: 'Bearer x' },
      emailPersonas: [{ name: 'B' }],
      context: { kept: true },
    });
    expect(out).toEqual({
      persona: { name: 'Alice', email: REDACTED, senderEmail: REDACTED, signature: REDACTED },
      draft: { subject: 'Budget', body: REDACTED, text: REDACTED, prompt: REDACTED },
      auth: { token: REDACTED, apiToken: REDACTED, password: REDACTED, DB_PASSWORD: REDACTED, authorization: REDACTED },
      emailPersonas: REDACTED,
      context: { kept: true },
    });
  });

  it('masks addresses inside strings and keys', () => {
    expect(sanitizeForInspector({ id: 'persona:alice@corp.example', 'bob@corp.example': 1 })).toEqual({
      id: 'persona:[email]',
      '[email]': 1,
    });
  });

  it('caps strings, arrays and depth, and cuts cycles and functions', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const deep = { l1: { l2: { l3: { l4: 'x' } } } };
    const out = sanitizeForInspector(
      { long: 'x'.repeat(1000), list: Array.from({ length: 60 }, (_, i) => i), cyclic, fn: () => 1, deep, when: new Date(0), big: 10n },
      { maxDepth: 3 },
    ) as Record<string, unknown>;
    expect(out.long).toBe(`${'x'.repeat(256)}…[+744]`);
    expect((out.list as unknown[]).length).toBe(51);
    expect((out.list as unknown[])[50]).toBe('[+10 more]');
    expect(out.cyclic).toEqual({ a: 1, self: '[circular]' });
    expect(out.fn).toBe('[function]');
    expect(out.deep).toEqual({ l1: { l2: '[depth]' } });
    expect(out.when).toBe('1970-01-01T00:00:00.000Z');
    expect(out.big).toBe('10');
  });

  it('uses toJSON (actor refs, snapshots) and never returns the original objects', () => {
    const ref = { sessionId: 'x:1', send() {}, toJSON: () => ({ xstate$$type: 1, id: 'decky-web01' }) };
    const input = { children: { d: ref }, nested: { ok: 1 } };
    const out = sanitizeForInspector(input) as typeof input;
    expect(out).toEqual({ children: { d: { xstate$$type: 1, id: 'decky-web01' } }, nested: { ok: 1 } });
    expect(out.nested).not.toBe(input.nested);
    expect(() => JSON.stringify(out)).not.toThrow();
  });
});

describe('sanitizeForInspector › values under harmless keys', () => {
  it('masks IPv4 and IPv6 addresses, URL credentials, bearer and token= secrets and emails at any depth', () => {
    const out = sanitizeForInspector({
      context: {
        deckies: [{ meta: { net: { note: 'web01 10.0.0.2 → 10.0.0.3:22, v6 2001:db8::1 and [fe80::1%eth0]' } } }],
        bus: { conn: { dsn: 'nats://worker:s3cr3t@10.9.9.9:4222', pg: 'postgres://decnet:pw-123@db.example/decnet' } },
      },
      event: {
        payload: {
          l1: {
            l2: {
              l3: {
                l4: {
                  line: 'curl -H "Authorization: Bearer abc.DEF-123" https://x.example/?token=zzz&api_key=kkk by mallory@corp.example',
                },
              },
            },
          },
        },
      },
    });
    const text = JSON.stringify(out);
    for (const secret of [
      '10.0.0.2',
      '10.0.0.3',
      '2001:db8::1',
      'fe80::1',
      's3cr3t',
      'worker:',
      '10.9.9.9',
      'pw-123',
      'abc.DEF-123',
      'zzz',
      'kkk',
      'mallory',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(out).toEqual({
      context: {
        deckies: [{ meta: { net: { note: 'web01 [ip] → [ip]:22, v6 [ip] and [[ip]%eth0]' } } }],
        bus: { conn: { dsn: 'nats://[credentials]@[ip]:4222', pg: 'postgres://[credentials]@db.example/decnet' } },
      },
      event: {
        payload: {
          l1: {
            l2: {
              l3: {
                l4: {
                  line: 'curl -H "Authorization: Bearer [redacted]" https://x.example/?token=[redacted]&api_key=[redacted] by [email]',
                },
              },
            },
          },
        },
      },
    });
  });

  it('leaves times, versions, MAC-like ids and decky ids alone', () => {
    const kept = { at: '10:30:00', version: '1.2.3', id: 'decky:local:web01', session: 'x:12' };
    expect(sanitizeForInspector(kept)).toEqual(kept);
  });

  it('masks keys too, and an address cut by the length cap is dropped, not half kept', () => {
    expect(sanitizeForInspector({ '10.1.2.3': 1 })).toEqual({ '[ip]': 1 });
    // four 255-character bearer headers shrink to 18 characters each once masked, which pulls the
    // address that straddles the masked head's end (character 1,024) into the kept 256
    const long = `${`Bearer ${'a'.repeat(247)} `.repeat(4)}10.200.100.50 tail`;
    const out = sanitizeForInspector({ long }) as { long: string };
    expect(out.long.startsWith('Bearer [redacted] Bearer [redacted]')).toBe(true);
    expect(out.long).not.toContain('10.2');
    expect(out.long).toMatch(/…\[\+\d+\]$/);
  });
});
