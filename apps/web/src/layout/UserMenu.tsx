import { useAuth } from '../auth/auth-context';

export function UserMenu() {
  const { me, logout } = useAuth();
  return (
    <div className="user-menu">
      <span className="user-name" title={`Roles: ${me.roles.join(', ') || 'none'}; privileges: ${me.privileges.join(', ') || 'none'}`}>
        {me.username}
      </span>
      <button type="button" className="button ghost" onClick={() => void logout()}>
        Sign out
      </button>
    </div>
  );
}
