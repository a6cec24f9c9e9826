/**
 * The publish flow in the notebook (owners): choose cells and their order, bilingual title and
 * summary, alt text for every chart (required) and optional captions; then the server re-runs and
 * checks everything. Flagged figures are listed with their reasons, with "request review"; a
 * steward opening the same dialog can approve or reject. Also shows the story's address and
 * versions, and unpublishing.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { parseChartSpec } from '../../../shared/chartSpec.ts';
import { canInWorkspace } from '../../../shared/roles.ts';
import { listCells, readMeta, type CellSnapshot } from '../../../shared/schema/notebook.ts';
import type { PublishRequest } from '../../../shared/stories/model.ts';
import { extractRefName } from '../../../shared/extracts.ts';
import { HttpError } from '../../api/http.ts';
import { useRuntimeSnapshot } from '../../runtime/notebookRuntime.ts';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import { Dialog } from '../ui/Dialog.tsx';
import {
  decideDraft, fetchNotebookStory, publishStory, requestReview, unpublishStory,
  type FlaggedFigureView, type NotebookStoryView, type PublishResultView,
} from './storyApi.ts';

interface Pick {
  cellId: string;
  altKo: string;
  altEn: string;
  captionKo: string;
  captionEn: string;
}

function preview(cell: CellSnapshot): string {
  if (cell.kind === 'chart') {
    const p = parseChartSpec(cell.spec);
    return p.ok ? `${p.spec.mark} · ${p.spec.data}${p.spec.title?.ko ? ` · ${p.spec.title.ko}` : ''}` : '';
  }
  return (cell.name ? `${cell.name}: ` : '') + cell.source.replace(/\s+/g, ' ').slice(0, 80);
}

function Flags({ flagged, lang }: { flagged: FlaggedFigureView[]; lang: 'ko' | 'en' }) {
  const { t } = useTranslation('publish');
  return (
    <ul data-testid="publish-flags">
      {flagged.map((f) => (
        <li key={`${f.cellId}-${f.index}`}>
          <strong>{f.cellName || f.cellId}</strong> ({f.status})
          <ul>
            {f.issues.map((i, k) => <li key={`i${k}`}>{lang === 'en' ? i.reason : i.reasonKo}</li>)}
            {f.cells.slice(0, 20).map((c, k) => <li key={k}>{t('flaggedCell', { row: c.row + 1, column: c.column, reason: lang === 'en' ? c.reason : c.reasonKo })}</li>)}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * Versions this browser computed on (name -> version), for the server's consistency check. Loads
 * are keyed by ref, so after a pin moves the old ref's load may still be listed: only the refs the
 * notebook names now count.
 */
export function browserExtractVersions(loaded: Record<string, { phase: string; version: number | null }>, refs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ref of refs) {
    const p = loaded[ref];
    if (p?.phase === 'ready' && p.version !== null) out[extractRefName(ref)] = p.version;
  }
  return out;
}

