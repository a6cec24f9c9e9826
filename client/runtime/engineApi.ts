/**
 * What the runtime needs from DuckDB, over the real DuckDB-WASM engine. Cell results are tables
 * `__r_<resultKey>`; a named cell is also a view under its name pointing at its current table.
 * Cell queries run on `conn` one at a time (cancellable: `send` + `cancelSent`); the grid's
 * windows, counts and autocomplete use the side connection.
 *
 * Every message to the engine's worker is a round trip, and the worker runs one message at a
 * time, so a run costs as few sequential exchanges as possible (measured by `npm run bench:query`):
 * the materialising query (its result stream is not read: the table exists once the pending query
 * resolves), with the view, row count, column types and first grid window posted right behind it
 * (`run`), so the page waits once; a short result made again under its key is one message. Column types come from `DESCRIBE` (information_schema costs
 * several ms per call with a few dozen cached result tables, measured in Node's DuckDB-WASM).
 */
import type { Table } from 'apache-arrow';
import type { Engine } from '../duckdb/duckdbClient.ts';
import type { SqlTokens } from '../../shared/reactivity/params.ts';
import { pageSelectList } from '../../shared/pageTypes.ts';

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

/** A result made again whose statement took less than this last time runs in one message. */
const oneMessageRunMs = 50;

/** Rows per grid window; a run hands the first window to the grid with its result. */
export const windowRows = 200;

/** What a finished run shows: row count, columns and the first `windowRows` rows (unsorted). */
export interface PresentedResult {
  rowCount: number;
  columns: ColumnInfo[];
  firstRows: Table;
}

export interface EngineApi {
  tokenize(sql: string): Promise<SqlTokens>;
  /** `CREATE OR REPLACE TABLE target AS <sql>` with positional parameters. */
  materialise(target: string, sql: string, params: unknown[]): Promise<void>;
  /**
   * A cell's run: `materialise`, then what `present` reads. Without parameters the reads are posted
   * right behind the statement instead of after its reply (see `run` below); rejects as
   * `materialise` does (a cancelled run with "query was canceled").
   */
  run(target: string, sql: string, params: unknown[], view: string | null): Promise<PresentedResult>;
  /** Stops the running `materialise`, if any. */
  cancel(): Promise<void>;
  setView(name: string, table: string): Promise<void>;
  dropView(name: string): Promise<void>;
  dropTable(name: string): Promise<void>;
  tableExists(name: string): Promise<boolean>;
  count(table: string): Promise<number>;
  columns(table: string): Promise<ColumnInfo[]>;
  /** Row count and columns in one round trip. */
  describe(table: string): Promise<{ rowCount: number; columns: ColumnInfo[] }>;
  /**
   * After a run (or to show a cached result): points the view `view` (if any) at `table` and reads
   * row count, columns and the first window, as messages posted together (one wait, not three).
   * Rejects when the table does not exist.
   */
  present(table: string, view: string | null): Promise<PresentedResult>;
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

/**
 * The SQL of one window of rows. A result table (`__r_…`) is written once by CREATE TABLE AS and
 * never changed, so its row ids are 0..n-1 in result order: an unsorted window is a row-id range,
 * which DuckDB answers from the matching row groups (several times faster than LIMIT/OFFSET,
 * which reads and skips every row before the window). Other tables and sorted windows use
 * ORDER BY + LIMIT/OFFSET.
 */
export function windowSql(table: string, req: WindowRequest, select = '*'): string {
  const limit = Math.max(0, Math.floor(req.limit));
  const offset = Math.max(0, Math.floor(req.offset));
  if (!req.orderBy && table.startsWith('__r_')) return `SELECT ${select} FROM ${quoteIdent(table)} WHERE rowid >= ${offset} AND rowid < ${offset + limit}`;
  const order = req.orderBy ? ` ORDER BY ${quoteIdent(req.orderBy.column)} ${req.orderBy.descending ? 'DESC' : 'ASC'} NULLS LAST` : '';
  return `SELECT ${select} FROM ${quoteIdent(table)}${order} LIMIT ${limit} OFFSET ${offset}`;
}

/**
 * Row count and column types of a table (DESCRIBE as a subquery, count beside it: one result),
 * optionally after pointing a view at it in the same message (statements run in order; DuckDB
 * returns the result of the first statement that yields rows, here the SELECT).
 */
async function describeTable(on: Engine['conn'], table: string, view: string | null = null): Promise<{ rowCount: number; columns: ColumnInfo[] }> {
  const t = quoteIdent(table);
  const viewSql = view === null ? '' : `CREATE OR REPLACE VIEW ${quoteIdent(view)} AS SELECT * FROM ${t};\n`;
  const rows = (await on.query(`${viewSql}SELECT column_name, column_type, (SELECT count(*) FROM ${t}) AS n FROM (DESCRIBE ${t})`)).toArray()
    .map((r) => r.toJSON() as { column_name: string; column_type: string; n: number });
  return { rowCount: Number(rows[0]?.n ?? 0), columns: rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })) };
}

