/**
 * Seeded property test: random tables and policies. For each: the pruned search finds the same
 * optimum as an exhaustive search; and, recomputed independently from the records, every
 * published class has ≥ k records and is l-diverse, exactly the failing classes are suppressed,
 * and no more than ⌊limit × rows⌋ records are suppressed.
 */
import { describe, expect, it } from 'vitest';
import { anonymize } from '../../shared/privacy/engine.ts';
import { parsePolicy, type LDiversity } from '../../shared/privacy/policy.ts';
import { encodeRecords, seededRandom } from './engineHelpers.ts';

const metrics = ['entropy', 'entropy-nonmonotonic', 'loss', 'discernibility', 'discernibility-monotonic'];

function randomCase(seed: number) {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const n = 20 + Math.floor(rnd() * 180);
  const qiCount = 1 + Math.floor(rnd() * 3);
  const columns: Record<string, unknown> = { id: { role: 'identifier' }, note: { role: 'other' } };
  const makers: (() => string)[] = [];
  const header = ['id'];
  for (let j = 0; j < qiCount; j++) {
    const name = `q${j}`;
    header.push(name);
    const kind = pick(['bands', 'levels', 'mask', 'map']);
    if (kind === 'bands') {
      columns[name] = { role: 'quasi', hierarchy: { bands: pick([[5], [5, 10], [2, 10, 20]]) } };
      makers.push(() => String(20 + Math.floor(rnd() * 40)));
    } else if (kind === 'levels') {
      columns[name] = { role: 'quasi', hierarchy: { levels: 1 } };
      makers.push(() => pick(['F', 'M', 'X']));
    } else if (kind === 'mask') {
      columns[name] = { role: 'quasi', hierarchy: { mask: { keep: [3, 1] } } };
      makers.push(() => `${pick(['A', 'B'])}${Math.floor(rnd() * 3)}${Math.floor(rnd() * 4)}${Math.floor(rnd() * 2)}`);
    } else {
      columns[name] = { role: 'quasi', hierarchy: { map: { 강남구: ['동남권'], 송파구: ['동남권'], 마포구: ['서북권'], 은평구: ['서북권'], 중구: ['도심권'] } } };
      makers.push(() => pick(['강남구', '송파구', '마포구', '은평구', '중구']));
    }
  }
  header.push('diagnosis', 'note', 'unlisted');
  let model: LDiversity | undefined;
  if (rnd() < 0.5) {
    const l = 2 + Math.floor(rnd() * 2);
    model = pick<LDiversity>([{ variant: 'distinct', l }, { variant: 'entropy', l }, { variant: 'recursive', l, c: pick([1.5, 3]) }]);
    columns.diagnosis = { role: 'sensitive', lDiversity: model };
  } else columns.diagnosis = { role: 'sensitive' };
  const metric = pick(metrics);
  const policy = parsePolicy({ k: 1 + Math.floor(rnd() * 5), suppressionLimit: pick([0, 0.05, 0.2]), metric, aggregate: metric === 'loss' ? pick(['geometric-mean', 'rank', 'sum']) : undefined, columns });
  const records = Array.from({ length: n }, (_, i) => {
    const r: Record<string, string> = { id: String(i), note: 'x', unlisted: 'secret' };
    makers.forEach((make, j) => (r[`q${j}`] = make()));
    r.diagnosis = pick(['flu', 'flu', 'cold', 'asthma', 'covid']);
    return r;
  });
  return { policy, header, records, model };
}

function diverse(values: string[], model: LDiversity): boolean {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const freqs = [...counts.values()].sort((a, b) => b - a);
  if (freqs.length < model.l) return false;
  if (model.variant === 'distinct') return true;
  if (model.variant === 'recursive') return freqs[0] < model.c * freqs.slice(model.l - 1).reduce((a, b) => a + b, 0);
  // Same floating-point formula as ARX (so classes exactly at log2(l) are decided alike).
  const log2 = (x: number) => Math.log(x) / Math.log(2);
  const n = values.length;
  return -(freqs.reduce((s, f) => s + f * log2(f), 0) / n - log2(n)) >= log2(model.l);
}

describe('random tables and policies (seeded)', () => {
  for (let seed = 1; seed <= Number(process.env.PRIVACY_PROPERTY_SEEDS ?? 120); seed++) {
    it(`seed ${seed}`, () => {
      const { policy, header, records, model } = randomCase(seed);
      const input = encodeRecords(policy, header, records);
      const fast = anonymize(policy, input);
      const exhaustive = anonymize(policy, input, { exhaustive: true });
      expect(fast.report.status).toBe(exhaustive.report.status);
      expect(fast.report.levels).toEqual(exhaustive.report.levels);
      expect(fast.report.loss).toBe(exhaustive.report.loss);
      expect(fast.report.nodesEvaluated).toBeLessThanOrEqual(exhaustive.report.nodesEvaluated);
      expect(fast.report.droppedColumns).toEqual(['id', 'unlisted']);
      expect(fast.report.outputColumns).not.toContain('id');
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
        const ok = members.length >= policy.k && (!model || diverse(members.map((m) => m.diagnosis), model));
        if (!ok) suppressed += members.length;
      }
      expect(fast.report.suppressed).toBe(suppressed);
      expect(fast.report.suppressed).toBeLessThanOrEqual(Math.floor(policy.suppressionLimit * records.length));
      expect(fast.report.outputRows).toBe(records.length - suppressed);
      expect(fast.report.minClassSize).toBeGreaterThanOrEqual(policy.k);
    });
  }
});
