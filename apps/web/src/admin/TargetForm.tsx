import { useState, type FormEvent } from 'react';
import { ROLES, type AdminTarget, type Role, type TargetFields, type TargetGrants, type TargetProtocol } from '../api/admin';
import { CheckboxGroup, ROLE_TEXT } from './CheckboxGroup';

const DEFAULT_PORT: Record<TargetProtocol, number> = { ssh: 22, rdp: 3389, vnc: 5900 };

interface Props {
  /** absent: a new target */
  target?: AdminTarget;
  grants: TargetGrants;
  submitLabel: string;
  onSubmit: (fields: TargetFields) => void | Promise<unknown>;
  onCancel?: () => void;
}

const splitNames = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A target's fields and grants. Credentials are write-only: an edit leaves them as they are unless
 * a new one is typed (the gateway never sends them back).
 */
export function TargetForm({ target, grants, submitLabel, onSubmit, onCancel }: Props) {
  const editing = target !== undefined;
  const [name, setName] = useState(target?.name ?? '');
  const [protocol, setProtocol] = useState<TargetProtocol>(target?.protocol ?? 'ssh');
  const [host, setHost] = useState(target?.host ?? '');
  const [port, setPort] = useState(String(target?.port ?? DEFAULT_PORT.ssh));
  const [accountName, setAccountName] = useState(target?.accountName ?? '');
  const [owner, setOwner] = useState(target?.owner ?? '');
  const [credentialKind, setCredentialKind] = useState<'password' | 'privateKey'>(target?.authentication === 'privateKey' ? 'privateKey' : 'password');
  const [credential, setCredential] = useState('');
  const [grantUsers, setGrantUsers] = useState(grants.users.join(', '));
  const [grantRoles, setGrantRoles] = useState<Role[]>(grants.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)));

  const changeProtocol = (next: TargetProtocol) => {
    if (port === String(DEFAULT_PORT[protocol])) setPort(String(DEFAULT_PORT[next]));
    if (next !== 'ssh') setCredentialKind('password');
    setProtocol(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields: TargetFields = { host: host.trim(), port: Number(port), accountName: accountName.trim(), grants: { users: splitNames(grantUsers), roles: grantRoles } };
    if (!editing) {
      fields.name = name.trim();
      fields.protocol = protocol;
    }
    if (owner.trim()) fields.owner = owner.trim();
    if (credential) fields[credentialKind] = credential;
    void onSubmit(fields);
  };

  return (
    <form className="dialog-form target-form" onSubmit={submit}>
      <div className="admin-form-fields">
        <label className="field">
          <span>Name</span>
          <input name="name" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9._-]*" readOnly={editing} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Protocol</span>
          <select name="protocol" value={protocol} disabled={editing} onChange={(e) => changeProtocol(e.target.value as TargetProtocol)}>
            <option value="ssh">SSH (through the jump)</option>
            <option value="rdp">RDP (in the browser)</option>
            <option value="vnc">VNC (in the browser)</option>
          </select>
        </label>
      </div>
      <div className="admin-form-fields">
        <label className="field">
          <span>Host</span>
          <input name="host" required maxLength={255} value={host} onChange={(e) => setHost(e.target.value)} />
        </label>
        <label className="field narrow">
          <span>Port</span>
          <input name="port" type="number" required min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} />
        </label>
        <label className="field">
          <span>Account on the target</span>
          <input name="accountName" required maxLength={64} value={accountName} onChange={(e) => setAccountName(e.target.value)} />
        </label>
        <label className="field">
          <span>Owner (optional)</span>
          <input name="owner" maxLength={64} value={owner} onChange={(e) => setOwner(e.target.value)} />
        </label>
      </div>
      {protocol === 'ssh' && (
        <fieldset className="checkbox-group">
          <legend>Credential</legend>
          <label className="checkbox">
            <input type="radio" name="credentialKind" checked={credentialKind === 'password'} onChange={() => setCredentialKind('password')} /> Password
          </label>
          <label className="checkbox">
            <input type="radio" name="credentialKind" checked={credentialKind === 'privateKey'} onChange={() => setCredentialKind('privateKey')} /> Private key
          </label>
        </fieldset>
      )}
      <label className="field">
        <span>
          {credentialKind === 'privateKey' ? 'Private key (OpenSSH or PEM)' : protocol === 'vnc' ? 'VNC password' : 'Password'}
          {editing ? ' — leave empty to keep the stored one' : protocol === 'ssh' ? '' : ' (optional)'}
        </span>
        {credentialKind === 'privateKey' ? (
          <textarea name="credential" rows={4} className="mono" value={credential} onChange={(e) => setCredential(e.target.value)} />
        ) : (
          <input name="credential" type="password" autoComplete="new-password" value={credential} onChange={(e) => setCredential(e.target.value)} />
        )}
      </label>
      <p className="muted">Stored encrypted; never shown again, never sent to a browser.</p>
      <label className="field">
        <span>Users who may connect (names, comma-separated)</span>
        <input name="grantUsers" value={grantUsers} onChange={(e) => setGrantUsers(e.target.value)} />
      </label>
      <CheckboxGroup legend="Roles who may connect" options={ROLES} value={grantRoles} onChange={setGrantRoles} describe={ROLE_TEXT} />
      <p className="muted">Nobody reaches a target without a grant, admins included.</p>
      <div className="dialog-buttons">
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="button primary">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
