/**
 * SQL cell analysis with native DuckDB's parser: `json_serialize_sql` (JSON extension, built into
 * `@duckdb/node-api`; DuckDB-WASM has it only as a downloadable extension, unavailable offline),
 * then the pure walker in `shared/reactivity/sqlRefs.ts`. Nothing is executed or bound: the
 * parser only reads the text.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { analyseSerializedSql, type SqlAnalysisResult } from '../../shared/reactivity/sqlRefs.ts';
import { quoteLiteral } from './arrowExport.ts';

export interface SqlAnalyser {
  analyse(sqls: readonly string[]): Promise<SqlAnalysisResult[]>;
  close(): Promise<void>;
}

export function createSqlAnalyser(): SqlAnalyser {
  let opened: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | null = null;
  const open = () => (opened ??= (async () => {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1', enable_external_access: 'false' });
    return { instance, conn: await instance.connect() };
  })());
  let queue: Promise<unknown> = Promise.resolve();
  return {
    analyse(sqls) {
      const run = queue.then(async () => {
        const { conn } = await open();
        const out: SqlAnalysisResult[] = [];
        for (const sql of sqls) {
          if (sql.trim() === '') {
            out.push({ ok: true, refs: [], params: [], statementCount: 0 });
            continue;
          }
          const r = await conn.runAndReadAll(`SELECT json_serialize_sql(${quoteLiteral(sql)})`);
          const text = r.getRows()[0]?.[0];
          out.push(typeof text === 'string' ? analyseSerializedSql(text) : { ok: false, message: 'parse failed', position: null });
        }
        return out;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      if (!opened) return;
      const { instance, conn } = await opened;
      conn.closeSync();
      instance.closeSync();
      opened = null;
    },
  };
}
