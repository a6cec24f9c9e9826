/**
 * Datasets: named raw tables in immutable versions, kept in the raw store
 * `<dataDir>/raw/<datasetId>/<versionId>/` (original file, `normalized.csv` for CSV input, and
 * `data.parquet`, the typed working copy the sanitiser reads). Nothing in this folder is ever
 * sent to a browser: routes return metadata and profiles only.
 *
 * A version is written into a staging folder (`raw/.incoming/<id>/`) and renamed into place only
 * when conversion and profiling succeeded; the database row comes last. A failure leaves nothing.
 *
 * @example
 *   const datasets = createDatasetService({ db, dataDir });
 *   const staged = await datasets.stage();               // folder for the upload
 *   await copyFile('trips.csv', staged.originalPath('trips.csv'));
 *   const v = await datasets.importStaged(staged, { name: 'trips', originalName: 'trips.csv', encoding: 'auto', actorId });
 */
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withDuckDB } from '../duckdb.ts';
import type { Kysely } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { isValidExtractName } from '../../shared/extracts.ts';
import type { EncodingChoice } from '../../shared/datasets/encoding.ts';
import type { ColumnProfile } from '../../shared/datasets/profile.ts';
import { columnTypes, type ColumnType } from '../../shared/datasets/types.ts';
import { sha256File } from '../extracts/catalog.ts';
import { csvToParquet, describeParquetInput, normalizeCsv, parquetToParquet } from './convert.ts';
import { profileParquet } from './profileData.ts';
import { asPrivacyDb, type DatasetVersionsTable, type PrivacyDb } from './privacySchema.ts';

