/**
 * Seeded property test: random tables and policies. For each: the pruned search finds the same
 * optimum as an exhaustive search; and, recomputed independently from the records, every
 * published class has ≥ k records and is l-diverse, exactly the failing classes are suppressed,
 * and no more than ⌊limit × rows⌋ records are suppressed. Cases: 1–3 quasi-identifiers of every
 * hierarchy kind, zero to two l-diverse sensitive columns (distinct, entropy, recursive), one or
 * two identifiers plus an unlisted column, every metric, limits 0 / 5% / 20%.
 */
import { describe, expect, it } from 'vitest';
import { anonymize } from '../../shared/privacy/engine.ts';
import { encodeRecords } from './engineHelpers.ts';
import { classPasses, randomCase } from './randomCases.ts';

describe('random tables and policies (seeded)', () => {
  for (let seed = 1; seed <= Number(process.env.PRIVACY_PROPERTY_SEEDS ?? 120); seed++) {
    it(`seed ${seed}`, () => {
      const { policy, header, records, models, dropped } = randomCase(seed);
      const input = encodeRecords(policy, header, records);
      const fast = anonymize(policy, input);
      const exhaustive = anonymize(policy, input, { exhaustive: true });
      expect(fast.report.status).toBe(exhaustive.report.status);
      expect(fast.report.levels).toEqual(exhaustive.report.levels);
      expect(fast.report.loss).toBe(exhaustive.report.loss);
      expect(fast.report.nodesEvaluated).toBeLessThanOrEqual(exhaustive.report.nodesEvaluated);
      expect(fast.report.droppedColumns).toEqual(dropped);
      for (const column of dropped) expect(fast.report.outputColumns).not.toContain(column);
      if (fast.report.status !== 'ok' || !fast.optimum) return;

      // Independent recomputation from the records and the chosen levels.
      const classes = new Map<string, Record<string, string>[]>();
      for (const r of records) {
        const key = input.hierarchies.map((h, j) => {
          const level = fast.optimum!.levels[j];
          return h.labels[level][h.codes[level][h.values.indexOf(r[input.qiColumns[j]])]];
        }).join('\u0000');
        classes.set(key, [...(classes.get(key) ?? []), r]);
      }
      let suppressed = 0;
      for (const members of classes.values()) {
        if (!classPasses(members, policy.k, models)) suppressed += members.length;
      }
      expect(fast.report.suppressed).toBe(suppressed);
      expect(fast.report.suppressed).toBeLessThanOrEqual(Math.floor(policy.suppressionLimit * records.length));
      expect(fast.report.outputRows).toBe(records.length - suppressed);
      expect(fast.report.minClassSize).toBeGreaterThanOrEqual(policy.k);
    });
  }
});