/**
 * True for one statement that only reads (SELECT and friends), judged by its first keyword after
 * comments. Anything else, or more than one statement (any `;` but a final one, even in a
 * string: false negatives only cost a view definition), counts as possibly changing the catalog.
 */
export function readOnlyStatement(sql: string): boolean {
  const body = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '').replace(/;\s*$/, '');
  return !body.includes(';') && /^(?:select|with|from|values|describe|summarize|show|explain|table)\b/i.test(body);
}

export function engineApi(engine: Engine): EngineApi {
  const { db, conn, side } = engine;
  const scalar = async (sql: string): Promise<unknown> => (await side.query(sql)).toArray()[0]?.toJSON()?.v;

  // What the engine is known to hold, so a result made again under the same key (Shift+Enter on
  // an unchanged cell, "run all") skips reads whose answer cannot have changed. A result key fixes
  // the SQL, its parameter values, its upstream results and its sources' versions, hence the
  // column types; a view already pointing at the table name needs no new definition. Each read
  // costs a worker message (about 0.6 ms in Chromium even for `SELECT 1`, bench:query). The row
  // count and the rows are always read: `random()` or `USING SAMPLE` change them under one key.
  const columnsOf = new Map<string, ColumnInfo[]>(); // result table -> columns
  const viewTarget = new Map<string, string>(); // lower-cased view name -> table it selects from
  const lastCount = new Map<string, number>(); // result table -> row count last read
  const lastRunMs = new Map<string, number>(); // result table -> how long its statement took last time

  /** The columns of `table` when neither they nor `view` need reading again (see above). */
  const knownColumns = (table: string, view: string | null): ColumnInfo[] | undefined => {
    const known = columnsOf.get(table);
    return known && (view === null || viewTarget.get(view.toLowerCase()) === table) ? known : undefined;
  };
  const firstWindowSql = (table: string, select = '*') => windowSql(table, { offset: 0, limit: windowRows }, select);
  const countSql = (table: string) => `SELECT count(*) AS v FROM ${quoteIdent(table)}`;
  /**
   * A result's row count from its first window: a short window is the whole table (row ids run
   * 0..n-1); a full one needs `count(*)` (`counted`, when it was already posted beside the window).
   */
  const rowCountOf = async (on: Engine['conn'], table: string, firstRows: Table, counted: Promise<Table> | null): Promise<number> => {
    const rowCount = firstRows.numRows < windowRows
      ? (void counted?.catch(() => undefined), firstRows.numRows)
      : Number((await (counted ?? on.query(countSql(table)))).toArray()[0]?.toJSON().v);
    lastCount.set(table, rowCount);
    return rowCount;
  };

  /** View, row count, columns and first window of `table` on `on`, posted together (one wait). */
  const presentOn = async (on: Engine['conn'], table: string, view: string | null): Promise<PresentedResult> => {
    const known = knownColumns(table, view);
    if (known) {
      const first = on.query(firstWindowSql(table, pageSelectList(known)));
      // The count is posted beside the window when the last result under this key needed it.
      const counted = (lastCount.get(table) ?? 0) >= windowRows ? on.query(countSql(table)) : null;
      const firstRows = await first;
      return { rowCount: await rowCountOf(on, table, firstRows, counted), columns: known, firstRows };
    }
    const described = describeTable(on, table, view);
    const first = on.query(firstWindowSql(table));
    const [{ rowCount, columns }, plainRows] = await Promise.all([described, first]);
    // Read before the types were known: nested wide numbers came garbled (`shared/pageTypes.ts`),
    // so such a result reads its first window once more, with the casts.
    const select = pageSelectList(columns);
    const firstRows = select === '*' ? plainRows : await on.query(firstWindowSql(table, select));
    columnsOf.set(table, columns);
    lastCount.set(table, rowCount);
    if (view !== null) viewTarget.set(view.toLowerCase(), table);
    return { rowCount, columns, firstRows };
  };
  const forgetTable = (table: string) => {
    columnsOf.delete(table);
    lastCount.delete(table);
    lastRunMs.delete(table);
    for (const [view, target] of viewTarget) if (target === table) viewTarget.delete(view);
  };

  const materialiseSql = (target: string, sql: string) => `CREATE OR REPLACE TABLE ${quoteIdent(target)} AS\n${sql}`;
  const materialise = async (target: string, sql: string, params: unknown[]): Promise<void> => {
    const text = materialiseSql(target, sql);
    if (params.length === 0) {
      // A pending query, polled by the worker in slices, so `cancelSent` can interrupt it. It
      // resolves once the statement has run; the result stream (one "Count" row) is not read:
      // that would cost two more round trips, and the next query on `conn` discards it.
      await conn.send(text);
      return;
    }
    const stmt = await conn.prepare(text);
    try {
      // `query`, not `send`: a prepared statement's streamed result stays open (and its
      // transaction uncommitted) until read to the end; `query` returns it whole (one row).
      await stmt.query(...params);
    } finally {
      // Not awaited: the worker handles messages in order, so the close cannot overtake the
      // statement, and the next query need not wait for its reply.
      void stmt.close().catch(() => undefined);
    }
  };
  return {
    async tokenize(sql) {
      return db.tokenize(sql);
    },
    materialise,
    async run(target, sql, params, view) {
      if (params.length > 0) {
        await materialise(target, sql, params);
        return presentOn(conn, target, view);
      }
      const text = materialiseSql(target, sql);
      const known = knownColumns(target, view);
      if (known && (lastRunMs.get(target) ?? Infinity) < oneMessageRunMs) {
        // The same result made again, and it was short last time: statement and first window in
        // one message. Not interruptible, but no less than a pending query's first 100 ms slice.
        // (A newline before `;`: the SQL may end in a line comment.)
        const t0 = performance.now();
        const firstRows = await conn.query(`${text}\n;\n${firstWindowSql(target, pageSelectList(known))}`);
        lastRunMs.set(target, performance.now() - t0);
        return { rowCount: await rowCountOf(conn, target, firstRows, null), columns: known, firstRows };
      }
      // What `conn.send` does (start the pending query, poll until it has a result), by hand so
      // the reads can be posted in between. Most cell queries finish inside the worker's first
      // slice (the start message's reply then carries the result header), and the worker answers
      // messages in order: reads posted right now on the side connection run just after the
      // statement committed, saving the round trip between the two (bench:query). When the
      // statement needed more slices, those reads ran while it was unfinished (they failed, or
      // saw a previous table of that name): they are dropped and made again on `conn`.
      const t0 = performance.now();
      const started = conn.useUnsafe((bindings, id) => bindings.startPendingQuery(id, text));
      const early = presentOn(side, target, view).catch(() => null);
      let header = await started;
      const quick = header !== null;
      while (header === null) header = await conn.useUnsafe((bindings, id) => bindings.pollPendingQuery(id));
      lastRunMs.set(target, performance.now() - t0);
      const shown = quick ? await early : null;
      return shown ?? presentOn(conn, target, view);
    },
    async cancel() {
      await conn.cancelSent();
    },
    async setView(name, table) {
      viewTarget.delete(name.toLowerCase());
      await side.query(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(table)}`);
      viewTarget.set(name.toLowerCase(), table);
    },
    async dropView(name) {
      viewTarget.delete(name.toLowerCase());
      await side.query(`DROP VIEW IF EXISTS ${quoteIdent(name)}`);
    },
    async dropTable(name) {
      forgetTable(name);
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
      return Number(await scalar(countSql(table)));
    },
    async columns(table) {
      return (await describeTable(side, table)).columns;
    },
    async describe(table) {
      return describeTable(side, table);
    },
    async present(table, view) {
      // After a run, on `conn`: behind anything the run posted there.
      return presentOn(conn, table, view);
    },
    async window(table, req) {
      const known = columnsOf.get(table);
      return side.query(windowSql(table, req, known ? pageSelectList(known) : '*'));
    },
    async registerArrow(name, ipc) {
      forgetTable(name);
      viewTarget.delete(name.toLowerCase());
      await side.query(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
      await side.insertArrowFromIPCStream(ipc, { name, create: true });
    },
    async registerCsvText(name, text) {
      forgetTable(name);
      viewTarget.delete(name.toLowerCase());
      const file = `${name}.csv`;
      await db.registerFileText(file, text);
      await side.query(`CREATE OR REPLACE TABLE ${quoteIdent(name)} AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
      return Number(await scalar(countSql(name)));
    },
    async catalog() {
      // duckdb_columns() rather than information_schema.columns: same rows, a fraction of the cost.
      const rows = (await side.query(`SELECT table_name, list(column_name ORDER BY column_index) AS cols FROM duckdb_columns()
        WHERE schema_name = 'main' AND NOT internal AND table_name NOT LIKE '\\_\\_r\\_%' ESCAPE '\\' GROUP BY table_name`)).toArray();
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
      // Free SQL other than one read-only statement may define or drop views: the next run then
      // defines its view again.
      if (!readOnlyStatement(sql)) viewTarget.clear();
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
