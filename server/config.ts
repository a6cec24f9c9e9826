/**
 * Environment variables and command-line flags -> one typed, validated `Config`, read once at
 * start-up. Nothing else in the server reads `process.env` (style: only the entry point knows the
 * outside world), so tests build a `Config` directly with `loadConfig({ env: {}, flags })`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MadangError } from '../shared/errors.ts';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface Config {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Absolute path of the data dir (SQLite file, raw datasets, extracts, stories). */
  dataDir: string;
  /** `postgres://…` switches storage to Postgres; undefined = embedded SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** The origin browsers use to reach us (behind a proxy); undefined = same host as the request. */
  publicOrigin: string | undefined;
  /** Seed sample notebooks and demo accounts on first start. */
  demo: boolean;
  logLevel: LogLevel;
  /** Built client (`vite build` output) served as static files. */
  clientDir: string;
  /** Behind a reverse proxy: take the client address and protocol from `X-Forwarded-*`. */
  trustProxy: boolean;
}

/** Flags as commander hands them over (strings), all optional. */
export interface ConfigFlags {
  port?: string | number;
  host?: string;
  data?: string;
  databaseUrl?: string;
  publicOrigin?: string;
  demo?: boolean | string;
  logLevel?: string;
  clientDir?: string;
  trustProxy?: boolean | string;
}

const booleanText = z
  .union([z.boolean(), z.string().trim().toLowerCase()])
  .transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true/false, got "${v}"` });
    return z.NEVER;
  });

const portText = z
  .union([z.number(), z.string().trim()])
  .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      ctx.addIssue({ code: 'custom', message: `port must be an integer 0-65535, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const originText = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin like https://madang.example.kr (scheme, host and optional port only)')
  .transform((v) => v.replace(/\/$/, ''));

const databaseUrlText = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// (leave unset for the embedded SQLite database)');

const configSchema = z.object({
  port: portText.default(8787),
  // localhost listens on both 127.0.0.1 and ::1 but not on the LAN; operators set HOST=0.0.0.0.
  host: z.string().trim().min(1).default('localhost'),
  dataDir: z.string().trim().min(1).default('./.madang'),
  databaseUrl: databaseUrlText.optional(),
  publicOrigin: originText.optional(),
  demo: booleanText.default(true),
  // warn: the console shows the URL and the one-time demo passwords, not a JSON line per request;
  // operators who want access logs set MADANG_LOG_LEVEL=info.
  logLevel: z.enum(logLevels).default('warn'),
  clientDir: z.string().trim().min(1).optional(),
  trustProxy: booleanText.default(false),
});

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** The repo root: `server/` sits directly under it. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');

/**
 * Builds the config: a flag wins over its environment variable, which wins over the default.
 * Throws `MadangError('invalid_input')` naming every bad value.
 *
 * @example loadConfig({ env: process.env, flags: { port: '0', data: '/tmp/x' } })
 */
export function loadConfig(input: { env?: NodeJS.ProcessEnv; flags?: ConfigFlags; cwd?: string } = {}): Config {
  const env = input.env ?? {};
  const flags = input.flags ?? {};
  const cwd = input.cwd ?? process.cwd();
  const raw = {
    port: flags.port ?? nonEmpty(env.PORT),
    host: flags.host ?? nonEmpty(env.HOST),
    dataDir: flags.data ?? nonEmpty(env.MADANG_DATA),
    databaseUrl: flags.databaseUrl ?? nonEmpty(env.DATABASE_URL),
    publicOrigin: flags.publicOrigin ?? nonEmpty(env.MADANG_PUBLIC_ORIGIN),
    demo: flags.demo ?? nonEmpty(env.MADANG_DEMO),
    logLevel: flags.logLevel ?? nonEmpty(env.MADANG_LOG_LEVEL) ?? nonEmpty(env.LOG_LEVEL),
    clientDir: flags.clientDir ?? nonEmpty(env.MADANG_CLIENT_DIR),
    trustProxy: flags.trustProxy ?? nonEmpty(env.MADANG_TRUST_PROXY),
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const names: Record<string, string> = {
      port: '--port / PORT', host: '--host / HOST', dataDir: '--data / MADANG_DATA',
      databaseUrl: 'DATABASE_URL', publicOrigin: 'MADANG_PUBLIC_ORIGIN', demo: 'MADANG_DEMO',
      logLevel: `MADANG_LOG_LEVEL (one of ${logLevels.join(', ')})`, clientDir: 'MADANG_CLIENT_DIR',
      trustProxy: 'MADANG_TRUST_PROXY',
    };
    const lines = parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new MadangError('invalid_input', {
      ko: `설정 값이 올바르지 않습니다: ${lines.join('; ')}`,
      en: `invalid configuration: ${lines.join('; ')}`,
    });
  }
  const c = parsed.data;
  return {
    port: c.port,
    host: c.host,
    dataDir: path.resolve(cwd, c.dataDir),
    databaseUrl: c.databaseUrl,
    publicOrigin: c.publicOrigin,
    demo: c.demo,
    logLevel: c.logLevel,
    clientDir: path.resolve(cwd, c.clientDir ?? path.join(repoRoot, 'dist', 'client')),
    trustProxy: c.trustProxy,
  };
}

/** The `version` in the repo's package.json (shown by `/api/health` and `madang --version`). */
export function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
