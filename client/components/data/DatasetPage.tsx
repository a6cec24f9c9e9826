/**
 * `/data/:id`: one dataset. Members see the versions with the profile summary, the policy history
 * with every review (and can review: approve, request changes, comment), and the extracts built
 * with their reports. Stewards also see full profiles, correct types, edit policies with a live
 * preview and build extracts from the approved policy.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canInWorkspace } from '../../../shared/roles.ts';
import type { ColumnType } from '../../../shared/datasets/types.ts';
import { columnTypes } from '../../../shared/datasets/types.ts';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import {
  buildExtract, getDataset, listBuilds, listPolicies, retypeVersion, reviewPolicy,
  type DatasetVersion, type ExtractBuild, type PolicyVersion, type Review,
} from './dataApi.ts';
import { errorText } from './errorText.ts';
import { PolicyEditor } from './PolicyEditor.tsx';
import { ReportView } from './ReportView.tsx';
import { defaultDraft, fromPolicyJson } from './policyDraft.ts';
import './data.css';

interface Loaded {
  name: string;
  versions: DatasetVersion[];
  canManage: boolean;
  policies: PolicyVersion[];
  requiredApprovals: number;
  builds: ExtractBuild[];
}

export default function DatasetPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('data');
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editorKey, setEditorKey] = useState(0);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const [d, p, b] = await Promise.all([getDataset(id, signal), listPolicies(id, signal), listBuilds(id, signal)]);
      setData({ name: d.dataset.name, versions: d.versions, canManage: d.canManage, policies: p.versions, requiredApprovals: p.requiredApprovals, builds: b.builds });
    } catch (err) {
      if (!signal?.aborted) setError(errorText(err, i18n.language));
    }
  }, [id, i18n.language]);

  useEffect(() => {
    const ctrl = new AbortController();
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load]);

  if (error) return <main className="page" id="main"><p className="data-error">{t('loadFailed')}: {error}</p></main>;
  if (!data) return <main className="page" id="main"><p className="muted">…</p></main>;
  const latest = data.versions.at(-1);
  const lastPolicy = data.policies.at(-1);
  const columns = latest?.columns.map((c) => ({ name: c.name, type: c.type })) ?? [];

  return (
    <main className="page page-data" id="main">
      <h1 data-testid="dataset-name">{data.name}</h1>
      {latest && <p className="muted">{t('version', { version: latest.version })} · {t('rows', { count: latest.rowCount })} · {latest.originalName} · {latest.encoding ?? latest.format}</p>}
      {latest && <ProfileSection version={latest} canManage={data.canManage} datasetId={id} onRetyped={() => { setEditorKey((k) => k + 1); void load(); }} />}
      {data.canManage && latest && (
        <section className="data-section">
          <h2>{t('policy.heading')}</h2>
          <PolicyEditor
            key={`${editorKey}-${latest.id}`}
            datasetId={id}
            columns={columns}
            initial={lastPolicy ? fromPolicyJson(lastPolicy.policy, columns) : defaultDraft(columns)}
            onDrafted={() => void load()}
          />
        </section>
      )}
      <PolicyHistory policies={data.policies} requiredApprovals={data.requiredApprovals} onChanged={() => void load()} />
      <ExtractsSection datasetId={id} builds={data.builds} canBuild={data.canManage} onBuilt={() => void load()} />
    </main>
  );
}

function ProfileSection({ version, canManage, datasetId, onRetyped }: { version: DatasetVersion; canManage: boolean; datasetId: string; onRetyped: () => void }) {
  const { t, i18n } = useTranslation('data');
  const [types, setTypes] = useState<Record<string, ColumnType>>({});
  const [error, setError] = useState<string | null>(null);
  const changed = Object.entries(types).filter(([name, type]) => version.columns.find((c) => c.name === name)?.type !== type);
  const save = async () => {
    setError(null);
    try {
      await retypeVersion(datasetId, version.version, Object.fromEntries(changed));
      setTypes({});
      onRetyped();
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  return (
    <section className="data-section">
      <h2>{t('profile.heading')}</h2>
      {version.profile === 'summary' && <p className="muted">{t('profile.summaryOnly')}</p>}
      <table className="data-table" data-testid="profile-table">
        <thead><tr><th>{t('profile.column')}</th><th>{t('profile.type')}</th><th>{t('profile.nulls')}</th><th>{t('profile.distinct')}</th>
          {version.profile === 'full' && <><th>{t('profile.range')}</th><th>{t('profile.top')}</th></>}</tr></thead>
        <tbody>
          {version.columns.map((c) => (
            <tr key={c.name}>
              <td><code>{c.name}</code></td>
              <td>
                {canManage ? (
                  <select value={types[c.name] ?? c.type} onChange={(e) => setTypes({ ...types, [c.name]: e.target.value as ColumnType })} aria-label={`${c.name} ${t('profile.type')}`}>
                    {columnTypes.map((ty) => <option key={ty} value={ty}>{t(`types.${ty}`)}</option>)}
                  </select>
                ) : t(`types.${c.type}`)}
                {c.inferredType && c.inferredType !== c.type && <div className="muted">{t('profile.inferred', { type: t(`types.${c.inferredType}`) })}</div>}
              </td>
              <td>{c.nulls}</td>
              <td>{c.distinct}</td>
              {version.profile === 'full' && <>
                <td>{c.min !== null && c.min !== undefined ? `${c.min} – ${c.max}` : ''}</td>
                <td>{c.top?.map((v) => `${v.value} (${v.count})`).join(', ')}</td>
              </>}
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && changed.length > 0 && <p><button type="button" className="button" onClick={() => void save()}>{t('profile.saveTypes')}</button></p>}
      {error && <p className="data-error" role="alert">{error}</p>}
    </section>
  );
}

function PolicyHistory({ policies, requiredApprovals, onChanged }: { policies: PolicyVersion[]; requiredApprovals: number; onChanged: () => void }) {
  const { t } = useTranslation('data');
  return (
    <section className="data-section" data-testid="policy-history">
      <h2>{t('history.heading')}</h2>
      <p className="muted">{t('history.rule', { n: requiredApprovals })}</p>
      {policies.length === 0 && <p className="muted">{t('history.none')}</p>}
      <ul className="data-list">
        {[...policies].reverse().map((p) => <PolicyVersionItem key={p.id} version={p} onChanged={onChanged} />)}
      </ul>
    </section>
  );
}

function PolicyVersionItem({ version, onChanged }: { version: PolicyVersion; onChanged: () => void }) {
  const { t, i18n } = useTranslation('data');
  const user = useCurrentUserStore((s) => s.user);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const isOwn = user?.userId === version.authorId;
  const canApprove = user !== null && canInWorkspace(user.workspaceRole, 'policy.approve') && !isOwn;
  const send = async (decision: Review['decision']) => {
    setError(null);
    try {
      await reviewPolicy(version.id, decision, comment);
      setComment('');
      onChanged();
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  return (
    <li data-testid={`policy-version-${version.version}`}>
      <div className="data-row">
        <strong>{t('version', { version: version.version })}</strong>
        <span className={`data-badge data-badge-${version.state.status}`} data-testid="policy-state">{t(`history.status.${version.state.status}`)}</span>
        <span className="muted">{t('history.by', { name: version.authorName, org: version.authorOrgName, dv: version.datasetVersion })} · {new Date(version.createdAt).toLocaleString(i18n.language)}</span>
      </div>
      {version.note && <p>{version.note}</p>}
      <details><summary>{t('preview.heading')}</summary><ReportView report={version.preview} compact /><pre className="data-json">{JSON.stringify(version.policy, null, 2)}</pre></details>
      <ul className="data-reviews">
        {version.reviews.map((r) => (
          <li key={r.id}><strong>{r.userName}</strong> <span className="muted">({r.orgName})</span> {t(`history.decision.${r.decision}`)}{r.comment && `: ${r.comment}`}</li>
        ))}
      </ul>
      <div className="data-row">
        <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('history.comment')} aria-label={t('history.comment')} data-testid="review-comment" />
        {canApprove && <button type="button" className="button button-primary" onClick={() => void send('approve')} data-testid="review-approve">{t('history.approve')}</button>}
        {canApprove && <button type="button" className="button" onClick={() => void send('request_changes')} data-testid="review-request-changes">{t('history.requestChanges')}</button>}
        <button type="button" className="button button-quiet" disabled={!comment.trim()} onClick={() => void send('comment')}>{t('history.addComment')}</button>
      </div>
      {isOwn && <p className="muted">{t('history.own')}</p>}
      {error && <p className="data-error" role="alert">{error}</p>}
    </li>
  );
}

function ExtractsSection({ datasetId, builds, canBuild, onBuilt }: { datasetId: string; builds: ExtractBuild[]; canBuild: boolean; onBuilt: () => void }) {
  const { t, i18n } = useTranslation('data');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const build = async () => {
    setError(null);
    setBusy(true);
    try {
      await buildExtract(datasetId);
      onBuilt();
    } catch (err) {
      setError(errorText(err, i18n.language));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="data-section" data-testid="extract-builds">
      <h2>{t('extracts.heading')}</h2>
      {canBuild && <p><button type="button" className="button button-primary" disabled={busy} onClick={() => void build()} data-testid="build-extract">{t('extracts.build')}</button></p>}
      {error && <p className="data-error" role="alert" data-testid="build-error">{error}</p>}
      {builds.length === 0 && <p className="muted">{t('extracts.none')}</p>}
      <ul className="data-list">
        {builds.map((b) => (
          <li key={b.id} data-testid={`extract-build-${b.extractVersion}`}>
            <strong>{t('extracts.item', { name: b.extractName, version: b.extractVersion, policy: b.policyVersion, at: new Date(b.builtAt).toLocaleString(i18n.language) })}</strong>
            <ReportView report={b.report} compact />
          </li>
        ))}
      </ul>
    </section>
  );
}
