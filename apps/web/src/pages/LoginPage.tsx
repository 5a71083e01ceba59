import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/api-error';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';

interface Props {
  onLogin: (username: string, password: string) => Promise<void>;
  notice?: string;
}

export function LoginPage({ onLogin, notice }: Props) {
  useDocumentTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passwordField = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLogin(username.trim(), password);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'Wrong username or password.' : errorMessage(e));
      setBusy(false);
      // the disabled button lost the focus: put it back where the user retypes, the password selected
      requestAnimationFrame(() => {
        passwordField.current?.focus();
        passwordField.current?.select();
      });
    }
  };

  return (
    <main id="main" className="login-page">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <span className="brand-mark large" aria-hidden="true" />
          <h1 id="login-title">Sign in to Vigil</h1>
        </div>
        <p className="muted">Live monitor of privileged sessions.</p>
        {notice && !error && <p className="banner info" role="status">{notice}</p>}
        <ErrorBanner message={error} id="login-error" />
        <label className="field">
          <span>Username</span>
          <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            ref={passwordField}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-describedby={error ? 'login-error' : undefined}
            value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="button primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
