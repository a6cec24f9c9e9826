/**
 * The notebook's dependency graph: which cell reads which. Nodes are SQL cells (their result is a
 * view named after the cell), input cells (`$name` parameters) and sources (extracts, local files).
 * Names compare case-insensitively, as DuckDB identifiers do. Pure: the runtime feeds it the
 * parser's references and asks for run order, dependants, cycles and unknown names.
 *
 * @example
 *   const g = buildGraph({ cells: [{ id: 'a', kind: 'sql', name: 'trips', refs: ['bikes'], params: [] },
 *                                 { id: 'b', kind: 'sql', name: '', refs: ['trips'], params: ['year'] },
 *                                 { id: 'y', kind: 'input', name: 'year', refs: [], params: [] }],
 *                        sources: ['bikes'] });
 *   g.order          // ['a', 'y', 'b'] (topological, ties in notebook order)
 *   dependantsOf(g, ['a']) // ['b']
 */

export type GraphCellKind = 'sql' | 'input';

export interface GraphCellInput {
  id: string;
  kind: GraphCellKind;
  /** '' = unnamed (nobody can refer to it). */
  name: string;
  /** Table names the SQL reads (already resolved to notebook names; see `notebookNameOf`). */
  refs: readonly string[];
  /** `$name` parameters the SQL uses. */
  params: readonly string[];
}

export type CellProblem =
  | { kind: 'cycle'; /** The cells in the cycle, by name (or id when unnamed), in notebook order. */ names: string[] }
  | { kind: 'unknownTable'; names: string[] }
  | { kind: 'unknownParam'; names: string[] }
  | { kind: 'duplicateName'; name: string; /** Every cell id sharing the name. */ cellIds: string[] }
  /** An upstream cell has a problem or failed; this one cannot run. */
  | { kind: 'upstream'; names: string[] };

export interface NotebookGraph {
  /** Cell id -> ids of the cells it reads (sql or input). */
  deps: Map<string, string[]>;
  /** Cell id -> ids of the cells that read it. */
  dependants: Map<string, string[]>;
  /** Cell id -> sources (extract/local names, as written) it reads. */
  sources: Map<string, string[]>;
  /** Cells that can run, in a valid order (ties broken by notebook order). */
  order: string[];
  /** Cells that cannot run, and why (cells downstream of a problem get `upstream`). */
  problems: Map<string, CellProblem>;
  /** Lower-cased name -> cell id, for names held by exactly one cell. */
  byName: Map<string, string>;
}

const key = (name: string) => name.toLowerCase();

