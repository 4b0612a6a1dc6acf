import type { DockerPort, ExecRequest } from '../../infra/docker/docker.port.js';
import type { DriverOutcome } from '../../domain/driver-outcome.js';
import { execSafely } from './exec-safely.js';
import { MAX_BANNER, sanitizeField, sanitizeOutput, sanitizeStderr } from './sanitize.js';
import { isDeckyName, isIpLiteral } from './validate.js';

/** Action string of a traffic event (SPEC §3.1). */
export const TRAFFIC_ACTION = 'exec:tcp_connect:22';

/**
 * The probe, fixed code: connect to argv[1]:22 (3 s timeout), read up to 128 bytes, print them.
 * Nothing is ever interpolated into it; the destination arrives as `sys.argv[1]`.
 */
export const TRAFFIC_PROBE = [
  'import socket, sys',
  'try:',
  '    s = socket.create_connection((sys.argv[1], 22), timeout=3)',
  '    try:',
  '        data = s.recv(128)',
  '    finally:',
  '        s.close()',
  'except Exception as e:',
  "    sys.stderr.write('%s: %s\\n' % (type(e).__name__, e))",
  '    sys.exit(1)',
  'sys.stdout.buffer.write(data)',
].join('\n');

/** Output the probe may produce is tiny; anything larger is a lying decky. */
const TRAFFIC_MAX_OUTPUT = 4096;

/** One traffic action: `src` connects to `dst` at `dstIp`. */
interface TrafficRequest {
  srcName: string;
  dstName: string;
  dstIp: string;
}

/** Per-call bounds; unset values fall back to the port's defaults. */
export interface DriverLimits {
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** The exec for a traffic probe, or why it is refused (then nothing may be executed). */
export function buildTrafficExec(
  req: TrafficRequest,
  limits: DriverLimits = {},
): { ok: true; exec: ExecRequest } | { ok: false; reason: string } {
  if (!isDeckyName(req.srcName)) return { ok: false, reason: 'refused: invalid source decky name' };
  if (!isIpLiteral(req.dstIp)) return { ok: false, reason: 'refused: destination is not an IP literal' };
  return {
    ok: true,
    exec: {
      container: `${req.srcName}-ssh`,
      argv: ['python3', '-c', TRAFFIC_PROBE, req.dstIp],
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes ?? TRAFFIC_MAX_OUTPUT,
    },
  };
}

/** Runs one traffic probe on `docker` (the source decky's host); never throws. */
export async function runTraffic(docker: DockerPort, req: TrafficRequest, limits: DriverLimits = {}): Promise<DriverOutcome<'traffic'>> {
  const base = {
    src_decky: sanitizeField(String(req.srcName), 128),
    dst_decky: sanitizeField(String(req.dstName), 128),
    dst_ip: sanitizeField(String(req.dstIp), 64),
    dst_port: 22,
  };
  const built = buildTrafficExec(req, limits);
  if (!built.ok) {
    return { kind: 'traffic', action: TRAFFIC_ACTION, success: false, payload: { ...base, rc: null, banner: null, stderr: built.reason } };
  }
  const res = await execSafely(docker, built.exec);
  const success = res.rc === 0 && res.stdout.startsWith('SSH-');
  // DECNET's worker writes both keys, the one that does not apply as null
  const payload: Record<string, unknown> = {
    ...base,
    rc: res.rc,
    banner: success ? sanitizeOutput(res.stdout.trimEnd(), MAX_BANNER) : null,
    stderr: success ? null : sanitizeStderr(res.stderr || (res.rc === 0 ? `not an SSH banner: ${res.stdout}` : '')),
    duration_ms: res.durationMs,
  };
  if (res.timedOut) payload.timed_out = true;
  if (res.truncated) payload.truncated = true;
  return { kind: 'traffic', action: TRAFFIC_ACTION, success, payload };
}