export function PublishDialog({ notebookId, doc, isOwner, onClose }: { notebookId: string; doc: Y.Doc; isOwner: boolean; onClose(): void }) {
  const { t, i18n } = useTranslation('publish');
  const lang = i18n.language === 'en' ? 'en' : 'ko';
  const user = useCurrentUserStore((s) => s.user);
  const canReview = user ? canInWorkspace(user.workspaceRole, 'story.review') : false;
  const cells = useMemo(() => listCells(doc).filter((c) => c.kind !== 'input'), [doc]);
  const meta = useMemo(() => readMeta(doc), [doc]);
  const [titleKo, setTitleKo] = useState(meta.title);
  const [titleEn, setTitleEn] = useState('');
  const [summaryKo, setSummaryKo] = useState('');
  const [summaryEn, setSummaryEn] = useState('');
  const [problem, setProblem] = useState(meta.problemId ?? '');
  const [districts, setDistricts] = useState('');
  const [picks, setPicks] = useState<Pick[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<PublishResultView | null>(null);
  const [story, setStory] = useState<NotebookStoryView>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const loadedExtracts = useRuntimeSnapshot((s) => s.extracts);

  const reload = () => fetchNotebookStory(notebookId).then(setStory, () => undefined);
  useEffect(() => {
    void reload();
  }, [notebookId]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggle = (cell: CellSnapshot) => {
    setPicks((ps) => {
      if (ps.some((p) => p.cellId === cell.id)) return ps.filter((p) => p.cellId !== cell.id);
      const spec = cell.kind === 'chart' ? parseChartSpec(cell.spec) : null;
      const alt = spec?.ok ? spec.spec.alt : undefined;
      return [...ps, { cellId: cell.id, altKo: alt?.ko ?? '', altEn: alt?.en ?? '', captionKo: '', captionEn: '' }];
    });
  };
  const move = (i: number, by: -1 | 1) => setPicks((ps) => {
    const next = [...ps];
    const j = i + by;
    if (j < 0 || j >= next.length) return ps;
    [next[i], next[j]] = [next[j]!, next[i]!];
    return next;
  });
  const edit = (i: number, patch: Partial<Pick>) => setPicks((ps) => ps.map((p, k) => (k === i ? { ...p, ...patch } : p)));
  const byId = new Map(cells.map((c) => [c.id, c]));

  const describe = (err: unknown) => (err instanceof HttpError ? (lang === 'en' ? err.detail.en : err.detail.ko) : String(err));

  const submit = async () => {
    setError(null);
    setMessage(null);
    if (picks.length === 0) return setError(t('noCells'));
    if (picks.some((p) => byId.get(p.cellId)?.kind === 'chart' && !p.altKo.trim() && !p.altEn.trim())) return setError(t('altMissing'));
    const body: PublishRequest = {
      title: { ko: titleKo, en: titleEn }, summary: { ko: summaryKo, en: summaryEn },
      ...(problem.trim() ? { problem: problem.trim() } : {}),
      districts: districts.split(',').map((d) => d.trim()).filter(Boolean),
      cells: picks.map((p) => byId.get(p.cellId)?.kind === 'chart'
        ? { cellId: p.cellId, alt: { ko: p.altKo, en: p.altEn }, caption: { ko: p.captionKo, en: p.captionEn } }
        : byId.get(p.cellId)?.kind === 'sql' ? { cellId: p.cellId, caption: { ko: p.captionKo, en: p.captionEn } } : { cellId: p.cellId }),
      // The server publishes on the versions the notebook pins; these (what this browser computed
      // on) only let it refuse when the author has not seen those numbers.
      extractVersions: browserExtractVersions(loadedExtracts, readMeta(doc).extracts),
    };
    setBusy(true);
    try {
      setResult(await publishStory(notebookId, body));
      await reload();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (fn: () => Promise<void>, done: string) => {
    setError(null);
    try {
      await fn();
      setMessage(done);
      await reload();
    } catch (err) {
      setError(describe(err));
    }
  };

  const pending = story?.versions.filter((v) => v.status === 'review' || v.status === 'blocked') ?? [];

  return (
    <Dialog title={t('title')} onClose={onClose} testId="publish-dialog">
      <div style={{ overflowWrap: 'anywhere' }}>
        {story && story.currentVersion !== null && !story.unpublishedAt && (
          <p>{t('current')}: <a href={story.url} target="_blank" rel="noreferrer" data-testid="story-link">{decodeURIComponent(story.url)}</a> · v{story.currentVersion}
            {isOwner && <> <button type="button" className="button button-quiet" onClick={() => act(() => unpublishStory(notebookId), t('unpublished'))}>{t('unpublish')}</button></>}
          </p>
        )}
        {canReview && pending.filter((v) => v.status === 'review').map((v) => (
          <div key={v.draftId} className="notice" data-testid="review-panel">
            <strong>{t('status.review')}</strong>{v.reviewNote ? `: ${v.reviewNote}` : ''}
            <Flags flagged={v.flagged} lang={lang} />
            <label className="field"><span className="field-label">{t('decisionNote')}</span><input value={note} onChange={(e) => setNote(e.target.value)} /></label>
            <button type="button" className="button button-primary" onClick={() => act(() => decideDraft(v.draftId, 'approve', note), t('published', { version: '' }))}>{t('approve')}</button>{' '}
            <button type="button" className="button" onClick={() => act(() => decideDraft(v.draftId, 'reject', note), t('status.rejected'))}>{t('reject')}</button>
          </div>
        ))}
        {isOwner && (
          <>
            <p>{t('intro')}</p>
            <div style={{ display: 'grid', gap: 8, gridTemplateColumns: '1fr' }}>
              <label className="field"><span className="field-label">{t('titleKo')}</span><input data-testid="publish-title-ko" value={titleKo} onChange={(e) => setTitleKo(e.target.value)} maxLength={200} /></label>
              <label className="field"><span className="field-label">{t('titleEn')}</span><input data-testid="publish-title-en" value={titleEn} onChange={(e) => setTitleEn(e.target.value)} maxLength={200} /></label>
              <label className="field"><span className="field-label">{t('summaryKo')}</span><textarea value={summaryKo} onChange={(e) => setSummaryKo(e.target.value)} maxLength={2000} rows={2} /></label>
              <label className="field"><span className="field-label">{t('summaryEn')}</span><textarea value={summaryEn} onChange={(e) => setSummaryEn(e.target.value)} maxLength={2000} rows={2} /></label>
              <label className="field"><span className="field-label">{t('problem')}</span><input value={problem} onChange={(e) => setProblem(e.target.value)} maxLength={200} /></label>
              <label className="field"><span className="field-label">{t('districts')}</span><input value={districts} onChange={(e) => setDistricts(e.target.value)} /></label>
            </div>
            <h3>{t('cells')}</h3>
            <p className="field-label">{t('inputNote')}</p>
            <ul style={{ listStyle: 'none', padding: 0 }} data-testid="publish-cells">
              {cells.map((c) => {
                const i = picks.findIndex((p) => p.cellId === c.id);
                const p = picks[i];
                return (
                  <li key={c.id} style={{ borderTop: '1px solid var(--border, #ddd)', padding: '6px 0' }}>
                    <label style={{ display: 'flex', gap: 8, alignItems: 'baseline' }}>
                      <input type="checkbox" checked={i >= 0} onChange={() => toggle(c)} data-testid={`publish-pick-${c.kind}`} />
                      <span>{t(`kind.${c.kind}`)}{i >= 0 ? ` · ${t('order', { n: i + 1 })}` : ''}</span>
                      <span style={{ color: 'var(--text-muted)' }}>{preview(c)}</span>
                    </label>
                    {p && (
                      <div style={{ marginLeft: 24 }}>
                        <button type="button" className="button button-quiet" onClick={() => move(i, -1)} disabled={i === 0}>{t('moveUp')}</button>
                        <button type="button" className="button button-quiet" onClick={() => move(i, 1)} disabled={i === picks.length - 1}>{t('moveDown')}</button>
                        {c.kind === 'chart' && (
                          <div style={{ display: 'grid', gap: 6, gridTemplateColumns: '1fr' }}>
                            <label className="field"><span className="field-label">{t('altKo')}</span><input required value={p.altKo} onChange={(e) => edit(i, { altKo: e.target.value })} /></label>
                            <label className="field"><span className="field-label">{t('altEn')}</span><input value={p.altEn} onChange={(e) => edit(i, { altEn: e.target.value })} /></label>
                          </div>
                        )}
                        {(c.kind === 'chart' || c.kind === 'sql') && (
                          <div style={{ display: 'grid', gap: 6, gridTemplateColumns: '1fr' }}>
                            <label className="field"><span className="field-label">{t('captionKo')}</span><input value={p.captionKo} onChange={(e) => edit(i, { captionKo: e.target.value })} /></label>
                            <label className="field"><span className="field-label">{t('captionEn')}</span><input value={p.captionEn} onChange={(e) => edit(i, { captionEn: e.target.value })} /></label>
                          </div>
                        )}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        )}
        {error && <p className="field-error" role="alert" data-testid="publish-error">{error}</p>}
        {message && <p role="status">{message}</p>}
        {busy && <p role="status">{t('publishing')}</p>}
        {result && (
          <div role="status" data-testid="publish-result">
            {result.notices.map((n, k) => <p key={k} className="notice">{lang === 'en' ? n.en : n.ko}</p>)}
            {result.status === 'published' ? (
              <p>{t('published', { version: result.version })} <a href={result.url} target="_blank" rel="noreferrer" data-testid="publish-story-link">{t('openStory')}</a></p>
            ) : (
              <div className="notice">
                <p>{t('blocked')}</p>
                <Flags flagged={result.flagged} lang={lang} />
                <label className="field"><span className="field-label">{t('reviewNote')}</span><textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} /></label>
                <button type="button" className="button" onClick={() => act(() => requestReview(result.draftId, note), t('reviewRequested'))}>{t('requestReview')}</button>
              </div>
            )}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>{t('cancel')}</button>
          {isOwner && <button type="button" className="button button-primary" disabled={busy} onClick={() => void submit()} data-testid="publish-submit">{t('publish')}</button>}
        </div>
      </div>
    </Dialog>
  );
}
