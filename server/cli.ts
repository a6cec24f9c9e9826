/**
 * The `madang` command line (commander). `server/bin/madang.mjs` registers tsx and calls `main`.
 *
 *   madang serve [--port N] [--data DIR]                       what `npm start` runs
 *   madang notebook list [--data DIR]                          id, last change, title (TSV)
 *   madang notebook export ID [--data DIR]                     the notebook as `.md` on stdout
 *   madang notebook import FILE.md [--owner EMAIL] [--data DIR] prints the new notebook's id
 *   madang user … / madang audit …                             accounts (server/cli/userCommands.ts)
 *   madang sanitize … / madang check-output …                  privacy tools (server/cli/*Command.ts)
 *
 * Exit codes here: 0 ok, 1 bad input or failure (the message says what and where); the privacy
 * tools add their own (2: no policy solution, 3: output needs review). Every subcommand that
 * touches the data dir takes `--data DIR` (else `MADANG_DATA`, else `./.madang`). A feature adds
 * its commands with a `register…(program, …)` function in `server/cli/`, called from
 * `buildProgram`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { MadangError } from '../shared/errors.ts';
import { registerUserCommands } from './cli/userCommands.ts';
import { registerSanitizeCommand } from './cli/sanitizeCommand.ts';
import { registerCheckOutputCommand } from './cli/checkOutputCommand.ts';
import { registerDatasetCommands } from './cli/datasetCommands.ts';
import { databaseFileName } from './persistence/database.ts';
import type { NotebookStorage } from './notebooks/storage.ts';
import { clientBuildState } from './http/clientBuild.ts';
import { appendAudit } from './audit/auditLog.ts';
import { addCreatorAsOwner } from './auth/memberships.ts';
import { findUserByEmail } from './auth/users.ts';
import { notebookAuditActions } from './http/routes/notebooks.ts';
import { loadConfig, readPackageVersion, repoRoot, type Config, type ConfigFlags } from './config.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

/**
 * A failure the user can fix: printed without a stack (the Korean line first when given), and
 * the process exits with `exitCode` (default 1).
 *
 * @example new CliError('no such file', '파일이 없습니다')  // exit 1, both languages
 * @example new CliError('audit chain broken at seq 7', 3)   // exit 3
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly ko: string | undefined;
  constructor(message: string, koOrExitCode?: string | number, exitCode?: number) {
    super(message);
    this.name = 'CliError';
    this.ko = typeof koOrExitCode === 'string' ? koOrExitCode : undefined;
    this.exitCode = typeof koOrExitCode === 'number' ? koOrExitCode : (exitCode ?? 1);
  }
}

const dataOption = ['--data <dir>', 'data directory (default: $MADANG_DATA or ./.madang)'] as const;

function configFrom(io: CliIo, flags: ConfigFlags): Config {
  return loadConfig({ env: io.env, flags });
}

/** `vite build` through Vite's JS API, with the repo's `vite.config.ts`. */
export async function buildClient(io: CliIo, why: 'missing' | 'stale' = 'missing'): Promise<void> {
  io.stderr(why === 'missing'
    ? 'madang: building the web client (first start; takes a few seconds)…\n'
    : 'madang: the web client\'s sources changed since the last build; rebuilding…\n');
  try {
    // Vite is a dev dependency: an install with --omit=dev has no builder (and needs a built client).
    const { build } = await import('vite');
    await build({
      configFile: path.join(repoRoot, 'vite.config.ts'),
      root: path.join(repoRoot, 'client'),
      logLevel: 'warn',
    });
  } catch (err) {
    // Vite has printed the details; say what failed and how to retry by hand.
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new CliError(
      `building the web client failed (${first}); run \`npm run build\` to see the full error`,
      `웹 화면을 빌드하지 못했습니다 (${first}). 자세한 오류는 \`npm run build\`로 확인하세요`,
    );
  }
}

