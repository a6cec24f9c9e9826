/**
 * Where the accounts feature (client/components/auth/**) plugs into the notebook page: the
 * read-only notice and the share dialog. PLACEHOLDER until those modules land: the glob finds them
 * when present and falls back to a plain notice otherwise, so the page builds either way.
 */
import { lazy, Suspense, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotebookRole } from '../../../shared/roles.ts';

const authModules = import.meta.glob<Record<string, unknown>>('../auth/*.tsx');

function lazyAuth<P>(file: string, exportName: string): ComponentType<P> | null {
  const load = authModules[`../auth/${file}`];
  if (!load) return null;
  return lazy(async () => {
    const mod = await load();
    return { default: (mod[exportName] ?? mod.default) as ComponentType<P> };
  });
}

const ReadOnlyNotice = lazyAuth<{ role: NotebookRole; reason?: string | null }>('ReadOnlyNotice.tsx', 'ReadOnlyNotice');
const ShareDialog = lazyAuth<{ notebookId: string; title: string; onClose(): void }>('ShareDialog.tsx', 'ShareDialog');

export function ReadOnlyBanner({ role, reason }: { role: NotebookRole; reason: string | null }) {
  const { t } = useTranslation('notebook');
  const fallback = <p className="notice" role="status" data-testid="read-only-notice">{t('readOnly')} · {t(`role_${role}`)}</p>;
  if (!ReadOnlyNotice) return fallback;
  return <Suspense fallback={fallback}><ReadOnlyNotice role={role} reason={reason} /></Suspense>;
}

export function ShareButton({ notebookId, title }: { notebookId: string; title: string }) {
  const { t } = useTranslation('notebook');
  const [open, setOpen] = useState(false);
  if (!ShareDialog) return null;
  return (
    <>
      <button type="button" className="button" data-testid="share-button" onClick={() => setOpen(true)}>{t('share')}</button>
      {open && <Suspense fallback={null}><ShareDialog notebookId={notebookId} title={title} onClose={() => setOpen(false)} /></Suspense>}
    </>
  );
}
