/** Privacy models on hand-made class frequencies, and the search's tie rule. */
import { describe, expect, it } from 'vitest';
import { anonymize } from '../../shared/privacy/engine.ts';
import { isDistinctLDiverse, isEntropyLDiverse, isFullyMonotonic, isKAnonymous, isRecursiveCLDiverse } from '../../shared/privacy/models.ts';
import { parsePolicy } from '../../shared/privacy/policy.ts';
import { encodeRecords } from './engineHelpers.ts';

describe('privacy models', () => {
  it('k-anonymity: a class needs at least k records', () => {
    expect(isKAnonymous(5, 5)).toBe(true);
    expect(isKAnonymous(4, 5)).toBe(false);
  });

  it('distinct l-diversity counts distinct sensitive values', () => {
    expect(isDistinctLDiverse([5, 1], 2)).toBe(true);
    expect(isDistinctLDiverse([6], 2)).toBe(false);
  });

  it('entropy l-diversity: entropy ≥ log2(l); two equally frequent values are exactly 2-diverse', () => {
    expect(isEntropyLDiverse([3, 3], 2)).toBe(true); // entropy 1 = log2 2
    expect(isEntropyLDiverse([2, 1], 2)).toBe(false); // 0.918 < 1
    expect(isEntropyLDiverse([1, 1, 1], 3)).toBe(true);
    expect(isEntropyLDiverse([5, 1, 1], 2)).toBe(true); // 1.149 ≥ 1
    expect(isEntropyLDiverse([9, 9], 3)).toBe(false); // fewer than l values
  });

  it('recursive (c,l)-diversity: r1 < c·(r_l + … + r_m)', () => {
    expect(isRecursiveCLDiverse([3, 1, 1], 2, 2)).toBe(true); // 3 < 2·(1+1)
    expect(isRecursiveCLDiverse([3, 1, 1], 1.5, 2)).toBe(false); // 3 < 3 fails
    expect(isRecursiveCLDiverse([4, 2, 1, 1], 1, 3)).toBe(false); // r3+r4 = 2; 4 < 2 fails
    expect(isRecursiveCLDiverse([4, 2, 1, 1], 3, 3)).toBe(true); // 4 < 6
    expect(isRecursiveCLDiverse([4, 2], 10, 3)).toBe(false); // fewer than l values
  });

  it('knows when anonymity is inherited upwards (ARX: k and distinct-l always, entropy/recursive only without suppression)', () => {
    expect(isFullyMonotonic([{ variant: 'distinct', l: 2 }], 0.05)).toBe(true);
    expect(isFullyMonotonic([{ variant: 'entropy', l: 2 }], 0.05)).toBe(false);
    expect(isFullyMonotonic([{ variant: 'recursive', l: 2, c: 3 }], 0)).toBe(true);
  });
});

describe('l-diversity in the search', () => {
  // Two age groups; in the 20s every patient has the same diagnosis. Generalising age to "*"
  // mixes them; with suppression the homogeneous class can be dropped instead.
  const header = ['age', 'diagnosis'];
  const records = [
    ...['flu', 'flu', 'flu'].map((d) => ({ age: '25', diagnosis: d })),
    ...['flu', 'cold', 'asthma', 'cold'].map((d) => ({ age: '35', diagnosis: d })),
  ];
  const policy = (limit: number) => parsePolicy({
    k: 2, suppressionLimit: limit, metric: 'entropy',
    columns: { age: { role: 'quasi', hierarchy: { bands: [10] } }, diagnosis: { role: 'sensitive', lDiversity: { variant: 'distinct', l: 2 } } },
  });

  it('generalises when suppression is not allowed', () => {
    const { report } = anonymize(policy(0), encodeRecords(policy(0), header, records));
    expect(report.levels.age).toBe(2);
    expect(report.suppressed).toBe(0);
  });

  it('suppresses the homogeneous class when the limit allows', () => {
    const { report } = anonymize(policy(0.5), encodeRecords(policy(0.5), header, records));
    expect(report.levels.age).toBe(0);
    expect(report.suppressed).toBe(3);
    expect(report.outputRows).toBe(4);
  });
});

