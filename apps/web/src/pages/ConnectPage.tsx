import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { ReachableTarget } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { RdpClient } from '../rdp/RdpClient';
import { Link } from '../router/Link';
import { BrowserTerminal } from '../web-terminal/BrowserTerminal';

/** One target opened in the browser: a remote desktop for RDP/VNC, a terminal for SSH. */
export function ConnectPage({ name }: { name: string }) {
  useDocumentTitle(`Connect to ${name}`);
  const { token } = useAuth();
  const [target, setTarget] = useState<ReachableTarget | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.myTargets(token).then((all) => setTarget(all.find((t) => t.name === name) ?? null), (e) => setError(errorMessage(e)));
  }, [token, name]);

  return (
    <section className="stack" aria-labelledby="connect-title">
      <p>
        <Link to="/targets">← Targets</Link>
      </p>
      <div className="page-head">
        <h1 id="connect-title">{name}</h1>
        {target && <span className="badge">{target.protocol.toUpperCase()}</span>}
      </div>
      <ErrorBanner message={error} />
      {target === undefined && !error && <p aria-live="polite">Loading…</p>}
      {target === null && (
        <p className="banner error" role="alert">
          No target “{name}” is granted to you.
        </p>
      )}
      {target && (target.protocol === 'rdp' || target.protocol === 'vnc') && <RdpClient key={target.name} target={target} />}
      {target?.protocol === 'ssh' && <BrowserTerminal key={target.name} target={target.name} />}
    </section>
  );
}
