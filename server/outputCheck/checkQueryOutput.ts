/**
 * Runs a query with native DuckDB on table `data` and checks every output cell against the
 * disclosure rules (threshold, dominance, p-ratio, zeros, row-level), returning the report of
 * docs/interfaces.md. The same engine serves `madang check-output` and the publish flow.
 *
 * @example
 *   const report = await checkQueryOutput({ input: 'extract.parquet', sql: 'SELECT gu, count(*) FROM data GROUP BY gu' });
 *   report.status // 'pass' | 'review' | 'fail'
 *
 * How: parse with DuckDB (`json_serialize_sql`), classify (queryAnalysis.ts), append evidence
 * columns to the same SELECT (evidenceQuery.ts), run it once, and hand output + evidence to the
 * pure `checkTable` in shared/outputCheck/.
 */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { MadangError } from '../../shared/errors.ts';
import type { AggregateEvidence } from '../../shared/outputCheck/cellChecks.ts';
import { checkTable, type ColumnMeta, type TableRow } from '../../shared/outputCheck/checkTable.ts';
import { toJsonValue, type JsonValue, type OutputCheckReport, type QueryIssue } from '../../shared/outputCheck/report.ts';
import { safeParseOutputCheckRules, type OutputCheckRules, type OutputCheckRulesInput } from '../../shared/outputCheck/rules.ts';
import { buildEvidencePlan, templateSql, type EvidencePlan, type NodeTemplates } from './evidenceQuery.ts';
import { parseExactJson, stringifyExactJson } from './exactJson.ts';
import { firstLine, openInputTable } from './inputTable.ts';
import { analyseQuery, type AstNode } from './queryAnalysis.ts';

export interface CheckQueryOutputOptions {
  /** A CSV or Parquet file, loaded as table `data` in a private, locked-down DuckDB. */
  input?: string;
  /** Or an open connection where table `data` already exists (the caller owns it). */
  connection?: DuckDBConnection;
  sql: string;
  /** Defaults follow SACRO/ACRO; partial rules are completed with the defaults. */
  rules?: OutputCheckRulesInput;
  /** Put the checked output itself in `report.table` (the publish flow stores it). */
  includeTable?: boolean;
  /** Rows read at most; a longer output is checked on its first rows and flagged for review. Default 100,000. */
  maxRows?: number;
  /** Flagged cells listed at most (the summary counts all). Default 1,000. */
  maxCells?: number;
}

function sqlError(err: unknown): MadangError {
  const msg = firstLine(err);
  return new MadangError('invalid_input', { ko: `SQL 오류: ${msg}`, en: `SQL error: ${msg}` });
}

async function scalar(connection: DuckDBConnection, sql: string, params: string[] = []): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowsJS()[0]?.[0];
}

/** The single SELECT's parse tree, or a bilingual invalid_input error. */
async function parseSelect(connection: DuckDBConnection, sql: string): Promise<AstNode> {
  const parsed = parseExactJson(String(await scalar(connection, 'SELECT json_serialize_sql(?::VARCHAR)', [sql]))) as {
    error: boolean; error_message?: string; statements?: { node: AstNode }[];
  };
  if (parsed.error) {
    if (/only select/i.test(parsed.error_message ?? '')) {
      throw new MadangError('invalid_input', {
        ko: '검사할 수 있는 것은 SELECT 쿼리 하나뿐임 (PIVOT은 GROUP BY로 바꿔 쓰세요)',
        en: 'only a single SELECT query can be checked (write a PIVOT as GROUP BY)',
      });
    }
    throw sqlError(parsed.error_message);
  }
  if (parsed.statements?.length !== 1) {
    throw new MadangError('invalid_input', { ko: '검사할 수 있는 것은 SELECT 쿼리 하나뿐임', en: 'only a single SELECT query can be checked' });
  }
  return parsed.statements[0].node;
}

async function toSql(connection: DuckDBConnection, node: AstNode): Promise<string> {
  const json = stringifyExactJson({ error: false, statements: [{ node, named_param_map: [] }] });
  return String(await scalar(connection, 'SELECT json_deserialize_sql(?::JSON)', [json]));
}

async function aggregateNames(connection: DuckDBConnection): Promise<Set<string>> {
  const reader = await connection.runAndReadAll("SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'aggregate'");
  return new Set(reader.getRowsJS().map((r) => String(r[0])));
}

async function nodeTemplates(connection: DuckDBConnection): Promise<NodeTemplates> {
  const items = (await parseSelect(connection, templateSql)).select_list as AstNode[];
  return { cast: items[0], constant: items[1], countStar: items[2], differs: items[3], isTrue: items[4] };
}

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

type Rows = readonly (readonly unknown[])[];

/** JSON-safe output values: exact numbers from the JS rows, DuckDB's own text (JSON rows) for dates and the like. */
function outputRows(js: Rows, json: Rows, width: number): JsonValue[][] {
  return js.map((row, i) => row.slice(0, width).map((v, j) => {
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return toJsonValue(v);
    return json[i][j] as JsonValue;
  }));
}

