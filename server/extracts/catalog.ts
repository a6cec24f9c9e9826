/**
 * The extract catalog: named tables in immutable versions. `add` imports a CSV or Parquet file
 * with native DuckDB, writes `<dataDir>/extracts/<name>/v<version>-<hash8>.parquet`, and records
 * the version (content hash = sha256 of the Parquet bytes). A version never changes; `withdraw`
 * hides it from "latest" and refuses downloads, but keeps the row (and audit trail).
 *
 * The Arrow IPC stream browsers download is made once per version and cached next to the Parquet
 * (`.arrows`, plus a gzip copy `.arrows.gz` so the route can send a Content-Length).
 *
 * @example
 *   const catalog = await createExtractCatalog({ db, dataDir });
 *   await catalog.add({ name: 'bike_accidents_by_gu', kind: 'public', sourceFile: 'bike.csv', attribution });
 *   const v = await catalog.get('bike_accidents_by_gu'); // newest version
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Kysely } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import {
  attributionSchema, extractKinds, isValidExtractName, latestVersion,
  type Attribution, type ExtractColumn, type ExtractKind, type ExtractVersion,
} from '../../shared/extracts.ts';
import { describeParquet, parquetToArrowIpc, quoteLiteral } from './arrowExport.ts';

const gzipAsync = promisify(gzip);

/** Row type of `extracts` (migration `003_extracts`). */
export interface ExtractsTable {
  name: string;
  version: number;
  kind: ExtractKind;
  content_hash: string;
  source_hash: string;
  parquet_file: string;
  row_count: number;
  byte_size: number;
  columns_json: string;
  attribution_json: string;
  dataset_id: string | null;
  policy_version_id: string | null;
  created_at: string;
  withdrawn_at: string | null;
}
export interface ExtractTables {
  extracts: ExtractsTable;
}

export interface AddExtractInput {
  name: string;
  kind: ExtractKind;
  /** A `.parquet` or `.csv` file (UTF-8; the header row names the columns). */
  sourceFile: string;
  attribution: Attribution;
  datasetId?: string | null;
  policyVersionId?: string | null;
  /** SQL over `src` (the source file) to shape the table, e.g. casts; default `SELECT * FROM src`. */
  transformSql?: string;
}

export interface ArrowArtifact {
  /** Uncompressed Arrow IPC stream. */
  ipcPath: string;
  ipcBytes: number;
  gzipPath: string;
  gzipBytes: number;
}

export interface ExtractCatalog {
  list(): Promise<ExtractVersion[]>;
  versions(name: string): Promise<ExtractVersion[]>;
  /** One version, or the newest live one when `version` is omitted; null when there is none. */
  get(name: string, version?: number): Promise<ExtractVersion | null>;
  add(input: AddExtractInput): Promise<ExtractVersion>;
  withdraw(name: string, version: number): Promise<void>;
  /** The version's Arrow IPC stream (made and cached on first use). */
  arrow(name: string, version: number): Promise<ArrowArtifact>;
  /** The source hash recorded for the newest version (public dataset registration uses it). */
  latestSourceHash(name: string): Promise<string | null>;
  close(): Promise<void>;
}

function invalid(ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko, en });
}

