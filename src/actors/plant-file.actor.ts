import { fromPromise } from 'xstate';
import type { DockerPort } from '../infra/docker/docker.port.js';
import { runFile } from '../infra/drivers/file.driver.js';
import type { DriverLimits } from '../infra/drivers/traffic.driver.js';
import type { RunningDecky } from '../infra/store/inventory.port.js';
import type { ActionOutcome, PlantFileInput } from '../machines/decky/decky.types.js';
import { abortableDocker } from './abortable-docker.js';

/** What the file actor binds: the engine that runs each decky, limits and a clock. */
export interface PlantFileDeps {
  dockerFor: (decky: RunningDecky) => DockerPort;
  limits?: DriverLimits;
  now?: () => Date;
}

/** `plantFile` for the decky machine: the §3.2 plant in the destination decky, on its host's engine. */
export function createPlantFileLogic(deps: PlantFileDeps) {
  const now = deps.now ?? (() => new Date());
  return fromPromise<ActionOutcome, PlantFileInput>(async ({ input, signal }) => {
    const docker = abortableDocker(deps.dockerFor(input.dst), signal);
    const outcome = await runFile(docker, { dstName: input.dst.name, path: input.plan.path, content: input.plan.content }, deps.limits);
    return { ...outcome, at: now().toISOString() };
  });
}
