/** The thin "add cell" bar between cells (and at the end): shows its buttons on hover or focus. */
import { useTranslation } from 'react-i18next';

export function AddCellBar({ onAdd, testId }: { onAdd(kind: 'markdown' | 'sql'): void; testId?: string }) {
  const { t } = useTranslation('notebook');
  return (
    <div className="add-cell-bar" data-testid={testId ?? 'add-cell-bar'}>
      <span className="add-cell-line" aria-hidden="true" />
      <button type="button" className="add-cell-button" onClick={() => onAdd('markdown')} aria-label={`${t('addCell')}: ${t('addMarkdown')}`}>
        + {t('addMarkdown')}
      </button>
      <button type="button" className="add-cell-button" onClick={() => onAdd('sql')} aria-label={`${t('addCell')}: ${t('addSql')}`}>
        + {t('addSql')}
      </button>
      <span className="add-cell-line" aria-hidden="true" />
    </div>
  );
}
