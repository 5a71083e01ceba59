import type { AccessKeyView } from '../api/types';
import { formatDate } from '../common/format';

interface Props {
  keys: AccessKeyView[];
  /** admins see whose key each one is */
  showUser: boolean;
  busyId: string | null;
  onToggle: (key: AccessKeyView) => void;
  onDelete: (key: AccessKeyView) => void;
}

function When({ iso, fallback }: { iso: string | null; fallback: string }) {
  return iso ? <time dateTime={iso}>{formatDate(iso)}</time> : <span className="muted">{fallback}</span>;
}

/** The keys, with what one can do to each (the names of the buttons say which key). */
export function AccessKeysTable({ keys, showUser, busyId, onToggle, onDelete }: Props) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Access keys">
      <table className="data-table access-keys-table">
        <caption className="visually-hidden">Access keys, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Access key ID</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">Description</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col" className="actions">
              Actions
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.accessKeyId} data-access-key-id={key.accessKeyId}>
              <td>
                <code>{key.accessKeyId}</code>
              </td>
              {showUser && <td>{key.username}</td>}
              <td>{key.description ?? <span className="muted">—</span>}</td>
              <td>
                <span className={key.active ? 'key-status active' : 'key-status inactive'}>{key.active ? 'Active' : 'Inactive'}</span>
              </td>
              <td>
                <When iso={key.createdAt} fallback="" />
              </td>
              <td>
                <When iso={key.lastUsedAt} fallback="Never" />
              </td>
              <td className="actions">
                <div className="action-group">
                  <button
                    type="button"
                    className="button small"
                    disabled={busyId === key.accessKeyId}
                    aria-label={`${key.active ? 'Deactivate' : 'Activate'} ${key.accessKeyId}`}
                    onClick={() => onToggle(key)}
                  >
                    {key.active ? 'Deactivate' : 'Activate'}
                  </button>
                  <button
                    type="button"
                    className="button small danger"
                    disabled={busyId === key.accessKeyId}
                    aria-label={`Delete ${key.accessKeyId}`}
                    onClick={() => onDelete(key)}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
