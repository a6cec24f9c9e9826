/**
 * Information-loss metrics computed exactly as ARX 3.x computes them (org.deidentifier.arx.metric.v2),
 * with ARX's defaults (generalisation/suppression factor 0.5, i.e. both weighted 1; attribute weights 1):
 *
 * - `entropy` — MetricMDNUEntropyPrecomputed (monotonic non-uniform entropy): per column
 *   −Σ_values a·log2(a/b), a = records with the value, b = records sharing its generalised value;
 *   suppression is not counted. Columns summed.
 * - `entropy-nonmonotonic` — MetricMDNUNMEntropyPrecomputed: the same plus, per column, the entropy of
 *   the suppressed records' generalised values (−Σ c·log2(c/suppressed)).
 * - `loss` — MetricMDNMLoss: per column Σ_classes (kept ? size·share : size), share = the generalised
 *   value's share of the hierarchy's rows, normalised to [0,1] as (x − n/|domain|)/(n − n/|domain|).
 * - `discernibility` — MetricSDNMDiscernability (DM): Σ kept size² + Σ suppressed n·size.
 * - `discernibility-monotonic` — MetricSDDiscernability (DM*): Σ size² over all classes.
 *
 * Per-column values are cut to 10 decimals the way ARX does (floor(x·1e10)/1e10) before aggregating.
 */
import type { ClassResult, RowTable } from './classes.ts';
import type { EncodedHierarchy } from './hierarchy.ts';
import { log2 } from './models.ts';
import type { AggregateName, MetricName } from './policy.ts';

export interface Loss {
  /** The aggregate (for `rank`, the geometric mean ARX shows; ordering uses `key`). */
  value: number;
  /** Per quasi-identifier values (empty for the single-dimensional discernibility metrics). */
  parts: number[];
  /** For `rank`: parts sorted descending, compared lexicographically. */
  key?: number[];
}

export interface MetricContext {
  metric: MetricName;
  aggregate: AggregateName;
  hierarchies: EncodedHierarchy[];
  records: number;
  /** Unrounded −(monotonic entropy) per column and level (ARX's "raw", a sum of a·log2(a/b) ≤ 0); entropy metrics only. */
  entropyRaw: Float64Array[];
  /** Loss lower bound per column and level (suppressed records counted as generalised); `loss` only. */
  lossBound: Float64Array[];
}

const FACTOR = 1e10;
/** ARX Metric.round: ignore anything past the 10th decimal. */
export function arxRound(x: number): number {
  return Math.floor(x * FACTOR) / FACTOR;
}

export function createMetricContext(metric: MetricName, aggregate: AggregateName, hierarchies: EncodedHierarchy[], leafCounts: Int32Array[], records: number): MetricContext {
  // Each table is computed only for the metric that reads it (a pass over every leaf and level).
  const entropic = metric === 'entropy' || metric === 'entropy-nonmonotonic';
  const entropyRaw = !entropic ? [] : hierarchies.map((h, j) => {
    const out = new Float64Array(h.maxLevel + 1);
    for (let level = 0; level <= h.maxLevel; level++) {
      const b = new Float64Array(h.labels[level].length);
      const codes = h.codes[level];
      for (let leaf = 0; leaf < codes.length; leaf++) b[codes[leaf]] += leafCounts[j][leaf];
      let value = 0;
      for (let leaf = 0; leaf < codes.length; leaf++) {
        const a = leafCounts[j][leaf];
        if (a !== 0) value += a * log2(a / b[codes[leaf]]);
      }
      out[level] = value;
    }
    return out;
  });
  const lossBound = metric !== 'loss' ? [] : hierarchies.map((h, j) => {
    const out = new Float64Array(h.maxLevel + 1);
    for (let level = 0; level <= h.maxLevel; level++) {
      let sum = 0;
      const codes = h.codes[level];
      for (let leaf = 0; leaf < codes.length; leaf++) sum += leafCounts[j][leaf] * h.shares[level][codes[leaf]];
      out[level] = normaliseLoss(sum, records, h.domainSize);
    }
    return out;
  });
  return { metric, aggregate, hierarchies, records, entropyRaw, lossBound };
}

