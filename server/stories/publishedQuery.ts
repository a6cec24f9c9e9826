/**
 * Turns a published SQL cell into one self-contained query the output-check engine can analyse:
 * DuckDB parses it (`json_serialize_sql`), input parameters (`$year`) become constants (the
 * inputs' stored defaults), earlier notebook cells it reads are inlined as CTEs (recursively,
 * dependencies first), and when everything reads a single extract, that extract is renamed to
 * `data` (the engine's one table). DuckDB writes the tree back as SQL (`json_deserialize_sql`).
 * Nothing is spliced into SQL text: values enter as parse-tree constants.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { MadangError } from '../../shared/errors.ts';
import type { JsonValue } from '../../shared/outputCheck/report.ts';
import { quoteLiteral } from '../extracts/arrowExport.ts';
import { parseExactJson, stringifyExactJson } from '../outputCheck/exactJson.ts';

type Node = Record<string, unknown>;

export interface NamedSql {
  name: string;
  sql: string;
}

export interface PublishedQuery {
  sql: string;
  /** Extract names the query reads (after inlining). */
  extracts: string[];
  /** Input parameters it used, with the values bound. */
  params: Record<string, JsonValue>;
  /** True when the single extract was renamed to `data`. */
  readsData: boolean;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (isNode(value)) {
    visit(value);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

async function scalar(conn: DuckDBConnection, sql: string, params: string[]): Promise<string> {
  const r = await conn.runAndReadAll(sql, params);
  return String(r.getRowsJS()[0]?.[0]);
}

function cellError(name: string, ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko: `셀 ${name}: ${ko}`, en: `cell ${name}: ${en}` });
}

async function parseOne(conn: DuckDBConnection, name: string, sql: string): Promise<Node> {
  const text = sql.trim().replace(/;\s*$/, '');
  const parsed = parseExactJson(await scalar(conn, 'SELECT json_serialize_sql(?::VARCHAR)', [text])) as { error: boolean; error_message?: string; statements?: { node: Node }[] };
  if (parsed.error) throw cellError(name, `SQL을 읽을 수 없습니다: ${parsed.error_message ?? ''}`, `the SQL cannot be parsed: ${parsed.error_message ?? ''}`);
  if (parsed.statements?.length !== 1) throw cellError(name, 'SELECT 쿼리 하나만 공개할 수 있습니다', 'only a single SELECT query can be published');
  return parsed.statements[0]!.node;
}

function literal(value: JsonValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite parameter');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'string') return quoteLiteral(value);
  throw new Error('unsupported parameter value');
}

/**
 * Builds the checked query for `target` from the notebook's named SQL cells (in notebook order)
 * and the extract names available.
 */
export async function buildPublishedQuery(conn: DuckDBConnection, input: {
  target: NamedSql;
  earlier: readonly NamedSql[];
  extractNames: readonly string[];
  inputs: ReadonlyMap<string, JsonValue>;
}): Promise<PublishedQuery> {
  const cells = new Map(input.earlier.map((c) => [c.name.toLowerCase(), c]));
  const extracts = new Map(input.extractNames.map((n) => [n.toLowerCase(), n]));
  const inputs = new Map([...input.inputs].map(([k, v]) => [k.toLowerCase(), { name: k, value: v }]));
  const params: Record<string, JsonValue> = {};
  const constants = new Map<string, Node>();

  const constantFor = async (cellName: string, param: string): Promise<Node> => {
    const found = inputs.get(param.toLowerCase());
    if (!found) throw cellError(cellName, `알 수 없는 입력 $${param}`, `unknown input $${param}`);
    params[found.name] = found.value;
    const cached = constants.get(found.name);
    if (cached) return structuredClone(cached);
    const tree = parseExactJson(await scalar(conn, 'SELECT json_serialize_sql(?::VARCHAR)', [`SELECT ${literal(found.value)}`])) as { statements: { node: Node }[] };
    const node = (tree.statements[0]!.node.select_list as Node[])[0]!;
    constants.set(found.name, node);
    return structuredClone(node);
  };

  /** Parses a cell, fixes its parameters and returns it with the cell names it reads. */
  const prepare = async (cell: NamedSql): Promise<{ node: Node; reads: string[] }> => {
    const node = await parseOne(conn, cell.name, cell.sql);
    const swaps: Array<{ parent: Node | unknown[]; key: string | number; param: string }> = [];
    const reads = new Set<string>();
    const visitParent = (value: unknown) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (isNode(v) && v.class === 'PARAMETER') swaps.push({ parent: value, key: i, param: String(v.identifier) });
          else visitParent(v);
        });
      } else if (isNode(value)) {
        if (value.type === 'BASE_TABLE' && cells.has(String(value.table_name).toLowerCase())) reads.add(String(value.table_name).toLowerCase());
        for (const [k, v] of Object.entries(value)) {
          if (isNode(v) && v.class === 'PARAMETER') swaps.push({ parent: value, key: k, param: String(v.identifier) });
          else visitParent(v);
        }
      }
    };
    visitParent(node);
    for (const s of swaps) {
      const constant = await constantFor(cell.name, s.param);
      (s.parent as Record<string | number, unknown>)[s.key] = constant;
    }
    return { node, reads: [...reads] };
  };

  const root = await prepare(input.target);
  // Own CTE names shadow notebook cells of the same name.
  const own = new Set(((root.node.cte_map as { map?: { key: string }[] } | undefined)?.map ?? []).map((e) => e.key.toLowerCase()));
  const inlined: Array<{ key: string; node: Node }> = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const inline = async (name: string): Promise<void> => {
    if (done.has(name) || own.has(name)) return;
    if (visiting.has(name)) throw cellError(input.target.name, `셀 참조가 순환합니다 (${name})`, `cells refer to each other in a cycle (${name})`);
    visiting.add(name);
    const cell = cells.get(name)!;
    const prepared = await prepare(cell);
    for (const dep of prepared.reads) await inline(dep);
    visiting.delete(name);
    done.add(name);
    inlined.push({ key: cell.name, node: prepared.node });
  };
  for (const dep of root.reads) await inline(dep);

  if (inlined.length > 0) {
    const map = ((root.node.cte_map as { map?: unknown[] } | undefined)?.map ?? []) as unknown[];
    const entries = inlined.map((c) => ({
      key: c.key,
      value: { aliases: [], query: { node: c.node, named_param_map: [] }, materialized: 'CTE_MATERIALIZE_DEFAULT', key_targets: [] },
    }));
    root.node.cte_map = { map: [...entries, ...map] };
  }

  // Which extracts does the whole query read?
  const read = new Set<string>();
  walk(root.node, (n) => {
    if (n.type === 'BASE_TABLE') {
      const ext = extracts.get(String(n.table_name).toLowerCase());
      if (ext) read.add(ext);
    }
  });
  const readsData = read.size === 1;
  if (readsData) {
    walk(root.node, (n) => {
      if (n.type === 'BASE_TABLE' && extracts.has(String(n.table_name).toLowerCase())) n.table_name = 'data';
    });
  }
  const json = stringifyExactJson({ error: false, statements: [{ node: root.node, named_param_map: [] }] });
  const sql = await scalar(conn, 'SELECT json_deserialize_sql(?::JSON)', [json]);
  return { sql, extracts: [...read], params, readsData };
}
