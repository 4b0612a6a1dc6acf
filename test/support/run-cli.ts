import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** Result of one `decnet` process run. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Path of the built CLI; `npm test` builds dist/ before vitest runs. */
export const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

/** Runs the built `decnet` CLI (or `opts.cli`) as a real process with extra env; resolves when it exits. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; stdin?: string; cli?: string } = {},
): Promise<CliRun> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], {
      // these runs count live actions against rows; the history backfill has its own e2e test (backfill.e2e)
      // the host's /etc/decnet settings files stay out of tests unless a test names its own
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        DECNET_NO_BACKFILL: '1',
        DECNET_ENV_FILE: '',
        DECNET_CONFIG: '/nonexistent/decnet.ini',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`decnet ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Parses pino JSON lines from stdout, ignoring anything that is not JSON. */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
