/**
 * The reactive runtime of one open notebook (one per tab and notebook). It watches the Y.Doc,
 * asks DuckDB's parser (server-side `json_serialize_sql`) which tables and `$parameters` each SQL
 * cell reads, builds the dependency graph, and keeps every cell's result in step with what it
 * depends on:
 *
 *   key(cell) = hash(normalised SQL, bound input values, upstream keys, extract versions)
 *
 * A cell runs when its key differs from the key of its current result, in topological order, so
 * an edit re-runs exactly the edited cell and everything downstream, and undoing an edit reuses
 * the cached result (`__r_<key>` tables stay in DuckDB, least recently used dropped first).
 * A run whose key is no longer wanted (edited again, input changed) is cancelled; its result is
 * ignored by the state machine in `shared/reactivity/cellState.ts`.
 *
 * Results live in DuckDB and this runtime's store, never in the Y.Doc.
 */
import * as Y from 'yjs';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { getNotebookRoots, listCells, readMeta, type CellSnapshot } from '../../shared/schema/notebook.ts';
import { buildGraph, upstreamOf, type CellProblem, type GraphCellInput, type NotebookGraph } from '../../shared/reactivity/graph.ts';
import { errorLine, idleState, isBlankSql, readableEngineError, transitionCell, type CellEvent, type CellRunError, type CellRunState } from '../../shared/reactivity/cellState.ts';
import { notebookNameOf, type SqlAnalysisResult } from '../../shared/reactivity/sqlRefs.ts';
import { bindValues, listParam, toPositionalParams } from '../../shared/reactivity/params.ts';
import { sqlShape } from '../../shared/reactivity/sqlShape.ts';
import { resultKey } from '../../shared/resultCache.ts';
import { defaultInputValue, parseInputSpec } from '../../shared/inputSpec.ts';
import { extractRefName } from '../../shared/extracts.ts';
import type { ExtractProgress } from '../duckdb/extractLoader.ts';
import type { LocalTable } from '../duckdb/localFiles.ts';
import type { EngineProgress } from '../duckdb/duckdbClient.ts';
import { resultTableName, type ColumnInfo, type EngineApi } from './engineApi.ts';
import type { Table } from 'apache-arrow';
import type { SqlTokens } from '../../shared/reactivity/params.ts';
import { mark } from '../duckdb/marks.ts';

export interface CellResultInfo {
  key: string;
  table: string;
  rowCount: number;
  columns: ColumnInfo[];
  /** The first `windowRows` rows in table order, read with the result (the grid shows them at once). */
  firstRows: Table | null;
}

export interface CellRuntimeView {
  state: CellRunState;
  /** The result on screen (kept while a new run is queued, so the grid does not flash). */
  result: CellResultInfo | null;
}

export interface RuntimeSnapshot {
  cells: Record<string, CellRuntimeView>;
  engine: EngineProgress | null;
  extracts: Record<string, ExtractProgress>;
  locals: LocalTable[];
  /** This viewer's input values (name lower-cased -> value); defaults come from the doc. */
  inputs: Record<string, unknown>;
  /** Bumped when tables/columns change (autocomplete refresh). */
  catalogVersion: number;
}

export interface RuntimeDeps {
  doc: Y.Doc;
  analyse(sqls: string[]): Promise<SqlAnalysisResult[]>;
  /** Starts (or returns) the engine; reports loading progress. */
  engine(onProgress: (p: EngineProgress) => void): Promise<EngineApi>;
  /** Loads the extract a ref names into the engine (awaited only to register: the list and cache read go first). */
  loadExtract(ref: string, engine: Promise<EngineApi>, report: (p: ExtractProgress) => void): Promise<ExtractProgress>;
  /** Quiet time after the last edit before a changed cell re-runs. */
  debounceMs?: number;
  now?: () => number;
}

const maxCachedResults = 48;
const noTokens: SqlTokens = { offsets: [], types: [] };

function describeProblem(problem: CellProblem): string {
  switch (problem.kind) {
    case 'cycle': return `cycle: ${problem.names.join(' → ')}`;
    case 'unknownTable': return `unknown table: ${problem.names.join(', ')}`;
    case 'unknownParam': return `unknown input: ${problem.names.join(', ')}`;
    case 'duplicateName': return `duplicate name: ${problem.name}`;
    case 'upstream': return `upstream: ${problem.names.join(', ')}`;
  }
}

