/**
 * The calm banner a viewer or commenter sees on a notebook: what their role is, what that means
 * (they see edits live but cannot change content), and whom to ask. Not an error: role="status".
 */
import { useTranslation } from 'react-i18next';
import type { NotebookRole } from '../../../shared/roles.ts';
import { canWriteComments } from '../../../shared/roles.ts';
import './auth.css';

export interface ReadOnlyNoticeProps {
  role: NotebookRole;
  /** Extra text from the server's `readOnly` message, if any (shown as plain text). */
  reason?: string | null;
}

export function ReadOnlyNotice({ role, reason }: ReadOnlyNoticeProps) {
  const { t } = useTranslation('auth');
  return (
    <div className="read-only-notice" role="status" data-testid="read-only-notice" data-role={role}>
      <span className="read-only-icon" aria-hidden="true">👁</span>
      <div>
        <p className="read-only-title">{t('readOnlyTitle')}</p>
        <p>
          {t('readOnlyBecause', { role: t(`role_${role}`) })}
          {canWriteComments(role) ? ` ${t('readOnlyCommenter')}` : ''}
        </p>
        <p className="muted">{t('readOnlyAsk')}</p>
        {reason ? <p className="muted">{reason}</p> : null}
      </div>
    </div>
  );
}

export default ReadOnlyNotice;
