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

/**
 * Creates `name(v VARCHAR, code INTEGER)`: the column's distinct values as text, coded in order of
 * first appearance (ARX's numbering), built inside DuckDB; returns the values indexed by code.
 */
async function createDictionary(conn: DuckDBConnection, name: string, column: string): Promise<string[]> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name} AS SELECT v, (row_number() OVER (ORDER BY r) - 1)::INTEGER AS code FROM (SELECT ${textOf(column)} AS v, min(rowid) AS r FROM src GROUP BY 1)`,
  );
  const [texts, codes] = (await conn.runAndReadAll(`SELECT v, code FROM ${name}`)).getColumnsJS();
  const values = new Array<string>(texts.length);
  for (let i = 0; i < texts.length; i++) values[Number(codes[i])] = String(texts[i]);
  return values;
}

/** An Int32Array that grows as chunks arrive. */
class IntColumn {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

function columnList(names: string[]): string {
  const shown = names.slice(0, 20).join(', ');
  return names.length > 20 ? `${shown}, … (${names.length})` : shown;
}

/** `onLoaded` is called once the input is in DuckDB (for phase timings). */
export async function prepareInput(conn: DuckDBConnection, file: string, policy: Policy, policyDir: string, onLoaded?: () => void): Promise<PreparedInput> {
  const textColumns = new Set(
    Object.entries(policy.columns).filter(([, c]) => c.role === 'quasi' || (c.role === 'sensitive' && c.lDiversity)).map(([name]) => name),
  );
  const columns = await loadInput(conn, file, textColumns);
  onLoaded?.();
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
    const values = await createDictionary(conn, `madang_qi_${j}`, column);
    hierarchies.push(await resolveHierarchy(column, col.hierarchy, values, policyDir));
    specs.push(col.hierarchy);
  }
  const sensDistinct: number[] = [];
  for (const [j, column] of sensColumns.entries()) {
    sensDistinct.push((await createDictionary(conn, `madang_sens_${j}`, column)).length);
  }

  const keys = [...qiColumns.map((c, j) => ({ c, d: `madang_qi_${j}` })), ...sensColumns.map((c, j) => ({ c, d: `madang_sens_${j}` }))];
  const joins = keys.map(({ c, d }) => `JOIN ${d} ON ${textOf(c)} = ${d}.v`).join(' ');
  const select = keys.map(({ d }, i) => `${d}.code AS k${i}`);
  const group = keys.length ? ` GROUP BY ${keys.map((_, i) => `k${i}`).join(', ')}` : '';
  const result = await conn.run(`SELECT ${[...select, 'count(*)::INTEGER AS n'].join(', ')} FROM src ${joins}${group}`);
  const width = keys.length + 1;
  const parts = Array.from({ length: width }, () => new IntColumn());
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const rows = chunk.rowCount;
    for (let i = 0; i < width; i++) {
      const vector = chunk.getColumnVector(i);
      const part = parts[i];
      for (let r = 0; r < rows; r++) part.push(Number(vector.getItem(r)));
    }
  }
  const cols = parts.map((p) => p.toArray());
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
    // Grouped by every key above: no two rows share their codes.
    distinctRows: true,
    sensColumns,
    sensDistinct,
    droppedColumns: dropped,
    outputColumns: names.filter((n) => !dropped.includes(n)),
    warnings,
  };
  return { encoded, columns };
}
