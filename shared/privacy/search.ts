/**
 * The optimal full-domain generalisation: among lattice nodes whose classes meet k (and every
 * l-diversity model) once at most ⌊limit × records⌋ records in failing classes are suppressed,
 * the node with the least loss; ties go to the lowest sum of levels, then to the
 * lexicographically smallest level vector (columns in input order). ARX keeps the first optimum
 * found at the lowest level sum; the lexicographic rule makes ours deterministic.
 *
 * Nodes are visited in ascending order of a lower bound of their loss (then level sum, then
 * level vector). The bound is monotonic, so this order is a linear extension of the lattice and:
 *  - once a node's (bound, sum, vector) exceeds the best (loss, sum, vector) found, no later node
 *    can win and the search stops (for monotonic entropy the bound is the loss: the first
 *    anonymous node is the optimum);
 *  - when the metric is monotonic (ARX's notion, per suppression limit), every node above an
 *    anonymous node loses to it and is skipped without grouping (predictive tagging, as in Flash).
 * Each evaluated node is grouped by rolling up the smallest cached table at or below it.
 */
import { evaluateClasses, rollUp, type ClassResult, type RowTable, type SensitiveModel } from './classes.ts';
import { levelMap, type EncodedHierarchy } from './hierarchy.ts';
import { createLattice, isAtOrBelow, levelsOf, MAX_LATTICE_SIZE, predecessors, successors, type Lattice } from './lattice.ts';
import { isFullyMonotonic, minimalClassSize } from './models.ts';
import { compareLoss, evaluateLoss, isBoundExact, isMetricMonotonic, lowerBound, type Loss, type MetricContext } from './metrics.ts';
import { MadangError } from '../errors.ts';

export interface SearchInput {
  hierarchies: EncodedHierarchy[];
  base: RowTable;
  k: number;
  models: SensitiveModel[];
  suppressionLimit: number;
  metric: MetricContext;
  /** Baseline for benchmarks and tests: evaluate every node (bottom-up, with roll-up), no pruning, no early stop. */
  exhaustive?: boolean;
  /** Rows kept in cached tables for roll-up (besides the base table). */
  cacheRows?: number;
}

export interface NodeOutcome {
  levels: number[];
  loss: Loss;
  table: RowTable;
  classes: ClassResult;
}

export interface SearchResult {
  optimum: NodeOutcome | null;
  nodesEvaluated: number;
  latticeSize: number;
  maxSuppressed: number;
}

/** Groups the data at `levels` from `source` (a table at or below `levels`). */
export function tableAt(hierarchies: EncodedHierarchy[], source: RowTable, levels: number[]): RowTable {
  if (source.levels.every((l, j) => l === levels[j])) return source;
  const maps = levels.map((l, j) => (l === source.levels[j] ? null : levelMap(hierarchies[j], source.levels[j], l)));
  return rollUp(source, levels, maps, levels.map((l, j) => hierarchies[j].labels[l].length));
}

/** True when the node's outcome is acceptable: few enough suppressed, and something left to publish. */
export function isAnonymous(classes: ClassResult, maxSuppressed: number): boolean {
  return classes.suppressed <= maxSuppressed && classes.suppressed < classes.records;
}

