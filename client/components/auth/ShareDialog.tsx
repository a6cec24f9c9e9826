/**
 * Share a notebook: add a person (by name/email search) or a whole organisation, or everyone
 * signed in, with a role; change or remove members. Only owners can change anything — others see
 * the list and why they cannot (the server enforces the same rule). Names are rendered as text.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import { canOnNotebook, notebookRoles, type NotebookRole } from '../../../shared/roles.ts';
import {
  addMember, listMembers, listOrgs, removeMember, searchUsers,
  type Member, type MemberTarget, type OrgSummary, type SessionUser,
} from '../../api/auth.ts';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { describeFailure, ErrorText } from './ErrorText.tsx';
import './auth.css';

export interface ShareDialogProps {
  notebookId: string;
  title: string;
  onClose(): void;
}

type TargetKind = 'person' | 'org' | 'everyone';

export function ShareDialog({ notebookId, title, onClose }: ShareDialogProps) {
  const { t } = useTranslation('auth');
  const me = useCurrentUserStore((s) => s.user);
  const listId = useId();
  const [myRole, setMyRole] = useState<NotebookRole | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [orgs, setOrgs] = useState<OrgSummary[]>([]);
  const [kind, setKind] = useState<TargetKind>('person');
  const [email, setEmail] = useState('');
  const [suggestions, setSuggestions] = useState<SessionUser[]>([]);
  const [orgId, setOrgId] = useState('');
  const [role, setRole] = useState<NotebookRole>('editor');
  const [error, setError] = useState<Bilingual | null>(null);
  const [isBusy, setBusy] = useState(false);
  const both = (key: string): Bilingual => ({ ko: t(key, { lng: 'ko' }), en: t(key, { lng: 'en' }) });

  const reload = useCallback(async (signal?: AbortSignal) => {
    const r = await listMembers(notebookId, signal);
    setMyRole(r.role);
    setMembers(r.members);
  }, [notebookId]);

  useEffect(() => {
    const ac = new AbortController();
    reload(ac.signal).catch((err: unknown) => { if (!ac.signal.aborted) setError(describeFailure(err)); });
    listOrgs(ac.signal).then(setOrgs, () => { /* the org picker just stays empty */ });
    return () => ac.abort();
  }, [reload]);

  // People suggestions as you type (name or email), a short pause after the last key.
  useEffect(() => {
    const q = email.trim();
    if (kind !== 'person' || q.length < 2) {
      setSuggestions([]);
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      searchUsers(q, ac.signal).then(setSuggestions, () => setSuggestions([]));
    }, 200);
    return () => { clearTimeout(timer); ac.abort(); };
  }, [email, kind]);

  const canShare = canOnNotebook(myRole, 'notebook.share');

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await reload();
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let target: MemberTarget;
    if (kind === 'person') {
      const picked = suggestions.find((s) => s.name === email.trim())?.email ?? email.trim();
      if (!picked) return setError(both('emailMissing'));
      target = { email: picked };
    } else if (kind === 'org') {
      if (!orgId) return setError(both('orgMissing'));
      target = { orgId };
    } else {
      target = { everyone: true };
    }
    void run(async () => {
      await addMember(notebookId, target, role);
      setEmail('');
    });
  };

  const changeRole = (m: Member, next: NotebookRole) => {
    const target: MemberTarget = m.kind === 'user' ? { email: m.email ?? '' } : m.kind === 'org' ? { orgId: m.id } : { everyone: true };
    void run(() => addMember(notebookId, target, next));
  };

  // Removing oneself ends one's access: there is no list left to reload, so close instead.
  const leave = async (m: Member) => {
    setBusy(true);
    setError(null);
    try {
      await removeMember(notebookId, m);
      onClose();
    } catch (err) {
      setError(describeFailure(err));
      setBusy(false);
    }
  };

  const memberLabel = (m: Member) => (m.kind === 'workspace' ? t('everyone') : m.name);

  return (
    <Dialog title={t('shareTitle', { title })} onClose={onClose} className="share-dialog" testId="share-dialog">
      {canShare ? (
        <form className="share-form" onSubmit={submit} noValidate>
          <fieldset className="share-target-kinds">
            <legend className="field-label">{t('shareWith')}</legend>
            {(['person', 'org', 'everyone'] as const).map((k) => (
              <label key={k}>
                <input type="radio" name="share-kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`share-kind-${k}`} />{' '}
                {t(k === 'person' ? 'targetPerson' : k === 'org' ? 'targetOrg' : 'targetEveryone')}
              </label>
            ))}
          </fieldset>
          <div className="share-row">
            {kind === 'person' && (
              <>
                <input className="text-input" type="text" list={listId} aria-label={t('personPlaceholder')} placeholder={t('personPlaceholder')}
                  data-testid="share-email" value={email} maxLength={320} autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
                <datalist id={listId}>
                  {suggestions.map((s) => <option key={s.userId} value={s.email}>{`${s.name} · ${s.orgName}`}</option>)}
                </datalist>
              </>
            )}
            {kind === 'org' && (
              <select className="text-input" aria-label={t('chooseOrg')} data-testid="share-org" value={orgId} onChange={(e) => setOrgId(e.target.value)}>
                <option value="">{t('chooseOrg')}</option>
                {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
            )}
            <select className="text-input" aria-label={t('role')} data-testid="share-role" value={role} onChange={(e) => setRole(e.target.value as NotebookRole)}>
              {notebookRoles.map((r) => <option key={r} value={r}>{`${t(`role_${r}`)} — ${t(`roleHelp_${r}`)}`}</option>)}
            </select>
            <button type="submit" className="button button-primary" data-testid="share-add" disabled={isBusy}>{isBusy ? t('adding') : t('add')}</button>
          </div>
        </form>
      ) : myRole ? (
        <p className="notice" role="status" data-testid="share-owner-only">{t('onlyOwnersShare', { role: t(`role_${myRole}`) })}</p>
      ) : null}
      <ErrorText message={error} testId="share-error" />
      <h3 className="field-label">{t('members')}</h3>
      {members === null ? (
        <p className="muted">{t('loadingMembers')}</p>
      ) : members.length === 0 ? (
        <p className="muted">{t('noMembers')}</p>
      ) : (
        <ul className="member-list" data-testid="member-list">
          {members.map((m) => {
            const isMe = m.kind === 'user' && m.id === me?.userId;
            return (
              <li key={`${m.kind}:${m.id}`} className="member" data-testid="member" data-member-kind={m.kind}>
                <span className="org-dot" style={{ background: m.color ?? '#888' }} aria-hidden="true" />
                <span className="member-main">
                  <span className="member-name">{memberLabel(m)}{isMe ? ` (${t('you')})` : ''}</span>
                  <span className="member-sub muted">
                    {m.kind === 'user' ? [m.email, m.orgName].filter(Boolean).join(' · ') : m.kind === 'org' ? t('orgMember') : ''}
                  </span>
                </span>
                {canShare ? (
                  <select className="text-input" aria-label={`${t('role')}: ${memberLabel(m)}`} value={m.role} disabled={isBusy}
                    onChange={(e) => changeRole(m, e.target.value as NotebookRole)}>
                    {notebookRoles.map((r) => <option key={r} value={r}>{t(`role_${r}`)}</option>)}
                  </select>
                ) : (
                  <span className="role-badge">{t(`role_${m.role}`)}</span>
                )}
                {(canShare || isMe) && (
                  <button type="button" className="button button-quiet" disabled={isBusy} aria-label={t('removeMember', { name: memberLabel(m) })}
                    onClick={() => void (isMe ? leave(m) : run(() => removeMember(notebookId, m)))}>
                    {isMe && !canShare ? t('leave') : t('remove')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>{t('close')}</button>
      </div>
    </Dialog>
  );
}

export default ShareDialog;
