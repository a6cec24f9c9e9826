/**
 * What the runtime needs from DuckDB, over the real DuckDB-WASM engine. Cell results are tables
 * `__r_<resultKey>`; a named cell is also a view under its name pointing at its current table.
 * Cell queries run on `conn` one at a time (cancellable: `send` + `cancelSent`); the grid's
 * windows, counts and autocomplete use the side connection.
 */
import type { Table } from 'apache-arrow';
import type { Engine } from '../duckdb/duckdbClient.ts';
import type { SqlTokens } from '../../shared/reactivity/params.ts';

export interface ColumnInfo {
  name: string;
  type: string;
}

export interface WindowRequest {
  offset: number;
  limit: number;
  orderBy?: { column: string; descending: boolean } | null;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function resultTableName(key: string): string {
  return `__r_${key}`;
}

export interface EngineApi {
  tokenize(sql: string): Promise<SqlTokens>;
  /** `CREATE OR REPLACE TABLE target AS <sql>` with positional parameters. */
  materialise(target: string, sql: string, params: unknown[]): Promise<void>;
  /** Stops the running `materialise`, if any. */
  cancel(): Promise<void>;
  setView(name: string, table: string): Promise<void>;
  dropView(name: string): Promise<void>;
  dropTable(name: string): Promise<void>;
  tableExists(name: string): Promise<boolean>;
  count(table: string): Promise<number>;
  columns(table: string): Promise<ColumnInfo[]>;
  /** Row count and columns in one round trip (after each run). */
  describe(table: string): Promise<{ rowCount: number; columns: ColumnInfo[] }>;
  window(table: string, req: WindowRequest): Promise<Table>;
  registerArrow(name: string, ipc: Uint8Array): Promise<void>;
  registerCsvText(name: string, text: string): Promise<number>;
  /** Every table/view visible to queries, with columns (autocomplete). */
  catalog(): Promise<Array<{ table: string; columns: string[] }>>;
  functionNames(): Promise<string[]>;
  /** The whole table as CSV bytes (DuckDB's own CSV writer, in the engine's memory file system). */
  exportCsv(table: string, orderBy?: WindowRequest['orderBy']): Promise<Uint8Array>;
  /** A free query on the side connection (`useRuntime().query`). */
  query(sql: string, params: unknown[]): Promise<Table>;
}

export function engineApi(engine: Engine): EngineApi {
  const { db, conn, side } = engine;
  const scalar = async (sql: string): Promise<unknown> => (await side.query(sql)).toArray()[0]?.toJSON()?.v;
  return {
    async tokenize(sql) {
      return db.tokenize(sql);
    },
    async materialise(target, sql, params) {
      const text = `CREATE OR REPLACE TABLE ${quoteIdent(target)} AS\n${sql}`;
      if (params.length === 0) {
        const reader = await conn.send(text);
        for await (const batch of reader) void batch;
        return;
      }
      const stmt = await conn.prepare(text);
      try {
        const reader = await stmt.send(...params);
        for await (const batch of reader) void batch;
      } finally {
        await stmt.close();
      }
    },
    async cancel() {
      await conn.cancelSent();
    },
    async setView(name, table) {
      await side.query(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(table)}`);
    },
    async dropView(name) {
      await side.query(`DROP VIEW IF EXISTS ${quoteIdent(name)}`);
    },
    async dropTable(name) {
      await side.query(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
    },
    async tableExists(name) {
      const stmt = await side.prepare(`SELECT count(*) AS v FROM duckdb_tables() WHERE table_name = ?`);
      try {
        return Number((await stmt.query(name)).toArray()[0]?.toJSON().v) > 0;
      } finally {
        await stmt.close();
      }
    },
    async count(table) {
      return Number(await scalar(`SELECT count(*) AS v FROM ${quoteIdent(table)}`));
    },
    async columns(table) {
      const stmt = await side.prepare(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`);
      try {
        return (await stmt.query(table)).toArray().map((r) => {
          const row = r.toJSON() as { column_name: string; data_type: string };
          return { name: row.column_name, type: row.data_type };
        });
      } finally {
        await stmt.close();
      }
    },
    async describe(table) {
      const stmt = await side.prepare(`SELECT (SELECT count(*) FROM ${quoteIdent(table)}) AS n,
        (SELECT list(column_name ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = ?) AS names,
        (SELECT list(data_type ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = ?) AS types`);
      try {
        const row = (await stmt.query(table, table)).toArray()[0]?.toJSON() as { n: number; names: Iterable<string> | null; types: Iterable<string> | null };
        const names = row.names ? Array.from(row.names) : [];
        const types = row.types ? Array.from(row.types) : [];
        return { rowCount: Number(row.n), columns: names.map((name, i) => ({ name: String(name), type: String(types[i]) })) };
      } finally {
        await stmt.close();
      }
    },
    async window(table, req) {
      const order = req.orderBy ? ` ORDER BY ${quoteIdent(req.orderBy.column)} ${req.orderBy.descending ? 'DESC' : 'ASC'} NULLS LAST` : '';
      const limit = Math.max(0, Math.floor(req.limit));
      const offset = Math.max(0, Math.floor(req.offset));
      return side.query(`SELECT * FROM ${quoteIdent(table)}${order} LIMIT ${limit} OFFSET ${offset}`);
    },
    async registerArrow(name, ipc) {
      await side.query(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
      await side.insertArrowFromIPCStream(ipc, { name, create: true });
    },
    async registerCsvText(name, text) {
      const file = `${name}.csv`;
      await db.registerFileText(file, text);
      await side.query(`CREATE OR REPLACE TABLE ${quoteIdent(name)} AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
      return Number(await scalar(`SELECT count(*) AS v FROM ${quoteIdent(name)}`));
    },
    async catalog() {
      const rows = (await side.query(`SELECT table_name, list(column_name ORDER BY ordinal_position) AS cols FROM information_schema.columns
        WHERE table_schema = 'main' AND table_name NOT LIKE '\\_\\_r\\_%' ESCAPE '\\' GROUP BY table_name`)).toArray();
      return rows.map((r) => {
        const row = r.toJSON() as { table_name: string; cols: { toArray(): string[] } | string[] };
        const cols = Array.isArray(row.cols) ? row.cols : [...row.cols.toArray()];
        return { table: row.table_name, columns: cols.map(String) };
      });
    },
    async functionNames() {
      return (await side.query(`SELECT DISTINCT function_name AS f FROM duckdb_functions() WHERE function_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY 1`))
        .toArray().map((r) => String(r.toJSON().f));
    },
    async exportCsv(table, orderBy) {
      const order = orderBy ? ` ORDER BY ${quoteIdent(orderBy.column)} ${orderBy.descending ? 'DESC' : 'ASC'} NULLS LAST` : '';
      const file = `${table}.csv`;
      await side.query(`COPY (SELECT * FROM ${quoteIdent(table)}${order}) TO '${file}' (HEADER, DELIMITER ',')`);
      try {
        return await db.copyFileToBuffer(file);
      } finally {
        await db.dropFile(file).catch(() => undefined);
      }
    },
    async query(sql, params) {
      if (params.length === 0) return side.query(sql);
      const stmt = await side.prepare(sql);
      try {
        return await stmt.query(...params);
      } finally {
        await stmt.close();
      }
    },
  };
}
