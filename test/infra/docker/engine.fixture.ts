import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { type DeckySpec, type LaunchedDecky, launchDecky } from '../../../src/demo/decky-launcher.js';

/** The decky image every docker-backed test runs (scripts/build-decky-image.sh builds it). */
export const TEST_IMAGE = process.env.DECKY_IMAGE ?? 'decnet-decky:bookworm';

/** A container a test started. */
export interface StartedContainer {
  id: string;
  name: string;
  ip: string;
}

/**
 * Throwaway containers and one bridge network on the real engine, all named `<prefix>-…` so a
 * test file cleans up exactly what it made (and nothing another helper's test runs).
 */
export class EngineFixture {
  readonly docker = new Docker();
  readonly prefix: string;
  readonly network: string;
  private readonly names = new Set<string>();
  private networkCreated = false;

  constructor(tag = 'dnt') {
    this.prefix = `${tag}-${randomBytes(4).toString('hex')}`;
    this.network = `${this.prefix}-net`;
  }

  /**
   * starts one container from the decky image on the fixture's network (sshd unless `cmd`), or
   * in the network namespace of container `netnsOf` (then its `ip` is '')
   */
  async run(opts: { name: string; labels?: Record<string, string>; cmd?: string[]; netnsOf?: string }): Promise<StartedContainer> {
    await this.ensureNetwork();
    const name = opts.name.startsWith(this.prefix) ? opts.name : `${this.prefix}-${opts.name}`;
    this.names.add(name);
    const c = await this.docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: opts.cmd,
      Labels: opts.labels ?? {},
      HostConfig: { NetworkMode: opts.netnsOf ? `container:${opts.netnsOf}` : this.network },
    });
    await c.start();
    const info = await c.inspect();
    const ip = info.NetworkSettings.Networks[this.network]?.IPAddress ?? '';
    return { id: info.Id, name, ip };
  }

  /**
   * lays out one decky as DECNET does on the fixture's network: base `<prefix>-<name>` (sleep
   * infinity, the ip) and `<prefix>-<name>-<svc>` service containers sharing its network, with
   * the fleet labels (or the topology ones); ssh services run sshd unless `commands` says else
   */
  async decky(spec: DeckySpec): Promise<LaunchedDecky & { name: string }> {
    await this.ensureNetwork();
    const name = spec.name.startsWith(this.prefix) ? spec.name : `${this.prefix}-${spec.name}`;
    const launched = await launchDecky(this.docker, this.network, { ...spec, name }, {}, (n) => this.names.add(n));
    return { ...launched, name };
  }

  /** runs argv in a container via the engine (setup only: tests use the port under test) */
  async sh(container: string, script: string): Promise<{ rc: number; out: string }> {
    const exec = await this.docker.getContainer(container).exec({
      Cmd: ['sh', '-c', script],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => stream.on('end', r));
    const { ExitCode } = await exec.inspect();
    // strip the 8-byte multiplex headers: setup scripts print little, one frame per write
    const out = demuxAll(Buffer.concat(chunks));
    return { rc: ExitCode ?? -1, out };
  }

  /** removes every container and the network this fixture created; never throws */
  async cleanup(): Promise<void> {
    await Promise.all(
      [...this.names].map((n) =>
        this.docker
          .getContainer(n)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    this.names.clear();
    if (this.networkCreated) {
      await this.docker
        .getNetwork(this.network)
        .remove()
        .catch(() => undefined);
      // an afterEach cleanup leaves the fixture usable by the next test
      this.networkCreated = false;
    }
  }

  private async ensureNetwork(): Promise<void> {
    if (this.networkCreated) return;
    await this.docker.createNetwork({ Name: this.network, Driver: 'bridge' });
    this.networkCreated = true;
  }
}

function demuxAll(buf: Buffer): string {
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, off + 8 + len));
    off += 8 + len;
  }
  return Buffer.concat(parts).toString('utf8');
}