async function serve(io: CliIo, opts: { port?: string; data?: string; host?: string }): Promise<void> {
  const config = configFrom(io, { port: opts.port, data: opts.data, host: opts.host });
  // Only our own build output is (re)built; a MADANG_CLIENT_DIR is the operator's to manage.
  if (config.clientDir === path.join(repoRoot, 'dist', 'client')) {
    const state = clientBuildState(repoRoot, config.clientDir);
    if (state !== 'fresh') await buildClient(io, state);
  }
  const { startServer } = await import('./index.ts');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        `port ${config.port} is already in use; pick another with --port N or PORT=N`,
        `포트 ${config.port}은(는) 이미 사용 중입니다. --port N 또는 PORT=N으로 다른 포트를 고르세요`,
      );
    }
    if (code === 'EACCES') {
      throw new CliError(
        `no permission to listen on ${config.host}:${config.port}; use a port above 1024`,
        `${config.host}:${config.port}에서 기다릴 권한이 없습니다. 1024보다 큰 포트를 쓰세요`,
      );
    }
    throw err;
  }
  io.stdout(`\nMadang is running at ${server.url}\n`);
  io.stdout(`Data / 데이터: ${config.dataDir}\n`);
  for (const line of server.notices) io.stdout(`${line}\n`);
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    // Every stored edit is already durable; a second Ctrl+C (default handler) just stops at once.
    io.stderr(`\nmadang: ${signal} received, shutting down…\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        io.stderr(`madang: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Opens an existing data dir's storage for a read-only command; a missing one says how to point at it. */
async function withExistingStorage<T>(io: CliIo, opts: { data?: string }, fn: (storage: NotebookStorage) => Promise<T>): Promise<T> {
  const config = configFrom(io, { data: opts.data });
  if (config.databaseUrl === undefined && !existsSync(path.join(config.dataDir, databaseFileName))) {
    throw new CliError(
      `no Madang data in ${config.dataDir} (use --data DIR or MADANG_DATA)`,
      `${config.dataDir}에 마당 데이터가 없습니다 (--data DIR 또는 MADANG_DATA로 지정하세요)`,
    );
  }
  const { openStorage } = await import('./notebooks/storage.ts');
  const storage = await openStorage(config, { create: false });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

async function exportNotebook(io: CliIo, id: string, opts: { data?: string }): Promise<void> {
  await withExistingStorage(io, opts, async (storage) => {
    const { markdown } = await storage.notebooks.exportMarkdown(id);
    io.stdout(markdown);
  });
}

async function listNotebooksCommand(io: CliIo, opts: { data?: string }): Promise<void> {
  await withExistingStorage(io, opts, async (storage) => {
    // Tab-separated, newest first: `cut -f1` gives ids for `notebook export`.
    for (const n of await storage.notebooks.list()) io.stdout(`${n.id}\t${n.updatedAt}\t${n.title}\n`);
  });
}

async function importNotebook(io: CliIo, file: string, opts: { data?: string; owner?: string }): Promise<void> {
  const config = configFrom(io, { data: opts.data });
  let markdown: string;
  try {
    markdown = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? ['no such file', '파일이 없습니다'] : code === 'EISDIR' ? ['is a directory', '폴더입니다'] : [String(err), String(err)];
    throw new CliError(`cannot read ${file}: ${why[0]}`, `${file}을(를) 읽을 수 없습니다: ${why[1]}`);
  }
  const { openStorage } = await import('./notebooks/storage.ts');
  const storage = await openStorage(config, { create: true });
  try {
    // Check the owner before creating anything, so a typo leaves no orphan notebook behind.
    const owner = opts.owner === undefined ? null : await findUserByEmail(storage.db, opts.owner);
    if (opts.owner !== undefined && (!owner || owner.disabled_at !== null)) {
      throw new CliError(
        `no active account with email ${opts.owner} (create one with \`madang user add\`)`,
        `이메일이 ${opts.owner}인 활성 계정이 없습니다 (\`madang user add\`로 만드세요)`,
      );
    }
    const row = await storage.notebooks.importMarkdown(markdown, { fallbackTitle: path.basename(file, path.extname(file)) });
    if (owner) await addCreatorAsOwner(storage.db, row.id, owner.id);
    // An operator at the shell: no account behind it, so no actor; the file name says where from.
    await appendAudit(storage.db, {
      actorId: null, action: notebookAuditActions.imported, target: row.id,
      detail: { title: row.title, via: 'cli', file: path.basename(file), owner: owner?.email ?? null },
    });
    io.stdout(`${row.id}\n`);
    if (!owner) io.stderr('madang: note: the notebook has no owner yet, so nobody can open it on the web; import with --owner EMAIL\n');
  } finally {
    await storage.close();
  }
}

/** What other modules' subcommands get, so they read config and print the same way. */
export interface CliHelpers {
  io: CliIo;
  loadConfig: (flags: ConfigFlags) => Config;
  dataOption: readonly [string, string];
}

export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command('madang')
    .description('Madang: co-edited data-analysis notebooks for Seoul citizens\' groups / 서울 시민단체를 위한 함께 쓰는 데이터 분석 노트북')
    .version(readPackageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run `madang --help` for usage)');

  program
    .command('serve')
    .description('start the web server (builds the client first if needed)')
    .option('-p, --port <n>', 'port (default: $PORT or 8787)')
    .option('--host <host>', 'interface to listen on (default: $HOST or localhost)')
    .option(...dataOption)
    .action((opts: { port?: string; data?: string; host?: string }) => serve(io, opts));

  const notebook = program.command('notebook').description('import and export notebooks as .md files');
  notebook
    .command('list')
    .description('list notebooks (id, last change, title; tab-separated, newest first)')
    .option(...dataOption)
    .action((opts: { data?: string }) => listNotebooksCommand(io, opts));
  notebook
    .command('export')
    .description('print a notebook as a .md file')
    .argument('<id>', 'notebook id')
    .option(...dataOption)
    .action((id: string, opts: { data?: string }) => exportNotebook(io, id, opts));
  notebook
    .command('import')
    .description('create a new notebook from a .md file and print its id')
    .argument('<file>', 'notebook file (.md)')
    .option('--owner <email>', 'make this account the owner (without one, nobody can open it on the web)')
    .option(...dataOption)
    .action((file: string, opts: { data?: string; owner?: string }) => importNotebook(io, file, opts));

  // Accounts and audit subcommands live with the accounts module.
  registerUserCommands(program, { io, loadConfig: (flags: ConfigFlags) => configFrom(io, flags), dataOption });
  registerSanitizeCommand(program, io);
  registerCheckOutputCommand(program, io);
  registerDatasetCommands(program, { io, loadConfig: (flags: ConfigFlags) => configFrom(io, flags), dataOption });
  return program;
}

/** Runs the command line; resolves to the exit code (a running `serve` keeps the process alive). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const program = buildProgram(io);
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors already printed their message.
      return err.exitCode === 0 ? 0 : 1;
    }
    if (err instanceof CliError) {
      io.stderr(err.ko === undefined ? `madang: ${err.message}\n` : `madang: ${err.ko}\nmadang: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof MadangError) {
      io.stderr(`madang: ${err.detail.ko}\nmadang: ${err.detail.en}\n`);
      return 1;
    }
    io.stderr(`madang: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
