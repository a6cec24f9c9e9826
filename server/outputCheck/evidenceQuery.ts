/**
 * Builds the evidence query: the user's own parse tree with extra aggregate columns appended to
 * its SELECT list, one set per aggregate in the output, computed over the same FROM, WHERE,
 * GROUP BY (grouping sets too), HAVING and aggregate FILTER:
 *
 *   records  count(x)                         (count(*) and count_if keep their own form)
 *   rows     count(*)                         (for rules with thresholdBasis 'rows')
 *   total    sum(TRY_CAST(x AS DOUBLE))
 *   top      max(TRY_CAST(x AS DOUBLE), n)    (the n largest values, descending)
 *   min      min(TRY_CAST(x AS DOUBLE))
 *
 * Because the columns are appended to the same SELECT, every output row carries its own evidence:
 * there is no second query to line up, and ORDER BY/LIMIT and GROUP BY ALL behave as written.
 * DuckDB turns the tree back into SQL (`json_deserialize_sql`), so no SQL is spliced as text.
 */
import type { AggregateKind } from '../../shared/outputCheck/cellChecks.ts';
import type { AggregateMeta } from '../../shared/outputCheck/checkTable.ts';
import type { AggregateCall, AstNode } from './queryAnalysis.ts';

/** Aggregates grouped by how they use records (DuckDB names, lower case). */
const kinds: Record<string, AggregateKind> = {};
const assign = (kind: AggregateKind, names: string) => { for (const n of names.split(/\s+/)) if (n) kinds[n] = kind; };
assign('count', 'count count_star count_if countif approx_count_distinct');
assign('magnitude', `sum avg mean median stddev stddev_samp stddev_pop var_samp var_pop variance quantile
  quantile_cont quantile_disc approx_quantile reservoir_quantile mad fsum sumkahan kahan_sum favg
  sum_no_overflow product geomean geometric_mean kurtosis kurtosis_pop skewness sem`);
assign('extreme', 'min max mode');
assign('record-value', `list array_agg string_agg group_concat listagg first last any_value arbitrary
  arg_min arg_max argmin argmax min_by max_by arg_min_null arg_max_null histogram bitstring_agg`);

export function aggregateKind(call: AggregateCall): AggregateKind {
  const kind = kinds[call.fn] ?? 'unknown';
  // min(x, n) / max(x, n) return the n extreme values themselves.
  if (kind === 'extreme' && (call.node.children as unknown[]).length > 1) return 'record-value';
  return kind;
}

/** Node shapes copied from DuckDB's own serialisation of `templateSql`. */
export interface NodeTemplates {
  cast: AstNode;
  constant: AstNode;
  countStar: AstNode;
  /** `coalesce(x, false) <> coalesce(y, false)`: "in one record set but not the other". */
  differs: AstNode;
  isTrue: AstNode;
}

/** Parsed once per check; its SELECT items become `NodeTemplates` in this order. */
export const templateSql = 'SELECT TRY_CAST(x AS DOUBLE), 2, count_star(), coalesce(x, false) <> coalesce(y, false), true';

export interface EvidenceColumn {
  key: string;
  part: 'records' | 'rows' | 'total' | 'top' | 'min';
  /** Index in the evidence query's output. */
  index: number;
}

/** Two aggregates of one output column over different record sets (different FILTERs). */
export interface DifferenceMeta {
  key: string;
  label: string;
}

export interface EvidencePlan {
  /** The SELECT node to run (the user's, with evidence columns appended). */
  select: AstNode;
  /** How many columns were appended after the user's own. */
  appended: number;
  /** For each user column (by position), its aggregates. */
  columnAggregates: AggregateMeta[][];
  /** For each user column, the record-set differences between its aggregates. */
  columnDifferences: DifferenceMeta[][];
  evidence: EvidenceColumn[];
  /** Index of the appended count(*) for grouped queries that show no aggregate. */
  groupRecordsIndex?: number;
  unknownAggregates: string[];
}

const clone = <T>(v: T): T => structuredClone(v);

/** A FILTER clause's identity, ignoring where in the text it was written. */
function filterKey(filter: unknown): string {
  return JSON.stringify(filter ?? null, (k, v: unknown) => (k === 'query_location' ? undefined : v));
}

/** At most this many distinct FILTER pairs per query get a difference count. */
const maxDifferences = 20;

