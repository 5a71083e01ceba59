import { useCallback, useRef, useState, type FormEvent } from 'react';
import { AdminTable } from './AdminTable';
import { adminApi, type AdminAgent, type IssuedAgentToken } from '../api/admin';
import { errorMessage } from '../api/api-error';
import { CopyButton } from '../access-keys/CopyButton';
import { useAuth } from '../auth/auth-context';
import { ConfirmButtons, Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { formatDate } from '../common/format';
import { useDocumentTitle } from '../common/use-document-title';
import { NotPermittedPage } from '../audit/NotPermittedPage';
import { AdminNav } from './AdminNav';
import { useAdminList } from './use-admin-list';
import './admin.css';

type Open = { kind: 'token'; agent: string; issued: IssuedAgentToken } | { kind: 'rotate' | 'revoke'; agent: AdminAgent } | null;

/** Agents and jump servers that report sessions: create, rotate a token, revoke. */
export function AgentsPage() {
  useDocumentTitle('Agents · Administration');
  const { token, me } = useAuth();
  if (!me.roles.includes('admin')) return <NotPermittedPage what="Administration" needs="admin" />;
  return <AgentsAdministration token={token} />;
}

function AgentsAdministration({ token }: { token: string }) {
  const agents = useAdminList(useCallback(() => adminApi.agents(token), [token]));
  const [name, setName] = useState('');
  const [kind, setKind] = useState<AdminAgent['kind']>('agent');
  const [open, setOpen] = useState<Open>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);

  const run = async (work: () => Promise<string>) => {
    setError(null);
    try {
      const done = await work();
      // announced once the list shows it
      await agents.reload();
      setAnnouncement(done);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const agentName = name.trim();
    void run(async () => {
      const issued = await adminApi.createAgent(token, { name: agentName, kind });
      setName('');
      setOpen({ kind: 'token', agent: agentName, issued });
      return `Agent ${agentName} created.`;
    });
  };

  const rotate = (agent: AdminAgent) =>
    void run(async () => {
      const issued = await adminApi.rotateAgent(token, agent.id);
      setOpen({ kind: 'token', agent: agent.name, issued });
      return `A new token for ${agent.name}; the old one no longer works.`;
    });

  const revoke = (agent: AdminAgent) => {
    setOpen(null);
    void run(async () => {
      await adminApi.revokeAgent(token, agent.id);
      headingRef.current?.focus();
      return `Agent ${agent.name} revoked.`;
    });
  };

  return (
    <section className="stack" aria-labelledby="agents-title">
      <div className="page-head">
        <h1 id="agents-title" ref={headingRef} tabIndex={-1}>
          Agents
        </h1>
        <span className="muted">Programs that report sessions to Vigil (agents, jump servers); each signs with its own token</span>
      </div>
      <AdminNav current="/admin/agents" />
      <form className="card admin-form inline-form" onSubmit={create} aria-labelledby="new-agent-title">
        <h2 id="new-agent-title" className="visually-hidden">
          New agent
        </h2>
        <label className="field">
          <span>Name</span>
          <input name="name" required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Kind</span>
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as AdminAgent['kind'])}>
            <option value="agent">agent</option>
            <option value="jump-server">jump server</option>
          </select>
        </label>
        <button type="submit" className="button primary">
          Create agent
        </button>
      </form>
      <ErrorBanner message={error ?? agents.error} />
      <LiveRegion message={announcement} />
      <div aria-busy={agents.loading}>
        {agents.items.length > 0 && <AgentsTable agents={agents.items} onRotate={(agent) => setOpen({ kind: 'rotate', agent })} onRevoke={(agent) => setOpen({ kind: 'revoke', agent })} />}
        {!agents.loading && !agents.error && agents.items.length === 0 && <p className="empty">No agents yet.</p>}
      </div>

      <Dialog
        open={open !== null}
        title={open?.kind === 'token' ? `Token of ${open.agent}` : open?.kind === 'rotate' ? `Rotate the token of ${open.agent.name}` : `Revoke ${open?.agent.name ?? ''}`}
        onClose={() => setOpen(null)}
      >
        {open?.kind === 'token' && <TokenPanel issued={open.issued} onDone={() => setOpen(null)} />}
        {(open?.kind === 'rotate' || open?.kind === 'revoke') && (
          <div className="dialog-form">
            <p>
              {open.kind === 'rotate'
                ? `${open.agent.name} gets a new token; the one it uses now stops working at once, so update the agent's configuration right after.`
                : `Revoke ${open.agent.name} for good? Its token stops working at once; the sessions it reported stay, and end by timeout unless ended otherwise.`}
            </p>
            <ConfirmButtons
              onCancel={() => setOpen(null)}
              onConfirm={() => (open.kind === 'rotate' ? (setOpen(null), rotate(open.agent)) : revoke(open.agent))}
              confirmLabel={open.kind === 'rotate' ? 'Rotate token' : 'Revoke'}
            />
          </div>
        )}
      </Dialog>
    </section>
  );
}

function AgentsTable({ agents, onRotate, onRevoke }: { agents: AdminAgent[]; onRotate: (a: AdminAgent) => void; onRevoke: (a: AdminAgent) => void }) {
  return (
    <AdminTable label="Agents" caption="Agents, newest first" columns={['Name', 'Kind', 'Created', 'Status']}>
      {agents.map((agent) => (
        <tr key={agent.id} data-agent-id={agent.id}>
          <th scope="row">{agent.name}</th>
          <td>{agent.kind === 'jump-server' ? 'jump server' : 'agent'}</td>
          <td>
            <time dateTime={agent.createdAt}>{formatDate(agent.createdAt)}</time>
          </td>
          <td>
            {agent.revokedAt ? (
              <span className="key-status inactive">
                Revoked <time dateTime={agent.revokedAt}>{formatDate(agent.revokedAt)}</time>
              </span>
            ) : (
              <span className="key-status active">Active</span>
            )}
          </td>
          <td className="actions">
            {!agent.revokedAt && (
              <div className="action-group">
                <button type="button" className="button small" aria-label={`Rotate the token of ${agent.name}`} onClick={() => onRotate(agent)}>
                  Rotate token
                </button>
                <button type="button" className="button small danger" aria-label={`Revoke ${agent.name}`} onClick={() => onRevoke(agent)}>
                  Revoke
                </button>
              </div>
            )}
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}

function TokenPanel({ issued, onDone }: { issued: IssuedAgentToken; onDone: () => void }) {
  return (
    <div className="dialog-form new-key">
      <p className="banner warn">
        <strong>Copy the token now: it won’t be shown again.</strong> Vigil keeps only its hash. Give it to the agent as <code>VIGIL_AGENT_TOKEN</code>.
      </p>
      <label className="field">
        <span>Agent token</span>
        <input className="mono" readOnly value={issued.token} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <CopyButton text={issued.token} label="Copy agent token" />
      <div className="dialog-buttons">
        <button type="button" className="button primary" onClick={onDone}>
          Done, I have copied it
        </button>
      </div>
    </div>
  );
}
