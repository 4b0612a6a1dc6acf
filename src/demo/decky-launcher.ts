import type Docker from 'dockerode';

/** One decky to start: its name and the services it runs (one container each). */
export interface DeckySpec {
  name: string;
  services: string[];
  /** extra labels on every container of the decky, e.g. `decnet.topology` */
  labels?: Record<string, string>;
}

/** What was started, so it can be removed again. */
export interface LaunchedNetwork {
  network: string;
  containers: string[];
}

/** The image every decky container runs; built by scripts/build-decky-image.sh. */
export const DECKY_IMAGE = process.env.DECKY_IMAGE ?? 'decnet-decky:bookworm';

// the ssh service runs the image's sshd entrypoint; other services only need to be alive.
function commandFor(service: string): string[] | undefined {
  return service === 'ssh' ? undefined : ['sleep', 'infinity'];
}

/**
 * Starts labelled decky containers (`<decky>-<service>`) on a fresh bridge network, the way
 * DECNET lays them out (SPEC §1.3 labels). Throws when the engine or the image is missing.
 */
export async function launchDeckies(
  docker: Docker,
  network: string,
  deckies: readonly DeckySpec[],
): Promise<LaunchedNetwork> {
  await docker.getImage(DECKY_IMAGE).inspect();
  await docker.createNetwork({ Name: network, Driver: 'bridge', Labels: { 'decnet.demo': network } });
  const launched: LaunchedNetwork = { network, containers: [] };
  try {
    for (const decky of deckies) {
      for (const service of decky.services) {
        const name = `${decky.name}-${service}`;
        const container = await docker.createContainer({
          name,
          Image: DECKY_IMAGE,
          Cmd: commandFor(service),
          Labels: { 'decnet.decky': decky.name, 'decnet.service': service, ...decky.labels },
          HostConfig: { NetworkMode: network, AutoRemove: false },
        });
        launched.containers.push(name);
        await container.start();
      }
    }
  } catch (err) {
    await removeDeckies(docker, launched);
    throw err;
  }
  return launched;
}

/** Removes what launchDeckies started; never throws (best effort clean-up). */
export async function removeDeckies(docker: Docker, launched: LaunchedNetwork): Promise<void> {
  await Promise.all(
    launched.containers.map((name) =>
      docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await docker
    .getNetwork(launched.network)
    .remove()
    .catch(() => undefined);
}
