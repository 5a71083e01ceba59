import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { eventRulesApi, type DeliveryStatus, type EventRule } from '../api/event-rules';
import { Pager } from '../access-logs/Pager';
import { auditCan } from '../audit/audit-permissions';
import { NotPermittedPage } from '../audit/NotPermittedPage';
import { useTokenPages } from '../audit/use-token-pages';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { navigate } from '../router/history';
import { Link } from '../router/Link';
import { useLocation } from '../router/use-location';
import { DeliveriesTable } from './DeliveriesTable';
import { targetSummary } from './RulesTable';
import '../access-keys/access-keys.css';
import '../audit/audit.css';
import './events.css';

const STATUSES: { value: '' | DeliveryStatus; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'pending', label: 'Pending' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'dead', label: 'Dead letters' },
];
const PAGE_SIZE = 50;

/** One rule: its pattern and targets, its delivery log, and its dead letters with Redrive. */
export function EventRulePage({ ruleId }: { ruleId: string }) {
  const { me } = useAuth();
  if (!auditCan.manageEventRules(me)) return <NotPermittedPage what="Event rule" needs="admin" />;
  return <EventRuleDetail ruleId={ruleId} />;
}

function EventRuleDetail({ ruleId }: { ruleId: string }) {
  const { token } = useAuth();
  const { search } = useLocation();
  const asked = search.get('status');
  const status = STATUSES.some((s) => s.value === asked) ? (asked as DeliveryStatus) : undefined;
  const [rule, setRule] = useState<EventRule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [redriving, setRedriving] = useState(false);
  useDocumentTitle(rule ? `Event rule ${rule.name}` : 'Event rule');

  useEffect(() => {
    eventRulesApi.get(token, ruleId).then(setRule, (e) => setError(errorMessage(e)));
  }, [token, ruleId]);

  const paging = useTokenPages(`deliveries:${ruleId}:${status ?? ''}`, (nextToken) => eventRulesApi.deliveries(token, { ruleId, status, limit: PAGE_SIZE, nextToken }));

  const redrive = async (body: { ids?: string[]; ruleId?: string }) => {
    setRedriving(true);
    setError(null);
    try {
      const { redriven } = await eventRulesApi.redrive(token, body);
      setAnnouncement(`${redriven} dead letter${redriven === 1 ? '' : 's'} sent for delivery again.`);
      setSelected(new Set());
      paging.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRedriving(false);
    }
  };

  const deadShown = paging.items.some((d) => d.status === 'dead');
  return (
    <section className="stack" aria-labelledby="rule-title">
      <p>
        <Link to="/event-rules">← Event rules</Link>
      </p>
      <h1 id="rule-title">{rule ? `Event rule ${rule.name}` : 'Event rule'}</h1>
      <ErrorBanner message={error} />
      <LiveRegion message={announcement} />
      {rule && (
        <div className="detail-grid">
          <section className="card" aria-labelledby="rule-pattern-title">
            <h2 id="rule-pattern-title">Pattern</h2>
            <pre className="rule-pattern">{JSON.stringify(rule.eventPattern, null, 2)}</pre>
          </section>
          <section className="card" aria-labelledby="rule-targets-title">
            <h2 id="rule-targets-title">Targets</h2>
            <ul className="target-list">
              {rule.targets.map((t) => (
                <li key={t.id}>
                  {targetSummary(t)}
                  {t.hasSecret ? <span className="muted"> (signed)</span> : null}
                </li>
              ))}
            </ul>
            <p className="muted">{rule.enabled ? 'Enabled' : 'Disabled'}{rule.description ? ` · ${rule.description}` : ''}</p>
          </section>
        </div>
      )}
      <h2 id="deliveries-title">Deliveries</h2>
      <div className="toolbar">
        <label className="field inline">
          <span>Status</span>
          <select value={status ?? ''} onChange={(e) => navigate(`/event-rules/${encodeURIComponent(ruleId)}${e.target.value ? `?status=${e.target.value}` : ''}`)}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <span className="grow" />
        <button type="button" className="button" disabled={redriving || selected.size === 0} onClick={() => void redrive({ ids: [...selected] })}>
          Redrive selected ({selected.size})
        </button>
        <button type="button" className="button primary" disabled={redriving || !deadShown} onClick={() => void redrive({ ruleId })}>
          Redrive all dead letters
        </button>
      </div>
      <ErrorBanner message={paging.error} />
      <div aria-busy={paging.loading}>
        {paging.items.length > 0 && (
          <DeliveriesTable
            deliveries={paging.items}
            targets={rule?.targets ?? []}
            selected={selected}
            onSelect={(id, on) =>
              setSelected((s) => {
                const next = new Set(s);
                if (on) next.add(id);
                else next.delete(id);
                return next;
              })
            }
          />
        )}
        {!paging.loading && !paging.error && paging.items.length === 0 && (
          <p className="empty" role="status">
            {status === 'dead' ? 'No dead letters.' : 'No deliveries yet.'}
          </p>
        )}
      </div>
      <Pager
        label="Delivery pages"
        page={paging.pageNumber}
        hasPrevious={paging.hasPrevious}
        hasNext={paging.hasNext}
        busy={paging.loading}
        onPrevious={paging.previous}
        onNext={paging.next}
      />
    </section>
  );
}
