/**
 * The runtime as React sees it. `createNotebookRuntime(doc)` wires the real parts (server-side
 * SQL analysis, lazily loaded DuckDB-WASM, extract loader); `RuntimeProvider` puts one in
 * context. Hooks for cells and charts/inputs (H10's contract):
 *
 *   useCellResult(cellNameOrId) -> { status, state, result, table, rowCount, columns, error, elapsedMs }
 *   useRuntime() -> { query(sql, params), setInputValue(name, value), getInputValue(name), runCell, runAll, ... }
 *
 * `table` is an apache-arrow Table of the cell's result (at most `chartRowLimit` rows), fetched
 * only when a component asks for it; the grid reads windows itself.
 */
import { createContext, createElement, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type * as Y from 'yjs';
import type { Table } from 'apache-arrow';
import { z } from 'zod';
import { request } from '../api/http.ts';
import type { SqlAnalysisResult } from '../../shared/reactivity/sqlRefs.ts';
import type { CellRunState } from '../../shared/reactivity/cellState.ts';
import { NotebookRuntime, type CellResultInfo, type RuntimeSnapshot } from './scheduler.ts';
import { engineApi, type EngineApi } from './engineApi.ts';
import { loadExtract } from '../duckdb/extractLoader.ts';

export const chartRowLimit = 100_000;

const analysisSchema = z.object({ results: z.array(z.any()) });

export async function analyseOnServer(sqls: string[]): Promise<SqlAnalysisResult[]> {
  const res = await request('/api/sql/analyse', { method: 'POST', body: { sql: sqls }, schema: analysisSchema });
  return res.results as SqlAnalysisResult[];
}

export function createNotebookRuntime(doc: Y.Doc): NotebookRuntime {
  return new NotebookRuntime({
    doc,
    analyse: analyseOnServer,
    async engine(onProgress) {
      const { getEngine } = await import('../duckdb/duckdbClient.ts');
      return engineApi(await getEngine(onProgress));
    },
    loadExtract: (ref, api, report) => loadExtract(ref, api, report),
  });
}

const RuntimeContext = createContext<NotebookRuntime | null>(null);

/** `runtime` may be null while it is being created: cells render without outputs until then. */
export function RuntimeProvider({ runtime, children }: { runtime: NotebookRuntime | null; children: ReactNode }) {
  useEffect(() => {
    if (!runtime) return;
    // Tests and the benchmark drive the runtime from outside (never used by the app itself).
    (window as unknown as { __madangRuntime?: NotebookRuntime }).__madangRuntime = runtime;
  }, [runtime]);
  return createElement(RuntimeContext.Provider, { value: runtime }, children);
}

export function useRuntimeInstance(): NotebookRuntime | null {
  return useContext(RuntimeContext);
}

const emptySnapshot: RuntimeSnapshot = { cells: {}, engine: null, extracts: {}, locals: [], inputs: {}, catalogVersion: 0 };
const fallbackStore = { getState: () => emptySnapshot, getInitialState: () => emptySnapshot, setState: () => undefined, subscribe: () => () => undefined };

export function useRuntimeSnapshot<T>(select: (s: RuntimeSnapshot) => T): T {
  const runtime = useContext(RuntimeContext);
  return useStore(runtime?.store ?? fallbackStore, select);
}

export interface RuntimeApi {
  query(sql: string, params?: Record<string, unknown> | unknown[]): Promise<Table>;
  setInputValue(name: string, value: unknown): void;
  getInputValue(name: string): unknown;
  runCell(cellId: string): void;
  runAll(): void;
  engine(): Promise<EngineApi>;
}

export function useRuntime(): RuntimeApi {
  const runtime = useContext(RuntimeContext);
  // Re-render when this viewer's input values change, so getInputValue is current.
  useRuntimeSnapshot((s) => s.inputs);
  if (!runtime) throw new Error('useRuntime outside RuntimeProvider');
  return {
    query: (sql, params) => runtime.query(sql, params),
    setInputValue: (name, value) => runtime.setInputValue(name, value),
    getInputValue: (name) => runtime.getInputValue(name),
    runCell: (id) => runtime.runCell(id),
    runAll: () => runtime.runAll(),
    engine: () => runtime.engine(),
  };
}

export interface CellResult {
  status: CellRunState['status'];
  state: CellRunState;
  result: CellResultInfo | null;
  /** The result rows as Arrow (up to `chartRowLimit`), loaded on first use; null until then. */
  table: Table | null;
  rowCount: number | null;
  columns: CellResultInfo['columns'];
  error: string | null;
  elapsedMs: number | null;
}

/** A cell's result by id or by name (names are case-insensitive). */
export function useCellResult(cellNameOrId: string, options: { withTable?: boolean } = { withTable: true }): CellResult {
  const runtime = useContext(RuntimeContext);
  const view = useRuntimeSnapshot((s) => {
    const direct = s.cells[cellNameOrId];
    if (direct) return direct;
    const id = runtime?.cellIdByName(cellNameOrId);
    return id ? s.cells[id] : undefined;
  });
  const result = view?.result ?? null;
  const [table, setTable] = useState<{ key: string; table: Table } | null>(null);
  const key = result?.key ?? null;
  const withTable = options.withTable !== false;
  // A result whose first window holds every row needs no second read.
  const complete = result?.firstRows && result.firstRows.numRows === result.rowCount ? result.firstRows : null;
  useEffect(() => {
    if (!runtime || !result || !withTable || complete) return;
    let live = true;
    void runtime.engine().then((api) => api.window(result.table, { offset: 0, limit: chartRowLimit })).then((t) => {
      if (live) setTable({ key: result.key, table: t });
    }, () => undefined);
    return () => {
      live = false;
    };
    // The table changes exactly when the result key does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runtime, key, withTable]);
  const state: CellRunState = view?.state ?? { status: 'idle' };
  return {
    status: state.status,
    state,
    result,
    table: complete && withTable ? complete : table && table.key === key ? table.table : null,
    rowCount: result?.rowCount ?? null,
    columns: result?.columns ?? [],
    error: state.status === 'error' ? state.error.message : null,
    elapsedMs: state.status === 'done' ? state.elapsedMs : null,
  };
}

export type { NotebookRuntime };
