/** Deleting asks first, naming the notebook, with the safe choice focused. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotebookSummary } from '../../api/notebooks.ts';
import { Dialog } from '../ui/Dialog.tsx';

export function DeleteNotebookDialog({ notebook, onCancel, onConfirm }: { notebook: NotebookSummary; onCancel(): void; onConfirm(): Promise<void> }) {
  const { t } = useTranslation(['notebook', 'common']);
  const [isBusy, setBusy] = useState(false);
  return (
    <Dialog title={t('deleteTitle')} onClose={onCancel} testId="delete-notebook-dialog">
      <p>{t('deleteConfirm', { title: notebook.title })}</p>
      <div className="dialog-actions">
        <button type="button" className="button" autoFocus onClick={onCancel}>{t('common:cancel')}</button>
        <button
          type="button"
          className="button button-danger"
          data-testid="confirm-delete"
          disabled={isBusy}
          onClick={() => {
            setBusy(true);
            onConfirm().catch(() => setBusy(false));
          }}
        >
          {t('deleteConfirmButton')}
        </button>
      </div>
    </Dialog>
  );
}
