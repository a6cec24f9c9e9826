/** `loadConfig`: defaults, environment, flags (a flag wins), and clear messages for bad values. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MadangError } from '../../shared/errors.ts';
import { loadConfig, readPackageVersion, repoRoot } from '../../server/config.ts';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MadangError);
    expect((err as MadangError).code).toBe('invalid_input');
    return (err as MadangError).detail.en;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/madang' });
    expect(c).toEqual({
      port: 8787,
      host: 'localhost',
      dataDir: '/srv/madang/.madang',
      databaseUrl: undefined,
      publicOrigin: undefined,
      demo: true,
      logLevel: 'warn',
      clientDir: path.join(repoRoot, 'dist', 'client'),
      trustProxy: false,
    });
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const env = { MADANG_TRUST_PROXY: 'yes', PORT: '9000', MADANG_DATA: 'data', MADANG_DEMO: 'off', MADANG_LOG_LEVEL: 'info', MADANG_PUBLIC_ORIGIN: 'https://madang.example.kr/' };
    const c = loadConfig({ env, cwd: '/x' });
    expect(c).toMatchObject({ port: 9000, dataDir: '/x/data', demo: false, logLevel: 'info', publicOrigin: 'https://madang.example.kr', trustProxy: true });
    const f = loadConfig({ env, cwd: '/x', flags: { port: '0', data: '/abs/dir', demo: true } });
    expect(f).toMatchObject({ port: 0, dataDir: '/abs/dir', demo: true });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ env: { PORT: '', MADANG_DATA: ' ' }, cwd: '/y' })).toMatchObject({ port: 8787, dataDir: '/y/.madang' });
  });

  it('names every bad value in one message', () => {
    expect(messageOf(() => loadConfig({ env: { PORT: 'eighty' } }))).toContain('--port / PORT: port must be an integer 0-65535, got "eighty"');
    expect(messageOf(() => loadConfig({ env: { PORT: '70000' } }))).toContain('PORT');
    expect(messageOf(() => loadConfig({ env: { MADANG_DEMO: 'maybe' } }))).toContain('MADANG_DEMO: expected true/false, got "maybe"');
    expect(messageOf(() => loadConfig({ env: { MADANG_PUBLIC_ORIGIN: 'https://x.kr/app' } }))).toContain('MADANG_PUBLIC_ORIGIN');
    expect(messageOf(() => loadConfig({ env: { DATABASE_URL: 'mysql://db' } }))).toContain('DATABASE_URL: must start with postgres://');
    const both = messageOf(() => loadConfig({ env: { PORT: '-1', MADANG_LOG_LEVEL: 'loud' } }));
    expect(both).toContain('PORT');
    expect(both).toContain('MADANG_LOG_LEVEL');
  });

  it('reads the package version', () => {
    expect(readPackageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
