import type { ExecRequest, ExecResult } from '../../src/infra/docker/docker.port.js';
import { EMAIL_DELIVERY_SCRIPT } from '../../src/actors/drivers/email-delivery.driver.js';
import { FakeDocker } from './fake-docker.js';

/** One file in a fake mail container's spool. */
export interface SpoolFile {
  container: string;
  /** `<dir>/<name>` as the script would build it */
  path: string;
  dir: string;
  name: string;
  bytes: Buffer;
  /** epoch seconds set by `touch -d @…` */
  mtime: number;
}

/**
 * FakeDocker that also models the §3.3 delivery script: it checks the argv is exactly the fixed
 * script with three positional arguments, keeps a spool per container, and honours the script's
 * contract (an existing file is not rewritten and answers `exists`). Anything else still fails
 * loudly through FakeDocker.
 */
export class FakeMailDocker extends FakeDocker {
  /** every file delivered, in order (a repeated delivery adds nothing) */
  readonly spool: SpoolFile[] = [];
  /** deliveries the script was asked to make, existing ones included */
  deliveries = 0;

  constructor(opts: { hostId?: string } = {}) {
    super(opts);
    this.model(isDeliveryScript, (req) => this.deliver(req));
  }

  /** the file at `path` in `container`, if delivered */
  spoolFile(container: string, path: string): SpoolFile | undefined {
    return this.spool.find((f) => f.container === container && f.path === path);
  }

  private deliver(req: ExecRequest): ExecResult {
    this.deliveries += 1;
    const [dir, name, when] = req.argv.slice(4) as [string, string, string];
    if (!/^\d+$/.test(when)) return res({ rc: 1, stderr: `touch: invalid date '@${when}'` });
    const path = `${dir}/${name}`;
    if (this.spool.some((f) => f.container === req.container && f.path === path)) return res({ stdout: 'exists\n' });
    const bytes = req.stdin === undefined ? Buffer.alloc(0) : Buffer.from(req.stdin);
    this.spool.push({ container: req.container, path, dir, name, bytes, mtime: Number(when) });
    return res({ stdout: 'delivered\n' });
  }
}

function isDeliveryScript(req: ExecRequest): boolean {
  const a = req.argv;
  return a.length === 7 && a[0] === 'sh' && a[1] === '-c' && a[2] === EMAIL_DELIVERY_SCRIPT && a[3] === 'sh';
}

function res(r: Partial<ExecResult>): ExecResult {
  return { rc: 0, stdout: '', stderr: '', timedOut: false, truncated: false, durationMs: 1, ...r };
}
