/** One notebook in the home list: open link, role, last change, rename in place, export, delete. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canOnNotebook } from '../../../shared/roles.ts';
import { describeTitleProblem, exportUrl, type NotebookSummary } from '../../api/notebooks.ts';
import { Link } from '../../router.tsx';
import { RelativeTime } from '../ui/RelativeTime.tsx';

export interface NotebookRowProps {
  notebook: NotebookSummary;
  onRename(title: string): Promise<void>;
  onAskDelete(): void;
}

export function NotebookRow({ notebook: nb, onRename, onAskDelete }: NotebookRowProps) {
  const { t } = useTranslation('notebook');
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);
  const href = `/n/${encodeURIComponent(nb.id)}`;

  const commit = async () => {
    if (draft === null) return;
    const next = draft.trim();
    if (next === nb.title) {
      setDraft(null);
      return;
    }
    const reason = describeTitleProblem(next);
    if (reason) {
      setProblem(reason);
      return;
    }
    setSaving(true);
    try {
      await onRename(next);
      setDraft(null);
      setProblem(null);
    } catch {
      // toasted; keep the draft so nothing typed is lost
    } finally {
      setSaving(false);
    }
  };

  return (
    <li className="notebook-item" data-testid="notebook-item" data-notebook-id={nb.id}>
      <div className="notebook-item-main">
        {draft === null ? (
          <Link href={href} className="notebook-item-title">{nb.title || t('untitled')}</Link>
        ) : (
          <span className="notebook-item-rename">
            <input
              className={`text-input${problem ? ' has-error' : ''}`}
              data-testid="rename-notebook-input"
              aria-label={t('renameLabel', { title: nb.title })}
              aria-invalid={problem ? true : undefined}
              value={draft}
              autoFocus
              disabled={isSaving}
              onChange={(e) => {
                setDraft(e.target.value);
                if (problem) setProblem(describeTitleProblem(e.target.value));
              }}
              onBlur={() => void commit()}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void commit();
                } else if (e.key === 'Escape') {
                  setDraft(null);
                  setProblem(null);
                }
              }}
            />
            {problem && <span className="field-error" role="alert">{t(problem)}</span>}
          </span>
        )}
        <span className="notebook-item-meta">
          <span className={`role-badge role-${nb.role}`}>{t(`role_${nb.role}`)}</span>
          <span className="muted">{t('updated')} <RelativeTime iso={nb.updatedAt} /></span>
        </span>
      </div>
      <div className="notebook-item-actions">
        {canOnNotebook(nb.role, 'notebook.rename') && (
          <button type="button" className="button button-quiet" data-testid="rename-notebook" aria-label={t('renameLabel', { title: nb.title })} onClick={() => setDraft(nb.title)}>
            {t('rename')}
          </button>
        )}
        <a className="button button-quiet" href={exportUrl(nb.id)} download aria-label={t('exportLabel', { title: nb.title })} data-testid="export-notebook">
          {t('export')}
        </a>
        {canOnNotebook(nb.role, 'notebook.delete') && (
          <button type="button" className="button button-quiet danger" data-testid="delete-notebook" aria-label={t('deleteLabel', { title: nb.title })} onClick={onAskDelete}>
            {t('delete')}
          </button>
        )}
      </div>
    </li>
  );
}
