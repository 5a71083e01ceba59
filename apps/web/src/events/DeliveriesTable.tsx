import type { Delivery, EventTarget } from '../api/event-rules';
import { formatDate } from '../common/format';
import { targetSummary } from './RulesTable';

interface Props {
  deliveries: Delivery[];
  targets: EventTarget[];
  selected: Set<string>;
  onSelect: (id: string, selected: boolean) => void;
}

const STATUS_LABEL = { pending: 'Pending', delivered: 'Delivered', dead: 'Dead letter' } as const;

function When({ iso }: { iso: string | null }) {
  return iso ? (
    <time dateTime={iso} title={iso}>
      {formatDate(iso)}
    </time>
  ) : (
    <span className="muted">—</span>
  );
}

/** A rule's deliveries: one per (event, target), with the last attempt's outcome; dead letters can be picked for redrive. */
export function DeliveriesTable({ deliveries, targets, selected, onSelect }: Props) {
  const target = (id: string) => targets.find((t) => t.id === id);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Deliveries">
      <table className="data-table deliveries-table">
        <caption className="visually-hidden">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Select for redrive</span>
            </th>
            <th scope="col">Created</th>
            <th scope="col">Event</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col" className="num">
              Last status
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Delivered / next attempt</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => {
            const t = target(d.targetId);
            return (
              <tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
                <td>
                  {d.status === 'dead' && (
                    <input type="checkbox" aria-label={`Select dead letter ${d.id} for redrive`} checked={selected.has(d.id)} onChange={(e) => onSelect(d.id, e.target.checked)} />
                  )}
                </td>
                <td>
                  <When iso={d.createdAt} />
                </td>
                <td>
                  {d.detailType}
                  <span className="muted small delivery-event">
                    <code>{d.eventId}</code>
                  </span>
                </td>
                <td className="wrap">{t ? targetSummary(t) : <code>{d.targetId}</code>}</td>
                <td>
                  <span className={`delivery-status ${d.status}`}>{STATUS_LABEL[d.status] ?? d.status}</span>
                </td>
                <td className="num">{d.attempts}</td>
                <td className="num">{d.lastStatusCode ?? <span className="muted">—</span>}</td>
                <td className="num">{d.lastLatencyMs !== null ? `${d.lastLatencyMs} ms` : <span className="muted">—</span>}</td>
                <td>{d.status === 'delivered' ? <When iso={d.deliveredAt} /> : d.status === 'pending' ? <When iso={d.nextAttemptAt} /> : <span className="muted">gave up</span>}</td>
                <td className="wrap">{d.lastError ?? <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
