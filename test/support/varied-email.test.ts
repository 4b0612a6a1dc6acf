import { describe, expect, it } from 'vitest';
import { getLlm } from '../../src/infra/llm/factory.js';
import { parseEmailOutput } from '../../src/machines/email/parse-output.js';
import { buildPrompt } from '../../src/machines/email/prompt.js';
import { CONTEXT_TOPICS } from '../../src/machines/email/topics.js';
import { persona } from '../builders/emailgen.builders.js';
import { startOllamaServer } from './ollama-server.js';
import { readPrompt, variedEmail } from './varied-email.js';

const ANN = persona({ email: 'ann@corp.example', name: 'Ann Keller', role: 'Controller' });
const BOB = persona({ email: 'bob@corp.example', name: 'Bob Stone', role: 'Buyer', signature: 'Bob Stone\nPurchasing' });

describe('the loopback model’s varied emails', () => {
  it('writes no two bodies alike, without dashes, with the subject and signature the prompt demands', () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      const topic = CONTEXT_TOPICS[i % CONTEXT_TOPICS.length]!;
      const reply = i % 2 === 1 ? { parentSubject: `Re: ${topic}`, parentBody: 'Any news?' } : null;
      const [from, to] = i % 3 === 0 ? [BOB, ANN] : [ANN, BOB];
      const text = variedEmail(buildPrompt({ sender: from, recipient: to, topic, mannerisms: [], reply }), i);
      const parsed = parseEmailOutput(text, { usesLlmsHeavily: false });
      expect(parsed.body).not.toMatch(/[\u2012-\u2015]/);
      if (reply) expect(parsed.subject).toBe(`Re: ${topic}`);
      else expect(parsed.subject.toLowerCase()).toContain(topic.toLowerCase().slice(1, 12));
      expect(parsed.body).toContain(`${to.name.split(' ')[0]},`);
      if (from === BOB) expect(parsed.body.endsWith('Bob Stone\nPurchasing')).toBe(true);
      bodies.add(parsed.body);
    }
    expect(bodies.size).toBe(300);
  });

  it('reads sender, recipient, topic and reply subject from the prompt', () => {
    const ask = readPrompt(
      buildPrompt({
        sender: ANN,
        recipient: BOB,
        topic: 'Vendor invoices',
        mannerisms: ['keeps it short'],
        reply: { parentSubject: 'RE: re: Vendor invoices', parentBody: 'x' },
      }),
    );
    expect(ask).toEqual({
      sender: 'Ann Keller',
      recipient: 'Bob Stone',
      topic: 'Vendor invoices',
      replySubject: 'Re: Vendor invoices',
      signature: null,
    });
  });

  it('is served by the loopback Ollama server through the real client', async () => {
    const server = await startOllamaServer();
    let n = 0;
    server.setDefault({ kind: 'write', write: (prompt) => variedEmail(prompt, n++) });
    try {
      const llm = getLlm({ DECNET_EMAILGEN_LLM: 'ollama', OLLAMA_HOST: server.url, DECNET_EMAILGEN_TIMEOUT: '5' });
      const prompt = buildPrompt({ sender: ANN, recipient: BOB, topic: 'Office move', mannerisms: [], reply: null });
      const a = await llm.generate(prompt);
      const b = await llm.generate(prompt);
      expect(a.success && b.success).toBe(true);
      expect(a.text).toMatch(/^Subject: .*office move/i);
      expect(a.text).not.toBe(b.text);
    } finally {
      await server.close();
    }
  });
});
