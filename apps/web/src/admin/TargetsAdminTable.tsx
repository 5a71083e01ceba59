import type { AdminTarget, TargetProbe } from '../api/admin';
import { AdminTable } from './AdminTable';

interface Props {
  targets: AdminTarget[];
  probes: Record<string, TargetProbe | 'testing'>;
  onEdit: (target: AdminTarget) => void;
  onDelete: (target: AdminTarget) => void;
  onTest: (target: AdminTarget) => void;
  onRepin: (target: AdminTarget, hostKeySha256: string) => void;
}

/** What the last "Test connection" found, and the way to trust a changed host key. */
function ProbeResult({ target, probe, onRepin }: { target: AdminTarget; probe: TargetProbe | 'testing' | undefined; onRepin: Props['onRepin'] }) {
  if (!probe) return null;
  if (probe === 'testing') return <span className="muted">Testing…</span>;
  if (!probe.reachable) return <span className="probe failed">Unreachable: {probe.error}</span>;
  return (
    <span className="probe ok">
      Reachable ({probe.latencyMs} ms)
      {probe.hostKeySha256 && probe.matchesPin === false && (
        <>
          {' '}
          <strong className="probe failed">— host key changed: {probe.hostKeySha256}</strong>{' '}
          <button type="button" className="button small danger" onClick={() => onRepin(target, probe.hostKeySha256!)} aria-label={`Trust the new host key of ${target.name}`}>
            Trust new key
          </button>
        </>
      )}
      {probe.hostKeySha256 && probe.matchesPin === null && <> — host key {probe.hostKeySha256} (pinned at the first connection)</>}
      {probe.matchesPin === true && <> — host key matches the pin</>}
    </span>
  );
}

export function TargetsAdminTable({ targets, probes, onEdit, onDelete, onTest, onRepin }: Props) {
  return (
    <AdminTable label="Targets" caption="Targets, by name" columns={['Name', 'Protocol', 'Address', 'Account', 'Owner', 'Host key']}>
      {targets.map((target) => (
        <tr key={target.id} data-target={target.name}>
          <th scope="row">{target.name}</th>
          <td>{target.protocol.toUpperCase()}</td>
          <td>
            <code>
              {target.host}:{target.port}
            </code>
          </td>
          <td>
            {target.accountName} <span className="muted">({target.authentication === 'privateKey' ? 'key' : target.authentication})</span>
          </td>
          <td>{target.owner ?? <span className="muted">—</span>}</td>
          <td>
            {target.protocol !== 'ssh' ? (
              <span className="muted">n/a</span>
            ) : target.hostKeySha256 ? (
              <code className="fingerprint">{target.hostKeySha256}</code>
            ) : (
              <span className="muted">not pinned yet</span>
            )}
            <div>
              <ProbeResult target={target} probe={probes[target.name]} onRepin={onRepin} />
            </div>
          </td>
          <td className="actions">
            <div className="action-group">
              <button type="button" className="button small" aria-label={`Test connection to ${target.name}`} disabled={probes[target.name] === 'testing'} onClick={() => onTest(target)}>
                Test
              </button>
              <button type="button" className="button small" aria-label={`Edit ${target.name}`} onClick={() => onEdit(target)}>
                Edit
              </button>
              <button type="button" className="button small danger" aria-label={`Delete ${target.name}`} onClick={() => onDelete(target)}>
                Delete
              </button>
            </div>
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}
