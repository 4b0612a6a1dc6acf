import { describe, expect, it } from 'vitest';
import { firstTarFile, tarCapFor } from '../../../src/infra/docker/tar-entry.js';

/** One ustar header block, checksum filled in. */
function header(name: string, size: number, type: string, link = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write(link, 157, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}
const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
const entry = (name: string, body: string | Buffer, type = '0') => {
  const data = Buffer.from(body);
  return Buffer.concat([header(name, data.length, type), pad(data)]);
};
const END = Buffer.alloc(1024);

describe('firstTarFile', () => {
  it('gives the first regular file, skipping a pax header before it', () => {
    const pax = entry('PaxHeader/passwd', '30 mtime=1700000000.123456789\n', 'x');
    const tar = Buffer.concat([pax, entry('passwd', 'root:x:0:0::/root:/bin/bash\n'), entry('other', 'not read'), END]);
    expect(firstTarFile(tar, 1024)).toEqual({ ok: true, content: Buffer.from('root:x:0:0::/root:/bin/bash\n') });
  });

  it('refuses links, directories and devices', () => {
    expect(firstTarFile(Buffer.concat([header('passwd', 0, '2', '/etc/shadow'), END]), 1024)).toMatchObject({ ok: false, reason: 'link' });
    expect(firstTarFile(Buffer.concat([header('passwd', 0, '1', 'shadow'), END]), 1024)).toMatchObject({ ok: false, reason: 'link' });
    expect(firstTarFile(Buffer.concat([header('etc/', 0, '5'), END]), 1024)).toMatchObject({ ok: false, reason: 'not-a-file' });
    expect(firstTarFile(Buffer.concat([header('zero', 0, '3'), END]), 1024)).toMatchObject({ ok: false, reason: 'not-a-file' });
  });

  it('refuses a file past the cap, a bad checksum, and an archive that stops short', () => {
    expect(firstTarFile(Buffer.concat([entry('passwd', 'x'.repeat(2000)), END]), 1024)).toMatchObject({ ok: false, reason: 'too-large' });
    const bad = Buffer.concat([entry('passwd', 'abc'), END]);
    bad[0] = 0x41;
    expect(firstTarFile(bad, 1024)).toMatchObject({ ok: false, reason: 'engine' });
    expect(firstTarFile(entry('passwd', 'x'.repeat(600)).subarray(0, 700), 1024)).toMatchObject({ ok: false, reason: 'engine' });
    expect(firstTarFile(Buffer.alloc(100), 1024)).toMatchObject({ ok: false, reason: 'engine' });
    expect(firstTarFile(END, 1024)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('refuses an endless run of extended headers and an oversized one', () => {
    const many = Buffer.concat([...Array.from({ length: 20 }, () => entry('PaxHeader/x', '9 a=b\n', 'x')), entry('passwd', 'ok'), END]);
    expect(firstTarFile(many, 1024)).toMatchObject({ ok: false, reason: 'engine' });
    expect(firstTarFile(Buffer.concat([header('PaxHeader/x', 1 << 20, 'x'), END]), 1024)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('bounds the bytes read for a file of at most maxBytes', () => {
    expect(tarCapFor(256 * 1024)).toBeLessThan(256 * 1024 + 80 * 1024);
  });
});
