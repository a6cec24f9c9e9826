/**
 * The per-cell rules on hand-checkable numbers, with the edges: exactly at the threshold,
 * dominance exactly 90%, p-ratio exactly 10%, zeros, single contributors, negatives, NULLs.
 */
import { describe, expect, it } from 'vitest';
import { checkAggregateCell, checkCountCell, checkDifference, checkMagnitudeCell, checkThreshold, evidenceFromValues } from '../../shared/outputCheck/cellChecks.ts';
import { defaultOutputCheckRules as rules, parseOutputCheckRules } from '../../shared/outputCheck/rules.ts';

const rulesOf = (flags: { rule: string }[]) => flags.map((f) => f.rule).sort();
/** n equal values: no dominance, comfortable p-ratio. */
const even = (n: number, v = 5) => Array<number>(n).fill(v);

describe('threshold', () => {
  it('a count of exactly the threshold passes; one less fails', () => {
    expect(checkThreshold(10, rules)).toEqual([]);
    expect(checkThreshold(9, rules)).toMatchObject([{ rule: 'threshold', outcome: 'fail' }]);
    expect(checkThreshold(9, rules)[0].reason).toBe('9 contributing records, fewer than the threshold of 10');
    expect(checkThreshold(9, rules)[0].reasonKo).toContain('9건');
  });

  it('follows a configured threshold', () => {
    const five = parseOutputCheckRules({ threshold: 5 });
    expect(checkThreshold(5, five)).toEqual([]);
    expect(checkThreshold(4, five)).toHaveLength(1);
  });

  it('a mean counts only non-missing values as contributors (NULLs are not records of the mean)', () => {
    const ev = evidenceFromValues([...even(9), null, null, null]);
    expect(ev.records).toBe(9);
    expect(rulesOf(checkMagnitudeCell(ev, rules))).toEqual(['threshold']);
  });

  it('thresholdBasis rows counts the group\'s rows instead (ACRO 1.0)', () => {
    const ev = { ...evidenceFromValues([...even(9), null, null, null]), rows: 12 };
    expect(checkMagnitudeCell(ev, parseOutputCheckRules({ thresholdBasis: 'rows' }))).toEqual([]);
    expect(rulesOf(checkMagnitudeCell(ev, rules))).toEqual(['threshold']);
  });
});

describe('zeros', () => {
  it('a zero count is disclosive (and under the threshold)', () => {
    expect(rulesOf(checkCountCell({ records: 0 }, rules))).toEqual(['threshold', 'zero']);
  });

  it('a zero count is only a threshold matter when zeros are not disclosive', () => {
    const lenient = parseOutputCheckRules({ zerosAreDisclosive: false });
    expect(rulesOf(checkCountCell({ records: 0 }, lenient))).toEqual(['threshold']);
  });

  it('a total made only of zeros is disclosive: zero and p-ratio, as ACRO agg_p_percent', () => {
    const flags = checkMagnitudeCell(evidenceFromValues(even(12, 0)), rules);
    expect(rulesOf(flags)).toEqual(['p-ratio', 'zero']);
    expect(flags.find((f) => f.rule === 'zero')?.reason).toBe('all 12 contributions are zero: it reveals each contributor\'s value');
  });

  it('some zeros among positive values are fine', () => {
    expect(checkMagnitudeCell(evidenceFromValues([0, 0, 0, ...even(10)]), rules)).toEqual([]);
  });
});

describe('dominance (n=2, k=90%)', () => {
  it('top two at exactly 90% of the total passes (the rule is "more than k")', () => {
    // 45 + 45 = 90 of 100; p = (100 − 90) / 45 = 22% so only dominance is near its edge.
    const ev = evidenceFromValues([45, 45, ...even(10, 1)]);
    expect(ev.total).toBe(100);
    expect(checkMagnitudeCell(ev, rules)).toEqual([]);
  });

  it('top two just above 90% fails', () => {
    const ev = evidenceFromValues([46, 45, ...even(10, 0.9)]); // 91 / 100
    const flags = checkMagnitudeCell(ev, rules);
    expect(rulesOf(flags)).toEqual(['dominance']);
    expect(flags[0].reason).toBe('the 2 largest contributors make 91% of the total (limit 90%)');
  });

  it('uses n from the rules', () => {
    const three = parseOutputCheckRules({ dominance: { n: 3, k: 0.5 } });
    const ev = evidenceFromValues([20, 20, 20, ...even(10, 4)], 3); // 60 of 100
    expect(rulesOf(checkMagnitudeCell(ev, three))).toEqual(['dominance']);
    expect(checkMagnitudeCell(ev, rules)).toEqual([]); // n=2: 40%
  });
});

