import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import type { SessionView } from '../api/types';
import { Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';
import { sessionTitle } from './session-title';

interface Props {
  session: SessionView | null;
  onCancel: () => void;
  onConfirm: (session: SessionView, reason: string) => Promise<void>;
}

/** Asks for the reason (required; the user whose session is closed is told it) and terminates. */
export function TerminateDialog({ session, onCancel, onConfirm }: Props) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setReason('');
    setError(null);
    onCancel();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session || !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(session, reason.trim());
      setReason('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={session !== null} title="Terminate session" onClose={close}>
      {session && (
        <form onSubmit={submit} className="dialog-form">
          {session.liveStream ? (
            <p>
              End <strong>{sessionTitle(session)}</strong> ({session.type}) now. Vigil carries this connection: it is closed at once, and
              the user and everyone watching see your reason.
            </p>
          ) : (
            <p>
              End the registry entry of <strong>{sessionTitle(session)}</strong> ({session.type}) now: it moves to the access logs with
              your reason. Vigil does not carry this connection (an agent reported it), so it cannot close it or tell the user; the login
              on {session.client} itself is not affected.
            </p>
          )}
          <ErrorBanner message={error} />
          <label className="field">
            <span>{session.liveStream ? 'Reason (required, shown to the user)' : 'Reason (required, kept in the access log)'}</span>
            <textarea
              name="reason"
              required
              maxLength={500}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          </label>
          <div className="dialog-buttons">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button danger" disabled={busy || !reason.trim()}>
              {busy ? 'Terminating…' : 'Terminate'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
