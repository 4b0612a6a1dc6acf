import type { DockerPort } from '../infra/docker/docker.port.js';
import { type DriverLimits, runTraffic } from './drivers/traffic.driver.js';
import type { RunningDecky } from '../domain/decky.js';
import type { ActionOutcome, SendTrafficInput } from '../machines/decky/decky.types.js';
import { abortableDocker } from './abortable-docker.js';

/** What the traffic actor binds: the engine that runs each decky, limits and a clock. */
interface SendTrafficDeps {
  /** the Docker engine of the decky's own host (shards run elsewhere, SPEC §1.3) */
  dockerFor: (decky: RunningDecky) => DockerPort;
  limits?: DriverLimits;
  now?: () => Date;
}

/** The §3.1 probe in the source decky, on its host's engine; its exec aborts with `signal`. */
export function createSendTrafficCall(deps: SendTrafficDeps): (input: SendTrafficInput, signal: AbortSignal) => Promise<ActionOutcome> {
  const now = deps.now ?? (() => new Date());
  return async (input, signal) => {
    const docker = abortableDocker(deps.dockerFor(input.src), signal);
    const outcome = await runTraffic(docker, { srcName: input.src.name, dstName: input.dst.name, dstIp: input.dst.ip }, deps.limits);
    return { ...outcome, at: now().toISOString() };
  };
}
