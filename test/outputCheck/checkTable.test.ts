/**
 * checkTable on small tables, the report shape of docs/interfaces.md, and the rules file schema.
 */
import { describe, expect, it } from 'vitest';
import { evidenceFromValues } from '../../shared/outputCheck/cellChecks.ts';
import { checkTable, type ColumnMeta, type TableRow } from '../../shared/outputCheck/checkTable.ts';
import { statusOf, toJsonValue } from '../../shared/outputCheck/report.ts';
import { defaultOutputCheckRules as rules, parseOutputCheckRules, safeParseOutputCheckRules } from '../../shared/outputCheck/rules.ts';

const columns: ColumnMeta[] = [
  { name: 'gu', role: 'dimension' },
  { name: 'n', role: 'statistic', aggregates: [{ key: 'a0', kind: 'count', label: 'count(*)' }] },
  { name: 'mean_age', role: 'statistic', aggregates: [{ key: 'a1', kind: 'magnitude', label: 'avg(age)' }] },
];
const row = (gu: string | null, ages: (number | null)[]): TableRow => {
  const present = ages.filter((a) => a !== null) as number[];
  return {
    values: [gu, ages.length, present.length ? present.reduce((s, a) => s + a, 0) / present.length : null],
    evidence: { a0: { records: ages.length }, a1: evidenceFromValues(ages) },
  };
};

describe('checkTable', () => {
  it('passes a table of large, even groups', () => {
    const r = checkTable([row('마포구', Array(12).fill(30)), row('중구', Array(10).fill(40))], columns, rules);
    expect(r).toMatchObject({ status: 'pass', cells: [], rowCount: 2, truncated: false, issues: [] });
    expect(r.columns).toEqual([
      { name: 'gu', role: 'dimension', aggregates: [] },
      { name: 'n', role: 'statistic', aggregates: ['count(*)'] },
      { name: 'mean_age', role: 'statistic', aggregates: ['avg(age)'] },
    ]);
  });

  it('flags each cell with the interface keys: row, column, rule, value, reason', () => {
    const r = checkTable([row('마포구', Array(12).fill(30)), row('중구', Array(9).fill(40))], columns, rules);
    expect(r.status).toBe('fail');
    expect(r.cells.map((c) => Object.keys(c).slice(0, 5))).toEqual([
      ['row', 'column', 'rule', 'value', 'reason'],
      ['row', 'column', 'rule', 'value', 'reason'],
    ]);
    expect(r.cells).toMatchObject([
      { row: 1, column: 'n', rule: 'threshold', value: 9, aggregate: 'count(*)', outcome: 'fail' },
      { row: 1, column: 'mean_age', rule: 'threshold', value: 40, aggregate: 'avg(age)', outcome: 'fail' },
    ]);
    expect(r.summary).toEqual({ threshold: 2, dominance: 0, 'p-ratio': 0, zero: 0, 'row-level': 0 });
  });

  it('a NULL group key is a group like any other', () => {
    const r = checkTable([row(null, [1, 2, 3])], columns, rules);
    expect(r.cells.map((c) => [c.row, c.column, c.rule])).toEqual([[0, 'n', 'threshold'], [0, 'mean_age', 'threshold']]);
  });

  it('a NULL statistic shows nothing and is not flagged', () => {
    const blank = row('중구', [1, 2, 3]);
    const r = checkTable([{ ...blank, values: ['중구', null, null] }], columns, rules);
    expect(r).toMatchObject({ status: 'pass', cells: [] });
  });

  it('negative values alone give review, not fail', () => {
    const r = checkTable([row('중구', [-5, ...Array(11).fill(30)])], columns, rules);
    expect(r.status).toBe('review');
    expect(r.cells).toMatchObject([{ column: 'mean_age', rule: 'dominance', outcome: 'review' }]);
  });

  it('a column computed from several aggregates is flagged once per rule', () => {
    const ratio: ColumnMeta[] = [{
      name: 'share', role: 'statistic', aggregates: [
        { key: 'a0', kind: 'magnitude', label: 'sum(x)' }, { key: 'a1', kind: 'count', label: 'count(*)' },
      ],
    }];
    const r = checkTable([{ values: [0.5], evidence: { a0: evidenceFromValues([1, 2]), a1: { records: 2 } } }], ratio, rules);
    expect(r.cells.filter((c) => c.rule === 'threshold')).toHaveLength(1);
    expect(r.cells.find((c) => c.rule === 'threshold')?.aggregate).toBe('sum(x)');
  });

  it('row-level output fails on every row', () => {
    const r = checkTable([{ values: ['a'], evidence: {} }, { values: ['b'], evidence: {} }], [{ name: 'name', role: 'dimension' }], rules, { shape: 'row-level' });
    expect(r.status).toBe('fail');
    expect(r.cells.map((c) => [c.row, c.rule, c.value])).toEqual([[0, 'row-level', 'a'], [1, 'row-level', 'b']]);
    expect(r.columns[0].role).toBe('record');
  });

  it('row-level output with no rows still fails, as an issue', () => {
    const r = checkTable([], [{ name: 'name', role: 'dimension' }], rules, { shape: 'row-level' });
    expect(r.status).toBe('fail');
    expect(r.issues).toMatchObject([{ code: 'row-level', outcome: 'fail' }]);
  });

  it('grouped output with keys only thresholds the groups', () => {
    const r = checkTable([{ values: ['a'], evidence: {}, groupRecords: 3 }, { values: ['b'], evidence: {}, groupRecords: 30 }], [{ name: 'k', role: 'dimension' }], rules);
    expect(r.cells).toMatchObject([{ row: 0, column: 'k', rule: 'threshold', value: 'a', aggregate: 'count(*)' }]);
  });

  it('caps the listed cells but counts them all', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(`g${i}`, [1]));
    const r = checkTable(rows, columns, rules, { maxCells: 5 });
    expect(r.cells).toHaveLength(5);
    expect(r.truncated).toBe(true);
    expect(r.summary.threshold).toBe(60);
  });

  it('query issues alone make the status review', () => {
    const r = checkTable([], columns, rules, { issues: [{ code: 'unanalysable', outcome: 'review', reason: 'x', reasonKo: 'x' }] });
    expect(r.status).toBe('review');
  });
});

