/**
 * Accept an invitation: the link is `/invite/accept#token=…` (the token rides in the fragment,
 * which browsers never send to a server). The person picks a name and password; the server creates
 * the account, signs them in, and we go home.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import { acceptInvite, passwordMinLength, readInviteToken } from '../../api/auth.ts';
import { navigate } from '../../router.tsx';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import { describeFailure, ErrorText } from './ErrorText.tsx';
import './auth.css';

export interface AcceptInvitePageProps {
  /** The token from the route (`/invite/<token>`); the URL fragment's `#token=` wins when present. */
  token?: string;
}

function tokenFrom(prop: string | undefined): string | null {
  const fromHash = typeof location === 'undefined' ? null : readInviteToken(location.hash);
  if (fromHash) return fromHash;
  return prop && prop !== 'accept' && /^[A-Za-z0-9_-]{10,200}$/.test(prop) ? prop : null;
}

export function AcceptInvitePage({ token: tokenProp }: AcceptInvitePageProps) {
  const { t } = useTranslation('auth');
  const token = useMemo(() => tokenFrom(tokenProp), [tokenProp]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const [isBusy, setBusy] = useState(false);
  const both = (key: string, opts: Record<string, unknown> = {}): Bilingual => ({ ko: t(key, { ...opts, lng: 'ko' }), en: t(key, { ...opts, lng: 'en' }) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token) return;
    if (!name.trim()) return setError(both('nameMissing'));
    if ([...password].length < passwordMinLength) return setError(both('passwordTooShort', { min: passwordMinLength }));
    if (password !== confirm) return setError(both('passwordMismatch'));
    setBusy(true);
    setError(null);
    try {
      const user = await acceptInvite(token, name.trim(), password);
      useCurrentUserStore.getState().set(user);
      navigate('/', { replace: true });
    } catch (err) {
      setError(describeFailure(err));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page auth-page">
      <section className="auth-card" aria-labelledby="invite-title" data-testid="invite-page">
        <h1 id="invite-title">{t('inviteTitle')}</h1>
        {!token ? (
          <ErrorText message={both('inviteMissing')} testId="invite-error" />
        ) : (
          <>
            <p className="muted">{t('inviteIntro')}</p>
            <form onSubmit={submit} noValidate>
              <label className="field">
                <span className="field-label">{t('name')}</span>
                <input className="text-input" name="name" autoComplete="name" data-testid="invite-name" value={name} maxLength={100}
                  placeholder={t('namePlaceholder')} autoFocus onChange={(e) => setName(e.target.value)} />
              </label>
              <label className="field">
                <span className="field-label">{t('newPassword')}</span>
                <input className="text-input" type="password" name="new-password" autoComplete="new-password" data-testid="invite-password"
                  value={password} maxLength={200} aria-describedby="invite-password-hint" onChange={(e) => setPassword(e.target.value)} />
                <span id="invite-password-hint" className="muted auth-hint">{t('passwordHint', { min: passwordMinLength })}</span>
              </label>
              <label className="field">
                <span className="field-label">{t('confirmPassword')}</span>
                <input className="text-input" type="password" name="confirm-password" autoComplete="new-password" data-testid="invite-confirm"
                  value={confirm} maxLength={200} onChange={(e) => setConfirm(e.target.value)} />
              </label>
              <ErrorText message={error} testId="invite-error" />
              <button type="submit" className="button button-primary" data-testid="invite-submit" disabled={isBusy}>
                {isBusy ? t('accepting') : t('acceptInvite')}
              </button>
            </form>
          </>
        )}
      </section>
    </main>
  );
}

export default AcceptInvitePage;
