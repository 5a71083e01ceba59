import { useCallback, useRef, useState } from 'react';
import { adminApi, type AdminUser, type UserChanges } from '../api/admin';
import { errorMessage } from '../api/api-error';
import { useAuth } from '../auth/auth-context';
import { Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { NotPermittedPage } from '../audit/NotPermittedPage';
import { AdminNav } from './AdminNav';
import { NewUserForm, type NewUser } from './NewUserForm';
import { ConfirmUserForm, EditUserForm, ResetPasswordForm } from './UserDialogs';
import { UsersTable, type UserAction } from './UsersTable';
import { useAdminList } from './use-admin-list';
import './admin.css';

type Open = { user: AdminUser; action: 'edit' | 'password' | 'disable' | 'delete' } | null;

const TITLES: Record<NonNullable<Open>['action'], (name: string) => string> = {
  edit: (name) => `Roles and privileges of ${name}`,
  password: (name) => `Reset the password of ${name}`,
  disable: (name) => `Disable ${name}`,
  delete: (name) => `Delete ${name}`,
};

/** Users: create, change roles and privileges, reset a password, disable or enable, delete. */
export function UsersPage() {
  useDocumentTitle('Users · Administration');
  const { token, me } = useAuth();
  if (!me.roles.includes('admin')) return <NotPermittedPage what="Administration" needs="admin" />;
  return <UsersAdministration token={token} me={me.username} />;
}

function UsersAdministration({ token, me }: { token: string; me: string }) {
  const users = useAdminList(useCallback(() => adminApi.users(token), [token]));
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);

  /**
   * Runs one change; the list reloaded, then the answer announced (so what is announced is what
   * the table shows), and a refusal shown in words.
   */
  const change = async (username: string, work: () => Promise<string>): Promise<boolean> => {
    setError(null);
    setBusy(username);
    try {
      const done = await work();
      await users.reload();
      setAnnouncement(done);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const create = (user: NewUser) =>
    change(user.username, async () => {
      await adminApi.createUser(token, user);
      return `User ${user.username} created.`;
    });

  const update = (user: AdminUser, changes: UserChanges, done: string) => {
    setOpen(null);
    void change(user.username, async () => {
      await adminApi.updateUser(token, user.username, changes);
      return done;
    });
  };

  const remove = async (user: AdminUser) => {
    setOpen(null);
    await change(user.username, async () => {
      await adminApi.deleteUser(token, user.username);
      return `User ${user.username} deleted.`;
    });
    // the row and its buttons are gone: keep the keyboard somewhere that still exists
    headingRef.current?.focus();
  };

  const act = (user: AdminUser, action: UserAction) => {
    if (action === 'enable') update(user, { disabled: false }, `User ${user.username} enabled.`);
    else setOpen({ user, action });
  };

  return (
    <section className="stack" aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title" ref={headingRef} tabIndex={-1}>
          Users
        </h1>
        <span className="muted">Who may sign in to Vigil, and what they may see and do</span>
      </div>
      <AdminNav current="/admin/users" />
      <NewUserForm onCreate={create} />
      <ErrorBanner message={error ?? users.error} />
      <LiveRegion message={announcement} />
      <div aria-busy={users.loading}>{users.items.length > 0 && <UsersTable users={users.items} me={me} busy={busy} onAction={act} />}</div>

      <Dialog open={open !== null} title={open ? TITLES[open.action](open.user.username) : ''} onClose={() => setOpen(null)}>
        {open?.action === 'edit' && (
          <EditUserForm user={open.user} onCancel={() => setOpen(null)} onSubmit={(c) => update(open.user, c, `Roles and privileges of ${open.user.username} saved.`)} />
        )}
        {open?.action === 'password' && (
          <ResetPasswordForm user={open.user} onCancel={() => setOpen(null)} onSubmit={(c) => update(open.user, c, `Password of ${open.user.username} reset.`)} />
        )}
        {open?.action === 'disable' && (
          <ConfirmUserForm
            user={open.user}
            action="disable"
            onCancel={() => setOpen(null)}
            onConfirm={() => update(open.user, { disabled: true }, `User ${open.user.username} disabled; their sessions ended.`)}
          />
        )}
        {open?.action === 'delete' && <ConfirmUserForm user={open.user} action="delete" onCancel={() => setOpen(null)} onConfirm={() => void remove(open.user)} />}
      </Dialog>
    </section>
  );
}