export interface DatasetVersionInfo {
  id: string;
  datasetId: string;
  name: string;
  version: number;
  originalName: string;
  format: 'csv' | 'parquet';
  encoding: string | null;
  delimiter: string | null;
  rowCount: number;
  byteSize: number;
  sourceHash: string;
  columns: ColumnProfile[];
  derivedFrom: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface DatasetInfo {
  id: string;
  name: string;
  createdAt: string;
  latest: DatasetVersionInfo | null;
}

export interface StagedUpload {
  dir: string;
  originalPath(originalName: string): string;
  discard(): Promise<void>;
}

export interface ImportOptions {
  name: string;
  originalName: string;
  encoding: EncodingChoice;
  actorId: string | null;
}

export interface DatasetService {
  rawRoot: string;
  stage(): Promise<StagedUpload>;
  importStaged(staged: StagedUpload, opts: ImportOptions): Promise<DatasetVersionInfo>;
  /** A new version with the same source and other column types (steward's correction). */
  retype(datasetId: string, version: number, types: Record<string, ColumnType>, actorId: string | null): Promise<DatasetVersionInfo>;
  list(): Promise<DatasetInfo[]>;
  get(id: string): Promise<DatasetInfo>;
  versions(id: string): Promise<DatasetVersionInfo[]>;
  versionById(versionId: string): Promise<DatasetVersionInfo>;
  /** The typed Parquet working copy of a version (server-side only). */
  dataFile(versionId: string): Promise<string>;
}

const formatByExt: Record<string, 'csv' | 'parquet'> = { '.csv': 'csv', '.tsv': 'csv', '.txt': 'csv', '.parquet': 'parquet' };

export function datasetFormat(originalName: string): 'csv' | 'parquet' {
  const format = formatByExt[path.extname(originalName).toLowerCase()];
  if (!format) {
    throw new MadangError('invalid_input', {
      ko: `CSV(.csv, .tsv, .txt) 또는 Parquet(.parquet) 파일만 가져올 수 있습니다: ${originalName}`,
      en: `only CSV (.csv, .tsv, .txt) or Parquet (.parquet) files can be imported: ${originalName}`,
    });
  }
  return format;
}

export function checkDatasetName(name: string): void {
  if (!isValidExtractName(name)) {
    throw new MadangError('invalid_input', {
      ko: `데이터셋 이름은 영문자나 _로 시작하고 영문자, 숫자, _만 쓸 수 있습니다 (최대 64자; SQL에서 표 이름이 됩니다): ${name}`,
      en: `a dataset name starts with a letter or _ and has only letters, digits and _ (at most 64; it becomes the extract's SQL table name): ${name}`,
    });
  }
}

function notFound(what: string): MadangError {
  return new MadangError('not_found', { ko: `데이터셋을 찾을 수 없습니다: ${what}`, en: `dataset not found: ${what}` });
}

/**
 * DuckDB's memory for one conversion or profile. Its default is 80% of the machine's RAM, and
 * profiling a 2 GB file (distinct counts and top values of a column with millions of different
 * values) would take that; with a limit it spills to `tempDir` (inside the staging folder, so it
 * goes away with it) and the server stays responsive for everyone else.
 */
export const duckdbImportMemory = '512MB';

/** Bounded memory, spilling into the staging folder: any file size fits. */
function withDuck<T>(tempDir: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return withDuckDB({ threads: '2', memory_limit: duckdbImportMemory, temp_directory: tempDir }, fn);
}

/**
 * A staging folder older than this was left by a server or CLI stopped mid-import (a crash, a
 * power cut): no import runs that long. Younger folders may belong to an import running right now
 * in another process (the CLI and the server share the data dir), so they are left alone.
 */
export const staleStagingMs = 24 * 60 * 60 * 1000;

/** Removes staging folders older than `maxAgeMs`; returns their names. */
export async function sweepStaleStaging(incoming: string, now = Date.now(), maxAgeMs = staleStagingMs): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(incoming);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(incoming, name);
    const info = await stat(dir).catch(() => null);
    if (info && now - info.mtimeMs > maxAgeMs) {
      await rm(dir, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

export function createDatasetService(opts: { db: Kysely<any>; dataDir: string }): DatasetService {
  const db: PrivacyDb = asPrivacyDb(opts.db);
  const rawRoot = path.join(opts.dataDir, 'raw');
  const incoming = path.join(rawRoot, '.incoming');
  // Left-overs of an interrupted import are swept once, before this service's first staging.
  let swept: Promise<unknown> | null = null;
  // Version numbers are picked one import at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const toInfo = (row: DatasetVersionsTable, name: string): DatasetVersionInfo => ({
    id: row.id,
    datasetId: row.dataset_id,
    name,
    version: Number(row.version),
    originalName: row.original_name,
    format: row.format,
    encoding: row.encoding,
    delimiter: row.delimiter,
    rowCount: Number(row.row_count),
    byteSize: Number(row.byte_size),
    sourceHash: row.source_hash,
    columns: JSON.parse(row.columns_json) as ColumnProfile[],
    derivedFrom: row.derived_from,
    createdBy: row.created_by,
    createdAt: row.created_at,
  });

  const nameOf = async (datasetId: string) => {
    const d = await db.selectFrom('datasets').select(['name']).where('id', '=', datasetId).executeTakeFirst();
    if (!d) throw notFound(datasetId);
    return d.name;
  };

  /** Converts the staged original into data.parquet (+ profile) and records the version. */
  const finish = async (staged: StagedUpload, input: {
    name: string; originalName: string; format: 'csv' | 'parquet'; encoding: EncodingChoice; actorId: string | null;
    types?: Record<string, ColumnType>; derivedFrom?: DatasetVersionInfo;
  }): Promise<DatasetVersionInfo> => {
    const original = staged.originalPath(input.originalName);
    const dataFile = path.join(staged.dir, 'data.parquet');
    const spill = path.join(staged.dir, '.duckdb-tmp');
    const converted = await withDuck(spill, async (conn) => {
      let header: string[];
      let inferred: ColumnType[];
      let rows: number;
      let encoding: string | null = null;
      let delimiter: string | null = null;
      if (input.format === 'csv') {
        const normalized = path.join(staged.dir, 'normalized.csv');
        const csv = await normalizeCsv(original, input.encoding, normalized);
        ({ header, rows } = csv);
        inferred = csv.types;
        encoding = csv.encoding;
        delimiter = csv.delimiter;
        const types = chosenTypes(header, inferred, input.types);
        await csvToParquet(conn, normalized, header, types, dataFile);
        return { header, inferred, types, rows, encoding, delimiter };
      }
      ({ header, types: inferred, rows } = await describeParquetInput(conn, original));
      const types = chosenTypes(header, inferred, input.types);
      await parquetToParquet(conn, original, header, types, dataFile);
      return { header, inferred, types, rows, encoding, delimiter };
    });
    const columns = await withDuck(spill, (conn) => profileParquet(conn, dataFile, converted.header, converted.types, input.derivedFrom
      ? converted.header.map((h, i) => input.derivedFrom!.columns.find((c) => c.name === h)?.inferredType ?? converted.inferred[i])
      : converted.inferred));
    await rm(spill, { recursive: true, force: true });
    const sourceHash = await sha256File(original);
    const byteSize = (await stat(original)).size;
    return serial(async () => {
      const now = new Date().toISOString();
      let dataset = await db.selectFrom('datasets').selectAll().where('name', '=', input.name).executeTakeFirst();
      if (!dataset) {
        dataset = { id: newId(), name: input.name, created_by: input.actorId, created_at: now };
        await db.insertInto('datasets').values(dataset).execute();
      }
      const last = await db.selectFrom('dataset_versions').select(['version']).where('dataset_id', '=', dataset.id).orderBy('version', 'desc').executeTakeFirst();
      const versionId = newId();
      const rawDir = path.join(dataset.id, versionId);
      await mkdir(path.join(rawRoot, dataset.id), { recursive: true, mode: 0o700 });
      await rename(staged.dir, path.join(rawRoot, rawDir));
      const row: DatasetVersionsTable = {
        id: versionId, dataset_id: dataset.id, version: (last ? Number(last.version) : 0) + 1,
        original_name: input.originalName, format: input.format, encoding: converted.encoding, delimiter: converted.delimiter,
        row_count: converted.rows, byte_size: byteSize, source_hash: sourceHash, columns_json: JSON.stringify(columns),
        raw_dir: rawDir, derived_from: input.derivedFrom?.id ?? null, created_by: input.actorId, created_at: now,
      };
      try {
        await db.insertInto('dataset_versions').values(row).execute();
      } catch (err) {
        await rm(path.join(rawRoot, rawDir), { recursive: true, force: true });
        throw err;
      }
      return toInfo(row, input.name);
    });
  };

  const service: DatasetService = {
    rawRoot,

    async stage() {
      swept ??= sweepStaleStaging(incoming).catch(() => undefined);
      await swept;
      const dir = path.join(incoming, newId());
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return {
        dir,
        originalPath: (originalName) => path.join(dir, `original${path.extname(originalName).toLowerCase()}`),
        discard: () => rm(dir, { recursive: true, force: true }),
      };
    },

    async importStaged(staged, opts) {
      try {
        checkDatasetName(opts.name);
        const format = datasetFormat(opts.originalName);
        return await finish(staged, { ...opts, format });
      } catch (err) {
        await staged.discard();
        throw err;
      }
    },

    async retype(datasetId, version, types, actorId) {
      const versions = await service.versions(datasetId);
      const base = versions.find((v) => v.version === version);
      if (!base) throw notFound(`${datasetId} v${version}`);
      for (const [name, type] of Object.entries(types)) {
        if (!base.columns.some((c) => c.name === name)) throw new MadangError('invalid_input', { ko: `열 "${name}"이(가) 없습니다`, en: `no column named "${name}"` });
        if (!(columnTypes as readonly string[]).includes(type)) throw new MadangError('invalid_input', { ko: `알 수 없는 형식: ${type}`, en: `unknown type: ${type}` });
      }
      const baseRow = await db.selectFrom('dataset_versions').selectAll().where('id', '=', base.id).executeTakeFirstOrThrow();
      const staged = await service.stage();
      try {
        const from = path.join(rawRoot, baseRow.raw_dir);
        await copyFile(path.join(from, `original${path.extname(base.originalName).toLowerCase()}`), staged.originalPath(base.originalName));
        const merged = Object.fromEntries(base.columns.map((c) => [c.name, types[c.name] ?? c.type]));
        const encoding: EncodingChoice = base.encoding === 'cp949' ? 'cp949' : base.encoding ? 'utf-8' : 'auto';
        return await finish(staged, { name: base.name, originalName: base.originalName, format: base.format, encoding, actorId, types: merged, derivedFrom: base });
      } catch (err) {
        await staged.discard();
        throw err;
      }
    },

    async list() {
      const datasets = await db.selectFrom('datasets').selectAll().orderBy('name').execute();
      return Promise.all(datasets.map((d) => service.get(d.id)));
    },

    async get(id) {
      const d = await db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst();
      if (!d) throw notFound(id);
      const last = await db.selectFrom('dataset_versions').selectAll().where('dataset_id', '=', id).orderBy('version', 'desc').executeTakeFirst();
      return { id: d.id, name: d.name, createdAt: d.created_at, latest: last ? toInfo(last, d.name) : null };
    },

    async versions(id) {
      const name = await nameOf(id);
      const rows = await db.selectFrom('dataset_versions').selectAll().where('dataset_id', '=', id).orderBy('version').execute();
      return rows.map((r) => toInfo(r, name));
    },

    async versionById(versionId) {
      const row = await db.selectFrom('dataset_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
      if (!row) throw notFound(versionId);
      return toInfo(row, await nameOf(row.dataset_id));
    },

    async dataFile(versionId) {
      const row = await db.selectFrom('dataset_versions').select(['raw_dir']).where('id', '=', versionId).executeTakeFirst();
      if (!row) throw notFound(versionId);
      return path.join(rawRoot, row.raw_dir, 'data.parquet');
    },
  };
  return service;
}

function chosenTypes(header: string[], inferred: ColumnType[], override?: Record<string, ColumnType>): ColumnType[] {
  return header.map((h, i) => override?.[h] ?? inferred[i]);
}
