import type { DockerPort } from '../infra/docker/docker.port.js';
import { runFile } from './drivers/file.driver.js';
import type { DriverLimits } from './drivers/traffic.driver.js';
import type { RunningDecky } from '../domain/decky.js';
import type { ActionOutcome, PlantFileInput } from '../machines/decky/decky.types.js';
import { abortableDocker } from './abortable-docker.js';
import { type LiveFilesDeps, writeLiveFile } from './files/live-write.js';
import { cachedDeckyUsers } from './files/decky-users.js';

/** What the file actor binds: the engine that runs each decky, limits, a clock and, optionally, the store. */
export interface PlantFileDeps {
  dockerFor: (decky: RunningDecky) => DockerPort;
  limits?: DriverLimits;
  now?: () => Date;
  /** with it, file actions continue the decky's recorded files (issue 7); without, the plan is written as is */
  live?: LiveFilesDeps;
}

/**
 * The file action on the destination decky's host engine; its execs abort with `signal`. With
 * `live` the supervisor's plan is only the seed and the fallback: the call reads the decky's
 * recorded files, decides between a new file and an edit, writes and records it.
 */
export function createPlantFileCall(deps: PlantFileDeps): (input: PlantFileInput, signal: AbortSignal) => Promise<ActionOutcome> {
  const now = deps.now ?? (() => new Date());
  // each decky's accounts, read from its passwd at most every few minutes
  const live = deps.live ? { ...deps.live, usersOf: deps.live.usersOf ?? cachedDeckyUsers() } : undefined;
  return async (input, signal) => {
    const docker = abortableDocker(deps.dockerFor(input.dst), signal);
    const outcome = live
      ? await writeLiveFile(docker, input.dst, input.plan, live, now(), deps.limits)
      : await runFile(docker, { dstName: input.dst.name, path: input.plan.path, content: input.plan.content }, deps.limits);
    return { ...outcome, at: now().toISOString() };
  };
}