export class NotebookRuntime {
  readonly store: StoreApi<RuntimeSnapshot>;
  private readonly deps: RuntimeDeps;
  private readonly analyses = new Map<string, SqlAnalysisResult>();
  /** cellId -> the text of its last successful analysis (what an edit's shape is compared with). */
  private readonly analysedSql = new Map<string, string>();
  private graph: NotebookGraph | null = null;
  private cells: CellSnapshot[] = [];
  private keys = new Map<string, string>();
  private runSeq = 0;
  private running: { cellId: string; key: string; runId: number; fingerprint: string } | null = null;
  private pumping = false;
  private again = false;
  private forced = new Set<string>();
  private api: EngineApi | null = null;
  private enginePromise: Promise<EngineApi> | null = null;
  private extractLoads = new Map<string, Promise<ExtractProgress>>();
  private views = new Map<string, string>(); // cellId -> view name
  /** cellId -> key of its last failed run: not retried until something changes (or Run). */
  private failedKeys = new Map<string, string>();
  private lru: string[] = []; // result tables, most recent last
  /** SQL text -> its tokens (for `$name` rewriting), so an input change does not ask the worker again. */
  private tokens = new Map<string, SqlTokens>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A pass is queued as a microtask (`scheduleNow`). */
  private soon = false;
  private destroyed = false;
  private readonly unobserve: () => void;
  /** Resolves when the runtime is idle (tests and the bench wait on it). */
  private idleWaiters: Array<() => void> = [];

  constructor(deps: RuntimeDeps) {
    this.deps = deps;
    this.store = createStore<RuntimeSnapshot>(() => ({ cells: {}, engine: null, extracts: {}, locals: [], inputs: {}, catalogVersion: 0 }));
    const roots = getNotebookRoots(deps.doc);
    const onCells = () => {
      this.cancelIfStale();
      this.schedule(deps.debounceMs ?? 600);
    };
    const onMeta = () => this.schedule(0);
    roots.cells.observeDeep(onCells);
    roots.meta.observe(onMeta);
    this.unobserve = () => {
      roots.cells.unobserveDeep(onCells);
      roots.meta.unobserve(onMeta);
    };
    this.schedule(0);
  }

  destroy(): void {
    this.destroyed = true;
    this.unobserve();
    if (this.timer) clearTimeout(this.timer);
  }

  // ---- public API ------------------------------------------------------------------------------

  /** Shift+Enter: run this cell now (even if its result is cached) and whatever depends on it. */
  runCell(cellId: string): void {
    this.forced.add(cellId);
    this.scheduleNow();
  }

  /** Run all: every cell, ignoring cached results. */
  runAll(): void {
    for (const c of this.cells) if (c.kind === 'sql') this.forced.add(c.id);
    this.scheduleNow();
  }

  setInputValue(name: string, value: unknown): void {
    const inputs = { ...this.store.getState().inputs, [name.toLowerCase()]: value };
    this.store.setState({ inputs });
    this.cancelIfStale();
    this.scheduleNow();
  }

  getInputValue(name: string): unknown {
    const own = this.store.getState().inputs;
    if (name.toLowerCase() in own) return own[name.toLowerCase()];
    const cell = this.cells.find((c) => c.kind === 'input' && c.name.toLowerCase() === name.toLowerCase());
    // The notebook stores the default (inputs module); a malformed spec binds NULL.
    const parsed = cell ? parseInputSpec(cell.spec) : null;
    return parsed?.ok ? defaultInputValue(parsed.spec) : null;
  }

  /** The engine API, starting the engine if needed. */
  engine(): Promise<EngineApi> {
    this.enginePromise ??= this.deps.engine((p) => this.store.setState({ engine: p })).then((api) => {
      this.api = api;
      return api;
    }, (err: unknown) => {
      this.enginePromise = null;
      throw err;
    });
    return this.enginePromise;
  }

