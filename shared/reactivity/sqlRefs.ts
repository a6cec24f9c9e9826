/**
 * Table references of a SQL cell, read from DuckDB's own parse tree (`json_serialize_sql` output),
 * never from regexes: a `BASE_TABLE` node is a reference unless it names a CTE in scope. Schema-
 * qualified names keep their schema (`main.t` is the cell `t`; `other.t` is not). Parameters come
 * from the statement's `named_param_map` and `PARAMETER` nodes.
 *
 * The browser's DuckDB-WASM has no JSON extension (so no `json_serialize_sql`); the server parses
 * with native DuckDB and this walker runs on its output (see `server/extracts/sqlAnalysis.ts`).
 */

export interface TableRef {
  /** '' when unqualified. */
  schema: string;
  table: string;
  catalog: string;
}

export interface SqlAnalysis {
  refs: TableRef[];
  /** `$name` parameters, in order of first appearance in the parse tree. */
  params: string[];
  statementCount: number;
}

export type SqlAnalysisResult =
  | ({ ok: true } & SqlAnalysis)
  | { ok: false; message: string; /** Character offset of the error, when DuckDB gives one. */ position: number | null };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cteNames(node: { [key: string]: Json }): string[] {
  const map = node.cte_map;
  if (!isObject(map) || !Array.isArray(map.map)) return [];
  return map.map.flatMap((e) => (isObject(e) && typeof e.key === 'string' ? [e.key.toLowerCase()] : []));
}

/** Walks one parse tree; `scope` holds CTE names (lower case) visible at this point. */
function walk(node: Json, scope: ReadonlySet<string>, out: { refs: TableRef[]; params: string[] }): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, scope, out);
    return;
  }
  if (!isObject(node)) return;
  let inner = scope;
  const ctes = cteNames(node);
  // A CTE is visible in the whole node, including the CTE bodies (recursive CTEs name themselves).
  if (ctes.length > 0) inner = new Set([...scope, ...ctes]);
  if (node.type === 'BASE_TABLE' && typeof node.table_name === 'string') {
    const schema = typeof node.schema_name === 'string' ? node.schema_name : '';
    const catalog = typeof node.catalog_name === 'string' ? node.catalog_name : '';
    const isCte = schema === '' && catalog === '' && inner.has(node.table_name.toLowerCase());
    if (!isCte) out.refs.push({ schema, table: node.table_name, catalog });
  }
  if (node.class === 'PARAMETER' && typeof node.identifier === 'string' && !out.params.includes(node.identifier)) {
    out.params.push(node.identifier);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'named_param_map' && Array.isArray(value)) {
      for (const e of value) if (isObject(e) && typeof e.key === 'string' && !out.params.includes(e.key)) out.params.push(e.key);
      continue;
    }
    walk(value, inner, out);
  }
}

/** Reads `json_serialize_sql(sql)`'s text. Duplicate references are kept once. */
export function analyseSerializedSql(serialized: string): SqlAnalysisResult {
  let tree: Json;
  try {
    tree = JSON.parse(serialized) as Json;
  } catch {
    return { ok: false, message: 'unreadable parse tree', position: null };
  }
  if (!isObject(tree)) return { ok: false, message: 'unreadable parse tree', position: null };
  if (tree.error === true) {
    const pos = Number(tree.position);
    return { ok: false, message: typeof tree.error_message === 'string' ? tree.error_message : 'parse error', position: Number.isFinite(pos) ? pos : null };
  }
  const statements = Array.isArray(tree.statements) ? tree.statements : [];
  const out = { refs: [] as TableRef[], params: [] as string[] };
  walk(statements, new Set(), out);
  const seen = new Set<string>();
  const refs = out.refs.filter((r) => {
    const key = `${r.catalog}\u0000${r.schema}\u0000${r.table}`.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ok: true, refs, params: out.params, statementCount: statements.length };
}

/** Schemas whose tables a notebook cell may read without them being a dependency. */
const systemSchemas = new Set(['information_schema', 'pg_catalog']);

/**
 * The name a reference resolves to among notebook tables (cells, inputs, extracts, local files),
 * or null when it points outside them (a system catalog, another schema).
 */
export function notebookNameOf(ref: TableRef): string | null {
  const schema = ref.schema.toLowerCase();
  if (systemSchemas.has(schema) || ref.catalog.toLowerCase() === 'system') return null;
  if (schema !== '' && schema !== 'main') return null;
  if (ref.catalog !== '' && ref.catalog.toLowerCase() !== 'memory') return null;
  return ref.table;
}
