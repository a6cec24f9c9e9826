/** The row of controls above a cell: kind, name (SQL), move, delete, add below. */
import { useTranslation } from 'react-i18next';
import type { CellKind } from '../../../shared/schema/notebook.ts';
import { CellNameField } from './CellNameField.tsx';

export interface CellToolbarProps {
  cellId: string;
  kind: CellKind;
  name: string;
  index: number;
  count: number;
  readOnly: boolean;
  onKindChange(kind: CellKind): void;
  onNameCommit(name: string): void;
  onMove(step: -1 | 1): void;
  onDelete(): void;
  onAddBelow(kind: 'markdown' | 'sql'): void;
}

export function CellToolbar(p: CellToolbarProps) {
  const { t } = useTranslation('notebook');
  const kindLabel = t(`kind_${p.kind}`);
  if (p.readOnly) {
    return (
      <div className="cell-toolbar is-readonly">
        <span className="cell-kind-label">{kindLabel}</span>
        {(p.kind === 'sql' || p.kind === 'input') && <CellNameField cellId={p.cellId} name={p.name} readOnly onCommit={p.onNameCommit} />}
      </div>
    );
  }
  return (
    <div className="cell-toolbar" role="toolbar" aria-label={t('cellLabel', { index: p.index + 1, kind: kindLabel })}>
      {p.kind === 'markdown' || p.kind === 'sql' ? (
        <select
          className="cell-kind-select"
          data-testid="cell-kind"
          aria-label={t('kindSwitch')}
          value={p.kind}
          onChange={(e) => p.onKindChange(e.target.value as CellKind)}
        >
          <option value="markdown">{t('kind_markdown')}</option>
          <option value="sql">{t('kind_sql')}</option>
        </select>
      ) : (
        <span className="cell-kind-label">{kindLabel}</span>
      )}
      {(p.kind === 'sql' || p.kind === 'input') && <CellNameField cellId={p.cellId} name={p.name} readOnly={false} onCommit={p.onNameCommit} />}
      <span className="toolbar-spacer" />
      <button type="button" className="icon-button" data-testid="cell-move-up" aria-label={t('moveUp')} title={t('moveUp')} disabled={p.index === 0} onClick={() => p.onMove(-1)}>↑</button>
      <button type="button" className="icon-button" data-testid="cell-move-down" aria-label={t('moveDown')} title={t('moveDown')} disabled={p.index === p.count - 1} onClick={() => p.onMove(1)}>↓</button>
      <button type="button" className="icon-button" data-testid="add-markdown-below" aria-label={t('addMarkdownBelow')} title={t('addMarkdownBelow')} onClick={() => p.onAddBelow('markdown')}>+ {t('kind_markdown')}</button>
      <button type="button" className="icon-button" data-testid="add-sql-below" aria-label={t('addSqlBelow')} title={t('addSqlBelow')} onClick={() => p.onAddBelow('sql')}>+ SQL</button>
      <button type="button" className="icon-button danger" data-testid="cell-delete" aria-label={t('deleteCell')} title={t('deleteCell')} onClick={p.onDelete}>×</button>
    </div>
  );
}
