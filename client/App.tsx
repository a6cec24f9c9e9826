/**
 * The app shell: header (name, language switch, who is signed in, sign out), the routes, the
 * toast region. Pages are `React.lazy` chunks, so the entry stays small and the notebook page
 * (Yjs, Monaco) loads only when a notebook is opened.
 */
import { Component, lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate, useRoute, currentPath, type Route } from './router.tsx';
import { ToastRegion } from './components/ui/Toast.tsx';
import { useCurrentUserStore } from './state/currentUser.ts';
import { HttpError, reportRequestError } from './api/http.ts';
import { me, logout } from './api/auth.ts';
import { languages, type Language } from './i18n/index.ts';

const HomePage = lazy(() => import('./components/home/HomePage.tsx'));
const NotebookPage = lazy(() => import('./components/notebook/NotebookPage.tsx'));

/**
 * Accounts pages (client/components/auth/**). PLACEHOLDER until they land: the glob finds them when
 * present; otherwise the route shows a short "being prepared" message.
 */
const authModules = import.meta.glob<Record<string, unknown>>('./components/auth/*.tsx');
function authPage<P extends object>(file: string, exportName: string): ComponentType<P> | null {
  const load = authModules[`./components/auth/${file}`];
  if (!load) return null;
  return lazy(async () => {
    const mod = await load();
    return { default: (mod[exportName] ?? mod.default) as ComponentType<P> };
  });
}
const LoginPage = authPage<{ next?: string | null }>('LoginPage.tsx', 'LoginPage');
const AcceptInvitePage = authPage<{ token: string }>('AcceptInvitePage.tsx', 'AcceptInvitePage');
const ChangePasswordDialog = authPage<{ onClose(): void }>('ChangePasswordDialog.tsx', 'ChangePasswordDialog');

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
  if (route.name === 'login') page = LoginPage ? <LoginPage next={route.next} /> : <AuthPending />;
  else if (route.name === 'invite') page = AcceptInvitePage ? <AcceptInvitePage token={route.token} /> : <AuthPending />;
  else if (!user) page = status === 'error' ? <LoadFailed /> : <Loading />;
  else if (route.name === 'home') page = <HomePage />;
  else if (route.name === 'notebook') page = <NotebookPage key={route.id} id={route.id} />;
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
            {ChangePasswordDialog && (
              <button type="button" className="button button-quiet" onClick={() => setPasswordOpen(true)}>{t('changePassword')}</button>
            )}
            <button type="button" className="button button-quiet" data-testid="sign-out" onClick={() => void signOut()}>{t('signOut')}</button>
          </>
        )}
      </nav>
      {isPasswordOpen && ChangePasswordDialog && (
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

function AuthPending() {
  const { t } = useTranslation('common');
  return <main className="page page-message" id="main"><p>{t('authPending')}</p></main>;
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
