import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { AccessKeyView, CreatedAccessKey } from '../api/types';
import { AccessKeysTable } from '../access-keys/AccessKeysTable';
import { NewKeyPanel } from '../access-keys/NewKeyPanel';
import { useAccessKeys } from '../access-keys/use-access-keys';
import '../access-keys/access-keys.css';
import { useAuth } from '../auth/auth-context';
import { ConfirmButtons, Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';

/** The one dialog of the page: the new key's secret, or a deletion to confirm. */
type Open = { kind: 'created'; key: CreatedAccessKey } | { kind: 'delete'; key: AccessKeyView } | null;

/**
 * Access keys for the SSM-compatible API: the caller's own (admins: everyone's, or one user's),
 * created with the secret shown once, deactivated and activated, deleted after a confirmation.
 */
export function AccessKeysPage() {
  useDocumentTitle('Access keys');
  const { token, me } = useAuth();
  const isAdmin = me.roles.includes('admin');
  const [userFilter, setUserFilter] = useState('');
  const [shownUser, setShownUser] = useState<string | undefined>(undefined);
  const keys = useAccessKeys(token, shownUser);
  const [description, setDescription] = useState('');
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const act = async (work: () => Promise<string>) => {
    setError(null);
    try {
      const done = await work();
      // announced once the list shows it
      await keys.reload();
      setAnnouncement(done);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreating(true);
    await act(async () => {
      const created = await api.createAccessKey(token, description.trim() || undefined);
      setDescription('');
      setOpen({ kind: 'created', key: created });
      return `Access key ${created.accessKeyId} created.`;
    });
    setCreating(false);
  };

  const toggle = async (key: AccessKeyView) => {
    setBusyId(key.accessKeyId);
    await act(async () => {
      await api.setAccessKeyActive(token, key.accessKeyId, !key.active);
      return `Access key ${key.accessKeyId} ${key.active ? 'deactivated' : 'activated'}.`;
    });
    setBusyId(null);
  };

  const remove = async (key: AccessKeyView) => {
    setOpen(null);
    setBusyId(key.accessKeyId);
    await act(async () => {
      await api.deleteAccessKey(token, key.accessKeyId);
      return `Access key ${key.accessKeyId} deleted.`;
    });
    setBusyId(null);
    // its row and buttons are gone: put the keyboard somewhere that still exists
    headingRef.current?.focus();
  };

  const showUser = (event: FormEvent) => {
    event.preventDefault();
    setShownUser(userFilter.trim() || undefined);
  };

  return (
    <section className="stack" aria-labelledby="access-keys-title">
      <div className="page-head">
        <h1 id="access-keys-title" ref={headingRef} tabIndex={-1}>
          Access keys
        </h1>
        <span className="muted">Sign requests to Vigil’s SSM-compatible API (AWS CLI, boto3, AWS SDKs) as yourself</span>
      </div>

      <form className="card create-key" onSubmit={(e) => void create(e)} aria-labelledby="create-key-title">
        <h2 id="create-key-title" className="visually-hidden">
          Create an access key
        </h2>
        <label className="field">
          <span>Description (optional)</span>
          <input name="description" maxLength={128} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="button primary" disabled={creating}>
          {creating ? 'Creating…' : 'Create access key'}
        </button>
      </form>

      {isAdmin && (
        <form className="toolbar" onSubmit={showUser} role="search" aria-label="Whose keys">
          <label className="field inline">
            <span>User</span>
            <input type="search" name="user" value={userFilter} placeholder="every user" maxLength={64} onChange={(e) => setUserFilter(e.target.value)} />
          </label>
          <button type="submit" className="button">
            Show keys
          </button>
          <span className="muted" aria-live="polite">
            {keys.loading && keys.shownFor !== shownUser
              ? `Loading keys of ${shownUser ?? 'every user'}…`
              : keys.shownFor
                ? `Keys of ${keys.shownFor}`
                : 'Keys of every user'}
          </span>
        </form>
      )}

      <ErrorBanner message={error ?? keys.error} />
      <LiveRegion message={announcement} />
      <div aria-busy={keys.loading}>
        {keys.items.length > 0 && (
          <AccessKeysTable
            keys={keys.items}
            showUser={isAdmin}
            busyId={busyId}
            onToggle={(key) => void toggle(key)}
            onDelete={(key) => setOpen({ kind: 'delete', key })}
          />
        )}
        {!keys.loading && !keys.error && keys.items.length === 0 && <p className="empty">No access keys yet.</p>}
      </div>

      <Dialog open={open !== null} title={open?.kind === 'delete' ? 'Delete access key' : 'New access key'} onClose={() => setOpen(null)}>
        {open?.kind === 'created' && <NewKeyPanel created={open.key} onDone={() => setOpen(null)} />}
        {open?.kind === 'delete' && (
          <div className="dialog-form">
            <p>
              Delete <code>{open.key.accessKeyId}</code>
              {open.key.description ? ` (${open.key.description})` : ''}
              {open.key.username !== me.username ? ` of ${open.key.username}` : ''}? Whatever signs with it is refused from now on. This
              cannot be undone.
            </p>
            <ConfirmButtons onCancel={() => setOpen(null)} onConfirm={() => void remove(open.key)} />
          </div>
        )}
      </Dialog>
    </section>
  );
}
