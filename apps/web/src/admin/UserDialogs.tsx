import { useState, type FormEvent } from 'react';
import { PRIVILEGES, ROLES, type AdminUser, type Privilege, type Role, type UserChanges } from '../api/admin';
import { CheckboxGroup, PRIVILEGE_TEXT, ROLE_TEXT } from './CheckboxGroup';

interface Props {
  user: AdminUser;
  onCancel: () => void;
  onSubmit: (changes: UserChanges) => void;
}

function Buttons({ onCancel, submit, danger }: { onCancel: () => void; submit: string; danger?: boolean }) {
  return (
    <div className="dialog-buttons">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className={danger ? 'button danger' : 'button primary'}>
        {submit}
      </button>
    </div>
  );
}

/** Roles and privileges; they apply to the user's next request, and their open consoles reconnect. */
export function EditUserForm({ user, onCancel, onSubmit }: Props) {
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [privileges, setPrivileges] = useState<Privilege[]>(user.privileges);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ roles, privileges });
  };
  return (
    <form className="dialog-form" onSubmit={submit}>
      <CheckboxGroup legend="Roles" options={ROLES} value={roles} onChange={setRoles} describe={ROLE_TEXT} />
      <CheckboxGroup legend="Privileges" options={PRIVILEGES} value={privileges} onChange={setPrivileges} describe={PRIVILEGE_TEXT} />
      <p className="muted">The change applies to {user.username}’s next request; their open consoles reconnect with the new rights.</p>
      <Buttons onCancel={onCancel} submit="Save" />
    </form>
  );
}

export function ResetPasswordForm({ user, onCancel, onSubmit }: Props) {
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ password });
  };
  return (
    <form className="dialog-form" onSubmit={submit}>
      <label className="field">
        <span>New password for {user.username} (at least 8 characters)</span>
        <input name="new-password" type="password" required minLength={8} maxLength={256} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <p className="muted">Every sign-in of {user.username} ends: they sign in again with the new password.</p>
      <Buttons onCancel={onCancel} submit="Reset password" />
    </form>
  );
}

/** Disabling and deleting say what happens to the user's live sessions: they end at once. */
export function ConfirmUserForm({ user, action, onCancel, onConfirm }: { user: AdminUser; action: 'disable' | 'delete'; onCancel: () => void; onConfirm: () => void }) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm();
  };
  return (
    <form className="dialog-form" onSubmit={submit}>
      {action === 'disable' ? (
        <p>
          Disable <strong>{user.username}</strong>? They are signed out everywhere at once: their console tokens and sockets end, and their live SSH sessions
          through the jump are closed with the notice “Your Vigil account was disabled.” You can enable the account again later.
        </p>
      ) : (
        <p>
          Delete <strong>{user.username}</strong> for good? Their sign-ins, SSH keys and grants go with the account and their live sessions end. Their
          access logs and audit records stay. This cannot be undone.
        </p>
      )}
      <Buttons onCancel={onCancel} submit={action === 'disable' ? 'Disable' : 'Delete'} danger />
    </form>
  );
}
