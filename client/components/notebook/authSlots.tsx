/**
 * Where the accounts feature (client/components/auth/**) plugs into the notebook page: the
 * read-only notice and the share dialog, each loaded lazily with the notebook page.
 */
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotebookRole } from '../../../shared/roles.ts';

const ReadOnlyNotice = lazy(() => import('../auth/ReadOnlyNotice.tsx').then((m) => ({ default: m.ReadOnlyNotice })));
const ShareDialog = lazy(() => import('../auth/ShareDialog.tsx').then((m) => ({ default: m.ShareDialog })));

export function ReadOnlyBanner({ role, reason }: { role: NotebookRole; reason: string | null }) {
  return <Suspense fallback={null}><ReadOnlyNotice role={role} reason={reason} /></Suspense>;
}

export function ShareButton({ notebookId, title }: { notebookId: string; title: string }) {
  const { t } = useTranslation('notebook');
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" data-testid="share-button" onClick={() => setOpen(true)}>{t('share')}</button>
      {isOpen && <Suspense fallback={null}><ShareDialog notebookId={notebookId} title={title} onClose={() => setOpen(false)} /></Suspense>}
    </>
  );
}
