/**
 * The logging the sync modules need: a subset of pino's `Logger` (which satisfies it), so tests
 * and the benchmark can pass nothing at all.
 */
export interface SyncLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const noop = () => {};
export const silentLogger: SyncLogger = { error: noop, warn: noop, info: noop, debug: noop };