describe('entropy and recursive (c,l) l-diversity in the search (hand-checked)', () => {
  // 25-year-olds: flu ×3, cold ×1 -> frequencies [3,1]: entropy −(¾·log2 ¾ + ¼·log2 ¼) = 0.811 < log2 2 = 1;
  //   recursive (c,2): 3 < c·1 holds for c=4, fails for c=2.
  // 35-year-olds: flu, cold, asthma, cold -> [2,1,1]: entropy 1.5 ≥ 1; (2,2): 2 < 2·(1+1).
  // Everyone ("*"): flu 4, cold 3, asthma 1 -> entropy 1.406 ≥ 1; (2,2): 4 < 2·(3+1).
  // Ages 25 and 35 fall in different 10-year bands, so only level 2 ("*") merges the classes.
  const header = ['age', 'diagnosis'];
  const records = [
    ...['flu', 'flu', 'flu', 'cold'].map((d) => ({ age: '25', diagnosis: d })),
    ...['flu', 'cold', 'asthma', 'cold'].map((d) => ({ age: '35', diagnosis: d })),
  ];
  const run = (lDiversity: Record<string, unknown>, limit: number) => {
    const policy = parsePolicy({ k: 1, suppressionLimit: limit, metric: 'entropy', columns: { age: { role: 'quasi', hierarchy: { bands: [10] } }, diagnosis: { role: 'sensitive', lDiversity } } });
    return anonymize(policy, encodeRecords(policy, header, records)).report;
  };

  it('entropy l=2: the skewed class forces full generalisation, or its 4 records are suppressed', () => {
    expect(run({ variant: 'entropy', l: 2 }, 0)).toMatchObject({ levels: { age: 2 }, suppressed: 0, outputRows: 8 });
    expect(run({ variant: 'entropy', l: 2 }, 0.5)).toMatchObject({ levels: { age: 0 }, suppressed: 4, outputRows: 4 });
    expect(run({ variant: 'entropy', l: 2 }, 0.25).levels.age).toBe(2); // 4 > ⌊0.25·8⌋ = 2
  });

  it('recursive (c,l): c=4 accepts [3,1] as it is, c=2 does not', () => {
    expect(run({ variant: 'recursive', c: 4, l: 2 }, 0)).toMatchObject({ levels: { age: 0 }, suppressed: 0 });
    expect(run({ variant: 'recursive', c: 2, l: 2 }, 0)).toMatchObject({ levels: { age: 2 }, suppressed: 0 });
    expect(run({ variant: 'recursive', c: 2, l: 2 }, 0.5)).toMatchObject({ levels: { age: 0 }, suppressed: 4 });
    // l=3 needs 3 values: the 25s have 2, so only "*" can pass: [4,3,1] needs 4 < c·1, so c=5
    // passes and c=4 does not (the inequality is strict): no solution at all.
    expect(run({ variant: 'recursive', c: 5, l: 3 }, 0)).toMatchObject({ levels: { age: 2 }, suppressed: 0 });
    expect(run({ variant: 'recursive', c: 4, l: 3 }, 0).status).toBe('no-solution');
  });

  it('two sensitive columns: a class must be l-diverse in each', () => {
    // income is "low" for every 25-year-old: diverse in diagnosis, not in income.
    const withIncome = records.map((r, i) => ({ ...r, income: r.age === '25' ? 'low' : ['low', 'mid', 'high', 'mid'][i % 4] }));
    const policy = (limit: number, incomeModel: boolean) => parsePolicy({
      k: 1, suppressionLimit: limit, metric: 'entropy',
      columns: {
        age: { role: 'quasi', hierarchy: { bands: [10] } },
        diagnosis: { role: 'sensitive', lDiversity: { variant: 'distinct', l: 2 } },
        income: incomeModel ? { role: 'sensitive', lDiversity: { variant: 'distinct', l: 2 } } : { role: 'sensitive' },
      },
    });
    const h = ['age', 'diagnosis', 'income'];
    const only = anonymize(policy(0, false), encodeRecords(policy(0, false), h, withIncome)).report;
    expect(only).toMatchObject({ levels: { age: 0 }, suppressed: 0 });
    const both = anonymize(policy(0, true), encodeRecords(policy(0, true), h, withIncome)).report;
    expect(both).toMatchObject({ levels: { age: 2 }, suppressed: 0 });
    const suppressing = anonymize(policy(0.5, true), encodeRecords(policy(0.5, true), h, withIncome)).report;
    expect(suppressing).toMatchObject({ levels: { age: 0 }, suppressed: 4, outputRows: 4 });
  });
});

describe('tie rule', () => {
  it('on equal loss picks the lowest level sum, then the lexicographically smallest levels', () => {
    // A and B are symmetric copies: [1,0] and [0,1] have the same entropy and level sum; [0,1] wins.
    const header = ['A', 'B'];
    const records = [['x', 'x'], ['x', 'y'], ['y', 'x'], ['y', 'y'], ['x', 'x'], ['y', 'y']].map(([A, B]) => ({ A, B }));
    const p = parsePolicy({ k: 2, suppressionLimit: 0, metric: 'entropy', columns: { A: { role: 'quasi', hierarchy: { levels: 1 } }, B: { role: 'quasi', hierarchy: { levels: 1 } } } });
    const { report } = anonymize(p, encodeRecords(p, header, records));
    expect(report.levels).toEqual({ A: 0, B: 1 });
    const exhaustive = anonymize(p, encodeRecords(p, header, records), { exhaustive: true }).report;
    expect(exhaustive.levels).toEqual({ A: 0, B: 1 });
  });
});
