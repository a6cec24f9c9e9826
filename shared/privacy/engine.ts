/**
 * The anonymisation engine, pure: dictionary-encoded data + a policy -> the optimal
 * transformation and its report. Reading files and writing the extract are the server's
 * (server/privacy/sanitize.ts); this module never touches I/O, so tests and the policy editor's
 * preview run the very same search.
 */
import { buildTable, evaluateClasses, type SensitiveModel } from './classes.ts';
import type { EncodedHierarchy } from './hierarchy.ts';
import { levelNames } from './hierarchyKinds.ts';
import { createMetricContext } from './metrics.ts';
import { effectiveAggregate, type HierarchySpec, type LDiversity, type Policy } from './policy.ts';
import { classSizeHistogram, minPublishedClassSize, type SanitizeReport } from './report.ts';
import { searchOptimum, tableAt, type NodeOutcome } from './search.ts';

export interface EncodedInput {
  inputRows: number;
  /** Quasi-identifiers, in input column order (the order of level vectors and of tie-breaks). */
  qiColumns: string[];
  specs: HierarchySpec[];
  hierarchies: EncodedHierarchy[];
  /** Per row: leaf code of each quasi-identifier, code of each l-diverse column, record count. */
  qi: Int32Array[];
  sens: Int32Array[];
  count: Int32Array;
  /** True when no two rows have the same codes (the server groups in SQL), so they need no regrouping. */
  distinctRows?: boolean;
  /** Sensitive columns with an l-diversity model, and their number of distinct values in the data. */
  sensColumns: string[];
  sensDistinct: number[];
  droppedColumns: string[];
  outputColumns: string[];
  warnings: string[];
}

export interface EngineResult {
  report: SanitizeReport;
  optimum: NodeOutcome | null;
}

export function anonymize(policy: Policy, input: EncodedInput, options: { exhaustive?: boolean } = {}): EngineResult {
  const aggregate = effectiveAggregate(policy);
  const lDiversity: Record<string, LDiversity> = {};
  const models: SensitiveModel[] = input.sensColumns.map((column, sensIndex) => {
    const col = policy.columns[column];
    const model = col.role === 'sensitive' ? col.lDiversity : undefined;
    if (!model) throw new Error(`internal: ${column} has no l-diversity model`);
    lDiversity[column] = model;
    return { sensIndex, model };
  });
  const report: SanitizeReport = {
    status: 'no-solution',
    inputRows: input.inputRows,
    outputRows: 0,
    suppressed: input.inputRows,
    maxSuppressed: Math.floor(policy.suppressionLimit * input.inputRows),
    k: policy.k,
    l: models.length ? Math.min(...models.map((m) => m.model.l)) : null,
    lDiversity,
    minClassSize: 0,
    classes: 0,
    classSizeHistogram: [],
    levels: {},
    levelNames: {},
    loss: null,
    lossByColumn: {},
    metric: policy.metric,
    aggregate,
    droppedColumns: input.droppedColumns,
    outputColumns: input.outputColumns,
    warnings: [...input.warnings],
    nodesEvaluated: 0,
    latticeSize: input.hierarchies.reduce((n, h) => n * (h.maxLevel + 1), 1),
    searchMs: 0,
    elapsedMs: 0,
  };

  const impossible = impossibility(policy, input, models);
  if (impossible) return { report: { ...report, reason: impossible }, optimum: null };

  const domains = [...input.hierarchies.map((h) => h.values.length), ...input.sensDistinct];
  const base = input.distinctRows
    ? { levels: input.qi.map(() => 0), rows: input.count.length, qi: input.qi, sens: input.sens, count: input.count, domains }
    : buildTable(input.qi, input.sens, input.count.length, input.count, domains);
  const leafCounts = input.hierarchies.map((h, j) => {
    const counts = new Int32Array(h.values.length);
    for (let i = 0; i < base.rows; i++) counts[base.qi[j][i]] += base.count[i];
    return counts;
  });
  const metric = createMetricContext(policy.metric, aggregate, input.hierarchies, leafCounts, input.inputRows);
  const search = searchOptimum({ hierarchies: input.hierarchies, base, k: policy.k, models, suppressionLimit: policy.suppressionLimit, metric, exhaustive: options.exhaustive });
  report.nodesEvaluated = search.nodesEvaluated;
  report.latticeSize = search.latticeSize;
  const optimum = search.optimum;
  if (!optimum) {
    const top = tableAt(input.hierarchies, base, input.hierarchies.map((h) => h.maxLevel));
    const failing = models.filter((m) => evaluateClasses(top, 1, [m]).suppressed > 0).map((m) => input.sensColumns[m.sensIndex]);
    const limit = `${report.maxSuppressed} (${(policy.suppressionLimit * 100).toFixed(2).replace(/\.?0+$/, '')}%)`;
    report.reason = failing.length
      ? { ko: `민감 열 ${failing.join(', ')}은(는) 모든 준식별자를 완전히 일반화해도 l-다양성을 만족하지 못합니다`, en: `sensitive column ${failing.join(', ')} is not l-diverse even with every quasi-identifier fully generalised` }
      : { ko: `어떤 일반화도 k=${policy.k}${report.l ? `, l=${report.l}` : ''}을(를) 삭제 한도 ${limit}건 안에서 만족하지 못합니다`, en: `no generalisation meets k=${policy.k}${report.l ? `, l=${report.l}` : ''} with at most ${limit} records suppressed` };
    return { report, optimum: null };
  }
  const { classes } = optimum;
  report.status = 'ok';
  report.suppressed = classes.suppressed;
  report.outputRows = classes.records - classes.suppressed;
  report.classes = Array.from(classes.ok).filter((v) => v === 1).length;
  report.minClassSize = minPublishedClassSize(classes);
  report.classSizeHistogram = classSizeHistogram(classes);
  report.loss = optimum.loss.value;
  input.qiColumns.forEach((column, j) => {
    const level = optimum.levels[j];
    report.levels[column] = level;
    report.levelNames[column] = levelNames(input.specs[j], input.hierarchies[j].maxLevel)[level];
    if (optimum.loss.parts.length) report.lossByColumn[column] = optimum.loss.parts[j];
  });
  if (report.suppressed > 0) {
    report.warnings.push(`${report.suppressed} of ${report.inputRows} records were suppressed (removed) to meet the policy`);
  }
  return { report, optimum };
}

/** Policies that cannot be met whatever the generalisation; checked before searching. */
function impossibility(policy: Policy, input: EncodedInput, models: SensitiveModel[]): { ko: string; en: string } | null {
  if (input.inputRows === 0) return { ko: '입력에 행이 없습니다', en: 'the input has no rows' };
  if (policy.k > input.inputRows) {
    return { ko: `k=${policy.k}이(가) 전체 행 수 ${input.inputRows}보다 큽니다`, en: `k=${policy.k} is larger than the number of rows (${input.inputRows})` };
  }
  for (const m of models) {
    const column = input.sensColumns[m.sensIndex];
    const distinct = input.sensDistinct[m.sensIndex];
    if (distinct < m.model.l) {
      return {
        ko: `민감 열 "${column}"의 서로 다른 값이 ${distinct}개뿐이라 l=${m.model.l}을(를) 만족할 수 없습니다`,
        en: `sensitive column "${column}" has only ${distinct} distinct values, so l=${m.model.l} cannot be met`,
      };
    }
  }
  return null;
}
