import type { AdminUser } from '../api/admin';
import { AdminTable } from './AdminTable';

export type UserAction = 'edit' | 'password' | 'disable' | 'enable' | 'delete';

interface Props {
  users: AdminUser[];
  me: string;
  busy: string | null;
  onAction: (user: AdminUser, action: UserAction) => void;
}

const list = (values: string[]) => (values.length ? values.join(', ') : <span className="muted">none</span>);

/** Every user with what an admin can do to each; the buttons' names say which user. */
export function UsersTable({ users, me, busy, onAction }: Props) {
  return (
    <AdminTable label="Users" caption="Users, by name" columns={['Username', 'Roles', 'Privileges', 'Status']}>
      {users.map((user) => {
        const self = user.username === me;
        const button = (action: UserAction, label: string, className = 'button small') => (
          <button
            type="button"
            className={className}
            disabled={busy === user.username}
            aria-label={`${label} ${user.username}`}
            onClick={() => onAction(user, action)}
          >
            {label}
          </button>
        );
        return (
          <tr key={user.id} data-username={user.username}>
            <th scope="row">
              {user.username}
              {self && <span className="muted"> (you)</span>}
            </th>
            <td>{list(user.roles)}</td>
            <td>{list(user.privileges)}</td>
            <td>
              <span className={user.disabled ? 'key-status inactive' : 'key-status active'}>{user.disabled ? 'Disabled' : 'Active'}</span>
            </td>
            <td className="actions">
              <div className="action-group">
                {button('edit', 'Edit')}
                {button('password', 'Reset password')}
                {/* an admin cannot lock themself out: the gateway refuses it too (403) */}
                {!self && (user.disabled ? button('enable', 'Enable') : button('disable', 'Disable', 'button small danger'))}
                {!self && button('delete', 'Delete', 'button small danger')}
              </div>
            </td>
          </tr>
        );
      })}
    </AdminTable>
  );
}
