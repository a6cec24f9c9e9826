/** Change one's password: the current one, then the new one twice. Other devices get signed out. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import { changePassword, passwordMinLength } from '../../api/auth.ts';
import { pushToast } from '../../state/toastStore.ts';
import { FormDialog } from '../ui/FormDialog.tsx';
import { describeFailure, ErrorText } from './ErrorText.tsx';
import './auth.css';

export interface ChangePasswordDialogProps {
  onClose(): void;
}

export function ChangePasswordDialog({ onClose }: ChangePasswordDialogProps) {
  const { t } = useTranslation('auth');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const both = (key: string, opts: Record<string, unknown> = {}): Bilingual => ({ ko: t(key, { ...opts, lng: 'ko' }), en: t(key, { ...opts, lng: 'en' }) });

  const submit = () => {
    if (!current) return setError(both('missingFields'));
    if ([...next].length < passwordMinLength) return setError(both('passwordTooShort', { min: passwordMinLength }));
    if (next !== confirm) return setError(both('passwordMismatch'));
    setError(null);
    return changePassword(current, next).then(
      () => {
        pushToast({ kind: 'success', title: both('passwordChanged'), detail: both('passwordChangedDetail') });
        onClose();
      },
      (err: unknown) => setError(describeFailure(err)),
    );
  };

  return (
    <FormDialog title={t('changePasswordTitle')} testId="change-password-dialog" onClose={onClose} onSubmit={submit}
      submitLabel={t('changePassword')} busyLabel={t('changing')} submitTestId="password-submit">
      <label className="field">
        <span className="field-label">{t('currentPassword')}</span>
        <input className="text-input" type="password" autoComplete="current-password" data-testid="password-current" value={current}
          maxLength={1000} autoFocus onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">{t('newPassword')}</span>
        <input className="text-input" type="password" autoComplete="new-password" data-testid="password-next" value={next}
          maxLength={200} onChange={(e) => setNext(e.target.value)} />
        <span className="muted auth-hint">{t('passwordHint', { min: passwordMinLength })}</span>
      </label>
      <label className="field">
        <span className="field-label">{t('confirmPassword')}</span>
        <input className="text-input" type="password" autoComplete="new-password" data-testid="password-confirm" value={confirm}
          maxLength={200} onChange={(e) => setConfirm(e.target.value)} />
      </label>
      <ErrorText message={error} testId="password-error" />
    </FormDialog>
  );
}

export default ChangePasswordDialog;
