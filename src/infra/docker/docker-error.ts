/** An unexpected Docker engine failure (list, watch, connect); exec failures are results instead. */
export class DockerError extends Error {
  constructor(
    message: string,
    /** `DOCKER_UNAVAILABLE` (engine did not answer) or `DOCKER_CONFIG` (bad DOCKER_HOST etc.) */
    readonly code: 'DOCKER_UNAVAILABLE' | 'DOCKER_CONFIG',
    /** whether trying again later may succeed */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DockerError';
  }
}
