import type { DockerPort } from '../infra/docker/docker.port.js';

/**
 * The same engine, with every exec tied to `signal`: when the actor that owns the call is
 * stopped (drain bound passed, decky gone), its exec is abandoned at once instead of holding
 * the process open until the exec timeout.
 */
export function abortableDocker(docker: DockerPort, signal: AbortSignal): DockerPort {
  return {
    hostId: docker.hostId,
    exec: (req) => docker.exec({ ...req, signal }),
    readFile: (container, path, maxBytes, opts) => docker.readFile(container, path, maxBytes, { ...opts, signal }),
    listDeckyContainers: () => docker.listDeckyContainers(),
    watchEvents: (onEvent, onError) => docker.watchEvents(onEvent, onError),
    ping: () => docker.ping(),
  };
}
