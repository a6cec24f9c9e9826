/**
 * A virtualised result grid. Rows have a fixed height; only the visible window (plus a margin) is
 * in the DOM, and rows come from DuckDB in blocks (`LIMIT/OFFSET` over the cell's result table),
 * so a 1,000,000- or 10,000,000-row result scrolls like a small one. Beyond what a browser can
 * make tall (a few million pixels), scroll position maps to a row proportionally.
 *
 * Header: column name and DuckDB type; a click sorts (re-query with ORDER BY: asc, desc, off).
 * Click selects a cell, Shift+click a range, Ctrl/Cmd+C copies it as tab-separated text.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import type { Table } from 'apache-arrow';
import { windowRows, type ColumnInfo, type EngineApi, type WindowRequest } from '../../runtime/engineApi.ts';
import { useOutputText } from './outputText.ts';
import { pushToast } from '../../state/toastStore.ts';

export const rowHeight = 26;
const blockSize = windowRows; // block 0 arrives with the run's result
const maxBlocks = 24;
const maxSpacer = 4_000_000; // px; browsers clamp element heights a little above 33M
const viewportMax = 360;

type Row = unknown[];

export interface ResultGridProps {
  table: string;
  rowCount: number;
  columns: ColumnInfo[];
  /** The run's first window (`windowRows` rows, unsorted); a new object for every run. */
  firstRows: Table | null;
  engine: () => Promise<EngineApi>;
  orderBy: WindowRequest['orderBy'];
  onSort(orderBy: WindowRequest['orderBy']): void;
}

/** A clipboard holds text: past this many rows the person is pointed to the downloads. */
const copyRowLimit = 100_000;

/** How a value appears in the grid and in copied text. */
export function formatCell(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type === 'DATE' && (typeof value === 'number' || value instanceof Date)) return new Date(value).toISOString().slice(0, 10);
  if (type.startsWith('TIMESTAMP') && (typeof value === 'number' || value instanceof Date)) return new Date(value).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object' && value !== null && 'toJSON' in value) return JSON.stringify((value as { toJSON(): unknown }).toJSON());
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function rowsOf(t: Table): Row[] {
  const cols = Array.from({ length: t.numCols }, (_, i) => t.getChildAt(i));
  const out: Row[] = [];
  for (let r = 0; r < t.numRows; r++) out.push(cols.map((c) => c?.get(r)));
  return out;
}

/**
 * A block of rows read out of Arrow as they are shown: a block holds 200 rows and the grid
 * shows about 15, and reading every value of the block (strings decoded one by one) was part of
 * the time between a result's arrival and its first row on screen.
 */
class BlockRows {
  private readonly cols;
  private readonly rows: Array<Row | undefined>;
  constructor(table: Table) {
    this.cols = Array.from({ length: table.numCols }, (_, i) => table.getChildAt(i));
    this.rows = new Array<Row | undefined>(table.numRows);
  }
  row(i: number): Row | undefined {
    if (i < 0 || i >= this.rows.length) return undefined;
    return (this.rows[i] ??= this.cols.map((c) => c?.get(i)));
  }
}

const generations = new WeakMap<Table, number>();
let nextGeneration = 1;

/** A number per first-rows object: which run's result the grid shows (0: none handed over). */
function generationOf(rows: Table | null): number {
  if (!rows) return 0;
  let g = generations.get(rows);
  if (g === undefined) generations.set(rows, (g = nextGeneration++));
  return g;
}

/** First visible row for a scroll position (proportional when the spacer is capped). */
export function firstRowAt(scrollTop: number, rowCount: number, viewport: number): { first: number; spacer: number } {
  const natural = rowCount * rowHeight;
  const spacer = Math.min(natural, maxSpacer);
  if (natural <= maxSpacer) return { first: Math.floor(scrollTop / rowHeight), spacer };
  const visible = Math.ceil(viewport / rowHeight);
  const ratio = spacer - viewport > 0 ? scrollTop / (spacer - viewport) : 0;
  return { first: Math.min(rowCount - visible, Math.max(0, Math.floor(ratio * (rowCount - visible)))), spacer };
}

