/** The thin "add cell" bar between cells (and at the end): shows its buttons on hover or focus. */
import { useTranslation } from 'react-i18next';
import type { CellKind } from '../../../shared/schema/notebook.ts';

const kinds: { kind: CellKind; label: string }[] = [
  { kind: 'markdown', label: 'addMarkdown' },
  { kind: 'sql', label: 'addSql' },
  { kind: 'chart', label: 'addChart' },
  { kind: 'input', label: 'addInput' },
];

export function AddCellBar({ onAdd, testId }: { onAdd(kind: CellKind): void; testId?: string }) {
  const { t } = useTranslation('notebook');
  return (
    <div className="add-cell-bar" data-testid={testId ?? 'add-cell-bar'}>
      <span className="add-cell-line" aria-hidden="true" />
      {kinds.map(({ kind, label }) => (
        <button key={kind} type="button" className="add-cell-button" data-kind={kind} onClick={() => onAdd(kind)} aria-label={`${t('addCell')}: ${t(label)}`}>
          + {t(label)}
        </button>
      ))}
      <span className="add-cell-line" aria-hidden="true" />
    </div>
  );
}
