/** "New notebook": a title (checked as you type once you tried), then straight into the notebook. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createNotebook, describeTitleProblem, maxTitleLength } from '../../api/notebooks.ts';
import { toasting } from '../../api/http.ts';
import { navigate } from '../../router.tsx';
import { Dialog } from '../ui/Dialog.tsx';

export function NewNotebookDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation(['notebook', 'common']);
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const reason = describeTitleProblem(title);
    setProblem(reason);
    if (reason) return;
    setBusy(true);
    try {
      const created = await toasting('notebooks.create', () => createNotebook(title));
      onClose();
      navigate(`/n/${encodeURIComponent(created.id)}`);
    } catch {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('newNotebookTitle')} onClose={onClose} testId="new-notebook-dialog">
      <form onSubmit={submit} noValidate>
        <label className="field">
          <span className="field-label">{t('titleLabel')}</span>
          <input
            className={`text-input${problem ? ' has-error' : ''}`}
            data-testid="new-notebook-title"
            value={title}
            placeholder={t('titlePlaceholder')}
            maxLength={maxTitleLength * 2}
            autoFocus
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'new-notebook-title-error' : undefined}
            onChange={(e) => {
              setTitle(e.target.value);
              if (problem) setProblem(describeTitleProblem(e.target.value));
            }}
          />
        </label>
        {problem && <p id="new-notebook-title-error" className="field-error" role="alert">{t(problem)}</p>}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>{t('common:cancel')}</button>
          <button type="submit" className="button button-primary" data-testid="new-notebook-submit" disabled={isBusy}>
            {isBusy ? t('creating') : t('create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