function normaliseLoss(aggregate: number, records: number, domainSize: number): number {
  const min = records / domainSize;
  const max = records;
  if (max - min === 0) return 0;
  const result = (aggregate - min) / (max - min);
  return arxRound(result >= 0 ? result : 0);
}

function flipAndRound(raw: number): number {
  return arxRound(raw === 0 ? raw : -raw);
}

/** Combines per-column values the way ARX's ILMultiDimensional* classes do (all weights 1). */
export function aggregateParts(parts: number[], aggregate: AggregateName): Loss {
  const n = parts.length;
  const geometric = () => {
    let r = 1;
    for (const v of parts) r *= Math.pow(v + 1, 1 / n);
    return n === 0 ? 0 : r - 1;
  };
  switch (aggregate) {
    case 'sum': return { value: parts.reduce((a, b) => a + b, 0), parts };
    case 'arithmetic-mean': return { value: n === 0 ? 0 : parts.reduce((a, b) => a + b, 0) / n, parts };
    case 'geometric-mean': return { value: geometric(), parts };
    case 'rank': return { value: geometric(), parts, key: [...parts].sort((a, b) => b - a) };
  }
}

/** Negative when `a` is better (less loss) than `b`. */
export function compareLoss(a: Loss, b: Loss): number {
  if (a.key && b.key) {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i] < b.key[i] ? -1 : 1;
    return 0;
  }
  return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
}

/** Whether the loss never decreases under generalisation for this suppression limit (ARX's isMonotonic). */
export function isMetricMonotonic(metric: MetricName, suppressionLimit: number): boolean {
  return metric === 'entropy' || metric === 'discernibility-monotonic' || suppressionLimit === 0;
}

/** True when the lower bound is the loss itself (no grouping needed). */
export function isBoundExact(metric: MetricName): boolean {
  return metric === 'entropy';
}

/** A lower bound of the loss of every node at or above `levels` (monotonic in the levels). */
export function lowerBound(ctx: MetricContext, levels: readonly number[]): Loss {
  switch (ctx.metric) {
    case 'entropy':
    case 'entropy-nonmonotonic':
      return aggregateParts(levels.map((l, j) => flipAndRound(ctx.entropyRaw[j][l])), ctx.aggregate);
    case 'loss':
      return aggregateParts(levels.map((l, j) => ctx.lossBound[j][l]), ctx.aggregate);
    case 'discernibility':
    case 'discernibility-monotonic':
      return { value: 0, parts: [] };
  }
}

/** The loss of the node whose table and classes are given. */
export function evaluateLoss(ctx: MetricContext, levels: readonly number[], table: RowTable, classes: ClassResult): Loss {
  const { size, ok, rep } = classes;
  switch (ctx.metric) {
    case 'entropy':
      return lowerBound(ctx, levels);
    case 'entropy-nonmonotonic': {
      const parts = levels.map((l, j) => {
        let raw = ctx.entropyRaw[j][l];
        if (classes.suppressed > 0) {
          const counts = new Float64Array(ctx.hierarchies[j].labels[l].length);
          for (let c = 0; c < classes.classes; c++) if (!ok[c]) counts[table.qi[j][rep[c]]] += size[c];
          for (let code = 0; code < counts.length; code++) {
            if (counts[code] > 0) raw += counts[code] * log2(counts[code] / classes.suppressed);
          }
        }
        return flipAndRound(raw);
      });
      return aggregateParts(parts, ctx.aggregate);
    }
    case 'loss': {
      const parts = levels.map((l, j) => {
        const share = ctx.hierarchies[j].shares[l];
        const codes = table.qi[j];
        let sum = 0;
        for (let c = 0; c < classes.classes; c++) sum += ok[c] ? size[c] * share[codes[rep[c]]] : size[c];
        return normaliseLoss(sum, ctx.records, ctx.hierarchies[j].domainSize);
      });
      return aggregateParts(parts, ctx.aggregate);
    }
    case 'discernibility':
    case 'discernibility-monotonic': {
      const monotonic = ctx.metric === 'discernibility-monotonic';
      let dm = 0;
      for (let c = 0; c < classes.classes; c++) dm += monotonic || ok[c] ? size[c] * size[c] : ctx.records * size[c];
      return { value: dm, parts: [] };
    }
  }
}
