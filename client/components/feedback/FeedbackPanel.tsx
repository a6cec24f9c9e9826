/**
 * Citizens' feedback on the notebook's story, for its members: moderate (show / hide) and reply
 * publicly. Nothing shows on the story page until a member approved it (or replied).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HttpError } from '../../api/http.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { fetchFeedback, moderateFeedback, replyToFeedback, type FeedbackItem } from '../publish/storyApi.ts';

export function FeedbackPanel({ notebookId, canModerate, onClose }: { notebookId: string; canModerate: boolean; onClose(): void }) {
  const { t, i18n } = useTranslation('publish');
  const [items, setItems] = useState<FeedbackItem[] | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const load = () => fetchFeedback(notebookId).then(setItems, (err: unknown) => setError(String(err)));
  useEffect(() => {
    void load();
  }, [notebookId]); // eslint-disable-line react-hooks/exhaustive-deps
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err instanceof HttpError ? (i18n.language === 'en' ? err.detail.en : err.detail.ko) : String(err));
    }
  };
  return (
    <Dialog title={t('feedbackTitle')} onClose={onClose} testId="feedback-panel">
      {error && <p className="field-error" role="alert">{error}</p>}
      {items?.length === 0 && <p>{t('noFeedback')}</p>}
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {items?.map((f) => (
          <li key={f.id} data-testid="feedback-item" data-status={f.status} style={{ borderTop: '1px solid var(--border, #ddd)', padding: '8px 0' }}>
            <p><strong>{f.name || '—'}</strong> · v{f.version} · {t(`feedbackStatus.${f.status}`)} · {f.createdAt.slice(0, 10)}</p>
            <p style={{ whiteSpace: 'pre-wrap' }}>{f.body}</p>
            {f.reply && <p data-testid="feedback-reply" style={{ marginLeft: 12 }}>↳ {f.reply}</p>}
            {canModerate && (
              <div>
                <button type="button" className="button button-quiet" data-testid="feedback-approve" onClick={() => run(() => moderateFeedback(f.id, 'approve'))}>{t('approveFeedback')}</button>
                <button type="button" className="button button-quiet" data-testid="feedback-reject" onClick={() => run(() => moderateFeedback(f.id, 'reject'))}>{t('rejectFeedback')}</button>
                <label className="field"><span className="field-label">{t('reply')}</span>
                  <textarea data-testid="feedback-reply-text" rows={2} maxLength={2000} value={drafts[f.id] ?? ''} onChange={(e) => setDrafts({ ...drafts, [f.id]: e.target.value })} />
                </label>
                <button type="button" className="button" data-testid="feedback-reply-send" disabled={!(drafts[f.id] ?? '').trim()} onClick={() => run(() => replyToFeedback(f.id, drafts[f.id] ?? ''))}>{t('sendReply')}</button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