function toVersion(row: ExtractsTable): ExtractVersion {
  return {
    name: row.name,
    version: Number(row.version),
    kind: row.kind,
    contentHash: row.content_hash,
    rowCount: Number(row.row_count),
    byteSize: Number(row.byte_size),
    columns: JSON.parse(row.columns_json) as ExtractColumn[],
    attribution: JSON.parse(row.attribution_json) as Attribution,
    datasetId: row.dataset_id,
    policyVersionId: row.policy_version_id,
    createdAt: row.created_at,
    withdrawnAt: row.withdrawn_at,
  };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function createExtractCatalog(opts: { db: Kysely<any>; dataDir: string }): Promise<ExtractCatalog> {
  const db = opts.db as Kysely<ExtractTables>;
  const root = path.join(opts.dataDir, 'extracts');
  await mkdir(root, { recursive: true });
  // One native DuckDB for imports and Arrow exports, opened on first use (most starts need none).
  let conn: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | null = null;
  const duck = () => (conn ??= (async () => {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    return { instance, conn: await instance.connect() };
  })());
  // Serialise DuckDB work: one connection, and `add` must pick version numbers one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const arrowInFlight = new Map<string, Promise<ArrowArtifact>>();

  const rows = (name?: string) => {
    let q = db.selectFrom('extracts').selectAll();
    if (name !== undefined) q = q.where('name', '=', name);
    return q.orderBy('name').orderBy('version').execute();
  };

  const catalog: ExtractCatalog = {
    async list() {
      const all = (await rows()).map(toVersion);
      const byName = new Map<string, ExtractVersion[]>();
      for (const v of all) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
      return [...byName.values()].map((vs) => latestVersion(vs)).filter((v): v is ExtractVersion => v !== null);
    },

    async versions(name) {
      return (await rows(name)).map(toVersion);
    },

    async get(name, version) {
      if (version === undefined) return latestVersion(await catalog.versions(name));
      const row = await db.selectFrom('extracts').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
      return row ? toVersion(row) : null;
    },

    async latestSourceHash(name) {
      const row = await db.selectFrom('extracts').select(['source_hash']).where('name', '=', name).orderBy('version', 'desc').executeTakeFirst();
      return row?.source_hash ?? null;
    },

    add(input) {
      return serial(async () => {
        if (!isValidExtractName(input.name)) throw invalid(`추출본 이름이 올바르지 않습니다: ${input.name}`, `invalid extract name: ${input.name}`);
        if (!(extractKinds as readonly string[]).includes(input.kind)) throw invalid(`알 수 없는 종류: ${input.kind}`, `unknown extract kind: ${input.kind}`);
        const attribution = attributionSchema.parse(input.attribution);
        const ext = path.extname(input.sourceFile).toLowerCase();
        if (ext !== '.csv' && ext !== '.parquet') throw invalid('CSV 또는 Parquet 파일만 가져올 수 있습니다.', `only .csv or .parquet files can be imported (got ${ext || 'no extension'})`);
        const sourceHash = await sha256File(input.sourceFile);
        const { conn: c } = await duck();
        const dir = path.join(root, input.name);
        await mkdir(dir, { recursive: true });
        const tmp = path.join(dir, `.import-${process.pid}-${Date.now()}.parquet`);
        const reader = ext === '.csv'
          ? `read_csv(${quoteLiteral(input.sourceFile)}, header = true, encoding = 'utf-8')`
          : `read_parquet(${quoteLiteral(input.sourceFile)})`;
        const body = input.transformSql ?? 'SELECT * FROM src';
        try {
          await c.run(`COPY (WITH src AS (SELECT * FROM ${reader}) ${body}) TO ${quoteLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
          const columns = await describeParquet(c, tmp);
          const count = await c.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet(${quoteLiteral(tmp)})`);
          const rowCount = Number(count.getRows()[0]![0]);
          const contentHash = await sha256File(tmp);
          const byteSize = (await stat(tmp)).size;
          const last = await db.selectFrom('extracts').select(['version']).where('name', '=', input.name).orderBy('version', 'desc').executeTakeFirst();
          const version = (last ? Number(last.version) : 0) + 1;
          const file = path.join(input.name, `v${version}-${contentHash.slice(0, 8)}.parquet`);
          await rename(tmp, path.join(root, file));
          const row: ExtractsTable = {
            name: input.name, version, kind: input.kind, content_hash: contentHash, source_hash: sourceHash,
            parquet_file: file, row_count: rowCount, byte_size: byteSize, columns_json: JSON.stringify(columns),
            attribution_json: JSON.stringify(attribution), dataset_id: input.datasetId ?? null,
            policy_version_id: input.policyVersionId ?? null, created_at: new Date().toISOString(), withdrawn_at: null,
          };
          await db.insertInto('extracts').values(row).execute();
          return toVersion(row);
        } catch (err) {
          await rm(tmp, { force: true });
          if (err instanceof MadangError) throw err;
          throw invalid(`파일을 가져오지 못했습니다: ${(err as Error).message}`, `could not import the file: ${(err as Error).message}`);
        }
      });
    },

    async withdraw(name, version) {
      const res = await db.updateTable('extracts').set({ withdrawn_at: new Date().toISOString() })
        .where('name', '=', name).where('version', '=', version).where('withdrawn_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0 && !(await catalog.get(name, version))) {
        throw new MadangError('not_found', { ko: `추출본을 찾을 수 없습니다: ${name} v${version}`, en: `extract not found: ${name} v${version}` });
      }
    },

    arrow(name, version) {
      const key = `${name}/${version}`;
      const pending = arrowInFlight.get(key);
      if (pending) return pending;
      const made = (async (): Promise<ArrowArtifact> => {
        const row = await db.selectFrom('extracts').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
        if (!row) throw new MadangError('not_found', { ko: `추출본을 찾을 수 없습니다: ${name} v${version}`, en: `extract not found: ${name} v${version}` });
        const parquet = path.join(root, row.parquet_file);
        const ipcPath = parquet.replace(/\.parquet$/, '.arrows');
        const gzipPath = `${ipcPath}.gz`;
        const sizes = await Promise.all([stat(ipcPath), stat(gzipPath)]).catch(() => null);
        if (sizes) return { ipcPath, ipcBytes: sizes[0].size, gzipPath, gzipBytes: sizes[1].size };
        const ipc = await serial(async () => parquetToArrowIpc((await duck()).conn, parquet));
        const gz = await gzipAsync(ipc, { level: 6 });
        // Written under temporary names, then renamed: a crash never leaves half a cache file.
        await writeFile(`${gzipPath}.tmp`, gz);
        await writeFile(`${ipcPath}.tmp`, ipc);
        await rename(`${gzipPath}.tmp`, gzipPath);
        await rename(`${ipcPath}.tmp`, ipcPath);
        return { ipcPath, ipcBytes: ipc.byteLength, gzipPath, gzipBytes: gz.byteLength };
      })();
      arrowInFlight.set(key, made);
      made.finally(() => arrowInFlight.delete(key)).catch(() => undefined);
      return made;
    },

    async close() {
      if (!conn) return;
      const { instance, conn: c } = await conn;
      c.closeSync();
      instance.closeSync();
      conn = null;
    },
  };
  return catalog;
}

/** For tests: read a cached artifact back. */
export async function readArtifact(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(file));
}
