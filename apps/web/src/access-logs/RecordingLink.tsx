import { useState } from 'react';
import { errorMessage } from '../api/api-error';
import { downloadFile } from '../api/download';
import { useAuth } from '../auth/auth-context';

/** The recording needs the bearer token, so it is fetched, not linked (the player is below the details). */
export function RecordingLink({ url }: { url: string | null }) {
  const { token } = useAuth();
  const [error, setError] = useState<string | null>(null);
  if (!url) return <span className="muted">No recording</span>;
  return (
    <>
      <button type="button" className="button small" onClick={() => downloadFile(url, token, 'recording.cast').catch((e) => setError(errorMessage(e)))}>
        Download recording
      </button>
      {error && <span className="field-error"> {error}</span>}
    </>
  );
}
