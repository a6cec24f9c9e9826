/**
 * Reads a query's shape from DuckDB's own parse tree (`json_serialize_sql`), so the check sees
 * exactly what DuckDB will run. It answers: does the output come from aggregates over the records
 * of `data` (checkable cell by cell), from the records themselves (row-level: fails), or from
 * something we cannot trace back to records (review)?
 *
 * Checkable: one SELECT (CTEs allowed) over `data` or over record-preserving subqueries/CTEs of it
 * (filters and projections only), with GROUP BY (also GROUPING SETS/ROLLUP/CUBE/ALL) or
 * aggregates, where each output column is an expression of group keys and aggregates.
 * Not checkable (→ review, with the reason): set operations, joins, window functions, QUALIFY,
 * DISTINCT over the output, subquery expressions, table functions, UNNEST, `*` next to
 * aggregates, and aggregation inside a subquery or CTE (its groups are not records).
 */
export type AstNode = Record<string, unknown>;

export interface AggregateCall {
  /** The aggregate's own node inside the parse tree (cloned for the evidence query). */
  node: AstNode;
  /** Lower-case function name, like `avg` or `count_star`. */
  fn: string;
  /** How it reads, like `avg(inc_grants)`. */
  label: string;
}

export type QueryAnalysis =
  | { shape: 'aggregate'; select: AstNode; columns: AggregateCall[][] }
  | { shape: 'row-level'; select: AstNode }
  | { shape: 'unanalysable'; reason: string; reasonKo: string };

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodesOf(v: unknown): AstNode[] {
  return Array.isArray(v) ? v.filter(isNode) : [];
}

/** A short human rendering of an expression for labels (not SQL; good enough to recognise). */
export function labelOf(node: AstNode): string {
  switch (node.class) {
    case 'COLUMN_REF':
      return (node.column_names as string[]).join('.');
    case 'CONSTANT': {
      const value = (node.value as { value?: unknown } | undefined)?.value;
      return typeof value === 'string' ? `'${value}'` : String(value);
    }
    case 'STAR':
      return '*';
    case 'CAST':
      return isNode(node.child) ? labelOf(node.child) : '…';
    case 'FUNCTION': {
      const fn = String(node.function_name);
      const args = nodesOf(node.children).map(labelOf).join(', ');
      const call = fn === 'count_star' ? 'count(*)' : `${fn}(${node.distinct === true ? 'DISTINCT ' : ''}${args})`;
      return isNode(node.filter) ? `${call} FILTER (…)` : call;
    }
    default:
      return '…';
  }
}

interface Finding {
  aggregates: AggregateCall[];
  problem?: { reason: string; reasonKo: string };
}

const rowMultiplying = new Set(['unnest', 'generate_subscripts', 'range', 'generate_series']);

/** Collects aggregate calls in an expression; notes constructs we cannot trace. */
function scanExpression(node: unknown, aggregateNames: ReadonlySet<string>, out: Finding): void {
  if (Array.isArray(node)) {
    for (const child of node) scanExpression(child, aggregateNames, out);
    return;
  }
  if (!isNode(node)) return;
  if (node.class === 'WINDOW') {
    out.problem ??= { reason: 'window functions are not analysed', reasonKo: '윈도 함수는 분석하지 않음' };
    return;
  }
  if (node.class === 'SUBQUERY') {
    out.problem ??= { reason: 'subqueries inside expressions are not analysed', reasonKo: '식 안의 하위 쿼리는 분석하지 않음' };
    return;
  }
  if (node.class === 'FUNCTION') {
    const fn = String(node.function_name).toLowerCase();
    if (rowMultiplying.has(fn)) {
      out.problem ??= { reason: `${fn}() makes several rows from one record`, reasonKo: `${fn}()은 한 레코드에서 여러 행을 만듦` };
      return;
    }
    if (aggregateNames.has(fn)) {
      out.aggregates.push({ node, fn, label: labelOf(node) });
      return; // SQL does not nest aggregates, so nothing below can be one
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'query_location') scanExpression(value, aggregateNames, out);
  }
}

function hasDistinct(select: AstNode): boolean {
  return nodesOf(select.modifiers).some((m) => m.type === 'DISTINCT_MODIFIER');
}

function isGrouped(select: AstNode): boolean {
  return nodesOf(select.group_expressions).length > 0 ||
    (Array.isArray(select.group_sets) && select.group_sets.length > 0) ||
    select.aggregate_handling === 'FORCE_AGGREGATES';
}

type Problem = { reason: string; reasonKo: string };

/** Checks a FROM clause reads records of `data` (directly or through record-preserving queries). */
function checkFrom(from: unknown, ctes: ReadonlySet<string>, aggregateNames: ReadonlySet<string>): Problem | undefined {
  if (!isNode(from)) return { reason: 'the query reads no table', reasonKo: '쿼리가 표를 읽지 않음' };
  switch (from.type) {
    case 'BASE_TABLE': {
      const name = String(from.table_name);
      if (name.toLowerCase() === 'data' || ctes.has(name)) return undefined;
      return { reason: `unknown table ${name}: only \`data\` is checked`, reasonKo: `알 수 없는 표 ${name}: \`data\`만 검사함` };
    }
    case 'SUBQUERY': {
      const sub = (from.subquery as { node?: unknown } | undefined)?.node;
      return checkRecordPreserving(sub, ctes, aggregateNames);
    }
    case 'JOIN':
      return { reason: 'joins are not analysed (a join can repeat records)', reasonKo: '조인은 분석하지 않음 (레코드가 중복될 수 있음)' };
    case 'TABLE_FUNCTION':
      return { reason: 'table functions are not analysed; query the table `data`', reasonKo: '표 함수는 분석하지 않음: `data` 표를 조회하세요' };
    case 'EMPTY':
      return { reason: 'the query reads no table', reasonKo: '쿼리가 표를 읽지 않음' };
    default:
      return { reason: `FROM ${String(from.type).toLowerCase()} is not analysed`, reasonKo: `FROM ${String(from.type).toLowerCase()}는 분석하지 않음` };
  }
}

