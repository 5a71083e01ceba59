import { useEffect, useMemo } from 'react';
import { AuthContext, type Auth } from './auth/auth-context';
import { useSessionAuth } from './auth/use-session-auth';
import { SkipLink } from './layout/SkipLink';
import { TopNav } from './layout/TopNav';
import { UserMenu } from './layout/UserMenu';
import { LoginPage } from './pages/LoginPage';
import { Routes } from './Routes';
import { navigate } from './router/history';
import { useLocation } from './router/use-location';
import { ThemeToggle } from './theme/ThemeToggle';
import { useTheme } from './theme/use-theme';

/** Only same-origin paths: `next` comes from the address bar. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/sessions');

/** Theme, sign-in gate, chrome; the pages themselves are chosen in Routes. */
export function App() {
  const [theme, toggleTheme] = useTheme();
  const { state, login, logout } = useSessionAuth();
  const { pathname, search, href } = useLocation();
  const auth = useMemo<Auth | null>(
    () => (state.status === 'signed-in' ? { token: state.token, me: state.me, logout } : null),
    [state, logout],
  );
  const signedOut = state.status === 'signed-out';

  useEffect(() => {
    if (signedOut && pathname !== '/login') {
      const next = pathname === '/' ? '' : `?next=${encodeURIComponent(href)}`;
      navigate(`/login${next}`, { replace: true });
    }
  }, [signedOut, pathname, href]);

  if (state.status === 'checking') {
    return <p className="loading-screen" role="status">Loading…</p>;
  }

  if (!auth) {
    return (
      <>
        <div className="floating-theme">
          <ThemeToggle theme={theme} onToggle={toggleTheme} />
        </div>
        <LoginPage
          notice={state.status === 'signed-out' ? state.notice : undefined}
          onLogin={async (username, password) => {
            const next = safeNext(search.get('next'));
            await login(username, password);
            navigate(next, { replace: true });
          }}
        />
      </>
    );
  }

  return (
    <AuthContext.Provider value={auth}>
      <SkipLink />
      <TopNav>
        <ThemeToggle theme={theme} onToggle={toggleTheme} />
        <UserMenu />
      </TopNav>
      <main id="main" className="page" tabIndex={-1}>
        <Routes />
      </main>
    </AuthContext.Provider>
  );
}