  /** A free query with bound parameters (`$name` or positional), on the side connection. */
  async query(sql: string, params: Record<string, unknown> | unknown[] = []) {
    const api = await this.engine();
    if (Array.isArray(params)) return api.query(sql, params);
    const tokens = await api.tokenize(sql);
    const rewritten = toPositionalParams(sql, tokens);
    const bound = bindValues(rewritten.names, new Map(Object.entries(params)));
    if (!bound.ok) throw new Error(`missing parameters: ${bound.missing.join(', ')}`);
    return api.query(rewritten.sql, bound.values);
  }

  async addLocalTable(register: (api: EngineApi) => Promise<LocalTable>): Promise<LocalTable> {
    const api = await this.engine();
    const table = await register(api);
    const locals = [...this.store.getState().locals.filter((l) => l.name !== table.name), table];
    this.store.setState({ locals, catalogVersion: this.store.getState().catalogVersion + 1 });
    this.schedule(0);
    return table;
  }

  /** `ref` as the notebook lists it (`name` or `name@version`). */
  retryExtract(ref: string): void {
    this.extractLoads.delete(ref);
    this.schedule(0);
  }

  /** Starts loading each ref not loaded yet. Loads are keyed by ref: moving a pin loads that version. */
  private startExtractLoads(refs: readonly string[]): void {
    for (const ref of refs) {
      if (this.extractLoads.has(ref)) continue;
      const load = this.deps.loadExtract(ref, this.engine(), (p) => this.store.setState({ extracts: { ...this.store.getState().extracts, [ref]: p } }));
      this.extractLoads.set(ref, load);
      void load.then(() => {
        this.store.setState({ catalogVersion: this.store.getState().catalogVersion + 1 });
        this.schedule(0);
      });
    }
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.pumping && !this.timer && !this.soon) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cellIdByName(name: string): string | undefined {
    if (name === '') return undefined; // unnamed cells cannot be referred to
    return this.cells.find((c) => c.name.toLowerCase() === name.toLowerCase())?.id;
  }

  // ---- state -----------------------------------------------------------------------------------

  private view(cellId: string): CellRuntimeView {
    return this.store.getState().cells[cellId] ?? { state: idleState, result: null };
  }

  private patch(cellId: string, next: Partial<CellRuntimeView>): void {
    const cells = { ...this.store.getState().cells, [cellId]: { ...this.view(cellId), ...next } };
    this.store.setState({ cells });
  }

  private apply(cellId: string, event: CellEvent): number | null {
    const t = transitionCell(this.view(cellId).state, event);
    if (t.changed) this.patch(cellId, { state: t.state });
    return t.cancel;
  }

  private schedule(delay: number): void {
    if (this.destroyed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, delay);
  }