export function searchOptimum(input: SearchInput): SearchResult {
  const { hierarchies, base, k, models, suppressionLimit, metric } = input;
  const lattice = createLattice(hierarchies.map((h) => h.maxLevel));
  if (lattice.size > MAX_LATTICE_SIZE) {
    throw new MadangError('invalid_input', {
      ko: `일반화 조합이 너무 많습니다 (${lattice.size}개, 최대 ${MAX_LATTICE_SIZE}개): 준식별자나 계층 단계를 줄이세요`,
      en: `too many generalisation combinations (${lattice.size}, at most ${MAX_LATTICE_SIZE}): use fewer quasi-identifiers or levels`,
    });
  }
  const records = base.count.reduce((a, b) => a + b, 0);
  const maxSuppressed = Math.floor(suppressionLimit * records);
  const exhaustive = input.exhaustive === true;
  const metricMonotonic = isMetricMonotonic(metric.metric, suppressionLimit);
  const fullyMonotonic = isFullyMonotonic(models.map((m) => m.model), suppressionLimit);
  const cache = new TableCache(base, input.cacheRows ?? 4_000_000);
  const smallByColumn = smallRecordsByColumn(hierarchies, base, minimalClassSize(k, models.map((m) => m.model)));
  // A class is a subset of its column's value class: records in values rarer than k (or l) in any
  // single column are suppressed whatever the other columns do. Too many -> fails, no grouping.
  const failsOnOneColumn = (levels: number[]) => levels.some((l, j) => smallByColumn[j][l] > maxSuppressed || smallByColumn[j][l] === records);
  let nodesEvaluated = 0;

  // status: 0 unknown, 1 anonymous, 2 not anonymous. Inferences (Flash's predictive tagging):
  // "not anonymous" spreads downwards when criteria are fully monotonic, and so does failing on
  // necessary conditions alone (too many records in classes below k or with fewer than l
  // distinct sensitive values) always;
  // "anonymous" spreads upwards when criteria are fully monotonic.
  const status = new Uint8Array(lattice.size);
  const dominated = new Uint8Array(lattice.size);
  // Nodes grouped at least once (a node found anonymous on a probe is grouped again for its loss).
  const seen = new Uint8Array(lattice.size);
  const evaluate = (node: number, levels: number[]): Evaluated => {
    const table = cache.tableFor(lattice, hierarchies, node, levels);
    const classes = evaluateClasses(table, k, models);
    if (!seen[node]) {
      seen[node] = 1;
      nodesEvaluated++;
    }
    const anonymous = isAnonymous(classes, maxSuppressed);
    if (!exhaustive) {
      if (anonymous) {
        if (fullyMonotonic) spread(lattice, status, node, 1, successors);
        else status[node] = 1;
      } else if (fullyMonotonic || necessarilyFails(classes, maxSuppressed)) spread(lattice, status, node, 2, predecessors);
      else status[node] = 2;
    }
    return { table, classes, anonymous };
  };

  const nodes = Array.from({ length: lattice.size }, (_, node) => {
    const levels = levelsOf(lattice, node);
    return { node, levels, sum: levels.reduce((a, b) => a + b, 0), bound: lowerBound(metric, levels) };
  });
  // The exhaustive baseline goes bottom-up, so it rolls up from cached predecessors too.
  const order = [...nodes].sort(exhaustive ? (a, b) => a.sum - b.sum || a.node - b.node : (a, b) => compareLoss(a.bound, b.bound) || a.sum - b.sum || a.node - b.node);
  let best: (NodeOutcome & { sum: number; node: number }) | null = null;
  const byBound = (a: number, b: number) => compareLoss(nodes[a].bound, nodes[b].bound) || nodes[a].sum - nodes[b].sum || a - b;

  for (const entry of order) {
    const { node, levels } = entry;
    let result: Evaluated | null = null;
    if (exhaustive) result = evaluate(node, levels);
    else {
      if (best && (compareLoss(entry.bound, best.loss) || entry.sum - best.sum || node - best.node) > 0) break;
      if (status[node] === 2) continue;
      if (metricMonotonic && predecessors(lattice, node).some((p) => status[p] === 1 || dominated[p])) {
        dominated[node] = 1;
        continue;
      }
      if (status[node] === 0 && failsOnOneColumn(levels)) spread(lattice, status, node, 2, predecessors);
      if (status[node] === 0) result = probePath(lattice, node, levels, status, evaluate, failsOnOneColumn, byBound, fullyMonotonic);
      if (status[node] === 2) continue;
      result ??= evaluate(node, levels);
    }
    if (!result.anonymous) continue;
    const loss = isBoundExact(metric.metric) ? entry.bound : evaluateLoss(metric, levels, result.table, result.classes);
    if (!best || (compareLoss(loss, best.loss) || entry.sum - best.sum || node - best.node) < 0) {
      best = { levels, loss, table: result.table, classes: result.classes, sum: entry.sum, node };
    }
  }
  const optimum = best ? { levels: best.levels, loss: best.loss, table: best.table, classes: best.classes } : null;
  return { optimum, nodesEvaluated, latticeSize: lattice.size, maxSuppressed };
}

/** Per column and level: records whose value at that level is shared by fewer than `minSize` records. */
function smallRecordsByColumn(hierarchies: EncodedHierarchy[], base: RowTable, minSize: number): Float64Array[] {
  return hierarchies.map((h, j) => {
    const leafCounts = new Float64Array(h.values.length);
    for (let i = 0; i < base.rows; i++) leafCounts[base.qi[j][i]] += base.count[i];
    const out = new Float64Array(h.maxLevel + 1);
    for (let level = 0; level <= h.maxLevel; level++) {
      const counts = new Float64Array(h.labels[level].length);
      const codes = h.codes[level];
      for (let leaf = 0; leaf < codes.length; leaf++) counts[codes[leaf]] += leafCounts[leaf];
      for (const c of counts) if (c > 0 && c < minSize) out[level] += c;
    }
    return out;
  });
}

