import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import type { SessionView } from '../api/types';
import { Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';

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
          <p>
            End <strong>{session.user}</strong>’s {session.type} session on <strong>{session.client}</strong> now. The
            connection is closed at once.
          </p>
          <ErrorBanner message={error} />
          <label className="field">
            <span>Reason (required, shown to the user)</span>
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