  /**
   * A person's explicit action (run, run all, an input's new value): plan at the end of this task
   * instead of after a timer, whose hop was a fifth of the time between "run" and the query being
   * posted (bench:query). Supersedes a pending edit debounce: the pass reads the doc as it is.
   */
  private scheduleNow(): void {
    if (this.destroyed) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.soon) return;
    this.soon = true;
    queueMicrotask(() => {
      this.soon = false;
      if (!this.destroyed) void this.pump();
    });
  }

  // ---- the loop --------------------------------------------------------------------------------

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        await this.step();
        // Yield to the event loop between passes so timers, sockets and rendering keep running.
        if (this.again) await new Promise((resolve) => setTimeout(resolve, 0));
      } while (this.again && !this.destroyed);
    } finally {
      this.pumping = false;
      if (!this.timer && !this.soon) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** One pass: read the doc, analyse new SQL, rebuild the graph, run what is out of date. */
  private async step(): Promise<void> {
    this.cells = listCells(this.deps.doc);
    const meta = readMeta(this.deps.doc);
    const blank = new Set(this.cells.filter((c) => c.kind === 'sql' && isBlankSql(c.source)).map((c) => c.id));
    const sqlCells = this.cells.filter((c) => c.kind === 'sql' && !blank.has(c.id));
    const present = new Set(this.cells.map((c) => c.id));
    // Cells that disappeared: drop their views and state.
    for (const [id, name] of [...this.views]) {
      if (!present.has(id) || blank.has(id) || this.cells.find((c) => c.id === id)?.name !== name) {
        this.views.delete(id);
        if (this.api) await this.api.dropView(name).catch(() => undefined);
      }
    }
    // Cells that disappeared or became blank: forget their state and results.
    const cellsState = this.store.getState().cells;
    if (Object.keys(cellsState).some((id) => !present.has(id) || blank.has(id))) {
      this.store.setState({ cells: Object.fromEntries(Object.entries(cellsState).filter(([id]) => present.has(id) && !blank.has(id))) });
    }

    // `meta.extracts` holds refs (`name` or `name@version`); tables are registered under the name.
    const extractRefs = meta.extracts;
    // A notebook with SQL to run will need the engine and the extracts it lists: start them now, so
    // the engine's download and compile, each extract's version list and cache read, and the SQL
    // analysis below overlap instead of following one another (the cold page's first result).
    if (sqlCells.length > 0) {
      this.engine().catch(() => undefined); // a failure is reported below, where the engine is awaited
      this.startExtractLoads(extractRefs);
    }

    if (this.api && !this.running && sqlCells.some((c) => !this.analyses.has(c.source))) await this.reuseAnalyses(this.api, sqlCells);
    const missing = [...new Set(sqlCells.map((c) => c.source).filter((s) => !this.analyses.has(s)))];
    if (missing.length > 0) {
      try {
        const results = await this.deps.analyse(missing);
        mark('analysed');
        missing.forEach((sql, i) => this.analyses.set(sql, results[i]!));
      } catch (err) {
        for (const c of sqlCells) if (!this.analyses.has(c.source)) {
          this.patch(c.id, { state: { status: 'error', runId: ++this.runSeq, error: { message: `could not analyse the SQL: ${(err as Error).message}`, ko: 'SQL을 분석하지 못했습니다 (서버 연결 확인)', line: null } } });
        }
        return;
      }
    }
    for (const id of this.analysedSql.keys()) if (!present.has(id)) this.analysedSql.delete(id);
    for (const c of sqlCells) if (this.analyses.get(c.source)?.ok) this.analysedSql.set(c.id, c.source);
    if (sqlCells.length === 0) return;

    const extractNames = extractRefs.map(extractRefName);
    const localNames = this.store.getState().locals.map((l) => l.name);
    const graphCells: GraphCellInput[] = this.cells.flatMap((c): GraphCellInput[] => {
      if (c.kind === 'input') return [{ id: c.id, kind: 'input', name: c.name, refs: [], params: [] }];
      if (c.kind !== 'sql' || blank.has(c.id)) return [];
      const a = this.analyses.get(c.source);
      const refs = a?.ok ? a.refs.map(notebookNameOf).filter((n): n is string => n !== null) : [];
      return [{ id: c.id, kind: 'sql', name: c.name, refs, params: a?.ok ? a.params : [] }];
    });
    const graph = buildGraph({ cells: graphCells, sources: [...extractNames, ...localNames] });
    this.graph = graph;

    for (const [id, problem] of graph.problems) {
      const cell = this.cells.find((c) => c.id === id);
      if (cell?.kind !== 'sql') continue;
      const cur = this.view(id).state;
      if (cur.status !== 'blocked' || describeProblem(cur.problem) !== describeProblem(problem)) {
        const cancel = this.apply(id, { type: 'block', problem });
        if (cancel !== null && this.running?.runId === cancel) await this.cancelRunning();
        this.patch(id, { result: null });
      }
    }

    // Sources the runnable cells read: start the engine and load the extracts they need.
    const neededSources = new Set(graph.order.flatMap((id) => graph.sources.get(id) ?? []).map((s) => s.toLowerCase()));
    const sqlToRun = graph.order.filter((id) => this.cells.find((c) => c.id === id)?.kind === 'sql');
    if (sqlToRun.length === 0) return;
    let api: EngineApi;
    try {
      api = await this.engine();
    } catch (err) {
      for (const id of sqlToRun) this.patch(id, { state: { status: 'error', runId: ++this.runSeq, error: { message: `the analysis engine did not start: ${(err as Error).message}`, ko: '분석 엔진을 시작하지 못했습니다', line: null } } });
      return;
    }
    this.startExtractLoads(extractRefs.filter((ref) => neededSources.has(extractRefName(ref).toLowerCase())));

    // Keys in topological order; a cell whose inputs are not ready waits (queued) or fails.
    const keys = new Map<string, string>();
    const sourceVersion = (name: string): { ok: true; version: string } | { ok: false; error?: CellRunError } => {
      const lower = name.toLowerCase();
      const local = this.store.getState().locals.find((l) => l.name.toLowerCase() === lower);
      if (local) return { ok: true, version: `local:${local.fingerprint}` };
      const ref = extractRefs.find((r) => extractRefName(r).toLowerCase() === lower);
      const ex = ref === undefined ? undefined : this.store.getState().extracts[ref];
      if (ex?.phase === 'ready' && ex.contentHash) return { ok: true, version: ex.contentHash };
      if (ex?.phase === 'error') {
        return { ok: false, error: { message: `extract ${name} could not be loaded: ${ex.error?.en ?? ''}`, ko: `추출본 ${name}을(를) 불러오지 못했습니다: ${ex.error?.ko ?? ''}`, line: null } };
      }
      return { ok: false };
    };
    const plan: Array<{ id: string; key: string; sql: string; paramNames: string[]; paramValues: unknown[]; wraps: Map<string, string> }> = [];
    for (const id of graph.order) {
      const cell = this.cells.find((c) => c.id === id)!;
      if (cell.kind === 'input') {
        keys.set(id, resultKey({ sql: '', params: { value: this.getInputValue(cell.name) }, upstream: {}, sources: {} }));
        continue;
      }
      const upstream: Record<string, string> = {};
      let blockedBy: string | null = null;
      for (const d of graph.deps.get(id) ?? []) {
        const dep = this.cells.find((c) => c.id === d)!;
        const k = keys.get(d);
        const depState = this.view(d).state;
        if (!k || (dep.kind === 'sql' && (depState.status === 'error' || depState.status === 'blocked'))) blockedBy = dep.name || d;
        else upstream[dep.name || d] = k;
      }
      const sources: Record<string, string> = {};
      let waiting = false;
      let sourceError: CellRunError | null = null;
      for (const s of graph.sources.get(id) ?? []) {
        const v = sourceVersion(s);
        if (v.ok) sources[s] = v.version;
        else if (v.error) sourceError = v.error;
        else waiting = true;
      }
      const analysis = this.analyses.get(cell.source);
      const params: Record<string, unknown> = {};
      for (const p of analysis?.ok ? analysis.params : []) params[p] = this.getInputValue(p);
      if (sourceError) {
        this.patch(id, { state: { status: 'error', runId: ++this.runSeq, error: sourceError }, result: null });
        continue;
      }
      if (blockedBy !== null) {
        if (this.view(id).state.status !== 'blocked') this.apply(id, { type: 'block', problem: { kind: 'upstream', names: [blockedBy] } });
        continue;
      }
      if (waiting) {
        const cur = this.view(id).state;
        if (cur.status !== 'queued') this.apply(id, { type: 'queue', runId: ++this.runSeq });
        continue;
      }
      const key = resultKey({ sql: cell.source, params, upstream, sources });
      keys.set(id, key);
      const view = this.view(id);
      const upToDate = view.result?.key === key && view.state.status === 'done';
      const failedAlready = view.state.status === 'error' && this.failedKeys.get(id) === key;
      if ((upToDate || failedAlready) && !this.forced.has(id)) continue;
      const paramNames = Object.keys(params);
      plan.push({ id, key, sql: cell.source, paramNames, paramValues: paramNames.map((n) => params[n]), wraps: new Map() });
    }
    this.keys = keys;

    // A running cell whose key is no longer wanted: cancel it (its result would be stale).
    if (this.running && keys.get(this.running.cellId) !== this.running.key) await this.cancelRunning();

    for (const item of plan) {
      const cur = this.view(item.id).state;
      if (!(cur.status === 'queued' && this.running?.cellId !== item.id)) this.apply(item.id, { type: 'queue', runId: ++this.runSeq });
    }
    let progressed = false;
    for (const item of plan) {
      // A newer edit arrived: its pending timer re-plans from the doc. Looping here instead would
      // spin on resolved promises and starve that very timer (the page froze at 100% CPU).
      if (this.destroyed || this.timer) return;
      // An upstream cell failed in this pass: this one cannot run.
      const failedDep = (graph.deps.get(item.id) ?? []).find((d) => {
        const st = this.view(d).state.status;
        return st === 'error' || st === 'blocked';
      });
      if (failedDep !== undefined) {
        const dep = this.cells.find((c) => c.id === failedDep);
        this.apply(item.id, { type: 'block', problem: { kind: 'upstream', names: [dep?.name || failedDep] } });
        continue;
      }
      const forced = this.forced.delete(item.id);
      await this.runOne(api, item, forced);
      if (this.view(item.id).state.status === 'done') progressed = true;
    }
    // Cells planned as "upstream failed" whose upstream has just succeeded: plan again.
    if (progressed && graph.order.some((id) => {
      const st = this.view(id).state;
      return st.status === 'blocked' && st.problem.kind === 'upstream';
    })) this.again = true;
  }

  /**
   * What the running cell's result depends on right now: its SQL and, upstream, every cell's SQL
   * and name and every input's value. Compared on each edit, so a stale query is cancelled at
   * once instead of after it finishes.
   */
  private fingerprint(cellId: string): string {
    if (!this.graph) return '';
    const cells = listCells(this.deps.doc);
    const ids = [...upstreamOf(this.graph, cellId), cellId];
    return JSON.stringify(ids.map((id) => {
      const c = cells.find((x) => x.id === id);
      if (!c) return null;
      return c.kind === 'input' ? [c.name, this.getInputValue(c.name)] : [c.name, c.source];
    }));
  }

  private cancelIfStale(): void {
    const r = this.running;
    if (!r || this.destroyed) return;
    if (this.fingerprint(r.cellId) !== r.fingerprint) void this.cancelRunning();
  }

  private async cancelRunning(): Promise<void> {
    const r = this.running;
    if (!r || !this.api) return;
    this.apply(r.cellId, { type: 'cancel', runId: r.runId });
    await this.api.cancel().catch(() => undefined);
  }

  private async runOne(api: EngineApi, item: { id: string; key: string; sql: string; paramNames: string[]; paramValues: unknown[] }, forced: boolean): Promise<void> {
    const state = this.view(item.id).state;
    const runId = state.status === 'queued' ? state.runId : ++this.runSeq;
    const now = this.deps.now ?? (() => performance.now());
    const table = resultTableName(item.key);
    const cell = this.cells.find((c) => c.id === item.id);
    const viewName = cell?.name ? cell.name : null;
    // The run's bookkeeping (status "running", what a stale edit cancels) comes right AFTER the
    // engine has its message, in the same task: the engine starts sooner, and nothing can happen
    // in between. With no await before the message (unless the tokenizer must be asked), React's
    // render of the new status overlaps the query instead of delaying it.
    let begun = false;
    const begin = () => {
      if (begun) return;
      begun = true;
      if (state.status !== 'queued') this.apply(item.id, { type: 'queue', runId });
      this.apply(item.id, { type: 'start', runId, at: now() });
      this.running = { cellId: item.id, key: item.key, runId, fingerprint: this.fingerprint(item.id) };
    };
    try {
      // A cached result table: one exchange shows it; if it has gone (dropped elsewhere), run.
      const cached = !forced && this.lru.includes(table) ? api.present(table, viewName).catch(() => null) : null;
      if (cached) begin();
      let shown = cached ? await cached : null;
      if (!shown) {
        let tokens = item.paramNames.length === 0 ? noTokens : this.tokens.get(item.sql);
        if (!tokens) {
          begin();
          tokens = await this.tokenize(api, item.sql);
        }
        const { sql, params } = this.bind(item, tokens);
        const running = api.run(table, sql, params, viewName);
        begin();
        shown = await running;
        if (!this.isCurrentRun(item.id, runId)) return; // superseded while it ran: not shown (the table stays cached)
      }
      this.touch(table);
      if (viewName) this.views.set(item.id, viewName);
      mark('first-result');
      const { rowCount, columns, firstRows } = shown;
      // One store update (one React commit): status, result with its first rows, catalog version.
      const t = transitionCell(this.view(item.id).state, { type: 'finish', runId, at: now(), rowCount, resultKey: item.key });
      const st = this.store.getState();
      this.store.setState({
        cells: { ...st.cells, [item.id]: { state: t.state, result: { key: item.key, table, rowCount, columns, firstRows } } },
        catalogVersion: st.catalogVersion + 1,
      });
      await this.evict(api);
    } catch (err) {
      begin();
      const message = readableEngineError(err instanceof Error ? err.message : String(err));
      const cancelled = /interrupt|query was canceled/i.test(message);
      if (cancelled) this.apply(item.id, { type: 'cancel', runId });
      else {
        this.failedKeys.set(item.id, item.key);
        this.apply(item.id, { type: 'fail', runId, error: { message, line: errorLine(message, 1) } });
      }
    } finally {
      if (this.running?.runId === runId) this.running = null;
    }
  }

  private isCurrentRun(cellId: string, runId: number): boolean {
    const st = this.view(cellId).state;
    return st.status === 'running' && st.runId === runId;
  }

  /**
   * An edit that changed only numbers or comments keeps the cell's analysis (`sqlShape`): the
   * engine's tokenizer (a worker message) instead of the server's parser (an HTTP round trip,
   * 5-15 ms while the page is busy with the edit). Asked only while no query holds the worker.
   */
  private async reuseAnalyses(api: EngineApi, sqlCells: ReadonlyArray<{ id: string; source: string }>): Promise<void> {
    await Promise.all(sqlCells.map(async (c) => {
      const before = this.analysedSql.get(c.id);
      const known = before === undefined ? undefined : this.analyses.get(before);
      if (!known?.ok || this.analyses.has(c.source)) return;
      try {
        const [was, now] = await Promise.all([this.tokens.get(before!) ?? this.tokenize(api, before!), this.tokens.get(c.source) ?? this.tokenize(api, c.source)]);
        const shape = sqlShape(c.source, now);
        if (shape !== null && shape === sqlShape(before!, was)) {
          this.analyses.set(c.source, known);
          this.analysedSql.set(c.id, c.source);
        }
      } catch {
        // the server is asked instead
      }
    }));
  }

  /** Tokens for `$name` rewriting; they depend on the text only, so an input change does not ask again. */
  private async tokenize(api: EngineApi, sql: string): Promise<SqlTokens> {
    const tokens = await api.tokenize(sql);
    if (this.tokens.size >= 64) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(sql, tokens);
    return tokens;
  }

  /** The cell's SQL with `$name` parameters made positional (list values spliced as lists) and their values. */
  private bind(item: { sql: string; paramNames: string[]; paramValues: unknown[] }, tokens: SqlTokens): { sql: string; params: unknown[] } {
    const values = new Map(item.paramNames.map((n, i) => [n, item.paramValues[i]]));
    const listValues = new Map<string, string>();
    const rewritten = toPositionalParams(item.sql.replace(/;\s*$/, ''), tokens, (name, ref) => {
      const v = values.get(name);
      if (!Array.isArray(v)) return ref;
      const lp = listParam(v, ref);
      listValues.set(name, lp.value);
      return lp.sql;
    });
    const bound = bindValues(rewritten.names, new Map([...values].map(([k, v]) => [k, listValues.get(k) ?? normaliseParam(v)])));
    if (!bound.ok) throw new Error(`missing input: ${bound.missing.map((m) => `$${m}`).join(', ')}`);
    return { sql: rewritten.sql, params: bound.values };
  }

  private touch(table: string): void {
    this.lru = [...this.lru.filter((t) => t !== table), table];
  }

  private async evict(api: EngineApi): Promise<void> {
    const inUse = new Set(Object.values(this.store.getState().cells).map((c) => c.result?.table).filter(Boolean));
    while (this.lru.length > maxCachedResults) {
      const victim = this.lru.find((t) => !inUse.has(t));
      if (!victim) break;
      this.lru = this.lru.filter((t) => t !== victim);
      await api.dropTable(victim).catch(() => undefined);
    }
  }
}

/** Values DuckDB-WASM can bind: numbers, strings, booleans, null (dates go as ISO text). */
function normaliseParam(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return v;
}

export { describeProblem };
export type { Y };
