/**
 * A dialog that is one form: the fields (and their error text) as children, then Cancel and a
 * submit button that is disabled and relabelled while the submission is in flight. Keyboard
 * behaviour comes from `Dialog`; Enter in a field submits, as in any form.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog.tsx';

export interface FormDialogProps {
  title: string;
  /** `data-testid` of the panel. */
  testId: string;
  onClose(): void;
  /**
   * Checks the fields and sends them. Return nothing to stay as is (a field problem was shown);
   * return a promise to show the busy state until it settles. The promise should not reject:
   * the caller shows its own failure (an error line, a toast), since only it knows which.
   */
  onSubmit(): Promise<void> | void;
  submitLabel: string;
  busyLabel: string;
  submitTestId: string;
  children: ReactNode;
}

export function FormDialog(p: FormDialogProps) {
  const { t } = useTranslation('common');
  const [isBusy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // One submission at a time (the disabled button stops clicks and Enter; this stops any other submit).
    if (isBusy) return;
    const pending = p.onSubmit();
    if (!pending) return;
    setBusy(true);
    try {
      await pending;
    } finally {
      // On success the caller usually closes the dialog; React ignores this update after unmount.
      setBusy(false);
    }
  };

  return (
    <Dialog title={p.title} onClose={p.onClose} testId={p.testId}>
      <form onSubmit={submit} noValidate>
        {p.children}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={p.onClose}>{t('cancel')}</button>
          <button type="submit" className="button button-primary" data-testid={p.submitTestId} disabled={isBusy}>
            {isBusy ? p.busyLabel : p.submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
