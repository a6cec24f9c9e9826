/**
 * Seeded random tables and policies for the property tests (engine-level in property.test.ts,
 * through the real file pipeline in propertyExtract.test.ts), and an independent l-diversity
 * check written from the definitions rather than from the engine's code.
 */
import { parsePolicy, type LDiversity, type Policy } from '../../shared/privacy/policy.ts';
import { mulberry32 as seededRandom } from '../harness/seededRandom.ts';

const metrics = ['entropy', 'entropy-nonmonotonic', 'loss', 'discernibility', 'discernibility-monotonic'];

export interface RandomCase {
  policy: Policy;
  header: string[];
  records: Record<string, string>[];
  /** Sensitive column -> its l-diversity model (only the columns that have one). */
  models: Record<string, LDiversity>;
  /** Columns that must not reach the output: identifiers and columns the policy does not list. */
  dropped: string[];
}

export function randomCase(seed: number): RandomCase {
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
  const models: Record<string, LDiversity> = {};
  const randomModel = (): LDiversity => {
    const l = 2 + Math.floor(rnd() * 2);
    return pick<LDiversity>([{ variant: 'distinct', l }, { variant: 'entropy', l }, { variant: 'recursive', l, c: pick([1.5, 3]) }]);
  };
  if (rnd() < 0.5) models.diagnosis = randomModel();
  // A second sensitive column, l-diverse in about a third of the cases (a class must pass both).
  if (rnd() < 0.35) models.income = randomModel();
  for (const c of ['diagnosis', 'income']) columns[c] = models[c] ? { role: 'sensitive', lDiversity: models[c] } : { role: 'sensitive' };
  // phone: a second identifier in half the cases, else a column the policy does not list.
  if (rnd() < 0.5) columns.phone = { role: 'identifier' };
  header.push('diagnosis', 'income', 'note', 'unlisted', 'phone');
  const metric = pick(metrics);
  const policy = parsePolicy({ k: 1 + Math.floor(rnd() * 5), suppressionLimit: pick([0, 0.05, 0.2]), metric, aggregate: metric === 'loss' ? pick(['geometric-mean', 'rank', 'sum']) : undefined, columns });
  const records = Array.from({ length: n }, (_, i) => {
    const r: Record<string, string> = { id: String(i), note: 'x', unlisted: 'secret', phone: `010-${1000 + i}` };
    makers.forEach((make, j) => (r[`q${j}`] = make()));
    r.diagnosis = pick(['flu', 'flu', 'cold', 'asthma', 'covid']);
    r.income = pick(['low', 'low', 'mid', 'high']);
    return r;
  });
  return { policy, header, records, models, dropped: ['id', 'unlisted', 'phone'] };
}

/** l-diversity of one class's sensitive values, straight from the definitions. */
export function isDiverse(values: string[], model: LDiversity): boolean {
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

/** Whether a class (its records) meets k and every l-diversity model. */
export function classPasses(members: Record<string, string>[], k: number, models: Record<string, LDiversity>): boolean {
  return members.length >= k && Object.entries(models).every(([column, model]) => isDiverse(members.map((m) => m[column]), model));
}