interface Evaluated {
  table: RowTable;
  classes: ClassResult;
  anonymous: boolean;
}

/** Fails on necessary conditions alone (k and distinct values), which stay failed further down. */
function necessarilyFails(classes: ClassResult, maxSuppressed: number): boolean {
  return classes.necessarilySuppressed > maxSuppressed || classes.necessarilySuppressed === classes.records;
}

/** Tags `node` and everything reachable through `next` (stopping at nodes already tagged so). */
function spread(lattice: Lattice, status: Uint8Array, node: number, value: 1 | 2, next: (l: Lattice, n: number) => number[]): void {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (status[n] === value) continue;
    status[n] = value;
    for (const m of next(lattice, n)) if (status[m] !== value) stack.push(m);
  }
}

/**
 * Flash-style check of `node`: binary search on a path from it to the top for the lowest node
 * that does not fail; any failing node on the path tags `node` as failing at once (and, with
 * monotonic criteria, the climb from it tags more). Returns the evaluation of `node` itself when
 * the search reached it.
 */
function probePath(
  lattice: Lattice,
  node: number,
  levels: number[],
  status: Uint8Array,
  evaluate: (n: number, l: number[]) => Evaluated,
  failsOnOneColumn: (levels: number[]) => boolean,
  byBound: (a: number, b: number) => number,
  climb: boolean,
): Evaluated | null {
  const path: { node: number; levels: number[] }[] = [{ node, levels }];
  for (;;) {
    // Up through the successor with the least bound: the nodes the search must decide next.
    const up = successors(lattice, path[path.length - 1].node);
    if (up.length === 0) break;
    const next = up.sort(byBound)[0];
    path.push({ node: next, levels: levelsOf(lattice, next) });
  }
  let lo = 0;
  let hi = path.length - 1;
  let own: Evaluated | null = null;
  while (lo <= hi && status[node] === 0) {
    const mid = (lo + hi) >> 1;
    const step = path[mid];
    if (status[step.node] === 0 && failsOnOneColumn(step.levels)) spread(lattice, status, step.node, 2, predecessors);
    if (status[step.node] === 0) {
      const result = evaluate(step.node, step.levels);
      if (mid === 0) own = result;
      if (climb && status[step.node] === 2) climbFailing(lattice, step.node, status, evaluate, failsOnOneColumn, byBound);
    }
    if (status[step.node] === 2) lo = mid + 1;
    else hi = mid - 1;
  }
  return own;
}

/**
 * From a node that is not anonymous (criteria monotonic), keep stepping to a successor that is not
 * anonymous either, so the failure tags the largest set of nodes below. Successors are tried in
 * column order; the climb ends at a node whose successors are all anonymous.
 */
function climbFailing(
  lattice: Lattice,
  start: number,
  status: Uint8Array,
  evaluate: (n: number, l: number[]) => Evaluated,
  failsOnOneColumn: (levels: number[]) => boolean,
  byBound: (a: number, b: number) => number,
): void {
  let current = start;
  for (;;) {
    let next = -1;
    for (const s of successors(lattice, current).sort(byBound)) {
      if (status[s] === 1) continue;
      const levels = levelsOf(lattice, s);
      if (status[s] === 0 && failsOnOneColumn(levels)) spread(lattice, status, s, 2, predecessors);
      if (status[s] === 0) evaluate(s, levels);
      if (status[s] === 2) {
        next = s;
        break;
      }
    }
    if (next < 0) return;
    current = next;
  }
}

/** Tables of evaluated nodes, kept for roll-up until their rows exceed the budget (oldest dropped first). */
class TableCache {
  private readonly tables = new Map<number, RowTable>();
  private rows = 0;
  constructor(private readonly base: RowTable, private readonly budget: number) {}

  tableFor(lattice: Lattice, hierarchies: EncodedHierarchy[], node: number, levels: number[]): RowTable {
    let source = this.base;
    for (const p of predecessors(lattice, node)) {
      const t = this.tables.get(p);
      if (t && t.rows < source.rows) source = t;
    }
    if (source === this.base && this.tables.size <= 4096) {
      for (const t of this.tables.values()) if (t.rows < source.rows && isAtOrBelow(t.levels, levels)) source = t;
    }
    const table = tableAt(hierarchies, source, levels);
    if (table !== this.base) {
      this.tables.set(node, table);
      this.rows += table.rows;
      for (const [key, t] of this.tables) {
        if (this.rows <= this.budget && this.tables.size <= 4096) break;
        this.tables.delete(key);
        this.rows -= t.rows;
      }
    }
    return table;
  }
}
