/**
 * Route `/`: the notebooks this person can open. Create (dialog), open, rename in place, delete
 * (after a confirmation naming the notebook), import a `.md` file, export.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toasting } from '../../api/http.ts';
import {
  deleteNotebook,
  importNotebook,
  listNotebooks,
  renameNotebook,
  type NotebookSummary,
} from '../../api/notebooks.ts';
import { navigate } from '../../router.tsx';
import { pushToast } from '../../state/toastStore.ts';
import { NewNotebookDialog } from './NewNotebookDialog.tsx';
import { DeleteNotebookDialog } from './DeleteNotebookDialog.tsx';
import { NotebookRow } from './NotebookRow.tsx';

/** The server refuses bigger files; say so before uploading. */
const maxImportBytes = 4 * 1024 * 1024; // server/notebooks/service.ts maxNotebookFileBytes

type ListState =
  | { status: 'loading' }
  | { status: 'error' }
  | { status: 'ready'; notebooks: NotebookSummary[] };

export default function HomePage() {
  const { t, i18n } = useTranslation(['notebook', 'common']);
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [isCreating, setCreating] = useState(false);
  const [toDelete, setToDelete] = useState<NotebookSummary | null>(null);
  const [isImporting, setImporting] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback((signal?: AbortSignal) => {
    setList({ status: 'loading' });
    toasting('notebooks.list', () => listNotebooks(signal)).then(
      (notebooks) => setList({ status: 'ready', notebooks }),
      (err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setList({ status: 'error' });
      },
    );
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal);
    document.title = `${t('listTitle')} · ${t('common:appName')}`;
    return () => abort.abort();
  }, [load, t]);

  const onRename = async (nb: NotebookSummary, title: string) => {
    const updated = await toasting('notebooks.rename', () => renameNotebook(nb.id, title));
    setList((l) => (l.status === 'ready' ? { ...l, notebooks: l.notebooks.map((n) => (n.id === nb.id ? updated : n)) } : l));
  };

  const onDelete = async (nb: NotebookSummary) => {
    await toasting('notebooks.delete', () => deleteNotebook(nb.id));
    setToDelete(null);
    setList((l) => (l.status === 'ready' ? { ...l, notebooks: l.notebooks.filter((n) => n.id !== nb.id) } : l));
    pushToast({
      kind: 'success',
      title: { ko: i18n.getFixedT('ko', 'notebook')('deleted', { title: nb.title }), en: i18n.getFixedT('en', 'notebook')('deleted', { title: nb.title }) },
    });
  };

  const onImportFile = async (file: File) => {
    if (file.size > maxImportBytes) {
      const max = maxImportBytes / 1024 / 1024;
      pushToast({
        kind: 'error',
        title: { ko: i18n.getFixedT('ko', 'notebook')('importTooLarge', { max }), en: i18n.getFixedT('en', 'notebook')('importTooLarge', { max }) },
      });
      return;
    }
    setImporting(true);
    try {
      const text = await file.text();
      const created = await toasting('notebooks.import', () => importNotebook(text));
      navigate(`/n/${encodeURIComponent(created.id)}`);
    } catch {
      // reported by toasting
    } finally {
      setImporting(false);
    }
  };

  return (
    <main className="page page-home" id="main">
      <div className="home-header">
        <h1>{t('listTitle')}</h1>
        <div className="home-actions">
          <button type="button" className="button" onClick={() => fileInput.current?.click()} disabled={isImporting} data-testid="import-notebook-button">
            {isImporting ? t('importing') : t('importFile')}
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".md,.markdown,text/markdown"
            hidden
            data-testid="import-notebook-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void onImportFile(file);
            }}
          />
          <button type="button" className="button button-primary" onClick={() => setCreating(true)} data-testid="new-notebook-button">
            {t('newNotebook')}
          </button>
        </div>
      </div>

      {list.status === 'loading' && <p className="muted" aria-busy="true">{t('common:loading')}</p>}
      {list.status === 'error' && (
        <div className="empty-state" role="alert" data-testid="notebook-list-error">
          <p>{t('loadFailed')}</p>
          <button type="button" className="button" onClick={() => load()}>{t('common:retry')}</button>
        </div>
      )}
      {list.status === 'ready' && (
        <section className="notebook-list-section" data-testid="notebook-list" aria-label={t('listTitle')}>
          {list.notebooks.length === 0 ? (
            <div className="empty-state" data-testid="notebook-list-empty">
              <h2>{t('emptyTitle')}</h2>
              <p className="muted">{t('emptyBody')}</p>
            </div>
          ) : (
            <ul className="notebook-list">
              {list.notebooks.map((nb) => (
                <NotebookRow key={nb.id} notebook={nb} onRename={(title) => onRename(nb, title)} onAskDelete={() => setToDelete(nb)} />
              ))}
            </ul>
          )}
        </section>
      )}

      {isCreating && <NewNotebookDialog onClose={() => setCreating(false)} />}
      {toDelete && <DeleteNotebookDialog notebook={toDelete} onCancel={() => setToDelete(null)} onConfirm={() => onDelete(toDelete)} />}
    </main>
  );
}
