/**
 * The per-cell rules, as pure functions of a cell's evidence (its contributing records and, for
 * sums and means, the size of the largest contributions). Definitions follow ACRO
 * (https://github.com/AI-SDC/ACRO, `acro/acro_tables.py`: `agg_threshold`, `agg_nk`,
 * `agg_p_percent`, `agg_negative`; `acro/sdcchecks.py` in ACRO 1.0):
 *
 * - threshold: records < threshold fails (ACRO `vals.count() < THRESHOLD`: non-missing values;
 *   `thresholdBasis: 'rows'` counts the group's rows instead, as ACRO 1.0 does).
 * - dominance: sum(top n) / total > k fails, only when total > 0 (ACRO `agg_nk`). ACRO 1.0's
 *   NKCheck uses `>=`; we keep the classic `>` (the usual "more than k%" wording of the rule), so a
 *   cell at exactly 90% passes. Noted in the tests.
 * - p-ratio: (total − largest − second) / largest < p fails (ACRO `agg_p_percent`). When the total
 *   is ≤ 0 or there is a single contributor ACRO returns ZEROS_ARE_DISCLOSIVE; we flag a single
 *   contributor always (its p is 0: the value *is* that record's) and an all-zero total when zeros
 *   are disclosive (also flagged under `zero`).
 * - negative contributions: ACRO reports "negative values found" and asks for review, because
 *   dominance is undefined; we flag the cell `dominance` with outcome `review`.
 */
import type { FlagOutcome, OutputCheckRuleName } from './report.ts';
import type { OutputCheckRules } from './rules.ts';

/**
 * How an aggregate relates to the records behind it.
 * - `count`: counts records (count, count_star, count_if).
 * - `magnitude`: combines record values (sum, avg, median, stddev, …): all rules apply.
 * - `extreme`: returns one record's own value (min, max, mode): threshold, plus a review flag.
 * - `record-value`: returns record values themselves (list, string_agg, first, arg_max, …).
 * - `unknown`: not recognised; threshold only, and the query needs review.
 */
export type AggregateKind = 'count' | 'magnitude' | 'extreme' | 'record-value' | 'unknown';

/** What the server measured for one aggregate in one output row. */
export interface AggregateEvidence {
  /** Contributing records: rows counted, or non-missing values aggregated (after FILTER). */
  records: number;
  /** Records in the group (after FILTER) including missing values: the `thresholdBasis: 'rows'` count. */
  rows?: number;
  /** Sum of the contributing values as numbers (null when they are not numeric). */
  total?: number | null;
  /** The largest contributing values, descending (at least max(n, 2) of them when available). */
  top?: number[];
  /** The smallest contributing value (negatives make dominance undefined). */
  min?: number | null;
}

export interface CellFlag {
  rule: OutputCheckRuleName;
  outcome: FlagOutcome;
  reason: string;
  reasonKo: string;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}

/** threshold: fewer contributing records than the rules allow. */
export function checkThreshold(records: number, rules: OutputCheckRules): CellFlag[] {
  if (records >= rules.threshold) return [];
  return [{
    rule: 'threshold',
    outcome: 'fail',
    reason: `${records} contributing records, fewer than the threshold of ${rules.threshold}`,
    reasonKo: `기여 레코드 ${records}건: 최소 기준 ${rules.threshold}건 미만`,
  }];
}

/**
 * Two aggregates of one row (in this cell, or this cell and another column) over record sets that
 * differ by a few records: arithmetic between them (a difference, a share) shows those records,
 * so the threshold applies to the difference.
 */
export function checkDifference(records: number, rules: OutputCheckRules): CellFlag[] {
  if (records === 0) {
    // Different conditions that pick the same records here: a share of 100%, "all of them".
    return rules.zerosAreDisclosive ? [{
      rule: 'zero',
      outcome: 'fail',
      reason: 'with another aggregate of this row, different conditions pick exactly the same records: every record in the group meets them (a 0% or 100% share)',
      reasonKo: '같은 행의 다른 집계와 조건은 다르지만 같은 레코드를 고름: 집단 전체가 조건에 해당함을 드러냄 (0% 또는 100%)',
    }] : [];
  }
  if (records >= rules.threshold) return [];
  return [{
    rule: 'threshold',
    outcome: 'fail',
    reason: `with another aggregate of this row, its record set differs by ${records} records, fewer than the threshold of ${rules.threshold}: subtracting one from the other shows those records`,
    reasonKo: `같은 행의 다른 집계와 레코드 ${records}건만큼 달라 최소 기준 ${rules.threshold}건 미만: 서로 빼면 그 레코드가 드러남`,
  }];
}

/** Checks for a counting aggregate: threshold, and a zero count when zeros are disclosive. */
export function checkCountCell(ev: AggregateEvidence, rules: OutputCheckRules): CellFlag[] {
  const flags = checkThreshold(ev.records, rules);
  if (ev.records === 0 && rules.zerosAreDisclosive) {
    flags.push({
      rule: 'zero',
      outcome: 'fail',
      reason: 'a zero count: it says that no record in this group has this property',
      reasonKo: '0건: 이 집단의 누구도 해당하지 않음을 드러냄',
    });
  }
  return flags;
}

