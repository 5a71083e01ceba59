import { useState } from 'react';
import { api } from '../api/endpoints';
import { ErrorBanner } from '../common/ErrorBanner';
import { GuacRecordingPlayer } from './GuacRecordingPlayer';
import { useRecordingBlob } from './use-recording-blob';

/**
 * Rewind of a live RDP/VNC session: what guacd has recorded so far (GET /api/sessions/{id}/recording),
 * played from "now" backwards with Guacamole.SessionRecording. The DvrPanel of terminal sessions,
 * for desktops.
 */
export function DesktopDvrPanel({ sessionId, token }: { sessionId: string; token: string }) {
  const [generation, setGeneration] = useState(0);
  const { blob, error } = useRecordingBlob(api.liveRecordingUrl(sessionId), token, generation);
  return (
    <section className="stack dvr" aria-labelledby="desktop-dvr-title" data-testid="dvr">
      <div className="page-head">
        <h2 id="desktop-dvr-title">Rewind</h2>
        <button type="button" className="button small" onClick={() => setGeneration((g) => g + 1)}>
          Load newer frames
        </button>
      </div>
      <p className="muted small">The recording so far; drag the timeline to go back.</p>
      <ErrorBanner message={error} />
      {!blob && !error && (
        <p className="muted" role="status">
          Loading the recording so far…
        </p>
      )}
      {blob && <GuacRecordingPlayer recording={blob} label="The desktop session so far" startAt="end" />}
    </section>
  );
}
