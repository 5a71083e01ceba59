import { useEffect, useState } from 'react';

interface Props {
  requests: { from: string; username: string; expiresAt: number }[];
  onAnswer: (action: 'grant' | 'deny', to: string) => Promise<void>;
  /** lapsed requests are dropped (the server lets them lapse on its own) */
  onExpire: () => void;
}

/** Someone asks the holder (or an admin) for control: Grant moves the lock to them, Deny keeps it. */
export function ControlRequestBanner({ requests, onAnswer, onExpire }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (requests.length === 0) return;
    const next = Math.min(...requests.map((r) => r.expiresAt));
    const timer = setTimeout(onExpire, Math.max(0, next - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [requests, onExpire]);
  const answer = async (action: 'grant' | 'deny', to: string) => {
    setBusy(true);
    setError(null);
    try {
      await onAnswer(action, to);
    } catch (e) {
      setError(`Not ${action === 'grant' ? 'granted' : 'denied'}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div role="status" aria-live="polite" data-testid="control-requests">
      {requests.map((r) => (
        <p key={r.from} className="banner info control-request">
          <strong>{r.username}</strong> asks for control of this session.{' '}
          <button type="button" className="button primary" disabled={busy} onClick={() => void answer('grant', r.from)}>
            Grant
          </button>{' '}
          <button type="button" className="button" disabled={busy} onClick={() => void answer('deny', r.from)}>
            Deny
          </button>
        </p>
      ))}
      {error && <p className="banner error">{error}</p>}
    </div>
  );
}
