import { useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { eventRulesApi, type EventRule } from '../api/event-rules';
import { auditCan } from '../audit/audit-permissions';
import { NotPermittedPage } from '../audit/NotPermittedPage';
import { useAuth } from '../auth/auth-context';
import { ConfirmButtons, Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { NewRuleForm } from './NewRuleForm';
import { RulesTable } from './RulesTable';
import { SecretsPanel } from './SecretsPanel';
import { useEventRules } from './use-event-rules';
import '../access-keys/access-keys.css';
import '../audit/audit.css';
import './events.css';

/** The one dialog of the page: a new rule's secrets, or a deletion to confirm. */
type Open = { kind: 'created'; rule: EventRule } | { kind: 'delete'; rule: EventRule } | null;

/** Event rules (admins): EventBridge patterns on every audit event, sent to webhooks, Slack and email. */
export function EventRulesPage() {
  const { me } = useAuth();
  if (!auditCan.manageEventRules(me)) return <NotPermittedPage what="Event rules" needs="admin" />;
  return <EventRules />;
}

function EventRules() {
  useDocumentTitle('Event rules');
  const { token } = useAuth();
  const rules = useEventRules(token);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const act = async (id: string | null, work: () => Promise<string>) => {
    setBusyId(id);
    setError(null);
    try {
      const done = await work();
      // announced once the list shows it
      await rules.reload();
      setAnnouncement(done);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusyId(null);
    }
  };

  const created = (rule: EventRule) => {
    setAnnouncement(`Rule ${rule.name} created.`);
    void rules.reload();
    if (rule.secrets && Object.keys(rule.secrets).length > 0) setOpen({ kind: 'created', rule });
  };

  const remove = async (rule: EventRule) => {
    setOpen(null);
    await act(rule.id, async () => {
      await eventRulesApi.remove(token, rule.id);
      return `Rule ${rule.name} deleted.`;
    });
    // its row and buttons are gone: put the keyboard somewhere that still exists
    headingRef.current?.focus();
  };

  return (
    <section className="stack" aria-labelledby="event-rules-title">
      <div className="page-head">
        <h1 id="event-rules-title" ref={headingRef} tabIndex={-1}>
          Event rules
        </h1>
        <span className="muted">EventBridge-style patterns matched against every audit event; delivered at least once</span>
      </div>
      <ErrorBanner message={error ?? rules.error} />
      <LiveRegion message={announcement} />
      <div aria-busy={rules.loading}>
        {rules.items.length > 0 && (
          <RulesTable
            rules={rules.items}
            busyId={busyId}
            onToggle={(rule) =>
              void act(rule.id, async () => {
                await eventRulesApi.setEnabled(token, rule.id, !rule.enabled);
                return `Rule ${rule.name} ${rule.enabled ? 'disabled' : 'enabled'}.`;
              })
            }
            onDelete={(rule) => setOpen({ kind: 'delete', rule })}
          />
        )}
        {!rules.loading && !rules.error && rules.items.length === 0 && <p className="empty">No event rules yet.</p>}
      </div>
      <NewRuleForm token={token} onCreated={created} />

      <Dialog open={open !== null} title={open?.kind === 'delete' ? 'Delete event rule' : 'Rule created'} onClose={() => setOpen(null)}>
        {open?.kind === 'created' && <SecretsPanel rule={open.rule} onDone={() => setOpen(null)} />}
        {open?.kind === 'delete' && (
          <div className="dialog-form">
            <p>
              Delete the rule <strong>{open.rule.name}</strong>? Events are no longer matched against it and nothing new is sent to its targets. This cannot be
              undone.
            </p>
            <ConfirmButtons onCancel={() => setOpen(null)} onConfirm={() => void remove(open.rule)} />
          </div>
        )}
      </Dialog>
    </section>
  );
}
