/**
 * The sanitise report (`REPORT.json`). Keys tools read (docs/interfaces.md): inputRows,
 * outputRows, suppressed, k, minClassSize, levels, loss, metric, droppedColumns, warnings.
 * The rest is for people and the policy editor's preview.
 */
import type { ClassResult } from './classes.ts';
import type { AggregateName, LDiversity, MetricName } from './policy.ts';

export interface ClassSizeBucket {
  /** Smallest class size in the bucket. */
  from: number;
  /** Largest class size in the bucket (null: no upper limit). */
  to: number | null;
  classes: number;
  records: number;
}

export interface SanitizeReport {
  status: 'ok' | 'no-solution';
  /** Why no transformation meets the policy (bilingual), when status is no-solution. */
  reason?: { ko: string; en: string };
  inputRows: number;
  outputRows: number;
  suppressed: number;
  /** ⌊suppressionLimit × inputRows⌋. */
  maxSuppressed: number;
  k: number;
  /** Smallest l required by any sensitive column (null without l-diversity). */
  l: number | null;
  lDiversity: Record<string, LDiversity>;
  /** Size of the smallest published class (0 when nothing is published). */
  minClassSize: number;
  classes: number;
  classSizeHistogram: ClassSizeBucket[];
  /** Quasi-identifier -> chosen level (0 = original). */
  levels: Record<string, number>;
  /** Quasi-identifier -> name of the chosen level ("band 10", "day", "level 2", "*"). */
  levelNames: Record<string, string>;
  /** Aggregated loss (null when there is no solution). */
  loss: number | null;
  /** Quasi-identifier -> that column's loss, for the multi-dimensional metrics. */
  lossByColumn: Record<string, number>;
  metric: MetricName;
  aggregate: AggregateName;
  droppedColumns: string[];
  outputColumns: string[];
  warnings: string[];
  nodesEvaluated: number;
  latticeSize: number;
  /** Time spent in the search (ms), and from reading the input to the finished extract (ms). */
  searchMs: number;
  elapsedMs: number;
}

const bucketEdges = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000];

/** Histogram of the published classes' sizes (suppressed classes are left out). */
export function classSizeHistogram(classes: ClassResult): ClassSizeBucket[] {
  const buckets: ClassSizeBucket[] = bucketEdges.map((from, i) => ({ from, to: i + 1 < bucketEdges.length ? bucketEdges[i + 1] - 1 : null, classes: 0, records: 0 }));
  for (let c = 0; c < classes.classes; c++) {
    if (!classes.ok[c]) continue;
    const size = classes.size[c];
    let b = bucketEdges.length - 1;
    while (b > 0 && size < bucketEdges[b]) b--;
    buckets[b].classes++;
    buckets[b].records += size;
  }
  return buckets.filter((b) => b.classes > 0);
}

export function minPublishedClassSize(classes: ClassResult): number {
  let min = 0;
  for (let c = 0; c < classes.classes; c++) if (classes.ok[c] && (min === 0 || classes.size[c] < min)) min = classes.size[c];
  return min;
}
