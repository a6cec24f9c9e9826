/**
 * Every metric on a table small enough to check by hand. Column A has the hierarchy
 * a1,a2 -> X -> *, a3,a4 -> Y -> * (a4 is in the hierarchy but not in the data: it counts for
 * Loss's domain shares only, as in ARX). The data: a1, a1, a2, a3 (4 records).
 */
import { describe, expect, it } from 'vitest';
import { anonymize } from '../../shared/privacy/engine.ts';
import { aggregateParts, arxRound, compareLoss } from '../../shared/privacy/metrics.ts';
import { parsePolicy } from '../../shared/privacy/policy.ts';
import { encodeRecords } from './engineHelpers.ts';

const rows = { A: [['a1', 'X', '*'], ['a2', 'X', '*'], ['a3', 'Y', '*'], ['a4', 'Y', '*']] };
const records = ['a1', 'a1', 'a2', 'a3'].map((A) => ({ A }));
const log2 = (x: number) => Math.log(x) / Math.log(2);

/** The loss of the optimum when only `level` is allowed (levels above are forced by k or limited by the hierarchy). */
function lossAt(metric: string, k: number, suppressionLimit: number) {
  const policy = parsePolicy({ k, suppressionLimit, metric, columns: { A: { role: 'quasi', hierarchy: { file: 'unused' } } } });
  return anonymize(policy, encodeRecords(policy, ['A'], records, rows)).report;
}

describe('non-uniform entropy (ARX MetricMDNUEntropyPrecomputed)', () => {
  it('is 0 at level 0, 3·log2(3) − 2 at level 1, 6 at the top', () => {
    // level 1: −[2·log2(2/3) + 1·log2(1/3) + 1·log2(1/1)] = 3·log2 3 − 2; top: −[2·log2(2/4) + 2·log2(1/4)] = 6
    expect(lossAt('entropy', 1, 0)).toMatchObject({ loss: 0, levels: { A: 0 } });
    const level1 = lossAt('entropy', 2, 0); // a2 and a3 are unique at level 0; at level 1 a3 still is
    expect(level1.levels.A).toBe(2);
    expect(level1.loss).toBeCloseTo(6, 9);
    const withSuppression = lossAt('entropy', 2, 0.25); // level 1 with a3 (1 record) suppressed
    expect(withSuppression.levels.A).toBe(1);
    expect(withSuppression.loss).toBeCloseTo(3 * log2(3) - 2, 9);
    expect(withSuppression.suppressed).toBe(1);
  });

  it('non-monotonic variant adds the entropy of the suppressed records\' values', () => {
    // k=2, 50% limit: level 0 suppresses a2 and a3 (2 records, 2 different values): 0 + −2·(1·log2(1/2)) = 2,
    // level 1 suppresses a3 only: (3·log2 3 − 2) + −1·log2(1/1) = 2.7548875…; so level 0 wins.
    const report = lossAt('entropy-nonmonotonic', 2, 0.5);
    expect(report.levels.A).toBe(0);
    expect(report.loss).toBe(2);
    expect(report.suppressed).toBe(2);
  });
});

describe('Loss (ARX MetricMDNMLoss)', () => {
  it('uses the hierarchy rows as the domain and counts suppressed records as fully lost', () => {
    // domain 4 rows; min = n/|domain| = 1, max = n = 4. Level 0, k=2, 50% limit: a1,a1 kept
    // (share 1/4 each) + a2, a3 suppressed (1 each): (2·¼ + 2 − 1)/(4 − 1) = 0.5.
    // Level 1: everything kept at share ½ except a3 (suppressed): (3·½ + 1 − 1)/3 = 0.5 too; tie -> lower level.
    const report = lossAt('loss', 2, 0.5);
    expect(report.lossByColumn.A).toBe(0.5);
    expect(report.levels.A).toBe(0);
  });

  it('is 1/3 at level 1 with nothing suppressed and 1 at the top', () => {
    expect(lossAt('loss', 1, 0).loss).toBe(0);
    const top = lossAt('loss', 3, 0); // only the top has a class of ≥ 3 ... at level 1 X has 3 but Y has 1
    expect(top.levels.A).toBe(2);
    expect(top.lossByColumn.A).toBe(1);
    const level1 = lossAt('loss', 3, 0.25); // level 1, a3 suppressed: (3·½ + 1 − 1)/3
    expect(level1.levels.A).toBe(1);
    expect(level1.lossByColumn.A).toBe(0.5);
  });
});

describe('discernibility (ARX MetricSDNMDiscernability / MetricSDDiscernability)', () => {
  it('DM charges n per suppressed record, DM* only the class size', () => {
    // level 0, k=2: class {a1,a1} kept (2² = 4), a2 and a3 suppressed: DM = 4 + 4·1 + 4·1 = 12, DM* = 4 + 1 + 1 = 6.
    // level 1: {a1,a1,a2} kept (9), a3 suppressed: DM = 9 + 4 = 13, DM* = 9 + 1 = 10. Top: 16 either way.
    const dm = lossAt('discernibility', 2, 0.5);
    expect(dm).toMatchObject({ loss: 12, levels: { A: 0 } });
    const dmStar = lossAt('discernibility-monotonic', 2, 0.5);
    expect(dmStar).toMatchObject({ loss: 6, levels: { A: 0 } });
    expect(lossAt('discernibility', 2, 0.25)).toMatchObject({ loss: 13, levels: { A: 1 } });
    expect(lossAt('discernibility', 4, 0)).toMatchObject({ loss: 16, levels: { A: 2 } });
  });
});

describe('aggregation and rounding', () => {
  it('combines per-column values as ARX does (sum, arithmetic mean, geometric mean with +1/−1, rank)', () => {
    expect(aggregateParts([1, 3], 'sum').value).toBe(4);
    expect(aggregateParts([1, 3], 'arithmetic-mean').value).toBe(2);
    expect(aggregateParts([0, 3], 'geometric-mean').value).toBeCloseTo(Math.sqrt(1 * 4) - 1, 12);
    const a = aggregateParts([0.2, 0.5], 'rank');
    const b = aggregateParts([0.5, 0.1], 'rank');
    expect(a.key).toEqual([0.5, 0.2]);
    expect(compareLoss(b, a)).toBeLessThan(0); // [0.5, 0.1] ranks before [0.5, 0.2]
  });

  it('cuts values after the 10th decimal (floor), like ARX Metric.round', () => {
    expect(arxRound(0.12345678919)).toBe(0.1234567891);
    expect(arxRound(2)).toBe(2);
  });
});
