/**
 * Route `/n/:id`: opens the notebook's real-time session (Y.Doc + websocket + IndexedDB cache)
 * for the signed-in person and shows it. Loaded lazily, so the home page never downloads the
 * notebook code, Yjs or Monaco.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canOnNotebook } from '../../../shared/roles.ts';
import { getNotebook, exportUrl, type NotebookSummary } from '../../api/notebooks.ts';
import { HttpError, reportRequestError } from '../../api/http.ts';
import { openNotebookSession, setActiveCell, type NotebookSession } from '../../sync/notebookSession.ts';
import { useHasContent, usePresence, useReadOnly } from '../../sync/hooks.ts';
import { PresenceAvatars } from '../presence/PresenceAvatars.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { LazySqlEditor } from '../../editor/LazySqlEditor.tsx';
import { SqlCellBody, useNotebookRuntime } from '../../runtime/RuntimeRoot.tsx';
import { RuntimeProvider } from '../../runtime/notebookRuntime.ts';
import { RuntimePanel } from '../outputs/RuntimePanel.tsx';
import { useCurrentUserStore, type CurrentUser } from '../../state/currentUser.ts';
import { Link } from '../../router.tsx';
import { NotebookView } from './NotebookView.tsx';
import { ReadOnlyBanner, ShareButton } from './authSlots.tsx';
import { StorySlot } from '../publish/StorySlot.tsx';
import type { RenderSqlEditor } from '../cells/CellView.tsx';
import { useNotebookTitle } from './useCells.ts';

export default function NotebookPage({ id }: { id: string }) {
  const user = useCurrentUserStore((s) => s.user);
  if (!user) return null; // the shell only renders pages for a signed-in person
  return <NotebookLoader id={id} user={user} />;
}

function NotebookLoader({ id, user }: { id: string; user: CurrentUser }) {
  const { t } = useTranslation(['notebook', 'common']);
  const [session, setSession] = useState<NotebookSession | null>(null);
  const [info, setInfo] = useState<NotebookSummary | null>(null);
  const [failure, setFailure] = useState<HttpError | null>(null);
  const { name, color, orgName } = user;

  useEffect(() => {
    // Created in an effect (not a memo) so StrictMode's mount-unmount-mount gets a live session.
    const s = openNotebookSession(id, { name, color, orgName });
    setSession(s);
    return () => {
      s.destroy();
      setSession(null);
    };
  }, [id, name, color, orgName]);

  useEffect(() => {
    const abort = new AbortController();
    setFailure(null);
    getNotebook(id, abort.signal).then(setInfo, (err: unknown) => {
      // Not found / no access get a page of their own; anything else is a toast.
      if (err instanceof HttpError && (err.status === 404 || err.status === 403)) setFailure(err);
      else reportRequestError('notebooks.get', err);
    });
    return () => abort.abort();
  }, [id]);

  if (failure && (failure.status === 404 || failure.status === 403)) {
    return (
      <main className="page page-message" id="main">
        <h1>{failure.status === 404 ? t('notebook:notebookNotFound') : t('notebook:noAccessTitle')}</h1>
        <p className="muted">{failure.status === 404 ? t('common:notFoundBody') : t('notebook:noAccessBody')}</p>
        <Link href="/" className="button">{t('common:goHome')}</Link>
      </main>
    );
  }
  if (!session) return <main className="page" id="main"><p className="muted" aria-busy="true">{t('opening')}</p></main>;
  return <OpenNotebook key={session.notebookId} session={session} info={info} />;
}

function OpenNotebook({ session, info }: { session: NotebookSession; info: NotebookSummary | null }) {
  const { t } = useTranslation(['notebook', 'common']);
  const hasContent = useHasContent(session);
  const server = useReadOnly(session);
  const peers = usePresence(session);
  const title = useNotebookTitle(session.doc);
  const role = info?.role ?? null;
  // Until the role is known, show read-only: offering an edit that is then taken away is worse.
  const readOnly = server.readOnly || role === null || !canOnNotebook(role, 'notebook.edit');
  // Show the notebook once it has content to show (first sync, or the offline copy while offline);
  // after that it stays up through reconnects, which must never unmount the editors.
  const [hasShown, setHasShown] = useState(false);
  const isReady = hasShown || hasContent;
  useEffect(() => {
    if (isReady && !hasShown) setHasShown(true);
  }, [isReady, hasShown]);

  useEffect(() => {
    document.title = `${title || t('untitled')} · ${t('common:appName')}`;
  }, [title, t]);

  // The analysis engine (DuckDB-WASM, loaded on the first run): Run on each SQL cell, outputs
  // under it, the extracts panel above the cells.
  const runtime = useNotebookRuntime(session.doc);
  const renderSqlEditor = useCallback<RenderSqlEditor>(
    (p) => (
      <SqlCellBody
        runtime={runtime}
        cellId={p.cellId}
        cellName={p.cellName}
        renderEditor={(onRunRequest) => (
          <LazySqlEditor session={session} cellId={p.cellId} ytext={p.ytext} readOnly={p.readOnly} ariaLabel={p.ariaLabel} onRunRequest={onRunRequest} />
        )}
      />
    ),
    [session, runtime],
  );
  const onActiveCellChange = useCallback((cellId: string | null) => setActiveCell(session, cellId), [session]);

  if (!isReady) return <main className="page" id="main"><p className="muted" aria-busy="true">{t('opening')}</p></main>;
  return (
    <main className="page page-notebook" id="main">
      <RuntimeProvider runtime={runtime}>
        <NotebookView
          session={session}
          readOnly={readOnly}
          peers={peers}
          renderSqlEditor={renderSqlEditor}
          onActiveCellChange={onActiveCellChange}
          banner={
            <>
              {readOnly && role !== null && <ReadOnlyBanner role={role} reason={server.reason} />}
              <RuntimePanel pins={{ doc: session.doc, canEdit: !readOnly, origin: session.localOrigin, afterEdit: () => session.undoManager.stopCapturing() }} />
            </>
          }
          headerExtras={
            <>
              <PresenceAvatars session={session} />
              <ConnectionBadge session={session} />
              {info && <a className="button button-quiet" href={exportUrl(info.id)} download>{t('export')}</a>}
              {info && canOnNotebook(info.role, 'notebook.share') && <ShareButton notebookId={info.id} title={title || info.title} />}
              {info && <StorySlot notebookId={info.id} doc={session.doc} role={info.role} />}
            </>
          }
        />
      </RuntimeProvider>
    </main>
  );
}
