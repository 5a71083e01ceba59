import { useState, type FormEvent } from 'react';
import { PRIVILEGES, ROLES, type Privilege, type Role } from '../api/admin';
import { CheckboxGroup, PRIVILEGE_TEXT, ROLE_TEXT } from './CheckboxGroup';

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
  privileges: Privilege[];
}

/** Creating a user; the fields are cleared only once the gateway accepted it. */
export function NewUserForm({ onCreate }: { onCreate: (user: NewUser) => Promise<boolean> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['owner']);
  const [privileges, setPrivileges] = useState<Privilege[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const created = await onCreate({ username: username.trim(), password, roles, privileges });
    setBusy(false);
    if (created) {
      setUsername('');
      setPassword('');
      setRoles(['owner']);
      setPrivileges([]);
    }
  };

  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby="new-user-title">
      <h2 id="new-user-title">New user</h2>
      <div className="admin-form-fields">
        <label className="field">
          <span>Username</span>
          <input name="username" required maxLength={64} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password (at least 8 characters)</span>
          <input name="password" type="password" required minLength={8} maxLength={256} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
      </div>
      <CheckboxGroup legend="Roles" options={ROLES} value={roles} onChange={setRoles} describe={ROLE_TEXT} />
      <CheckboxGroup legend="Privileges" options={PRIVILEGES} value={privileges} onChange={setPrivileges} describe={PRIVILEGE_TEXT} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create user'}
      </button>
    </form>
  );
}
