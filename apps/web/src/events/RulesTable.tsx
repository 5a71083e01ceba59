import type { EventRule, EventTarget } from '../api/event-rules';
import { formatDate } from '../common/format';
import { Link } from '../router/Link';

interface Props {
  rules: EventRule[];
  busyId: string | null;
  onToggle: (rule: EventRule) => void;
  onDelete: (rule: EventRule) => void;
}

/** `detail-type` / `source` / `detail.eventName` of a pattern, the parts a reader scans for. */
export function patternSummary(pattern: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' | ') : JSON.stringify(v));
  const parts: string[] = [];
  if (pattern.source !== undefined) parts.push(`source: ${list(pattern.source)}`);
  if (pattern['detail-type'] !== undefined) parts.push(`detail-type: ${list(pattern['detail-type'])}`);
  const detail = pattern.detail as Record<string, unknown> | undefined;
  if (detail && typeof detail === 'object' && detail.eventName !== undefined) parts.push(`eventName: ${list(detail.eventName)}`);
  return parts.length > 0 ? parts.join('; ') : JSON.stringify(pattern);
}

export function targetSummary(t: EventTarget): string {
  return t.type === 'email' ? `email → ${(t.to ?? []).join(', ')}` : `${t.type} → ${t.url ?? ''}`;
}

/** The rules, with what an admin can do to each (the buttons' names say which rule). */
export function RulesTable({ rules, busyId, onToggle, onDelete }: Props) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Event rules">
      <table className="data-table rules-table">
        <caption className="visually-hidden">Event rules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Pattern</th>
            <th scope="col">Targets</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
            <th scope="col" className="actions">
              Actions
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr key={rule.id} data-rule-name={rule.name} data-rule-id={rule.id}>
              <th scope="row">
                <Link to={`/event-rules/${encodeURIComponent(rule.id)}`}>{rule.name}</Link>
                {rule.description && <span className="muted small rule-description">{rule.description}</span>}
              </th>
              <td className="wrap">
                <code>{patternSummary(rule.eventPattern)}</code>
              </td>
              <td className="wrap">
                <ul className="target-list">
                  {rule.targets.map((t) => (
                    <li key={t.id}>{targetSummary(t)}</li>
                  ))}
                </ul>
              </td>
              <td>
                <span className={rule.enabled ? 'key-status active' : 'key-status inactive'}>{rule.enabled ? 'Enabled' : 'Disabled'}</span>
              </td>
              <td>
                <time dateTime={rule.updatedAt}>{formatDate(rule.updatedAt)}</time>
              </td>
              <td className="actions">
                <div className="action-group">
                  <button type="button" className="button small" disabled={busyId === rule.id} aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`} onClick={() => onToggle(rule)}>
                    {rule.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <Link className="button small" to={`/event-rules/${encodeURIComponent(rule.id)}`} aria-label={`Deliveries of ${rule.name}`}>
                    Deliveries
                  </Link>
                  <button type="button" className="button small danger" disabled={busyId === rule.id} aria-label={`Delete ${rule.name}`} onClick={() => onDelete(rule)}>
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
