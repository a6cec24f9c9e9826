/**
 * The steward's policy editor: a role per column (identifier / quasi-identifier with a hierarchy /
 * sensitive with l-diversity / other / leave out), k, suppression limit and metric, with a live
 * preview from the server's sanitiser (debounced; the newest request wins) before submitting.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ColumnType } from '../../../shared/datasets/types.ts';
import { draftPolicy, previewPolicy, type PolicyVersion, type Report } from './dataApi.ts';
import { errorText } from './errorText.ts';
import { ReportView } from './ReportView.tsx';
import { toPolicyJson, type ColumnDraft, type HierarchyKind, type LVariant, type PolicyDraft, type Role } from './policyDraft.ts';

export function PolicyEditor({ datasetId, columns, initial, onDrafted }: {
  datasetId: string;
  columns: { name: string; type: ColumnType }[];
  initial: PolicyDraft;
  onDrafted: (v: PolicyVersion) => void;
}) {
  const { t, i18n } = useTranslation('data');
  const [draft, setDraft] = useState<PolicyDraft>(initial);
  const [note, setNote] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<string | null>(null);
  const json = useMemo(() => toPolicyJson(draft), [draft]);
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    const ctrl = new AbortController();
    setRunning(true);
    const timer = setTimeout(() => {
      previewPolicy(datasetId, json, ctrl.signal).then((r) => {
        if (seq.current !== mine) return;
        setReport(r.report);
        setPreviewError(null);
        setRunning(false);
      }, (err: unknown) => {
        if (seq.current !== mine || ctrl.signal.aborted) return;
        setReport(null);
        setPreviewError(errorText(err, i18n.language));
        setRunning(false);
      });
    }, 400);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [datasetId, json, i18n.language]);

  const setColumn = (name: string, patch: Partial<ColumnDraft>) => setDraft((d) => ({ ...d, columns: { ...d.columns, [name]: { ...d.columns[name], ...patch } } }));

  const submit = async () => {
    setSubmitError(null);
    try {
      const { version } = await draftPolicy(datasetId, json, note);
      setSubmitted(t('policy.drafted', { version: version.version }));
      setNote('');
      onDrafted(version);
    } catch (err) {
      setSubmitError(errorText(err, i18n.language));
    }
  };

  return (
    <div className="data-editor" data-testid="policy-editor">
      <div>
        <div className="data-row">
          <label className="field"><span className="field-label">{t('policy.k')}</span>
            <input type="number" min={1} value={draft.k} onChange={(e) => setDraft({ ...draft, k: e.target.value })} data-testid="policy-k" />
          </label>
          <label className="field"><span className="field-label">{t('policy.suppression')}</span>
            <input type="number" min={0} max={1} step={0.01} value={draft.suppressionLimit} onChange={(e) => setDraft({ ...draft, suppressionLimit: e.target.value })} data-testid="policy-suppression" />
          </label>
          <label className="field"><span className="field-label">{t('policy.metric')}</span>
            <select value={draft.metric} onChange={(e) => setDraft({ ...draft, metric: e.target.value as PolicyDraft['metric'] })}>
              <option value="entropy">entropy</option><option value="loss">loss</option><option value="discernibility">discernibility</option>
            </select>
          </label>
        </div>
        <table className="data-table">
          <thead><tr><th>{t('profile.column')}</th><th>{t('policy.role')}</th><th>{t('policy.hierarchy')} / {t('policy.ldiv')}</th></tr></thead>
          <tbody>
            {columns.map((col) => {
              const c = draft.columns[col.name];
              return (
                <tr key={col.name} data-testid={`policy-column-${col.name}`}>
                  <td><code>{col.name}</code><br /><span className="muted">{t(`types.${col.type}`)}</span></td>
                  <td>
                    <select value={c.role} onChange={(e) => setColumn(col.name, { role: e.target.value as Role })} aria-label={`${col.name} ${t('policy.role')}`} data-testid={`role-${col.name}`}>
                      {(['identifier', 'quasi', 'sensitive', 'other', 'drop'] as const).map((r) => <option key={r} value={r}>{t(`policy.roles.${r}`)}</option>)}
                    </select>
                  </td>
                  <td>
                    {c.role === 'quasi' && (
                      <>
                        <select value={c.hierarchy} onChange={(e) => setColumn(col.name, { hierarchy: e.target.value as HierarchyKind })} data-testid={`hierarchy-${col.name}`}>
                          {(['bands', 'truncate', 'levels', 'mask', 'map'] as const).map((k) => <option key={k} value={k}>{t(`policy.kinds.${k}`)}</option>)}
                        </select>
                        {c.hierarchy === 'bands' && <input value={c.bands} onChange={(e) => setColumn(col.name, { bands: e.target.value })} placeholder={t('policy.bandsHint')} title={t('policy.bandsHint')} />}
                        {c.hierarchy === 'truncate' && <input value={c.truncate} onChange={(e) => setColumn(col.name, { truncate: e.target.value })} placeholder={t('policy.truncateHint')} title={t('policy.truncateHint')} />}
                        {c.hierarchy === 'mask' && <input value={c.mask} onChange={(e) => setColumn(col.name, { mask: e.target.value })} placeholder={t('policy.maskHint')} title={t('policy.maskHint')} />}
                        {c.hierarchy === 'map' && <textarea rows={3} value={c.map} onChange={(e) => setColumn(col.name, { map: e.target.value })} placeholder={t('policy.mapHint')} />}
                      </>
                    )}
                    {c.role === 'sensitive' && (
                      <div className="data-row">
                        <select value={c.lVariant} onChange={(e) => setColumn(col.name, { lVariant: e.target.value as LVariant })} data-testid={`ldiv-${col.name}`}>
                          <option value="none">—</option><option value="distinct">distinct</option><option value="entropy">entropy</option><option value="recursive">recursive (c,l)</option>
                        </select>
                        {c.lVariant !== 'none' && <label>l <input type="number" min={1} value={c.l} onChange={(e) => setColumn(col.name, { l: e.target.value })} style={{ width: 60 }} /></label>}
                        {c.lVariant === 'recursive' && <label>c <input type="number" min={0} step={0.5} value={c.c} onChange={(e) => setColumn(col.name, { c: e.target.value })} style={{ width: 60 }} /></label>}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <details><summary>{t('policy.json')}</summary><pre className="data-json" data-testid="policy-json">{JSON.stringify(json, null, 2)}</pre></details>
        <label className="field"><span className="field-label">{t('policy.note')}</span>
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} data-testid="policy-note" />
        </label>
        <p><button type="button" className="button button-primary" onClick={() => void submit()} data-testid="policy-submit">{t('policy.draft')}</button></p>
        {submitError && <p className="data-error" role="alert">{submitError}</p>}
        {submitted && <p role="status" data-testid="policy-submitted">{submitted}</p>}
      </div>
      <aside className="data-preview" aria-live="polite" data-testid="policy-preview">
        <h3>{t('preview.heading')} {running && <span className="muted">{t('preview.running')}</span>}</h3>
        {previewError && <p className="data-error" data-testid="preview-error">{previewError}</p>}
        {report && <ReportView report={report} />}
      </aside>
    </div>
  );
}
