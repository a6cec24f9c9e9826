/**
 * Where stories plug into the notebook page's header: "Publish as a story" for owners (and for
 * stewards, who review flagged drafts in the same dialog) and "Citizen feedback" for members.
 * Both dialogs load lazily, so the notebook page's first load does not grow.
 */
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { canInWorkspace, canOnNotebook, type NotebookRole } from '../../../shared/roles.ts';
import { useCurrentUserStore } from '../../state/currentUser.ts';

const PublishDialog = lazy(() => import('./PublishDialog.tsx').then((m) => ({ default: m.PublishDialog })));
const FeedbackPanel = lazy(() => import('../feedback/FeedbackPanel.tsx').then((m) => ({ default: m.FeedbackPanel })));

export function StorySlot({ notebookId, doc, role }: { notebookId: string; doc: Y.Doc; role: NotebookRole }) {
  const { t } = useTranslation('publish');
  const user = useCurrentUserStore((s) => s.user);
  const [open, setOpen] = useState<'publish' | 'feedback' | null>(null);
  const isOwner = role === 'owner';
  const canReview = user ? canInWorkspace(user.workspaceRole, 'story.review') : false;
  return (
    <>
      {(isOwner || canReview) && <button type="button" className="button" data-testid="publish-button" onClick={() => setOpen('publish')}>{t('open')}</button>}
      <button type="button" className="button button-quiet" data-testid="feedback-button" onClick={() => setOpen('feedback')}>{t('feedbackOpen')}</button>
      <Suspense fallback={null}>
        {open === 'publish' && <PublishDialog notebookId={notebookId} doc={doc} isOwner={isOwner} onClose={() => setOpen(null)} />}
        {open === 'feedback' && <FeedbackPanel notebookId={notebookId} canModerate={canOnNotebook(role, 'notebook.comment')} onClose={() => setOpen(null)} />}
      </Suspense>
    </>
  );
}
