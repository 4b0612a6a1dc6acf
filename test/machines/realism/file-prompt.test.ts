import { describe, expect, it } from 'vitest';
import { fileBodyPrompt, MAX_LLM_BODY_BYTES, sanitizeLlmBody } from '../../../src/machines/realism/file-prompt.js';

const notes = { contentClass: 'notes' as const };
const todo = { contentClass: 'todo' as const };

describe('fileBodyPrompt', () => {
  it('names the file and the author, shows the template and forbids long dashes and fences', () => {
    const p = fileBodyPrompt({
      contentClass: 'todo',
      path: '/home/akeller/TODO.md',
      template: '- [ ] order toner\n',
      author: { name: 'Ann Keller' },
    });
    expect(p).toContain('"TODO.md"');
    expect(p).toContain('Ann Keller');
    expect(p).toContain('- [ ] order toner');
    expect(p).toMatch(/em-dashes/);
    expect(p).toMatch(/code fences/);
    expect(p.toLowerCase()).not.toContain('decnet');
  });
});

describe('sanitizeLlmBody', () => {
  it('strips code fences and a chatty first line, and ends with one newline', () => {
    expect(
      sanitizeLlmBody(
        "Sure! Here's the file:\n```text\ncall the vendor about the SAN quote\nmove standup to 9:30\n```\nHope this helps!",
        notes,
      ),
    ).toBe('call the vendor about the SAN quote\nmove standup to 9:30\n');
  });

  it('turns em-dashes and en-dashes into what a keyboard types', () => {
    const out = sanitizeLlmBody('check the backup job \u2014 it failed twice\nwindow is 9\u201317 on Fridays\n', notes)!;
    expect(out).not.toMatch(/[\u2013\u2014]/);
    expect(out).toBe('check the backup job, it failed twice\nwindow is 9-17 on Fridays\n');
  });

  it.each([
    ['empty', ''],
    ['tiny', 'ok'],
    ['a refusal', "I'm sorry, but as an AI language model I cannot write files."],
    ['the product name', 'remember to restart the DecNet sensor on web01 tonight'],
  ])('refuses %s', (_why, text) => {
    expect(sanitizeLlmBody(text, notes)).toBeNull();
  });

  it('makes a to-do list of list lines and refuses one without items', () => {
    expect(sanitizeLlmBody('* renew the VPN certificate\n1. order toner for floor 2\n- [x] close ticket 4411\nrandom prose', todo)).toBe(
      '- [ ] renew the VPN certificate\n- [ ] order toner for floor 2\n- [x] close ticket 4411\n',
    );
    expect(sanitizeLlmBody('Just a paragraph of prose with no items at all.', todo)).toBeNull();
  });

  it('caps a long answer at a line end within the byte limit and drops control characters', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} about the quarterly patch window\u0007`).join('\n');
    const out = sanitizeLlmBody(long, notes)!;
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MAX_LLM_BODY_BYTES + 1);
    expect(out.endsWith('window\n')).toBe(true);
    expect(out).not.toContain('\u0007');
  });

  it('normalises CRLF line ends', () => {
    expect(sanitizeLlmBody('first line of the note\r\nsecond line\r\n', notes)).toBe('first line of the note\nsecond line\n');
  });
});
