import { BACKFILL_SCRIPT, SETTLE_SCRIPT } from '../../../src/infra/realism/backfill-writer.js';
import type { ExecRequest, ExecResult } from '../../../src/infra/docker/docker.port.js';
import type { FakeDocker } from '../../fakes/fake-docker.js';

/** A file the modelled write script produced. */
export interface WrittenFile {
  body: Buffer;
  /** epoch seconds */
  mtime: number;
  owner?: string;
}

const ok = (r: Partial<ExecResult> = {}): ExecResult => ({ rc: 0, stdout: '', stderr: '', timedOut: false, truncated: false, durationMs: 1, ...r });

/**
 * Teaches a FakeDocker the backfill write and settle scripts over an in-memory file system
 * per container: `put`, `begin`/`add`/`commit` and `abort` as the real script does them.
 * `failOn(step)` makes the next exec of that step fail with rc 1.
 */
export function modelBackfill(fake: FakeDocker) {
  const files = new Map<string, WrittenFile>();
  const partials = new Map<string, Buffer>();
  const settled: string[][] = [];
  const failures: string[] = [];
  fake.model(
    (req: ExecRequest) => req.argv[2] === BACKFILL_SCRIPT,
    (req: ExecRequest) => {
      const [, , , , path, when, step, owner] = req.argv as string[];
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
        files.set(key, { body: partials.get(key)!, mtime: Number(String(when).slice(1)), ...(owner ? { owner } : {}) });
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
  return {
    files,
    partials,
    settled,
    failOn: (step: string) => failures.push(step),
    file: (container: string, path: string) => files.get(`${container}\u0000${path}`),
  };
}