export const ResultGrid = memo(function ResultGrid({ table, rowCount, columns, firstRows, engine, orderBy, onSort }: ResultGridProps) {
  const { t } = useOutputText();
  const scroller = useRef<HTMLDivElement>(null);
  const orderKey = orderBy ? `${orderBy.column}:${orderBy.descending}` : '';
  // Every run hands over its own first rows, also under an unchanged result key (`random()`,
  // `USING SAMPLE` give other rows): they mark a new result, so rows cached from an earlier run
  // of the same key are never shown beside the new row count.
  const cacheKey = `${table}|${orderKey}|${generationOf(firstRows)}`;
  // Rows are cached per (result, order): a new order never shows the previous order's rows.
  const cache = useRef<{ key: string; blocks: Map<number, BlockRows>; inFlight: Set<number> }>({ key: '', blocks: new Map(), inFlight: new Set() });
  if (cache.current.key !== cacheKey) {
    cache.current = { key: cacheKey, blocks: new Map(), inFlight: new Set() };
    // The run read the first rows with its result: shown in the same commit as the "done" status.
    if (firstRows && orderKey === '') cache.current.blocks.set(0, new BlockRows(firstRows));
  }
  const [, setVersion] = useState(0);
  // Scroll position and selection belong to the result they were made on: a new result or order
  // starts at the top with nothing selected, in its first render (no second render or commit).
  const [scrolled, setScrolled] = useState({ key: cacheKey, top: 0 });
  const scrollTop = scrolled.key === cacheKey ? scrolled.top : 0;
  const [selected, setSelected] = useState<{ key: string; r0: number; c0: number; r1: number; c1: number } | null>(null);
  const selection = selected && selected.key === cacheKey ? selected : null;
  const viewport = Math.min(viewportMax, Math.max(rowHeight, rowCount * rowHeight));
  const { first, spacer } = firstRowAt(scrollTop, rowCount, viewport);
  const visibleCount = Math.min(rowCount - first, Math.ceil(viewport / rowHeight) + 1);

  // The body's scroll offset as last reported by its scroll events: reading `scrollTop` here
  // would force a synchronous layout of the whole page in every run's commit (bench:query).
  const domScrollTop = useRef(0);
  useLayoutEffect(() => {
    if (scroller.current && domScrollTop.current !== 0) {
      scroller.current.scrollTop = 0;
      domScrollTop.current = 0;
    }
  }, [cacheKey]);

  const load = useCallback((block: number) => {
    const c = cache.current;
    if (c.blocks.has(block) || c.inFlight.has(block)) return;
    c.inFlight.add(block);
    void engine()
      .then((api) => api.window(table, { offset: block * blockSize, limit: blockSize, orderBy }))
      .then((result) => {
        if (cache.current !== c) return; // the result or the order changed meanwhile
        c.blocks.set(block, new BlockRows(result));
        while (c.blocks.size > maxBlocks) c.blocks.delete(c.blocks.keys().next().value!);
        setVersion((v) => v + 1);
      }, () => undefined)
      .finally(() => c.inFlight.delete(block));
  }, [engine, table, orderBy]);

  useEffect(() => {
    if (rowCount === 0) return;
    const last = Math.min(rowCount - 1, first + visibleCount);
    for (let b = Math.floor(first / blockSize); b <= Math.floor(last / blockSize); b++) load(b);
  });

  const rowAt = (r: number): Row | undefined => cache.current.blocks.get(Math.floor(r / blockSize))?.row(r % blockSize);
  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    domScrollTop.current = e.currentTarget.scrollTop;
    setScrolled({ key: cacheKey, top: e.currentTarget.scrollTop });
  };

  const copySelection = async () => {
    if (!selection) return;
    const r0 = Math.min(selection.r0, selection.r1);
    const r1 = Math.max(selection.r0, selection.r1);
    const c0 = Math.min(selection.c0, selection.c1);
    const c1 = Math.max(selection.c0, selection.c1);
    const api = await engine();
    const wanted = r1 - r0 + 1;
    const rows = rowsOf(await api.window(table, { offset: r0, limit: Math.min(wanted, copyRowLimit), orderBy }));
    const lines = rows.map((row) => row.slice(c0, c1 + 1).map((v, i) => formatCell(v, columns[c0 + i]?.type ?? '')).join('\t'));
    if (r0 !== r1 || c0 !== c1) lines.unshift(columns.slice(c0, c1 + 1).map((c) => c.name).join('\t'));
    await navigator.clipboard?.writeText(lines.join('\n'));
    if (wanted > copyRowLimit) {
      const n = copyRowLimit.toLocaleString('ko-KR');
      pushToast({
        kind: 'notice',
        title: { ko: `처음 ${n}행만 복사했습니다`, en: `Copied the first ${copyRowLimit.toLocaleString('en')} rows only` },
        detail: { ko: '전체 결과는 CSV나 Parquet으로 내려받으세요.', en: 'Download the whole result as CSV or Parquet.' },
      });
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c' && selection) {
      e.preventDefault();
      void copySelection();
    }
  };

  const sortNext = (column: string) => {
    if (!orderBy || orderBy.column !== column) onSort({ column, descending: false });
    else if (!orderBy.descending) onSort({ column, descending: true });
    else onSort(null);
  };

  const template = useMemo(() => `repeat(${columns.length}, minmax(7rem, 1fr))`, [columns.length]);
  const inSel = (r: number, c: number) => selection !== null
    && r >= Math.min(selection.r0, selection.r1) && r <= Math.max(selection.r0, selection.r1)
    && c >= Math.min(selection.c0, selection.c1) && c <= Math.max(selection.c0, selection.c1);

  const offsetTop = rowCount * rowHeight <= maxSpacer ? first * rowHeight : scrollTop;
  return (
    <div className="result-grid" data-testid="result-grid" data-row-count={rowCount} role="grid" aria-rowcount={rowCount + 1} aria-colcount={columns.length} tabIndex={0} onKeyDown={onKeyDown} title={t('copyHint')}>
      <div className="result-grid-header" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <button key={c.name} type="button" role="columnheader" className="result-grid-th" title={t('sortHint')} data-testid="result-grid-th"
            aria-sort={orderBy?.column === c.name ? (orderBy.descending ? 'descending' : 'ascending') : 'none'} onClick={() => sortNext(c.name)}>
            <span className="result-grid-name">{c.name}{orderBy?.column === c.name ? (orderBy.descending ? ' ▼' : ' ▲') : ''}</span>
            <span className="result-grid-type">{c.type}</span>
          </button>
        ))}
      </div>
      <div ref={scroller} className="result-grid-body" data-testid="result-grid-body" style={{ height: viewport, overflowY: 'auto', position: 'relative' }} onScroll={onScroll}>
        <div style={{ height: spacer, position: 'relative' }}>
          <div style={{ position: 'absolute', top: offsetTop, left: 0, right: 0 }}>
            {Array.from({ length: Math.max(0, visibleCount) }, (_, i) => {
              const r = first + i;
              const row = rowAt(r);
              return (
                <div key={r} role="row" aria-rowindex={r + 2} className="result-grid-row" data-testid="result-grid-row" data-row={r} style={{ gridTemplateColumns: template, height: rowHeight }}>
                  {columns.map((c, ci) => {
                    const value = row?.[ci];
                    const shown = row ? formatCell(value, c.type) : '…';
                    return (
                      <div key={c.name} role="gridcell" className={`result-grid-td${value === null || value === undefined ? ' is-null' : ''}${inSel(r, ci) ? ' is-selected' : ''}${typeof value === 'number' ? ' is-number' : ''}`}
                        onMouseDown={(e) => setSelected((s) => (e.shiftKey && s && s.key === cacheKey ? { ...s, r1: r, c1: ci } : { key: cacheKey, r0: r, c0: ci, r1: r, c1: ci }))}>
                        {shown}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
});
