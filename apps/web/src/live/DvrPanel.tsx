import { useState } from 'react';
import { api } from '../api/endpoints';
import { ErrorBanner } from '../common/ErrorBanner';
import { RecordingPlayer } from '../recording/RecordingPlayer';
import { useCast } from '../recording/use-cast';

/**
 * Rewind: the live session's recording so far, starting at "now", to scroll back through. It plays
 * beside the live terminal (LiveSessionPage keeps that joined and visible), as DesktopDvrPanel does.
 */
export function DvrPanel({ sessionId, token }: { sessionId: string; token: string }) {
  const [generation, setGeneration] = useState(0);
  const { cast, error, loading } = useCast(api.liveRecordingUrl(sessionId), token, generation);
  return (
    <section className="stack dvr" aria-labelledby="dvr-title" aria-busy={loading} data-testid="dvr">
      <div className="page-head">
        <h2 id="dvr-title">Rewind</h2>
        {/* one load at a time: a late answer must not replace the timeline the user is moving on */}
        <button type="button" className="button small" disabled={loading} onClick={() => setGeneration((g) => g + 1)}>
          {loading ? 'Loading…' : 'Load newer output'}
        </button>
      </div>
      <p className="muted small">The recording so far, up to the last second or so, beside the live screen; drag the timeline to go back.</p>
      <ErrorBanner message={error} />
      {!cast && !error && (
        <p className="muted" role="status">
          Loading the recording so far…
        </p>
      )}
      {cast && <RecordingPlayer cast={cast} label="The session so far" startAt="end" sessionId={sessionId} auditGeneration={generation} />}
    </section>
  );
}
