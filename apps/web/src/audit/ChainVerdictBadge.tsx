import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { auditApi, type AuditVerdict } from '../api/audit';
import { formatDate } from '../common/format';

/** What each verifier reason means, in words an auditor acts on. */
const REASONS: Record<string, string> = {
  'record-mismatch': 'a record (or its filter columns) was edited',
  'missing-record': 'a record was deleted from the middle of the chain',
  'head-mismatch': 'records were rewritten with recomputed hashes',
  'checkpoint-mismatch': 'the chain no longer passes through a signed checkpoint',
  'checkpoint-signature': 'a checkpoint’s signature is forged',
  'checkpoint-missing': 'old records are covered by no signed checkpoint (checkpoints deleted?)',
  truncated: 'the newest records were deleted',
  'beyond-head': 'records exist that no chain head covers',
};

type State = { kind: 'checking' } | { kind: 'failed'; message: string } | { kind: 'done'; verdict: AuditVerdict };

/** `GET /api/audit/verify` as a badge: the whole chain re-computed against its head and signed checkpoints. */
export function ChainVerdictBadge({ token }: { token: string }) {
  const [state, setState] = useState<State>({ kind: 'checking' });

  useEffect(() => {
    let live = true;
    auditApi.verify(token).then(
      (verdict) => live && setState({ kind: 'done', verdict }),
      (e) => live && setState({ kind: 'failed', message: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [token]);

  if (state.kind === 'checking') {
    return (
      <p className="muted chain-verdict" role="status" data-verdict="pending">
        Verifying the audit chain…
      </p>
    );
  }
  if (state.kind === 'failed') {
    return (
      <p className="banner error chain-verdict" role="status" data-verdict="error">
        The chain check failed to run: {state.message}
      </p>
    );
  }
  const { verdict } = state;
  const checkpoint = verdict.checkpoint
    ? ` Newest signed checkpoint: #${verdict.checkpoint.seq}, ${formatDate(verdict.checkpoint.at)} (key ${verdict.checkpoint.keyId.slice(0, 12)}).`
    : ' No signed checkpoint yet.';
  if (verdict.ok) {
    return (
      <p className="banner ok chain-verdict" role="status" data-verdict="ok" title={verdict.head?.hash}>
        <strong>✔ Chain intact:</strong> {verdict.checked} record{verdict.checked === 1 ? '' : 's'} verified
        {verdict.head ? ` up to #${verdict.head.seq}` : ''}.{checkpoint}
      </p>
    );
  }
  return (
    <p className="banner error chain-verdict" role="status" data-verdict="broken" data-broken-at={verdict.brokenAt}>
      <strong>✖ Chain broken at #{verdict.brokenAt ?? '?'}:</strong> {REASONS[verdict.reason ?? ''] ?? verdict.reason ?? 'unknown reason'}
      {verdict.reason ? <> (<code>{verdict.reason}</code>)</> : null}. {verdict.checked} record{verdict.checked === 1 ? '' : 's'} checked before it.
      {checkpoint}
    </p>
  );
}