export function buildGraph(input: { cells: readonly GraphCellInput[]; sources: readonly string[] }): NotebookGraph {
  const { cells } = input;
  const position = new Map(cells.map((c, i) => [c.id, i]));
  const label = (id: string) => {
    const c = cells[position.get(id)!]!;
    return c.name || id;
  };
  const problems = new Map<string, CellProblem>();

  // Names: a name used by two cells is a problem for both (which one would `FROM x` read?).
  const holders = new Map<string, string[]>();
  for (const c of cells) if (c.name) holders.set(key(c.name), [...(holders.get(key(c.name)) ?? []), c.id]);
  const byName = new Map<string, string>();
  for (const [name, ids] of holders) {
    if (ids.length === 1) byName.set(name, ids[0]!);
    else for (const id of ids) problems.set(id, { kind: 'duplicateName', name: cells[position.get(id)!]!.name, cellIds: ids });
  }
  const sourceNames = new Set(input.sources.map(key));

  const deps = new Map<string, string[]>();
  const sources = new Map<string, string[]>();
  for (const c of cells) {
    const d: string[] = [];
    const s: string[] = [];
    const unknownTables: string[] = [];
    const unknownParams: string[] = [];
    for (const ref of c.refs) {
      const id = byName.get(key(ref));
      const target = id === undefined ? undefined : cells[position.get(id)!];
      // A SQL cell's name is a table; an input's name is a parameter, not a table.
      if (target && target.kind === 'sql' && id !== c.id) {
        if (!d.includes(id!)) d.push(id!);
      } else if (target && target.kind === 'sql' && id === c.id) {
        if (!d.includes(id)) d.push(id); // self-reference: a cycle of one
      } else if (sourceNames.has(key(ref))) {
        if (!s.includes(ref)) s.push(ref);
      } else if (holders.has(key(ref)) && !byName.has(key(ref))) {
        // duplicate name: already reported on the holders; this cell is downstream of a problem
        if (!unknownTables.includes(ref)) unknownTables.push(ref);
      } else if (!unknownTables.includes(ref)) unknownTables.push(ref);
    }
    for (const p of c.params) {
      const id = byName.get(key(p));
      const target = id === undefined ? undefined : cells[position.get(id)!];
      if (target && target.kind === 'input') {
        if (!d.includes(id!)) d.push(id!);
      } else if (!unknownParams.includes(p)) unknownParams.push(p);
    }
    deps.set(c.id, d);
    sources.set(c.id, s);
    if (!problems.has(c.id)) {
      if (unknownTables.length > 0) problems.set(c.id, { kind: 'unknownTable', names: unknownTables });
      else if (unknownParams.length > 0) problems.set(c.id, { kind: 'unknownParam', names: unknownParams.map((p) => `$${p}`) });
    }
  }

  const dependants = new Map<string, string[]>(cells.map((c) => [c.id, []]));
  for (const [id, ds] of deps) for (const d of ds) dependants.get(d)!.push(id);

  // Cycles: strongly connected components (Tarjan) of size > 1, or a cell reading itself.
  for (const component of stronglyConnected(cells.map((c) => c.id), deps)) {
    const selfLoop = component.length === 1 && deps.get(component[0]!)!.includes(component[0]!);
    if (component.length < 2 && !selfLoop) continue;
    const names = [...component].sort((a, b) => position.get(a)! - position.get(b)!).map(label);
    for (const id of component) problems.set(id, { kind: 'cycle', names });
  }

  // Kahn's algorithm over the cells without problems, smallest notebook position first.
  const order: string[] = [];
  const blocked = new Set(problems.keys());
  const remaining = new Map<string, number>();
  for (const c of cells) remaining.set(c.id, deps.get(c.id)!.length);
  const ready = cells.filter((c) => remaining.get(c.id) === 0).map((c) => c.id);
  const done = new Set<string>();
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const id = ready.shift()!;
    done.add(id);
    if (!blocked.has(id)) order.push(id);
    for (const next of dependants.get(id)!) {
      remaining.set(next, remaining.get(next)! - 1);
      if (remaining.get(next) === 0) ready.push(next);
    }
  }
  // Downstream of a problem: cannot run either; say which upstream names are the cause.
  const reachesProblem = (id: string, seen = new Set<string>()): string[] => {
    const causes: string[] = [];
    for (const d of deps.get(id)!) {
      if (seen.has(d)) continue;
      seen.add(d);
      if (problems.has(d) && problems.get(d)!.kind !== 'upstream') causes.push(label(d));
      else causes.push(...reachesProblem(d, seen));
    }
    return [...new Set(causes)];
  };
  for (const id of [...order]) {
    const causes = reachesProblem(id);
    if (causes.length > 0) {
      problems.set(id, { kind: 'upstream', names: causes });
      order.splice(order.indexOf(id), 1);
    }
  }
  for (const c of cells) if (!done.has(c.id) && !problems.has(c.id)) problems.set(c.id, { kind: 'upstream', names: reachesProblem(c.id) });
  return { deps, dependants, sources, order, problems, byName };
}

/** Tarjan's strongly connected components (iterative enough for notebooks: recursion depth = chain length). */
function stronglyConnected(ids: readonly string[], deps: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const id of ids) if (!idx.has(id)) visit(id);
  return out;
}

/** Every cell downstream of `ids` (not including them unless reachable), in run order. */
export function dependantsOf(graph: NotebookGraph, ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const next of graph.dependants.get(id) ?? []) if (!seen.has(next)) {
      seen.add(next);
      stack.push(next);
    }
  }
  return graph.order.filter((id) => seen.has(id));
}

/** `ids` and everything downstream of them, in run order (what re-runs after an edit). */
export function runPlan(graph: NotebookGraph, ids: readonly string[]): string[] {
  const wanted = new Set([...ids, ...dependantsOf(graph, ids)]);
  return graph.order.filter((id) => wanted.has(id));
}

/** Every cell upstream of `id`, in run order (what must have run first). */
export function upstreamOf(graph: NotebookGraph, id: string): string[] {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    for (const d of graph.deps.get(cur) ?? []) if (!seen.has(d)) {
      seen.add(d);
      stack.push(d);
    }
  }
  return graph.order.filter((x) => seen.has(x));
}
