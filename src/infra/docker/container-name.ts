// the engine's own grammar for container names; anything else never reaches an API path.
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Longest container name accepted; the engine allows more, no decky needs it. */
const MAX_CONTAINER_NAME = 200;

/**
 * True when `name` is a valid Docker container name (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`). dockerode puts
 * the name into the URL path unescaped, so this also keeps `/`, `?` and `%` out of API paths.
 */
export function isContainerName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_CONTAINER_NAME && CONTAINER_NAME.test(name);
}
