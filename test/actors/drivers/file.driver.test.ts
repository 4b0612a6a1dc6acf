import { describe, expect, it } from 'vitest';
import { FILE_ACTION, FILE_MAX_BYTES, FILE_SCRIPT, buildFileExec, runFile } from '../../../src/actors/drivers/file.driver.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { HOSTILE } from './hostile-values.js';

describe('file driver', () => {
  describe('buildFileExec', () => {
    it('runs the fixed script in <dst>-ssh with the path as a positional and the content on stdin', () => {
      const b = buildFileExec({ dstName: 'db01', path: '/tmp/.cache-1.tmp', content: 'session=1\n' });
      expect(b).toEqual({
        ok: true,
        exec: {
          container: 'db01-ssh',
          argv: ['sh', '-c', FILE_SCRIPT, 'sh', '/tmp/.cache-1.tmp'],
          stdin: 'session=1\n',
          timeoutMs: undefined,
          maxOutputBytes: 4096,
        },
      });
    });

    it('passes an mtime as epoch seconds in $2', () => {
      const b = buildFileExec({ dstName: 'db01', path: '/tmp/a', content: '', mtime: new Date('2024-03-01T08:00:00Z') });
      expect(b.ok && b.exec.argv.at(-1)).toBe('1709280000');
    });

    it('only ever quotes its positionals inside the fixed script', () => {
      expect(FILE_SCRIPT).not.toMatch(/\$[^12(]/);
      expect(FILE_SCRIPT.match(/\$[12]/g)?.length).toBe(FILE_SCRIPT.match(/"\$[12]"|"@\$2"/g)?.length);
    });

    it.each([
      '/tmp/x; touch /tmp/canary',
      '/tmp/$(touch /tmp/canary)',
      '/tmp/`touch /tmp/canary`',
      `/tmp/it's "quoted"`,
      '/tmp/with space/file',
      '/tmp/-rf',
    ])('keeps the hostile but valid path %j as one argv value', (path) => {
      const b = buildFileExec({ dstName: 'db01', path, content: 'x' });
      expect(b.ok && b.exec.argv).toEqual(['sh', '-c', FILE_SCRIPT, 'sh', path]);
    });

    it.each([
      ['relative', 'tmp/x'],
      ['traversal', '/tmp/../etc/passwd'],
      ['trailing traversal', '/tmp/..'],
      ['dot segment', '/tmp/./x'],
      ['newline', '/tmp/x\ntouch /tmp/canary'],
      ['NUL', '/tmp/x\u0000y'],
      ['directory', '/tmp/'],
      ['empty', ''],
      ['too long', `/${'a'.repeat(5000)}`],
    ])('refuses a %s path', (_why, path) => {
      expect(buildFileExec({ dstName: 'db01', path, content: 'x' })).toMatchObject({ ok: false });
    });

    it.each(HOSTILE)('refuses the destination name %j', (name) => {
      expect(buildFileExec({ dstName: name, path: '/tmp/x', content: 'x' })).toMatchObject({ ok: false });
    });
  });

  describe('runFile', () => {
    it('records path and byte count on success', async () => {
      const docker = new FakeDocker();
      docker.addDecky('db01');
      const o = await runFile(docker, { dstName: 'db01', path: '/home/admin/notes.txt', content: 'héllo\n' });
      expect(o).toMatchObject({
        kind: 'file',
        action: FILE_ACTION,
        success: true,
        payload: { dst_decky: 'db01', path: '/home/admin/notes.txt', bytes: 7, rc: 0 },
      });
      expect(docker.fileAt('db01-ssh', '/home/admin/notes.txt')?.content.toString()).toBe('héllo\n');
    });

    it('fails with stderr when the script fails', async () => {
      const docker = new FakeDocker();
      docker.addDecky('db01');
      docker.scriptNextExec('db01-ssh', { kind: 'result', result: { rc: 1, stderr: 'sh: 1: cannot create /x: Read-only file system\n' } });
      const o = await runFile(docker, { dstName: 'db01', path: '/x', content: 'x' });
      expect(o).toMatchObject({ success: false, payload: { rc: 1, stderr: 'sh: 1: cannot create /x: Read-only file system' } });
    });

    it('fails when the decky container is gone', async () => {
      const o = await runFile(new FakeDocker(), { dstName: 'db01', path: '/tmp/x', content: 'x' });
      expect(o).toMatchObject({ success: false, payload: { rc: 127 } });
    });

    it.each(['/tmp/../../etc/shadow', 'relative'])('never executes anything for the path %j', async (path) => {
      const docker = new FakeDocker();
      docker.addDecky('db01');
      const o = await runFile(docker, { dstName: 'db01', path, content: 'x' });
      expect(o).toMatchObject({ success: false, payload: { rc: null } });
      expect(docker.calls).toEqual([]);
    });

    it('refuses, as a failed outcome and without an exec, a body larger than its one exec carries', async () => {
      const docker = new FakeDocker();
      docker.addDecky('db01');
      expect(buildFileExec({ dstName: 'db01', path: '/tmp/x', content: 'x'.repeat(FILE_MAX_BYTES) }).ok).toBe(true);
      const o = await runFile(docker, { dstName: 'db01', path: '/var/log/x.log', content: new Uint8Array(FILE_MAX_BYTES + 1) });
      expect(o).toMatchObject({
        success: false,
        payload: { rc: null, bytes: FILE_MAX_BYTES + 1, stderr: expect.stringMatching(/^refused: body is larger/) },
      });
      expect(docker.calls).toEqual([]);
    });
  });
});
