/** "New notebook": a title (checked as you type once you tried), then straight into the notebook. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createNotebook, describeTitleProblem, maxTitleLength } from '../../api/notebooks.ts';
import { toasting } from '../../api/http.ts';
import { navigate } from '../../router.tsx';
import { FormDialog } from '../ui/FormDialog.tsx';

export function NewNotebookDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation(['notebook', 'common']);
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = () => {
    const reason = describeTitleProblem(title);
    setProblem(reason);
    if (reason) return;
    return toasting('notebooks.create', () => createNotebook(title)).then(
      (created) => {
        onClose();
        navigate(`/n/${encodeURIComponent(created.id)}`);
      },
      () => { /* `toasting` has shown the failure; the dialog stays open to try again */ },
    );
  };

  return (
    <FormDialog title={t('newNotebookTitle')} testId="new-notebook-dialog" onClose={onClose} onSubmit={submit}
      submitLabel={t('create')} busyLabel={t('creating')} submitTestId="new-notebook-submit">
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
    </FormDialog>
  );
}
