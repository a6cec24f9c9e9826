/**
 * The admin's page: invite people by link, create organisations, and read, verify and export the
 * audit log. Mounted by the app shell at `/admin`; anyone else sees a calm "admins only" note (the
 * server refuses them regardless).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import { canInWorkspace, orgKinds, workspaceRoles, type OrgKind, type WorkspaceRole } from '../../../shared/roles.ts';
import {
  auditExportUrl, createInvite, createOrg, listAudit, listOrgs, verifyAudit,
  type AuditEntry, type CreatedInvite, type OrgSummary,
} from '../../api/auth.ts';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import { describeFailure, ErrorText } from './ErrorText.tsx';
import './auth.css';

export function AdminPage() {
  const { t } = useTranslation('auth');
  const user = useCurrentUserStore((s) => s.user);
  if (!user || !canInWorkspace(user.workspaceRole, 'workspace.manageUsers')) {
    return <main id="main" className="page"><p className="notice" role="status" data-testid="admin-only">{t('adminOnly')}</p></main>;
  }
  return (
    <main id="main" className="page admin-page" data-testid="admin-page">
      <h1>{t('adminTitle')}</h1>
      <InviteSection />
      <AuditSection />
    </main>
  );
}

function InviteSection() {
  const { t, i18n } = useTranslation('auth');
  const [orgs, setOrgs] = useState<OrgSummary[]>([]);
  const [email, setEmail] = useState('');
  const [orgId, setOrgId] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('analyst');
  const [invite, setInvite] = useState<CreatedInvite | null>(null);
  const [orgName, setOrgName] = useState('');
  const [orgKind, setOrgKind] = useState<OrgKind>('cso');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<Bilingual | null>(null);
  const [isBusy, setBusy] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    listOrgs(ac.signal).then(setOrgs, (err: unknown) => { if (!ac.signal.aborted) setError(describeFailure(err)); });
    return () => ac.abort();
  }, []);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const submitInvite = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setInvite(await createInvite(email.trim(), orgId, role));
      setEmail('');
    });
  };

  const submitOrg = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const org = await createOrg(orgName.trim(), orgKind);
      setOrgs((list) => [...list, org].sort((a, b) => a.name.localeCompare(b.name)));
      setOrgId(org.id);
      setOrgName('');
      setNotice(t('orgCreated', { name: org.name }));
    });
  };

  return (
    <section aria-labelledby="invite-section">
      <h2 id="invite-section">{t('inviteSection')}</h2>
      <form className="share-row" onSubmit={submitInvite}>
        <input className="text-input" type="email" required aria-label={t('inviteEmail')} placeholder={t('inviteEmail')} value={email}
          maxLength={320} data-testid="admin-invite-email" onChange={(e) => setEmail(e.target.value)} />
        <select className="text-input" required aria-label={t('inviteOrg')} value={orgId} data-testid="admin-invite-org" onChange={(e) => setOrgId(e.target.value)}>
          <option value="">{t('chooseOrg')}</option>
          {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
        </select>
        <select className="text-input" aria-label={t('workspaceRole')} value={role} data-testid="admin-invite-role" onChange={(e) => setRole(e.target.value as WorkspaceRole)}>
          {workspaceRoles.map((r) => <option key={r} value={r}>{t(`wsRole_${r}`)}</option>)}
        </select>
        <button type="submit" className="button button-primary" disabled={isBusy} data-testid="admin-invite-submit">{t('createInvite')}</button>
      </form>
      {invite && (
        <div className="notice" role="status" data-testid="admin-invite-link">
          <p>{t('inviteCreated', { email: invite.email, date: new Date(invite.expiresAt).toLocaleString(i18n.language) })}</p>
          <p><code>{invite.link}</code>{' '}
            <button type="button" className="button button-quiet" onClick={() => void navigator.clipboard?.writeText(invite.link).then(() => setNotice(t('copied')))}>{t('copy')}</button>
          </p>
        </div>
      )}
      <h2>{t('orgSection')}</h2>
      <form className="share-row" onSubmit={submitOrg}>
        <input className="text-input" required aria-label={t('orgName')} placeholder={t('orgName')} value={orgName} maxLength={100}
          data-testid="admin-org-name" onChange={(e) => setOrgName(e.target.value)} />
        <select className="text-input" aria-label={t('orgKind')} value={orgKind} onChange={(e) => setOrgKind(e.target.value as OrgKind)}>
          {orgKinds.map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
        </select>
        <button type="submit" className="button" disabled={isBusy} data-testid="admin-org-submit">{t('createOrg')}</button>
      </form>
      {notice && <p className="muted" role="status">{notice}</p>}
      <ErrorText message={error} testId="admin-error" />
    </section>
  );
}

function AuditSection() {
  const { t, i18n } = useTranslation('auth');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [verdict, setVerdict] = useState<{ ok: boolean; firstBrokenSeq: number | null } | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<Bilingual | null>(null);
  const pageSize = 100;

  const load = useCallback(async (before?: number, signal?: AbortSignal) => {
    const page = await listAudit({ before, limit: pageSize }, signal);
    setEntries((prev) => (before === undefined ? page : [...(prev ?? []), ...page]));
    setHasMore(page.length === pageSize);
  }, []);

  useEffect(() => {
    const ac = new AbortController();
    const fail = (err: unknown) => { if (!ac.signal.aborted) setError(describeFailure(err)); };
    load(undefined, ac.signal).catch(fail);
    verifyAudit(ac.signal).then(setVerdict, fail);
    return () => ac.abort();
  }, [load]);

  return (
    <section aria-labelledby="audit-section">
      <h2 id="audit-section">{t('auditSection')}</h2>
      {verdict && (
        <p className={verdict.ok ? 'notice' : 'auth-error'} role="status" data-testid="audit-verdict">
          {verdict.ok ? t('auditOk') : t('auditBroken', { seq: verdict.firstBrokenSeq })}
        </p>
      )}
      <p><a className="button" href={auditExportUrl} download data-testid="audit-export">{t('auditExport')}</a></p>
      <ErrorText message={error} testId="audit-error" />
      {entries === null ? null : entries.length === 0 ? <p className="muted">{t('auditEmpty')}</p> : (
        <table className="audit-table" data-testid="audit-table">
          <thead>
            <tr><th scope="col">{t('auditSeq')}</th><th scope="col">{t('auditAt')}</th><th scope="col">{t('auditActor')}</th><th scope="col">{t('auditAction')}</th><th scope="col">{t('auditTarget')}</th></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq} data-testid="audit-row">
                <td>{e.seq}</td>
                <td><time dateTime={e.at}>{new Date(e.at).toLocaleString(i18n.language)}</time></td>
                <td>{e.actorName ? `${e.actorName} (${e.actorEmail ?? ''})` : (e.actorId ?? t('auditSystem'))}</td>
                <td><code>{e.action}</code></td>
                <td>{e.target ?? ''}{Object.keys(e.detail).length > 0 ? <span className="muted"> {JSON.stringify(e.detail)}</span> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hasMore && entries && (
        <button type="button" className="button" onClick={() => void load(entries[entries.length - 1].seq).catch((err: unknown) => setError(describeFailure(err)))}>{t('auditOlder')}</button>
      )}
    </section>
  );
}

export default AdminPage;
