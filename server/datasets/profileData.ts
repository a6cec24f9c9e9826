/**
 * The per-column profile of a dataset version, computed with DuckDB over its Parquet copy: type,
 * missing values, distinct count, min/max (numbers and dates) and the most frequent values that
 * occur at least twice (see `shared/datasets/profile.ts` for why never a single-occurrence value).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { minTopValueCount, type ColumnProfile } from '../../shared/datasets/profile.ts';
import type { ColumnType } from '../../shared/datasets/types.ts';
import { quoteIdent, sqlString } from './convert.ts';

const ordered: ReadonlySet<ColumnType> = new Set(['integer', 'double', 'date', 'timestamp']);

export async function profileParquet(conn: DuckDBConnection, file: string, header: string[], types: ColumnType[], inferred: ColumnType[]): Promise<ColumnProfile[]> {
  await conn.run(`CREATE OR REPLACE TEMP VIEW madang_profile AS SELECT * FROM read_parquet(${sqlString(file)})`);
  const rows = Number((await conn.runAndReadAll('SELECT count(*)::DOUBLE FROM madang_profile')).getRows()[0][0]);
  const parts = header.flatMap((name, i) => {
    const c = quoteIdent(name);
    const minMax = ordered.has(types[i]) ? [`min(${c})::VARCHAR`, `max(${c})::VARCHAR`] : ['NULL', 'NULL'];
    return [`count(*) - count(${c})`, `count(DISTINCT ${c})`, ...minMax];
  });
  const row = header.length === 0 ? [] : (await conn.runAndReadAll(`SELECT ${parts.join(', ')} FROM madang_profile`)).getRows()[0];
  const profiles: ColumnProfile[] = [];
  for (const [i, name] of header.entries()) {
    const c = quoteIdent(name);
    const value = (j: number) => row[i * 4 + j];
    // Every value distinct (an id column): none occurs twice, so there are no top values, and the
    // grouping that would prove it is the most expensive query of a large profile.
    const allDistinct = Number(value(1)) === rows - Number(value(0));
    const top = allDistinct ? [] : (await conn.runAndReadAll(
      `SELECT ${c}::VARCHAR AS v, count(*)::DOUBLE AS n FROM madang_profile WHERE ${c} IS NOT NULL GROUP BY 1 HAVING count(*) >= ${minTopValueCount} ORDER BY n DESC, v LIMIT 5`,
    )).getRows();
    profiles.push({
      name,
      type: types[i],
      inferredType: inferred[i],
      nulls: Number(value(0)),
      distinct: Number(value(1)),
      min: value(2) === null ? null : String(value(2)),
      max: value(3) === null ? null : String(value(3)),
      top: top.map((r) => ({ value: String(r[0]), count: Number(r[1]) })),
    });
  }
  return profiles;
}
