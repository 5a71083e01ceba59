import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';

type Result = { ok: boolean; sha256: string | null } | { error: string } | null;

/** Whether the recording still has the SHA-256 stored when it was sealed. */
export function VerifyBadge({ recordingUrl, token }: { recordingUrl: string; token: string }) {
  const [result, setResult] = useState<Result>(null);

  useEffect(() => {
    api.verifyRecording(token, recordingUrl).then(setResult, (e) => setResult({ error: errorMessage(e) }));
  }, [recordingUrl, token]);

  if (result === null) {
    return (
      <p className="muted" role="status" data-verify="pending">
        Checking the recording’s integrity…
      </p>
    );
  }
  if ('error' in result) {
    return (
      <p className="banner error" role="status" data-verify="error">
        Integrity check failed to run: {result.error}
      </p>
    );
  }
  return result.ok ? (
    <p className="banner ok" role="status" data-verify="ok" title={result.sha256 ?? undefined}>
      ✔ Hash OK: the recording is unchanged since it was sealed (SHA-256 <code>{result.sha256?.slice(0, 16)}…</code>).
    </p>
  ) : (
    <p className="banner error" role="status" data-verify="tampered" title={result.sha256 ?? undefined}>
      ✖ Tampered: the recording does not match the SHA-256 stored when it was sealed{result.sha256 ? '' : ' (no hash was stored)'}.
    </p>
  );
}