/** Sum of the n largest values (fewer when fewer exist). */
function topSum(top: readonly number[], n: number): number {
  let s = 0;
  for (let i = 0; i < Math.min(n, top.length); i++) s += top[i];
  return s;
}

/** Checks for an aggregate that combines record values: threshold, negatives, zero, p-ratio, dominance. */
export function checkMagnitudeCell(ev: AggregateEvidence, rules: OutputCheckRules): CellFlag[] {
  const flags = checkThreshold(rules.thresholdBasis === 'rows' ? (ev.rows ?? ev.records) : ev.records, rules);
  const total = ev.total;
  const top = ev.top ?? [];
  if (ev.records === 0 || total === null || total === undefined || top.length === 0) return flags;
  if (ev.min !== null && ev.min !== undefined && ev.min < 0) {
    flags.push({
      rule: 'dominance',
      outcome: 'review',
      reason: 'negative contributions: dominance and p-ratio are not defined, a person must review this cell',
      reasonKo: '음수 값이 있어 지배성·p-비율을 계산할 수 없음: 사람이 검토해야 함',
    });
    return flags;
  }
  if (total <= 0) {
    if (rules.zerosAreDisclosive) {
      flags.push({
        rule: 'zero',
        outcome: 'fail',
        reason: `all ${ev.records} contributions are zero: it reveals each contributor's value`,
        reasonKo: `기여값 ${ev.records}개가 모두 0: 각 기여자의 값을 드러냄`,
      });
      flags.push({
        rule: 'p-ratio',
        outcome: 'fail',
        reason: 'the total is zero, so the p-ratio is 0',
        reasonKo: '합계가 0이므로 p-비율이 0',
      });
    }
    return flags;
  }
  const largest = top[0];
  const second = top[1] ?? 0;
  if (ev.records <= 1) {
    flags.push({
      rule: 'p-ratio',
      outcome: 'fail',
      reason: 'a single contributor: the value is that record\'s own',
      reasonKo: '기여자가 1명: 값이 곧 그 레코드의 값',
    });
  } else {
    const p = (total - largest - second) / largest;
    if (p < rules.pRatio) {
      flags.push({
        rule: 'p-ratio',
        outcome: 'fail',
        reason: `the second-largest contributor could estimate the largest within ${fmt(p * 100)}% (p-ratio limit ${fmt(rules.pRatio * 100)}%)`,
        reasonKo: `두 번째로 큰 기여자가 가장 큰 값을 ${fmt(p * 100)}% 오차로 추정 가능 (p-비율 기준 ${fmt(rules.pRatio * 100)}%)`,
      });
    }
  }
  const share = topSum(top, rules.dominance.n) / total;
  if (share > rules.dominance.k) {
    flags.push({
      rule: 'dominance',
      outcome: 'fail',
      reason: `the ${rules.dominance.n} largest contributors make ${fmt(share * 100)}% of the total (limit ${fmt(rules.dominance.k * 100)}%)`,
      reasonKo: `상위 ${rules.dominance.n}개 기여가 합계의 ${fmt(share * 100)}% 차지 (기준 ${fmt(rules.dominance.k * 100)}%)`,
    });
  }
  return flags;
}

/** Flags for one aggregate of a given kind. */
export function checkAggregateCell(kind: AggregateKind, ev: AggregateEvidence, rules: OutputCheckRules): CellFlag[] {
  switch (kind) {
    case 'count':
      return checkCountCell(ev, rules);
    case 'magnitude':
      return checkMagnitudeCell(ev, rules);
    case 'extreme':
      return [...checkThreshold(ev.records, rules), {
        rule: 'row-level',
        outcome: 'review',
        reason: 'a minimum, maximum or mode shows one record\'s own value',
        reasonKo: '최솟값·최댓값·최빈값은 한 레코드의 값을 그대로 보여 줌',
      }];
    case 'record-value':
      return [{
        rule: 'row-level',
        outcome: 'fail',
        reason: 'this aggregate returns individual records\' values',
        reasonKo: '이 집계는 개별 레코드의 값을 그대로 내보냄',
      }];
    case 'unknown':
      return checkThreshold(ev.records, rules);
  }
}

/**
 * Evidence from the raw contributing values (NULLs are not contributions, as in SQL and
 * pandas). Used by tests and by callers that already hold the values.
 */
export function evidenceFromValues(values: readonly (number | null | undefined)[], topN = 2): AggregateEvidence {
  const present = values.filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  const sorted = [...present].sort((a, b) => b - a);
  return {
    records: present.length,
    total: present.length === 0 ? null : present.reduce((s, v) => s + v, 0),
    top: sorted.slice(0, Math.max(topN, 2)),
    min: present.length === 0 ? null : sorted[sorted.length - 1],
  };
}
