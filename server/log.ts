/**
 * The server's one logger (pino, JSON lines on stdout). Fastify takes it as `loggerInstance`, so
 * request logs and our own share one stream and one level. Tests pass `silent`.
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { app: 'madang' },
    // Session cookies and passwords must never reach a log file.
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password'],
      censor: '[redacted]',
    },
  });
}
