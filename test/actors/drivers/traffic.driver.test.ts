import { describe, expect, it } from 'vitest';
import { TRAFFIC_ACTION, TRAFFIC_PROBE, buildTrafficExec, runTraffic } from '../../../src/actors/drivers/traffic.driver.js';
import { FAKE_SSH_BANNER, FakeDocker } from '../../fakes/fake-docker.js';
import { HOSTILE } from './hostile-values.js';

describe('traffic driver', () => {
  describe('buildTrafficExec', () => {
    it('runs the fixed probe in <src>-ssh with the destination IP as the last argv value', () => {
      const b = buildTrafficExec({ srcName: 'web01', dstName: 'db01', dstIp: '172.20.0.3' }, { timeoutMs: 8000 });
      expect(b).toEqual({
        ok: true,
        exec: {
          container: 'web01-ssh',
          argv: ['python3', '-c', TRAFFIC_PROBE, '172.20.0.3'],
          timeoutMs: 8000,
          maxOutputBytes: 4096,
        },
      });
    });

    it('accepts IPv6 literals', () => {
      expect(buildTrafficExec({ srcName: 'a', dstName: 'b', dstIp: 'fd00::2' }).ok).toBe(true);
    });

    it('keeps the probe free of anything but constants', () => {
      expect(TRAFFIC_PROBE).toContain('sys.argv[1]');
      expect(TRAFFIC_PROBE).toContain('timeout=3');
      expect(TRAFFIC_PROBE).toContain('recv(128)');
      expect(TRAFFIC_PROBE).not.toMatch(/eval|exec\(|os\.system|subprocess/);
    });

    it.each(HOSTILE)('refuses the source name %j', (name) => {
      expect(buildTrafficExec({ srcName: name, dstName: 'b', dstIp: '10.0.0.2' })).toMatchObject({ ok: false });
    });

    it.each([
      ...HOSTILE,
      '10.0.0.2; id',
      '10.0.0.2\n',
      ' 10.0.0.2',
      'localhost',
      'fe80::1%eth0',
      '999.1.1.1',
    ])('refuses the destination %j', (ip) => {
      expect(buildTrafficExec({ srcName: 'a', dstName: 'b', dstIp: ip })).toMatchObject({ ok: false });
    });
  });

  describe('runTraffic', () => {
    it('succeeds with the banner when the destination answers SSH', async () => {
      const docker = new FakeDocker();
      docker.addDecky('web01', { ip: '10.0.0.2' });
      docker.addDecky('db01', { ip: '10.0.0.3' });
      const o = await runTraffic(docker, { srcName: 'web01', dstName: 'db01', dstIp: '10.0.0.3' });
      expect(o).toMatchObject({
        kind: 'traffic',
        action: TRAFFIC_ACTION,
        success: true,
        payload: { src_decky: 'web01', dst_decky: 'db01', dst_ip: '10.0.0.3', dst_port: 22, rc: 0, banner: FAKE_SSH_BANNER.trimEnd() },
      });
      expect(o.payload.stderr).toBeNull();
      expect(docker.calls).toHaveLength(1);
      expect(docker.calls[0]!.container).toBe('web01-ssh');
    });

    it('fails with bounded stderr when the connection is refused', async () => {
      const docker = new FakeDocker();
      docker.addDecky('web01', { ip: '10.0.0.2' });
      docker.setProbeAnswer('10.0.0.9', { rc: 1, stderr: `ConnectionRefusedError: ${'x'.repeat(1000)}` });
      const o = await runTraffic(docker, { srcName: 'web01', dstName: 'gone', dstIp: '10.0.0.9' });
      expect(o.success).toBe(false);
      expect(o.payload.rc).toBe(1);
      expect((o.payload.stderr as string).length).toBe(256);
      expect(o.payload.banner).toBeNull();
    });

    it('fails when rc is 0 but the output is not an SSH banner', async () => {
      const docker = new FakeDocker();
      docker.addDecky('web01', { ip: '10.0.0.2' });
      docker.setProbeAnswer('10.0.0.3', { banner: 'HTTP/1.1 400 Bad Request\r\n' });
      const o = await runTraffic(docker, { srcName: 'web01', dstName: 'db01', dstIp: '10.0.0.3' });
      expect(o.success).toBe(false);
      expect(o.payload.stderr).toMatch(/^not an SSH banner: HTTP/);
    });

    it('bounds and cleans a lying banner', async () => {
      const docker = new FakeDocker();
      docker.addDecky('web01');
      docker.setProbeAnswer('10.0.0.3', { banner: `SSH-2.0-\u001b[31mred\u202e${'A'.repeat(500)}` });
      const o = await runTraffic(docker, { srcName: 'web01', dstName: 'db01', dstIp: '10.0.0.3' });
      expect(o.success).toBe(true);
      const banner = o.payload.banner as string;
      expect(banner.length).toBe(128);
      expect(banner.includes('\u001b') || banner.includes('\u202e')).toBe(false);
    });

    it('reports a timeout as a failed outcome with rc 124', async () => {
      const docker = new FakeDocker();
      docker.addDecky('web01');
      docker.scriptNextExec('web01-ssh', { kind: 'hang' });
      const o = await runTraffic(docker, { srcName: 'web01', dstName: 'db01', dstIp: '10.0.0.3' }, { timeoutMs: 20 });
      expect(o).toMatchObject({ success: false, payload: { rc: 124, timed_out: true } });
    });

    it.each(HOSTILE)('never executes anything for the source name %j', async (name) => {
      const docker = new FakeDocker();
      const o = await runTraffic(docker, { srcName: name, dstName: 'db01', dstIp: '10.0.0.3' });
      expect(o.success).toBe(false);
      expect(o.payload.rc).toBeNull();
      expect(docker.calls).toEqual([]);
      expect(o.payload.src_decky as string).not.toMatch(/\n/);
    });

    it('turns a throwing port into a failed outcome', async () => {
      const docker = new FakeDocker();
      docker.addDecky('web01');
      docker.exec = async () => {
        throw new Error('boom');
      };
      const o = await runTraffic(docker, { srcName: 'web01', dstName: 'db01', dstIp: '10.0.0.3' });
      expect(o).toMatchObject({ success: false, payload: { rc: 125, stderr: 'boom' } });
    });
  });
});
