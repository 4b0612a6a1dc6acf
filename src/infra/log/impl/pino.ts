import { pino } from 'pino';
import type { Logger } from '../logger.port.js';

/** JSON logs to stdout (SPEC §8); level from `LOG_LEVEL`, default info. */
export function createPinoLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'decnet' } }) as unknown as Logger;
}
