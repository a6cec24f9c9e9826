/**
 * Dataset subcommands for stewards at the shell (added to `madang` by `server/cli.ts`):
 *
 *   madang dataset import FILE --name NAME [--encoding auto|utf-8|cp949] [--data DIR]
 *       Converts FILE (CSV in UTF-8 / UTF-8 with BOM / CP949, or Parquet) into the raw store of the
 *       data dir as a new version of dataset NAME; prints the version and the column types.
 *   madang dataset list [--data DIR]
 *       name, latest version, rows, columns (tab-separated).
 *
 * Exit 0 ok, 1 bad input (the message says what and where, in Korean and English).
 */
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { encodingChoices } from '../../shared/datasets/encoding.ts';
import { appendAudit } from '../audit/auditLog.ts';
import type { AuthDb } from '../auth/authSchema.ts';
import { createDatasetService, datasetFormat } from '../datasets/datasetService.ts';
import { datasetAuditActions } from '../http/routes/datasets.ts';
import { openDatabase } from '../persistence/database.ts';
import { CliError, type CliHelpers } from '../cli.ts';

const importOptions = z.object({
  name: z.string().min(1),
  encoding: z.enum(encodingChoices).default('auto'),
  data: z.string().optional(),
});

async function withDatasets<T>(helpers: CliHelpers, data: string | undefined, fn: (deps: { db: AuthDb; datasets: ReturnType<typeof createDatasetService> }) => Promise<T>): Promise<T> {
  const config = helpers.loadConfig({ data });
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    return await fn({ db: db as unknown as AuthDb, datasets: createDatasetService({ db, dataDir: config.dataDir }) });
  } finally {
    await db.destroy();
  }
}

export async function importDatasetCommand(helpers: CliHelpers, file: string, raw: Record<string, unknown>): Promise<void> {
  const parsed = importOptions.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`--${String(issue.path[0])}: ${issue.message} (encoding: ${encodingChoices.join('|')})`, `--${String(issue.path[0])} 값이 올바르지 않습니다`);
  }
  const opts = parsed.data;
  try {
    if (!(await stat(file)).isFile()) throw new CliError(`${file} is not a file`, `${file}은(는) 파일이 아닙니다`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${file}: no such file`, `${file}을(를) 읽을 수 없습니다: 파일이 없습니다`);
  }
  const originalName = path.basename(file);
  datasetFormat(originalName);
  await withDatasets(helpers, opts.data, async ({ db, datasets }) => {
    const staged = await datasets.stage();
    try {
      await copyFile(file, staged.originalPath(originalName));
    } catch (err) {
      await staged.discard();
      throw err;
    }
    const v = await datasets.importStaged(staged, { name: opts.name, originalName, encoding: opts.encoding, actorId: null });
    await appendAudit(db, {
      actorId: null, action: datasetAuditActions.imported, target: v.datasetId,
      detail: { name: v.name, version: v.version, file: originalName, bytes: v.byteSize, rows: v.rowCount, encoding: v.encoding, sha256: v.sourceHash, via: 'cli' },
    });
    helpers.io.stdout(`${v.name} v${v.version}\t${v.rowCount} rows\t${v.encoding ?? v.format}${v.delimiter ? `\tdelimiter ${v.delimiter === '\t' ? 'tab' : v.delimiter}` : ''}\n`);
    for (const c of v.columns) helpers.io.stdout(`  ${c.name}\t${c.type}\tnulls ${c.nulls}\tdistinct ${c.distinct}\n`);
  });
}

async function listDatasetsCommand(helpers: CliHelpers, opts: { data?: string }): Promise<void> {
  await withDatasets(helpers, opts.data, async ({ datasets }) => {
    for (const d of await datasets.list()) {
      const v = d.latest;
      helpers.io.stdout(`${d.name}\t${v ? `v${v.version}` : '-'}\t${v?.rowCount ?? 0}\t${v ? v.columns.map((c) => `${c.name}:${c.type}`).join(',') : ''}\n`);
    }
  });
}

export function registerDatasetCommands(program: Command, helpers: CliHelpers): void {
  const dataset = program.command('dataset').description('raw datasets for sanitised extracts (stewards)');
  dataset
    .command('import')
    .description('import a CSV (UTF-8, UTF-8 with BOM or CP949) or Parquet file into the raw store as a new dataset version')
    .argument('<file>', 'the file (.csv, .tsv, .txt or .parquet)')
    .requiredOption('--name <name>', 'dataset name (letters, digits, _; becomes the extract name)')
    .option('--encoding <encoding>', 'auto | utf-8 | cp949', 'auto')
    .option(...helpers.dataOption)
    .action((file: string, opts: Record<string, unknown>) => importDatasetCommand(helpers, file, opts));
  dataset
    .command('list')
    .description('list datasets (name, latest version, rows, columns; tab-separated)')
    .option(...helpers.dataOption)
    .action((opts: { data?: string }) => listDatasetsCommand(helpers, opts));
}
