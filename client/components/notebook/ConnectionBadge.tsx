/**
 * The notebook header's connection and saved state: "연결됨 · 저장됨". A read-only verdict from the
 * server shows as a calm badge, not an error (style: permission denial is a switch, not a toast).
 */
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotebookSession } from '../../sync/notebookSession.ts';
import { useSessionSnapshot } from '../../sync/hooks.ts';

const dotColor = { connecting: '#d4a106', connected: '#2e9d57', offline: '#9aa0a6' } as const;

const badge: CSSProperties = {
  display: 'inline-flex', alignItems: 'center', gap: '0.35em', fontSize: '0.85rem', color: '#4a4f55',
  padding: '0.15em 0.6em', borderRadius: '999px', background: '#f1f3f4', whiteSpace: 'nowrap',
};

export function ConnectionBadge({ session }: { session: NotebookSession }) {
  const { t } = useTranslation('sync');
  const s = useSessionSnapshot(session);
  const savedLabel = s.isSaved ? t('saved') : s.status === 'offline' ? t('unsavedOffline') : t('unsaved');
  return (
    <span className="connection-badge" style={{ display: 'inline-flex', gap: '0.5em', alignItems: 'center' }}>
      <span
        data-testid="connection-status"
        data-status={s.status}
        role="status"
        title={s.closed ? t('closed', { reason: s.closed.reason }) : t(`statusHint.${s.status}`)}
        style={badge}
      >
        <span aria-hidden="true" style={{ width: 8, height: 8, borderRadius: '50%', background: dotColor[s.status] }} />
        {t(`status.${s.status}`)}
      </span>
      <span
        data-testid="saved-indicator"
        data-saved={String(s.isSaved)}
        title={s.isSaved ? t('savedHint') : t('unsavedHint')}
        style={{ ...badge, background: 'transparent', color: s.isSaved ? '#2e7d4f' : '#8a6d00' }}
      >
        {s.isSaved ? '✓ ' : ''}{savedLabel}
      </span>
      {s.isReadOnly && (
        <span data-testid="read-only-badge" title={s.readOnlyReason ?? t('readOnlyHint')} style={{ ...badge, background: '#e8f0fe', color: '#1a4f9c' }}>
          {t('readOnly')}
        </span>
      )}
    </span>
  );
}
