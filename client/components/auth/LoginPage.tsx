/**
 * Sign in with email and password. Errors show in place, in both languages, including the
 * server's "too many attempts, try again in N minutes" (429). On success the current user is
 * stored and the person goes where they were headed (`next`, a same-site path) or home.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../shared/errors.ts';
import { login } from '../../api/auth.ts';
import { navigate } from '../../router.tsx';
import { useCurrentUserStore } from '../../state/currentUser.ts';
import { describeFailure, ErrorText } from './ErrorText.tsx';
import './auth.css';

export interface LoginPageProps {
  /** Path to open after signing in (validated by the router: starts with one `/`). */
  next?: string | null;
}

export function LoginPage({ next }: LoginPageProps) {
  const { t } = useTranslation('auth');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError({ ko: t('missingFields', { lng: 'ko' }), en: t('missingFields', { lng: 'en' }) });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await login(email.trim(), password);
      useCurrentUserStore.getState().set(user);
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError(describeFailure(err));
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page auth-page">
      <section className="auth-card" aria-labelledby="login-title" data-testid="login-page">
        <h1 id="login-title">{t('signInTitle')}</h1>
        <p className="muted">{t('signInIntro')}</p>
        <form onSubmit={submit} noValidate>
          <label className="field">
            <span className="field-label">{t('email')}</span>
            <input
              className="text-input"
              type="email"
              name="email"
              autoComplete="username"
              data-testid="login-email"
              value={email}
              maxLength={320}
              autoFocus
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('password')}</span>
            <input
              className="text-input"
              type="password"
              name="password"
              autoComplete="current-password"
              data-testid="login-password"
              value={password}
              maxLength={1000}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <ErrorText message={error} testId="login-error" />
          <button type="submit" className="button button-primary" data-testid="login-submit" disabled={isBusy}>
            {isBusy ? t('signingIn') : t('signIn')}
          </button>
        </form>
        <p className="muted auth-hint">{t('noAccount')}</p>
      </section>
    </main>
  );
}

export default LoginPage;
