/**
 * The app shell: header (name, language switch, who is signed in, sign out), the routes, the
 * toast region. Pages are `React.lazy` chunks, so the entry stays small and the notebook page
 * (Yjs, Monaco) loads only when a notebook is opened.
 */
import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate, useRoute, currentPath, type Route } from './router.tsx';
import { DataNavLink } from './components/data/DataNavLink.tsx';
import { StoriesNavLink } from './components/publish/StoriesNavLink.tsx';
import { ToastRegion } from './components/ui/Toast.tsx';
import { useCurrentUserStore } from './state/currentUser.ts';
import { HttpError, reportRequestError } from './api/http.ts';
import { me, logout } from './api/auth.ts';
import { languages, type Language } from './i18n/index.ts';
import { canInWorkspace } from '../shared/roles.ts';

const HomePage = lazy(() => import('./components/home/HomePage.tsx'));
const NotebookPage = lazy(() => import('./components/notebook/NotebookPage.tsx'));

// Accounts pages (client/components/auth/**), each its own chunk.
const LoginPage = lazy(() => import('./components/auth/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const AcceptInvitePage = lazy(() => import('./components/auth/AcceptInvitePage.tsx').then((m) => ({ default: m.AcceptInvitePage })));
const ChangePasswordDialog = lazy(() => import('./components/auth/ChangePasswordDialog.tsx').then((m) => ({ default: m.ChangePasswordDialog })));
const DataPage = lazy(() => import('./components/data/DataPage.tsx'));
const DatasetPage = lazy(() => import('./components/data/DatasetPage.tsx'));
const AdminPage = lazy(() => import('./components/auth/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));

function isPublicRoute(route: Route): boolean {
  return route.name === 'login' || route.name === 'invite';
}

export function App() {
  const route = useRoute();
  const status = useCurrentUserStore((s) => s.status);
  const user = useCurrentUserStore((s) => s.user);
  const setUser = useCurrentUserStore((s) => s.set);

  // Who is signed in: asked on start, and again after the sign-in page sends us on.
  const needsUser = !isPublicRoute(route) && user === null;
  useEffect(() => {
    if (!needsUser) return;
    let live = true;
    me().then(
      (u) => {
        if (!live) return;
        setUser(u);
        if (!u) navigate(`/login?next=${encodeURIComponent(currentPath())}`, { replace: true });
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof HttpError && err.status === 401) {
          setUser(null);
          navigate(`/login?next=${encodeURIComponent(currentPath())}`, { replace: true });
        } else {
          useCurrentUserStore.getState().setStatus('error');
          reportRequestError('auth.me', err);
        }
      },
    );
    return () => {
      live = false;
    };
  }, [needsUser, setUser]);

  let page: ReactNode;
  if (route.name === 'login') page = <LoginPage next={route.next} />;
  else if (route.name === 'invite') page = <AcceptInvitePage token={route.token} />;
  else if (!user) page = status === 'error' ? <LoadFailed /> : <Loading />;
  else if (route.name === 'home') page = <HomePage />;
  else if (route.name === 'notebook') page = <NotebookPage key={route.id} id={route.id} />;
  else if (route.name === 'admin') page = <AdminPage />;
  else if (route.name === 'data') page = <DataPage />;
  else if (route.name === 'dataset') page = <DatasetPage key={route.id} id={route.id} />;
  else page = <NotFound />;

  return (
    <div className="app">
      <AppHeader />
      <ErrorBoundary>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </ErrorBoundary>
      <ToastRegion />
    </div>
  );
}

function AppHeader() {
  const { t, i18n } = useTranslation('common');
  const user = useCurrentUserStore((s) => s.user);
  const setUser = useCurrentUserStore((s) => s.set);
  const [isPasswordOpen, setPasswordOpen] = useState(false);
  const signOut = async () => {
    try {
      await logout();
    } catch (err) {
      reportRequestError('auth.logout', err);
      return;
    }
    setUser(null);
    navigate('/login', { replace: true });
  };
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">{t('skipToContent')}</a>
      <Link href="/" className="brand" aria-label={`${t('appName')} ${t('appNameLatin')} — ${t('home')}`}>
        <span className="brand-ko">마당</span> <span className="brand-en">Madang</span>
      </Link>
      <nav className="app-header-right" aria-label={t('language')}>
        <div className="language-switch" role="group" aria-label={t('language')}>
          {languages.map((lng: Language) => (
            <button
              key={lng}
              type="button"
              className={`lang-button${i18n.language === lng ? ' is-active' : ''}`}
              aria-pressed={i18n.language === lng}
              lang={lng}
              data-testid={`lang-${lng}`}
              onClick={() => void i18n.changeLanguage(lng)}
            >
              {lng === 'ko' ? t('korean') : t('english')}
            </button>
          ))}
        </div>
        {user && (
          <>
            <span className="user-chip" title={t('signedInAs', { name: user.name, org: user.orgName })} data-testid="current-user">
              <span className="org-dot" style={{ background: user.color }} aria-hidden="true" />
              <span className="user-name">{user.name}</span>
              <span className="user-org muted">{user.orgName}</span>
            </span>
            <DataNavLink />
            <StoriesNavLink />
            {canInWorkspace(user.workspaceRole, 'workspace.readAudit') && (
              <Link href="/admin" className="button button-quiet" data-testid="admin-link">{t('admin')}</Link>
            )}
            <button type="button" className="button button-quiet" data-testid="change-password" onClick={() => setPasswordOpen(true)}>{t('changePassword')}</button>
            <button type="button" className="button button-quiet" data-testid="sign-out" onClick={() => void signOut()}>{t('signOut')}</button>
          </>
        )}
      </nav>
      {isPasswordOpen && (
        <Suspense fallback={null}><ChangePasswordDialog onClose={() => setPasswordOpen(false)} /></Suspense>
      )}
    </header>
  );
}

function Loading() {
  const { t } = useTranslation('common');
  return <main className="page" id="main"><p className="muted" aria-busy="true">{t('loading')}</p></main>;
}

function LoadFailed() {
  const { t } = useTranslation('common');
  return (
    <main className="page page-message" id="main">
      <p role="alert">{t('errorBoundaryTitle')}</p>
      <button type="button" className="button" onClick={() => location.reload()}>{t('reload')}</button>
    </main>
  );
}

function NotFound() {
  const { t } = useTranslation('common');
  return (
    <main className="page page-message" id="main">
      <h1>{t('notFoundTitle')}</h1>
      <p className="muted">{t('notFoundBody')}</p>
      <Link href="/" className="button">{t('goHome')}</Link>
    </main>
  );
}

/** A render error shows a calm message with a reload button instead of a blank page. */
class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error) {
    console.error(error);
  }
  override render() {
    if (this.state.error) return <LoadFailed />;
    return this.props.children;
  }
}
