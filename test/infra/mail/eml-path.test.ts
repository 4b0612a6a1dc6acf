import { describe, expect, it } from 'vitest';
import { emlFileName, emlPath } from '../../../src/infra/mail/eml-path.js';

describe('emlFileName', () => {
  it('is the Message-ID without brackets, @ → _at_, plus .eml', () => {
    expect(emlFileName('<0123abcd@acme-corp.com>')).toBe('0123abcd_at_acme-corp.com.eml');
    expect(emlFileName('0123abcd@acme.com')).toBe('0123abcd_at_acme.com.eml');
  });

  it.each([
    '<../../etc/passwd@x.com>',
    '<a/b@x.com>',
    '<..>',
    '<.hidden@x.com>',
    '<a b@x.com>',
    '<a\nb@x.com>',
    "<a';rm -rf /@x.com>",
    '<$(id)@x.com>',
    '<>',
    `<${'a'.repeat(300)}@x.com>`,
  ])('refuses %j', (id) => {
    expect(() => emlFileName(id)).toThrow(expect.objectContaining({ code: 'EML_UNSAFE_PATH' }));
  });
});

describe('emlPath', () => {
  it('is <spool>/<thread>/<file>.eml', () => {
    expect(emlPath('/var/spool/mail-archive', '5f0c2a9e-1b7d-4c3e-9a61-2f8e5d4c3b2a', '<ab@x.com>')).toBe(
      '/var/spool/mail-archive/5f0c2a9e-1b7d-4c3e-9a61-2f8e5d4c3b2a/ab_at_x.com.eml',
    );
  });

  it('refuses unsafe thread ids and spool roots', () => {
    for (const thread of ['..', '../x', 'a/b', '', '-rf', 'a b']) expect(() => emlPath('/spool', thread, '<a@x.com>')).toThrow(/thread id/);
    for (const root of ['spool', '/spool/../etc', '/./x']) expect(() => emlPath(root, 't1', '<a@x.com>')).toThrow(/spool root/);
  });
});