function evidenceRows(js: Rows, plan: EvidencePlan): Record<string, AggregateEvidence>[] {
  return js.map((row) => {
    const evidence: Record<string, AggregateEvidence> = {};
    for (const col of plan.evidence) {
      const ev = (evidence[col.key] ??= { records: 0 });
      const value = row[col.index];
      if (col.part === 'records') ev.records = toNumber(value) ?? 0;
      else if (col.part === 'rows') ev.rows = toNumber(value) ?? 0;
      else if (col.part === 'total') ev.total = toNumber(value);
      else if (col.part === 'min') ev.min = toNumber(value);
      else ev.top = Array.isArray(value) ? value.filter((x) => x !== null).map(Number) : [];
    }
    return evidence;
  });
}

/** Streams at most about maxRows + 1 rows (enough to know whether there are more). */
async function run(connection: DuckDBConnection, sql: string, maxRows: number): Promise<DuckDBResultReader> {
  try {
    return await connection.runAndReadUntil(sql, maxRows + 1);
  } catch (err) {
    throw sqlError(err);
  }
}

/** Checks `sql`'s output. Bad input (file, SQL, rules) throws a MadangError with code `invalid_input`. */
export async function checkQueryOutput(options: CheckQueryOutputOptions): Promise<OutputCheckReport> {
  const parsedRules = safeParseOutputCheckRules(options.rules ?? {});
  if (!parsedRules.ok) {
    const detail = parsedRules.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new MadangError('invalid_input', { ko: `검사 규칙이 잘못됨: ${detail}`, en: `invalid rules: ${detail}` });
  }
  const rules: OutputCheckRules = parsedRules.rules;
  if (!options.connection && !options.input) throw new Error('checkQueryOutput needs input or connection');
  const opened = options.connection ? undefined : await openInputTable(options.input as string);
  const connection = options.connection ?? (opened as NonNullable<typeof opened>).connection;
  try {
    return await checkWithConnection(connection, options, rules);
  } finally {
    opened?.close();
  }
}

async function checkWithConnection(connection: DuckDBConnection, options: CheckQueryOutputOptions, rules: OutputCheckRules): Promise<OutputCheckReport> {
  const maxRows = options.maxRows ?? 100_000;
  const root = await parseSelect(connection, options.sql);
  const analysis = analyseQuery(root, await aggregateNames(connection));
  const engine = `duckdb ${String(await scalar(connection, 'SELECT version()'))}`;
  const issues: QueryIssue[] = [];
  let reader: DuckDBResultReader;
  let plan: EvidencePlan | undefined;

  if (analysis.shape === 'aggregate') {
    plan = buildEvidencePlan(analysis.select, analysis.columns, await nodeTemplates(connection), rules.dominance.n);
    reader = await run(connection, await toSql(connection, plan.select), maxRows);
    for (const fn of plan.unknownAggregates) {
      issues.push({
        code: 'unknown-aggregate', outcome: 'review',
        reason: `${fn}() is not a recognised aggregate: only the threshold was checked`,
        reasonKo: `${fn}()은 알려진 집계 함수가 아님: 최소 건수만 검사함`,
      });
    }
  } else {
    reader = await run(connection, await toSql(connection, root), maxRows);
    if (analysis.shape === 'unanalysable') issues.push({ code: 'unanalysable', outcome: 'review', reason: analysis.reason, reasonKo: analysis.reasonKo });
  }

  const names = reader.columnNames();
  const width = names.length - (plan?.appended ?? 0);
  const rowCount = Math.min(reader.currentRowCount, maxRows);
  if (reader.currentRowCount > maxRows) {
    issues.push({
      code: 'unanalysable', outcome: 'review',
      reason: `the output has more than ${maxRows} rows; only the first ${maxRows} were checked`,
      reasonKo: `결과가 ${maxRows}행을 넘음: 처음 ${maxRows}행만 검사함`,
    });
  }
  const js = reader.getRowsJS().slice(0, rowCount);
  const values = outputRows(js, reader.getRowsJson().slice(0, rowCount), width);
  const evidence = plan ? evidenceRows(js, plan) : [];
  const groupIndex = plan?.groupRecordsIndex;
  const groupRecords = groupIndex === undefined ? undefined : js.map((r) => Number(r[groupIndex]));

  const columns: ColumnMeta[] = names.slice(0, width).map((name, j) => {
    const aggregates = plan?.columnAggregates[j] ?? [];
    const differences = plan?.columnDifferences[j] ?? [];
    return aggregates.length > 0 ? { name, role: 'statistic', aggregates, differences } : { name, role: 'dimension' };
  });
  const rows: TableRow[] = values.map((v, i) => ({ values: v, evidence: evidence[i] ?? {}, groupRecords: groupRecords?.[i] }));
  const result = checkTable(rows, columns, rules, {
    shape: analysis.shape === 'row-level' ? 'row-level' : 'aggregate',
    issues,
    maxCells: options.maxCells,
  });
  if (analysis.shape === 'unanalysable') result.columns = result.columns.map((c) => ({ ...c, role: 'unchecked' }));
  return {
    ...result,
    query: { sql: options.sql, shape: analysis.shape, engine },
    ...(options.includeTable ? { table: { columns: names.slice(0, width), rows: values } } : {}),
  };
}
