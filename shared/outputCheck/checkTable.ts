/**
 * Applies the rules to a whole output table, given for each row the evidence of every aggregate
 * behind its cells. Pure: the server gathers the evidence (server/outputCheck/), this decides.
 *
 * @example
 *   checkTable(
 *     [{ values: ['강남구', 8], evidence: { a0: { records: 8 } } }],
 *     [{ name: 'gu', role: 'dimension' },
 *      { name: 'n', role: 'statistic', aggregates: [{ key: 'a0', kind: 'count', label: 'count(*)' }] }],
 *     defaultOutputCheckRules,
 *   ).status // 'fail' (8 < 10)
 */
import { checkAggregateCell, checkDifference, checkThreshold, type AggregateEvidence, type AggregateKind, type CellFlag } from './cellChecks.ts';
import {
  emptySummary, statusOf, toJsonValue,
  type ColumnReport, type FlaggedCell, type FlagOutcome, type OutputCheckReport, type QueryIssue,
} from './report.ts';
import type { OutputCheckRules } from './rules.ts';

export interface AggregateMeta {
  /** Key of this aggregate's evidence in each row's `evidence`. */
  key: string;
  kind: AggregateKind;
  /** How it reads in the query, like `avg(inc_grants)`. */
  label: string;
}

/** Evidence key of the number of records in one aggregate's set but not another's (same column). */
export interface DifferenceMeta {
  key: string;
  /** Like `sum(x) vs sum(x) FILTER …`. */
  label: string;
}

export type ColumnMeta =
  | { name: string; role: 'dimension' }
  | { name: string; role: 'statistic'; aggregates: AggregateMeta[]; differences?: DifferenceMeta[] };

export interface TableRow {
  /** Output values, in column order. */
  values: readonly unknown[];
  /** Evidence per aggregate key. */
  evidence: Readonly<Record<string, AggregateEvidence>>;
  /** Records in the row's group (for grouped queries that show no aggregate at all). */
  groupRecords?: number;
}

export interface CheckTableOptions {
  /** `row-level`: the rows are records themselves; every row fails. Default `aggregate`. */
  shape?: 'aggregate' | 'row-level';
  /** Query-level issues found before the table was checked (they count towards the status). */
  issues?: QueryIssue[];
  /** Cap on listed cells (the summary counts all). Default 1000. */
  maxCells?: number;
}

export type TableCheckResult = Pick<OutputCheckReport, 'status' | 'cells' | 'summary' | 'truncated' | 'issues' | 'rules' | 'rowCount' | 'columns'>;

function columnReports(columns: readonly ColumnMeta[], shape: 'aggregate' | 'row-level'): ColumnReport[] {
  return columns.map((c) => ({
    name: c.name,
    role: shape === 'row-level' ? 'record' : c.role,
    aggregates: c.role === 'statistic' ? c.aggregates.map((a) => a.label) : [],
  }));
}

/** One flag per rule per cell: the first aggregate that trips a rule explains it. */
function flagsForCell(column: ColumnMeta, row: TableRow, rules: OutputCheckRules): { flag: CellFlag; aggregate?: string }[] {
  if (column.role !== 'statistic') return [];
  const seen = new Set<string>();
  const out: { flag: CellFlag; aggregate?: string }[] = [];
  for (const agg of column.aggregates) {
    const ev = row.evidence[agg.key];
    if (!ev) continue;
    for (const flag of checkAggregateCell(agg.kind, ev, rules)) {
      if (seen.has(flag.rule)) continue;
      seen.add(flag.rule);
      out.push({ flag, aggregate: agg.label });
    }
  }
  for (const diff of column.differences ?? []) {
    const ev = row.evidence[diff.key];
    if (!ev) continue;
    for (const flag of checkDifference(ev.records, rules)) {
      if (seen.has(flag.rule)) continue;
      seen.add(flag.rule);
      out.push({ flag, aggregate: diff.label });
    }
  }
  return out;
}

export function checkTable(
  rows: readonly TableRow[],
  columns: readonly ColumnMeta[],
  rules: OutputCheckRules,
  options: CheckTableOptions = {},
): TableCheckResult {
  const shape = options.shape ?? 'aggregate';
  const maxCells = options.maxCells ?? 1000;
  const issues = [...(options.issues ?? [])];
  const summary = emptySummary();
  const cells: FlaggedCell[] = [];
  const outcomes: FlagOutcome[] = issues.map((i) => i.outcome);
  let truncated = false;

  const add = (at: { row: number; column: string; value: unknown; aggregate?: string }, flag: CellFlag) => {
    // Keys in the order of docs/interfaces.md, then the extras.
    const cell: FlaggedCell = {
      row: at.row, column: at.column, rule: flag.rule, value: toJsonValue(at.value), reason: flag.reason,
      reasonKo: flag.reasonKo, outcome: flag.outcome, ...(at.aggregate ? { aggregate: at.aggregate } : {}),
    };
    summary[cell.rule] += 1;
    outcomes.push(cell.outcome);
    if (cells.length < maxCells) cells.push(cell);
    else truncated = true;
  };

  if (shape === 'row-level') {
    const first = columns[0]?.name ?? '*';
    rows.forEach((row, i) => add({ row: i, column: first, value: row.values[0] }, {
      rule: 'row-level',
      outcome: 'fail',
      reason: 'the query returns individual records, not aggregates',
      reasonKo: '쿼리가 집계가 아닌 개별 레코드를 내보냄',
    }));
    if (rows.length === 0) {
      issues.push({
        code: 'row-level',
        outcome: 'fail',
        reason: 'the query returns individual records (none match now, but any that did would be shown)',
        reasonKo: '쿼리가 개별 레코드를 내보냄 (지금은 0건이지만 해당 레코드가 생기면 그대로 공개됨)',
      });
      outcomes.push('fail');
    }
  } else {
    const hasStatistic = columns.some((c) => c.role === 'statistic');
    rows.forEach((row, i) => {
      if (!hasStatistic && row.groupRecords !== undefined) {
        // A grouped query that shows only its keys still says "these groups exist": threshold the groups.
        const column = columns[0];
        for (const flag of checkThreshold(row.groupRecords, rules)) {
          add({ row: i, column: column?.name ?? '*', value: row.values[0], aggregate: 'count(*)' }, flag);
        }
        return;
      }
      columns.forEach((column, j) => {
        // A NULL shows nothing: this is how a query suppresses its own small cells
        // (CASE WHEN count(*) < 10 THEN NULL ELSE … END), like ACRO's suppressed cells.
        if (row.values[j] === null || row.values[j] === undefined) return;
        for (const { flag, aggregate } of flagsForCell(column, row, rules)) {
          add({ row: i, column: column.name, value: row.values[j], aggregate }, flag);
        }
      });
    });
  }

  return {
    status: statusOf(outcomes),
    cells,
    summary,
    truncated,
    issues,
    rules,
    rowCount: rows.length,
    columns: columnReports(columns, shape),
  };
}