describe('report helpers', () => {
  it('statusOf: fail beats review beats pass', () => {
    expect(statusOf([])).toBe('pass');
    expect(statusOf(['review'])).toBe('review');
    expect(statusOf(['review', 'fail', 'review'])).toBe('fail');
  });

  it('toJsonValue keeps JSON safe', () => {
    expect(toJsonValue(12n)).toBe(12);
    expect(toJsonValue(2n ** 60n)).toBe('1152921504606846976');
    expect(toJsonValue(Number.NaN)).toBe('NaN');
    expect(toJsonValue(undefined)).toBe(null);
    expect(toJsonValue([1n, 'a'])).toEqual([1, 'a']);
  });
});

describe('rules', () => {
  it('defaults follow SACRO/ACRO', () => {
    expect(rules).toEqual({ threshold: 10, dominance: { n: 2, k: 0.9 }, pRatio: 0.1, zerosAreDisclosive: true, thresholdBasis: 'values' });
  });

  it('completes partial rules and accepts ACRO risk-appetite keys', () => {
    expect(parseOutputCheckRules({ dominance: { k: 0.8 } }).dominance).toEqual({ n: 2, k: 0.8 });
    expect(parseOutputCheckRules({ safe_threshold: 5, safe_nk_n: 3, safe_nk_k: 0.75, safe_pratio_p: 0.2, zeros_are_disclosive: false, safe_dof_threshold: 10 }))
      .toEqual({ threshold: 5, dominance: { n: 3, k: 0.75 }, pRatio: 0.2, zerosAreDisclosive: false, thresholdBasis: 'values' });
  });

  it('names the path of a bad value and rejects unknown keys', () => {
    const bad = safeParseOutputCheckRules({ dominance: { k: 90 }, thresold: 5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.path).sort()).toEqual(['(root)', 'dominance.k']);
    expect(() => parseOutputCheckRules({ threshold: 2.5 })).toThrow(/^threshold:/);
    expect(safeParseOutputCheckRules([]).ok).toBe(false);
  });
});
