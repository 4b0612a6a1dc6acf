import type { DockerPort, ExecRequest, ExecResult } from '../../infra/docker/docker.port.js';
import { errText } from '../../domain/err-text.js';

/** docker.exec, with a throwing port (a bug, or a fake) turned into an rc 125 result. */
export async function execSafely(docker: DockerPort, req: ExecRequest): Promise<ExecResult> {
  try {
    return await docker.exec(req);
  } catch (err) {
    const msg = errText(err);
    return { rc: 125, stdout: '', stderr: msg, timedOut: false, truncated: false, durationMs: 0 };
  }
}
