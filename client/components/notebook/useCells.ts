/**
 * React reads the notebook's cells straight from the Y.Doc: `useCells(doc)` subscribes with
 * `observeDeep` and returns the cells in visible order. Typing inside a cell changes its text but
 * not this list, so the previous array is kept (same reference) and the list does not re-render;
 * each cell subscribes to its own text with `useYText`.
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import * as Y from 'yjs';
import { getCell, getNotebookRoots, isCellKind, orderedCellIds, readMeta, type CellKind } from '../../../shared/schema/notebook.ts';

/** What the cell list needs to draw a cell; the text itself is read by the cell. */
export interface CellSummary {
  id: string;
  kind: CellKind;
  name: string;
  spec: unknown | null;
}

export function readCellSummaries(doc: Y.Doc): CellSummary[] {
  const out: CellSummary[] = [];
  for (const id of orderedCellIds(doc)) {
    const cell = getCell(doc, id);
    if (!cell) continue;
    const kind = cell.get('kind');
    const name = cell.get('name');
    const spec = cell.get('spec');
    out.push({
      id,
      kind: isCellKind(kind) ? kind : 'markdown',
      name: typeof name === 'string' ? name : '',
      spec: spec === undefined ? null : spec,
    });
  }
  return out;
}

function isSameSummary(a: CellSummary, b: CellSummary): boolean {
  return a.id === b.id && a.kind === b.kind && a.name === b.name && (a.spec === b.spec || JSON.stringify(a.spec) === JSON.stringify(b.spec));
}

/** Keeps `prev` when nothing the list shows changed, so React skips the re-render. */
export function keepIfSame(prev: CellSummary[], next: CellSummary[]): CellSummary[] {
  if (prev.length !== next.length) return next;
  for (let i = 0; i < next.length; i++) if (!isSameSummary(prev[i], next[i])) return next;
  return prev;
}

export function useCells(doc: Y.Doc): CellSummary[] {
  const cache = useRef<{ doc: Y.Doc; cells: CellSummary[] } | null>(null);
  const subscribe = useCallback((onChange: () => void) => {
    const { cells } = getNotebookRoots(doc);
    const handler = () => {
      const prev = cache.current?.doc === doc ? cache.current.cells : [];
      const next = keepIfSame(prev, readCellSummaries(doc));
      if (next !== prev) {
        cache.current = { doc, cells: next };
        onChange();
      }
    };
    cells.observeDeep(handler);
    return () => cells.unobserveDeep(handler);
  }, [doc]);
  const getSnapshot = () => {
    if (cache.current?.doc !== doc) cache.current = { doc, cells: readCellSummaries(doc) };
    return cache.current.cells;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}

/** The current string of a Y.Text, re-rendering when it changes (local or remote). */
export function useYText(ytext: Y.Text | undefined): string {
  const subscribe = useCallback((onChange: () => void) => {
    if (!ytext) return () => {};
    ytext.observe(onChange);
    return () => ytext.unobserve(onChange);
  }, [ytext]);
  return useSyncExternalStore(subscribe, () => ytext?.toString() ?? '');
}

/** The notebook title from `meta.title`. */
export function useNotebookTitle(doc: Y.Doc): string {
  const subscribe = useCallback((onChange: () => void) => {
    const { meta } = getNotebookRoots(doc);
    meta.observe(onChange);
    return () => meta.unobserve(onChange);
  }, [doc]);
  return useSyncExternalStore(subscribe, () => readMeta(doc).title);
}
