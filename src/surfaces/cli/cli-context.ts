import type { Config } from '../../infra/config/config.js';
import type { Logger } from '../../infra/log/logger.port.js';

/** What every `decnet` subcommand gets from cli.ts: lazy config, a logger and an output sink. */
export interface CliContext {
  /** validated configuration; throws ConfigError with the variable's name when invalid */
  config(): Config;
  logger: Logger;
  /** one line of human or JSON output to stdout */
  out(line: string): void;
}

/** An error the operator must see as one line, with the exit status the program should end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
