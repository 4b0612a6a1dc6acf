import type { Knex } from '@mikro-orm/knex';

/** True when a query on `client` answers; the client is destroyed either way. */
export async function answers(client: Knex): Promise<boolean> {
  try {
    await client.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.destroy();
  }
}

/**
 * Whether a database server's suites run. In CI (DECNET_REQUIRE_DOCKER=1, or the server's own
 * `DECNET_REQUIRE_<NAME>=1`) a server that does not answer is an error, so the suites fail
 * instead of skipping; elsewhere they skip with one warning.
 */
export function requireOrSkip(server: string, requireVar: string, url: string, ok: boolean): boolean {
  const required = process.env.DECNET_REQUIRE_DOCKER === '1' || process.env[requireVar] === '1';
  if (!ok && required) throw new Error(`${server} is required but does not answer at ${redact(url)} (run scripts/setup.sh)`);
  if (!ok) console.warn(`${server} does not answer at ${redact(url)}: its suites are skipped`);
  return ok;
}

/** A URL without its password, for messages. */
export function redact(u: string): string {
  try {
    const url = new URL(u);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable url)';
  }
}
