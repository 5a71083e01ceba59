import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { ReachableTarget } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { Link } from '../router/Link';

const PROTOCOL_TEXT = { ssh: 'SSH', rdp: 'RDP', vnc: 'VNC' } as const;

/** `ssh user+target@host`: the jump's host is the console's; its port is the gateway's JUMP_SSH_PORT. */
export function jumpCommand(username: string, target: string, host: string): string {
  return `ssh -p <jump port> ${username}+${target}@${host}`;
}

/** The targets the caller may reach, each with Connect (SSH ones also with the jump command). */
export function TargetsPage() {
  useDocumentTitle('Targets');
  const { token, me } = useAuth();
  const [targets, setTargets] = useState<ReachableTarget[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.myTargets(token).then(setTargets, (e) => setError(errorMessage(e)));
  }, [token]);

  return (
    <section className="stack" aria-labelledby="targets-title">
      <div className="page-head">
        <h1 id="targets-title">Targets</h1>
      </div>
      <p className="muted">
        The servers you may reach. RDP and VNC desktops open in the browser; the gateway signs in for you, so their credentials never reach this page. SSH
        servers are reached through the jump (its port is the gateway’s <code>JUMP_SSH_PORT</code>, 2222 by default).
      </p>
      <ErrorBanner message={error} />
      {targets === null && !error && <p aria-live="polite">Loading…</p>}
      {targets?.length === 0 && <p data-testid="no-targets">No target is granted to you.</p>}
      {targets && targets.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Targets you may reach">
          <table className="data-table targets-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Protocol</th>
                <th scope="col">Host</th>
                <th scope="col">Account</th>
                <th scope="col">Connect</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((target) => (
                <tr key={target.name} data-target={target.name} data-protocol={target.protocol}>
                  <th scope="row">{target.name}</th>
                  <td>{PROTOCOL_TEXT[target.protocol] ?? target.protocol}</td>
                  <td>
                    {target.host}:{target.port}
                  </td>
                  <td>{target.accountName}</td>
                  <td>
                    <Link className="button small primary" to={`/targets/${encodeURIComponent(target.name)}/connect`} aria-label={`Connect to ${target.name}`}>
                      Connect
                    </Link>
                    {target.protocol === 'ssh' && (
                      <>
                        {' '}
                        <code className="jump-command" data-testid="jump-command">
                          {jumpCommand(me.username, target.name, window.location.hostname)}
                        </code>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