describe('p-ratio (10%)', () => {
  it('(total − largest − second) / largest exactly 10% passes; below fails', () => {
    // 100 + 50 + ten values summing to 10: (160 − 150) / 100 = 0.10.
    const at = evidenceFromValues([100, 50, ...even(10, 1)]);
    expect(checkMagnitudeCell(at, parseOutputCheckRules({ dominance: { n: 2, k: 1 } }))).toEqual([]);
    const below = evidenceFromValues([100, 50, ...even(10, 0.99)]);
    const flags = checkMagnitudeCell(below, parseOutputCheckRules({ dominance: { n: 2, k: 1 } }));
    expect(rulesOf(flags)).toEqual(['p-ratio']);
    expect(flags[0].reason).toBe('the second-largest contributor could estimate the largest within 9.9% (p-ratio limit 10%)');
  });

  it('a single contributor always fails p-ratio (its value is the cell)', () => {
    expect(rulesOf(checkMagnitudeCell(evidenceFromValues([42]), rules))).toEqual(['dominance', 'p-ratio', 'threshold']);
    // With a threshold of 1 the other rules still see it.
    expect(rulesOf(checkMagnitudeCell(evidenceFromValues([42]), parseOutputCheckRules({ threshold: 1 })))).toEqual(['dominance', 'p-ratio']);
  });
});

describe('negative values', () => {
  it('make dominance undefined: a review flag instead of dominance/p-ratio failures', () => {
    const flags = checkMagnitudeCell(evidenceFromValues([-10, 500, ...even(10)]), rules);
    expect(flags).toMatchObject([{ rule: 'dominance', outcome: 'review' }]);
    expect(flags[0].reason).toMatch(/^negative contributions/);
  });

  it('do not hide a threshold failure', () => {
    expect(rulesOf(checkMagnitudeCell(evidenceFromValues([-1, 2, 3]), rules))).toEqual(['dominance', 'threshold']);
  });
});

describe('aggregate kinds', () => {
  it('min/max/mode pass the threshold but ask for review', () => {
    expect(checkAggregateCell('extreme', { records: 20 }, rules)).toMatchObject([{ rule: 'row-level', outcome: 'review' }]);
  });

  it('list/string_agg-like aggregates fail as row-level whatever the count', () => {
    expect(checkAggregateCell('record-value', { records: 500 }, rules)).toMatchObject([{ rule: 'row-level', outcome: 'fail' }]);
  });

  it('non-numeric magnitudes (no total) get only the threshold', () => {
    expect(checkAggregateCell('magnitude', { records: 3, total: null, top: [] }, rules)).toMatchObject([{ rule: 'threshold' }]);
  });
});

describe('differences between aggregates of one cell', () => {
  it('a difference of 1 to threshold − 1 records fails; at least the threshold passes', () => {
    expect(checkDifference(10, rules)).toEqual([]);
    expect(checkDifference(9, rules)).toMatchObject([{ rule: 'threshold', outcome: 'fail' }]);
    expect(checkDifference(1, rules)[0].reasonKo).toContain('1건');
  });

  it('no difference at all (a 100% share) is a zero when zeros are disclosive', () => {
    expect(checkDifference(0, rules)).toMatchObject([{ rule: 'zero', outcome: 'fail' }]);
    expect(checkDifference(0, parseOutputCheckRules({ zerosAreDisclosive: false }))).toEqual([]);
  });
});

describe('evidenceFromValues', () => {
  it('skips NULL and NaN, sorts the top values descending', () => {
    expect(evidenceFromValues([3, null, 9, Number.NaN, 1, undefined, 7], 3)).toEqual({ records: 4, total: 20, top: [9, 7, 3], min: 1 });
    expect(evidenceFromValues([])).toEqual({ records: 0, total: null, top: [], min: null });
  });
});
