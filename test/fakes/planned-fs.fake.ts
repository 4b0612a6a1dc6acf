import type { ExecRequest, ExecResult } from '../../src/infra/docker/docker.port.js';
import { PLANNED_FILE_SCRIPT } from '../../src/actors/drivers/planned-file.driver.js';
import { SETTLE_SCRIPT } from '../../src/actors/realism/settle-mtimes.js';
import type { FakeDocker } from './fake-docker.js';

/** A file the modelled planned-file script produced. */
export interface WrittenFile {
  body: Buffer;
  /** epoch seconds */
  mtime: number;
  /** absent: root's */
  owner?: string;
  /** octal mode, when a test set one with `chmod` */
  mode?: string;
}

const ok = (r: Partial<ExecResult> = {}): ExecResult => ({
  rc: 0,
  stdout: '',
  stderr: '',
  timedOut: false,
  truncated: false,
  durationMs: 1,
  ...r,
});

/**
 * Teaches a FakeDocker the planned-file script and the settle script over an in-memory file
 * system per container: `put`, `begin`/`add`/`commit` and `abort` as the real script does them.
 * The owner argument applies when that login exists (`users`; default: every login does); an
 * edit otherwise keeps the file's owner and mode. `failOn(step)` makes the next exec of that
 * step fail with rc 1.
 */
export function modelPlannedFiles(fake: FakeDocker, opts: { users?: readonly string[] } = {}) {
  const files = new Map<string, WrittenFile>();
  const partials = new Map<string, Buffer>();
  const settled: string[][] = [];
  const failures: string[] = [];
  const exists = (login: string) => opts.users === undefined || opts.users.includes(login);
  fake.model(
    (req: ExecRequest) => req.argv[2] === PLANNED_FILE_SCRIPT,
    (req: ExecRequest) => {
      const [, , , , path, when, step, owner, mode] = req.argv as string[];
      const key = `${req.container}\u0000${path}`;
      const stdin = req.stdin === undefined ? Buffer.alloc(0) : Buffer.from(req.stdin);
      if (failures[0] === step) {
        failures.shift();
        return ok({ rc: 1, stderr: `cat: write error: No space left on device` });
      }
      switch (step) {
        case 'put':
        case 'begin':
          partials.set(key, stdin);
          break;
        case 'add':
        case 'commit': {
          const before = partials.get(key);
          if (!before) return ok({ rc: 3, stderr: 'no partial file' });
          partials.set(key, Buffer.concat([before, stdin]));
          break;
        }
        case 'abort':
          partials.delete(key);
          return ok();
        default:
          return ok({ rc: 2, stderr: 'unknown step' });
      }
      if (step === 'put' || step === 'commit') {
        // an edit keeps owner and mode; the writer's login, when it exists, then takes the file
        const prev = files.get(key);
        const kept = { ...(prev?.owner ? { owner: prev.owner } : {}), ...(prev?.mode ? { mode: prev.mode } : {}) };
        const own = owner && exists(owner) ? { owner } : {};
        // a new file takes the mode it was given; an edit keeps the one it had
        const fresh = !prev && mode ? { mode } : {};
        files.set(key, { body: partials.get(key)!, mtime: Number(String(when).slice(1)), ...kept, ...fresh, ...own });
        partials.delete(key);
      }
      return ok();
    },
  );
  fake.model(
    (req: ExecRequest) => req.argv[2] === SETTLE_SCRIPT,
    (req: ExecRequest) => {
      settled.push(req.argv.slice(4) as string[]);
      return ok();
    },
  );
  const keyOf = (container: string, path: string) => `${container}\u0000${path}`;
  return {
    files,
    partials,
    settled,
    failOn: (step: string) => failures.push(step),
    file: (container: string, path: string) => files.get(keyOf(container, path)),
    /** what `chown`/`chmod` by someone else would do to a written file */
    chown: (container: string, path: string, owner: string, mode?: string) => {
      const f = files.get(keyOf(container, path));
      if (!f) throw new Error(`not implemented: chown of a file the fake never wrote: ${path}`);
      files.set(keyOf(container, path), { ...f, owner, ...(mode ? { mode } : {}) });
    },
  };
}
