type LogFn = (obj: Record<string, unknown> | string, msg?: string) => void;

/** Structured logger, pino-shaped; machines and infra log through this, never console. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything: for tests that do not assert on logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