/** CTE names of a SELECT, after checking each CTE keeps one row per record. */
function checkCtes(select: AstNode, outer: ReadonlySet<string>, aggregateNames: ReadonlySet<string>): { names: Set<string>; problem?: Problem } {
  const names = new Set(outer);
  for (const entry of nodesOf((select.cte_map as { map?: unknown } | undefined)?.map)) {
    const query = (entry.value as { query?: { node?: unknown } } | undefined)?.query?.node;
    const problem = checkRecordPreserving(query, names, aggregateNames);
    if (problem) return { names, problem: { reason: `in WITH ${String(entry.key)}: ${problem.reason}`, reasonKo: `WITH ${String(entry.key)}: ${problem.reasonKo}` } };
    names.add(String(entry.key));
  }
  return { names };
}

/** A subquery or CTE whose rows are still records: filters and projections, nothing that merges rows. */
function checkRecordPreserving(node: unknown, outer: ReadonlySet<string>, aggregateNames: ReadonlySet<string>): Problem | undefined {
  if (!isNode(node) || node.type !== 'SELECT_NODE') {
    return { reason: 'set operations (UNION, EXCEPT, …) are not analysed', reasonKo: '집합 연산(UNION 등)은 분석하지 않음' };
  }
  const ctes = checkCtes(node, outer, aggregateNames);
  if (ctes.problem) return ctes.problem;
  const found: Finding = { aggregates: [] };
  scanExpression([node.select_list, node.where_clause, node.having, node.qualify], aggregateNames, found);
  if (found.problem) return found.problem;
  if (found.aggregates.length > 0 || isGrouped(node) || hasDistinct(node)) {
    return {
      reason: 'aggregation inside a subquery or CTE: its rows are groups, not records; write one GROUP BY query instead',
      reasonKo: '하위 쿼리나 CTE 안의 집계: 그 행은 레코드가 아니라 집단임. GROUP BY 쿼리 하나로 쓰세요',
    };
  }
  return checkFrom(node.from_table, ctes.names, aggregateNames);
}

/**
 * Classifies a parsed query (`json_serialize_sql(...).statements[0].node`). `aggregateNames` is
 * DuckDB's own list of aggregate functions (`duckdb_functions()`), lower case.
 */
export function analyseQuery(root: unknown, aggregateNames: ReadonlySet<string>): QueryAnalysis {
  const unanalysable = (p: Problem): QueryAnalysis => ({ shape: 'unanalysable', ...p });
  if (!isNode(root) || root.type !== 'SELECT_NODE') {
    return unanalysable({ reason: 'set operations (UNION, EXCEPT, …) are not analysed', reasonKo: '집합 연산(UNION 등)은 분석하지 않음' });
  }
  const ctes = checkCtes(root, new Set(), aggregateNames);
  if (ctes.problem) return unanalysable(ctes.problem);
  const fromProblem = checkFrom(root.from_table, ctes.names, aggregateNames);
  if (fromProblem) return unanalysable(fromProblem);

  const rest: Finding = { aggregates: [] };
  scanExpression([root.where_clause, root.having, root.qualify, root.modifiers], aggregateNames, rest);
  if (rest.problem) return unanalysable(rest.problem);
  if (isNode(root.qualify)) return unanalysable({ reason: 'QUALIFY is not analysed', reasonKo: 'QUALIFY는 분석하지 않음' });

  const columns: AggregateCall[][] = [];
  let hasStar = false;
  for (const item of nodesOf(root.select_list)) {
    const found: Finding = { aggregates: [] };
    scanExpression(item, aggregateNames, found);
    if (found.problem) return unanalysable(found.problem);
    if (item.class === 'STAR') hasStar = true;
    columns.push(found.aggregates);
  }
  const aggregated = isGrouped(root) || columns.some((c) => c.length > 0);
  if (!aggregated) {
    if (hasDistinct(root)) {
      return unanalysable({ reason: 'SELECT DISTINCT lists values without counts; use GROUP BY with count(*)', reasonKo: 'SELECT DISTINCT는 건수 없이 값을 나열함: GROUP BY와 count(*)를 쓰세요' });
    }
    return { shape: 'row-level', select: root };
  }
  if (hasDistinct(root)) return unanalysable({ reason: 'DISTINCT over aggregated output is not analysed', reasonKo: '집계 결과의 DISTINCT는 분석하지 않음' });
  if (hasStar) return unanalysable({ reason: '`*` or COLUMNS(…) next to aggregates is not analysed; name the columns', reasonKo: '집계와 함께 쓴 `*`·COLUMNS(…)는 분석하지 않음: 열 이름을 쓰세요' });
  return { shape: 'aggregate', select: root, columns };
}
