/** Thrown for configuration the operator must fix; the message names the variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}
