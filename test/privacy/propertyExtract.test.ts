/**
 * The property test through the real pipeline: random tables (seeded) written as CSV, sanitised
 * by `sanitizeFile` (DuckDB in, Parquet out), and the Parquet extract read back. The extract must
 * be exactly the input with identifiers and unlisted columns gone, each quasi-identifier replaced
 * by its label at the reported level, and the records of failing classes removed; and, checked
 * on the extract itself, every class has ≥ k records and is l-diverse in every l-diverse column,
 * with at most ⌊limit × rows⌋ records suppressed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeFile } from '../../server/privacy/sanitize.ts';
import { encodeRecords } from './engineHelpers.ts';
import { classPasses, randomCase } from './randomCases.ts';

let dir: string;
let db: DuckDBInstance;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'madang-property-extract-'));
  db = await DuckDBInstance.create(':memory:');
});

afterAll(() => {
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function readExtract(file: string): Promise<{ columns: string[]; rows: Record<string, string>[] }> {
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
    const rows = (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
    return { columns: reader.columnNames(), rows };
  } finally {
    conn.closeSync();
  }
}

const sortedLines = (rows: Record<string, string>[], columns: string[]) => rows.map((r) => JSON.stringify(columns.map((c) => r[c]))).sort();

describe('random tables through sanitizeFile (seeded)', () => {
  for (let seed = 1; seed <= Number(process.env.PRIVACY_EXTRACT_SEEDS ?? 24); seed++) {
    it(`seed ${seed}`, async () => {
      const { policy, header, records, models, dropped } = randomCase(seed);
      const input = path.join(dir, `in-${seed}.csv`);
      writeFileSync(input, `${[header.join(','), ...records.map((r) => header.map((c) => r[c]).join(','))].join('\n')}\n`);
      const out = path.join(dir, `out-${seed}.parquet`);
      const report = await sanitizeFile({ input, policy, policyDir: dir, out });
      expect(report.droppedColumns).toEqual(dropped);
      if (report.status !== 'ok') return;

      const { columns, rows } = await readExtract(out);
      expect(columns).toEqual(header.filter((c) => !dropped.includes(c)));
      for (const column of dropped) expect(columns).not.toContain(column);

      // Expected extract, from the records: generalise, group, drop the failing classes.
      const encoded = encodeRecords(policy, header, records);
      const generalised = records.map((r) => {
        const g = { ...r };
        encoded.qiColumns.forEach((c, j) => {
          const h = encoded.hierarchies[j];
          const level = report.levels[c];
          g[c] = h.labels[level][h.codes[level][h.values.indexOf(r[c])]];
        });
        return g;
      });
      const classesOf = (rs: Record<string, string>[]) => {
        const classes = new Map<string, Record<string, string>[]>();
        for (const r of rs) {
          const key = JSON.stringify(encoded.qiColumns.map((c) => r[c]));
          classes.set(key, [...(classes.get(key) ?? []), r]);
        }
        return [...classes.values()];
      };
      const kept = classesOf(generalised).filter((members) => classPasses(members, policy.k, models)).flat();
      expect(sortedLines(rows, columns)).toEqual(sortedLines(kept, columns));

      // The guarantees, on the extract alone.
      expect(rows.length).toBe(report.outputRows);
      expect(records.length - rows.length).toBe(report.suppressed);
      expect(report.suppressed).toBeLessThanOrEqual(Math.floor(policy.suppressionLimit * records.length));
      for (const members of classesOf(rows)) expect(classPasses(members, policy.k, models)).toBe(true);
    }, 30_000);
  }
});
