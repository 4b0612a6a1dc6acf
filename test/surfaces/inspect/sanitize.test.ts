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
    expect(sanitizeForInspector({ id: 'persona:alice@corp.example', 'bob@corp.example': 1 })).toEqual({ id: 'persona:[email]', '[email]': 1 });
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
