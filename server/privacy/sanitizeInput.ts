/**
 * From an input file and a policy to the engine's `EncodedInput`: load into DuckDB, check the
 * policy against the columns, dictionary-encode each quasi-identifier (values in order of first
 * appearance, as ARX numbers them), resolve hierarchies, and let DuckDB count the distinct
 * (quasi-identifier, sensitive) tuples so the engine never sees more rows than distinct tuples.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { MadangError } from '../../shared/errors.ts';
import type { EncodedInput } from '../../shared/privacy/engine.ts';
import type { HierarchySpec, Policy } from '../../shared/privacy/policy.ts';
import { loadInput, quoteIdent, type InputColumn } from './csvInput.ts';
import { resolveHierarchy } from './hierarchies.ts';

export interface PreparedInput {
  encoded: EncodedInput;
  columns: InputColumn[];
}

/** Text of a column as the engine sees it: SQL NULL becomes "". */
export function textOf(column: string, table = 'src'): string {
  return `coalesce(CAST(${table}.${quoteIdent(column)} AS VARCHAR), '')`;
}

async function distinctInOrder(conn: DuckDBConnection, column: string): Promise<string[]> {
  const reader = await conn.runAndReadAll(`SELECT v FROM (SELECT ${textOf(column)} AS v, min(rowid) AS r FROM src GROUP BY 1) ORDER BY r`);
  return reader.getColumnsJS()[0].map((v) => String(v));
}

/** Creates `name(v VARCHAR, code INTEGER)` with code = index in `values`. */
async function createDictionary(conn: DuckDBConnection, name: string, values: string[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (v VARCHAR, code INTEGER)`);
  const appender = await conn.createAppender(name);
  values.forEach((v, i) => {
    appender.appendVarchar(v);
    appender.appendInteger(i);
    appender.endRow();
  });
  appender.closeSync();
}

function columnList(names: string[]): string {
  const shown = names.slice(0, 20).join(', ');
  return names.length > 20 ? `${shown}, … (${names.length})` : shown;
}

export async function prepareInput(conn: DuckDBConnection, file: string, policy: Policy, policyDir: string): Promise<PreparedInput> {
  const textColumns = new Set(
    Object.entries(policy.columns).filter(([, c]) => c.role === 'quasi' || (c.role === 'sensitive' && c.lDiversity)).map(([name]) => name),
  );
  const columns = await loadInput(conn, file, textColumns);
  const names = columns.map((c) => c.name);
  const unknown = Object.keys(policy.columns).filter((name) => !names.includes(name));
  if (unknown.length) {
    throw new MadangError('invalid_input', {
      ko: `정책에 입력에 없는 열이 있습니다: ${columnList(unknown)} (입력의 열: ${columnList(names)})`,
      en: `the policy names columns the input does not have: ${columnList(unknown)} (input columns: ${columnList(names)})`,
    });
  }
  const identifiers = names.filter((n) => policy.columns[n]?.role === 'identifier');
  const unlisted = names.filter((n) => !policy.columns[n]);
  const qiColumns = names.filter((n) => policy.columns[n]?.role === 'quasi');
  const sensColumns = names.filter((n) => {
    const c = policy.columns[n];
    return c?.role === 'sensitive' && c.lDiversity !== undefined;
  });
  const warnings: string[] = [];
  if (identifiers.length) warnings.push(`identifier columns dropped: ${columnList(identifiers)}`);
  if (unlisted.length) warnings.push(`columns not listed in the policy dropped: ${columnList(unlisted)}`);

  const specs: HierarchySpec[] = [];
  const hierarchies = [];
  for (const [j, column] of qiColumns.entries()) {
    const col = policy.columns[column];
    if (col.role !== 'quasi') continue;
    const values = await distinctInOrder(conn, column);
    hierarchies.push(await resolveHierarchy(column, col.hierarchy, values, policyDir));
    specs.push(col.hierarchy);
    await createDictionary(conn, `madang_qi_${j}`, values);
  }
  const sensDistinct: number[] = [];
  for (const [j, column] of sensColumns.entries()) {
    const values = await distinctInOrder(conn, column);
    sensDistinct.push(values.length);
    await createDictionary(conn, `madang_sens_${j}`, values);
  }

  const keys = [...qiColumns.map((c, j) => ({ c, d: `madang_qi_${j}` })), ...sensColumns.map((c, j) => ({ c, d: `madang_sens_${j}` }))];
  const joins = keys.map(({ c, d }) => `JOIN ${d} ON ${textOf(c)} = ${d}.v`).join(' ');
  const select = keys.map(({ d }, i) => `${d}.code AS k${i}`);
  const group = keys.length ? ` GROUP BY ${keys.map((_, i) => `k${i}`).join(', ')}` : '';
  const result = await conn.run(`SELECT ${[...select, 'count(*)::INTEGER AS n'].join(', ')} FROM src ${joins}${group}`);
  const width = keys.length + 1;
  const parts: number[][] = Array.from({ length: width }, () => []);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let i = 0; i < width; i++) {
      const values = chunk.getColumnValues(i);
      for (const v of values) parts[i].push(Number(v));
    }
  }
  const cols = parts.map((p) => Int32Array.from(p));
  const count = cols[width - 1];
  const inputRows = count.reduce((a, b) => a + b, 0);
  const dropped = names.filter((n) => identifiers.includes(n) || unlisted.includes(n));
  const encoded: EncodedInput = {
    inputRows,
    qiColumns,
    specs,
    hierarchies,
    qi: cols.slice(0, qiColumns.length),
    sens: cols.slice(qiColumns.length, qiColumns.length + sensColumns.length),
    count,
    sensColumns,
    sensDistinct,
    droppedColumns: dropped,
    outputColumns: names.filter((n) => !dropped.includes(n)),
    warnings,
  };
  return { encoded, columns };
}