export function buildEvidencePlan(select: AstNode, columns: AggregateCall[][], templates: NodeTemplates, topN: number): EvidencePlan {
  const root = clone(select);
  const selectList = root.select_list as AstNode[];
  const userCount = selectList.length;
  const appended: AstNode[] = [];
  const evidence: EvidenceColumn[] = [];
  const unknown = new Set<string>();
  let counter = 0;

  const aggregateLike = (call: AggregateCall, fn: string, children: AstNode[], alias: string): AstNode => {
    const node = clone(call.node);
    node.function_name = fn;
    node.children = children;
    node.distinct = false;
    node.alias = alias;
    node.order_bys = { type: 'ORDER_MODIFIER', orders: [] };
    return node;
  };
  const castToDouble = (child: AstNode): AstNode => ({ ...clone(templates.cast), child: clone(child) });
  const constant = (value: number): AstNode => {
    const node = clone(templates.constant);
    (node.value as { value: unknown }).value = value;
    return node;
  };
  const push = (key: string, part: EvidenceColumn['part'], node: AstNode) => {
    evidence.push({ key, part, index: userCount + appended.length });
    appended.push(node);
  };

  const columnAggregates = columns.map((calls) => calls.map((call): AggregateMeta => {
    const key = `a${counter++}`;
    const kind = aggregateKind(call);
    if (kind === 'unknown') unknown.add(call.fn);
    const alias = (part: string) => `__madang_${key}_${part}`;
    const children = (call.node.children as AstNode[]) ?? [];
    const value = children[0];
    if (kind === 'count') {
      // The count itself is the number of contributing records (without DISTINCT: records, not values).
      const records = call.fn === 'approx_count_distinct' && value
        ? aggregateLike(call, 'count', [clone(value)], alias('records'))
        : aggregateLike(call, call.fn, clone(children), alias('records'));
      push(key, 'records', records);
    } else if (value === undefined || kind === 'record-value') {
      push(key, 'records', aggregateLike(call, 'count_star', [], alias('records')));
    } else {
      push(key, 'records', aggregateLike(call, 'count', [clone(value)], alias('records')));
      if (kind === 'magnitude') {
        push(key, 'rows', aggregateLike(call, 'count_star', [], alias('rows')));
        push(key, 'total', aggregateLike(call, 'sum', [castToDouble(value)], alias('total')));
        push(key, 'top', aggregateLike(call, 'max', [castToDouble(value), constant(Math.max(topN, 2))], alias('top')));
        push(key, 'min', aggregateLike(call, 'min', [castToDouble(value)], alias('min')));
      }
    }
    return { key, kind, label: call.label };
  }));

  // sum(x) - sum(x) FILTER (WHERE id <> 7) shows record 7, and so do two such columns side by
  // side (a reader can subtract): for aggregates of one row with different FILTERs, count the
  // records in one set but not the other, so the threshold applies to the difference too. The
  // flag goes on the later column of the pair.
  const columnDifferences: DifferenceMeta[][] = columns.map(() => []);
  const all = columns.flatMap((calls, column) => calls.map((call) => ({ call, column, filter: filterKey(call.node.filter) })));
  const keyOfPair = new Map<string, string>();
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i], all[j]];
      if (a.filter === b.filter) continue;
      const pair = [a.filter, b.filter].sort().join('\u0000');
      let key = keyOfPair.get(pair);
      if (key === undefined) {
        if (keyOfPair.size >= maxDifferences) continue;
        key = `d${counter++}`;
        const differs = clone(templates.differs);
        const side = (filter: unknown) => (filter ? clone(filter) : clone(templates.isTrue));
        ((differs.left as AstNode).children as unknown[])[0] = side(a.call.node.filter);
        ((differs.right as AstNode).children as unknown[])[0] = side(b.call.node.filter);
        const count = aggregateLike(a.call, 'count_star', [], `__madang_${key}_records`);
        count.filter = differs;
        push(key, 'records', count);
        keyOfPair.set(pair, key);
      }
      const target = columnDifferences[b.column];
      if (!target.some((d) => d.key === key)) target.push({ key, label: `${a.call.label} vs ${b.call.label}` });
    }
  }

  let groupRecordsIndex: number | undefined;
  if (columns.every((c) => c.length === 0)) {
    // Grouped, but only keys shown: count the records in each group.
    groupRecordsIndex = userCount + appended.length;
    appended.push({ ...clone(templates.countStar), alias: '__madang_group_records' });
  }

  root.select_list = [...selectList, ...appended];
  return { select: root, appended: appended.length, columnAggregates, columnDifferences, evidence, groupRecordsIndex, unknownAggregates: [...unknown] };
}
