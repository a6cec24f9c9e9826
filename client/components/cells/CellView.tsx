/**
 * One cell: its toolbar, its body by kind, who else is in it, and the drag handle. The section
 * itself is focusable: focus on it is "command mode" for this cell; focus inside its editor is
 * "edit mode" (see NotebookView's key handling).
 */
import { forwardRef, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import type { Peer } from '../../sync/peers.ts';
import type { CellSummary } from '../notebook/useCells.ts';
import { CellToolbar, type CellToolbarProps } from './CellToolbar.tsx';
import { MarkdownCell, type MarkdownCellProps } from './MarkdownCell.tsx';
import { ChartCell } from './ChartCell.tsx';
import { InputCell } from './InputCell.tsx';

/**
 * Renders a SQL cell's body: the editor and, on the real page, its output (the page passes Monaco
 * wired to the runtime; tests pass a plain one).
 */
export type RenderSqlEditor = (props: { cellId: string; cellName: string; ytext: Y.Text; readOnly: boolean; ariaLabel: string }) => ReactNode;

/**
 * The page's props that the toolbar and the Markdown body take as they are (declared once, there);
 * the cell's own fields (id, kind, name, text) come from `cell` and `ytext`.
 */
type PassedThrough = Omit<CellToolbarProps, 'cellId' | 'kind' | 'name'> & Omit<MarkdownCellProps, 'ytext'>;

export interface CellViewProps extends PassedThrough {
  cell: CellSummary;
  ytext: Y.Text | undefined;
  isSelected: boolean;
  peers: Peer[];
  /** Names of the notebook's SQL cells (a chart picks its data from them). */
  sqlNames: readonly string[];
  dropIndicator: 'before' | 'after' | null;
  renderSqlEditor: RenderSqlEditor;
  onSelect(): void;
  onSpecChange(spec: unknown): void;
  onDragStart(e: DragEvent): void;
  onDragEnd(): void;
  onDragOver(e: DragEvent<HTMLElement>): void;
  onDrop(e: DragEvent): void;
}

export const CellView = forwardRef<HTMLElement, CellViewProps>(function CellView(p, ref) {
  const { t } = useTranslation('notebook');
  const { cell } = p;
  const kindLabel = t(`kind_${cell.kind}`);
  const classes = ['cell', `cell-${cell.kind}`];
  if (p.isSelected) classes.push('is-selected');
  if (p.isEditing) classes.push('is-editing');
  if (p.dropIndicator) classes.push(`drop-${p.dropIndicator}`);
  const edgeColor = p.peers[0]?.color;

  let body: ReactNode;
  if (!p.ytext && (cell.kind === 'markdown' || cell.kind === 'sql')) body = null;
  else if (cell.kind === 'markdown') {
    body = <MarkdownCell {...p} ytext={p.ytext!} />;
  } else if (cell.kind === 'sql') {
    body = <div className="sql-cell">{p.renderSqlEditor({ cellId: cell.id, cellName: cell.name, ytext: p.ytext!, readOnly: p.readOnly, ariaLabel: cell.name || kindLabel })}</div>;
  } else if (cell.kind === 'chart') {
    body = <ChartCell spec={cell.spec} readOnly={p.readOnly} sqlNames={p.sqlNames} onSpecChange={p.readOnly ? undefined : p.onSpecChange} />;
  } else {
    body = <InputCell name={cell.name} spec={cell.spec} readOnly={p.readOnly} onSpecChange={p.readOnly ? undefined : p.onSpecChange} />;
  }

  return (
    <section
      ref={ref}
      className={classes.join(' ')}
      data-testid="cell"
      data-cell-id={cell.id}
      data-kind={cell.kind}
      data-cell-index={p.index}
      tabIndex={0}
      aria-label={t('cellLabel', { index: p.index + 1, kind: kindLabel })}
      aria-current={p.isSelected ? 'true' : undefined}
      style={edgeColor ? ({ '--peer-color': edgeColor } as React.CSSProperties) : undefined}
      onMouseDown={p.onSelect}
      onDragOver={p.onDragOver}
      onDrop={p.onDrop}
    >
      <div className="cell-gutter">
        {!p.readOnly && (
          <span
            className="drag-handle"
            data-testid="cell-drag-handle"
            draggable
            role="img"
            aria-label={t('dragHandle')}
            title={t('dragHandle')}
            onDragStart={p.onDragStart}
            onDragEnd={p.onDragEnd}
          >
            ⋮⋮
          </span>
        )}
        <div className="cell-presence-list">
          {p.peers.map((peer) => (
            <span
              key={peer.clientId}
              className="cell-presence"
              data-testid="cell-presence"
              data-user-name={peer.name}
              style={{ background: peer.color }}
              title={t('inCell', { name: peer.name })}
              aria-label={t('inCell', { name: peer.name })}
              role="img"
            />
          ))}
        </div>
      </div>
      <div className="cell-main">
        <CellToolbar {...p} cellId={cell.id} kind={cell.kind} name={cell.name} />
        <div className="cell-body">{body}</div>
      </div>
    </section>
  );
});
