import Docker from 'dockerode';

/** True when a Docker engine answers on the default socket / DOCKER_HOST. */
export async function dockerAnswers(): Promise<boolean> {
  try {
    await new Docker().ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether docker-backed suites should run. Under DECNET_REQUIRE_DOCKER=1 (CI) a missing engine is
 * an error, so the suite fails instead of quietly skipping.
 */
export async function requireDockerOrSkip(): Promise<boolean> {
  const ok = await dockerAnswers();
  if (!ok && process.env.DECNET_REQUIRE_DOCKER === '1') {
    throw new Error('DECNET_REQUIRE_DOCKER=1 but no Docker engine answers');
  }
  return ok;
}

/** Resolved once per test file: use as `describe.runIf(hasDocker)`. */
export const hasDocker: boolean = await requireDockerOrSkip();
