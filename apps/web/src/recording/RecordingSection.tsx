import type { AccessLogView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { RecordingPlayer } from './RecordingPlayer';
import { useCast } from './use-cast';
import { VerifyBadge } from './VerifyBadge';

/** The access-log entry's recording: integrity check and the terminal player. */
export function RecordingSection({ entry }: { entry: AccessLogView & { recordingUrl: string } }) {
  const { token } = useAuth();
  const { cast, error } = useCast(entry.recordingUrl, token);
  return (
    <section className="card stack" aria-labelledby="recording-title">
      <h2 id="recording-title">Recording</h2>
      <VerifyBadge recordingUrl={entry.recordingUrl} token={token} />
      <ErrorBanner message={error} />
      {!cast && !error && (
        <p className="muted" role="status">
          Loading the recording…
        </p>
      )}
      {cast && <RecordingPlayer cast={cast} label={`Recording of ${entry.user} on ${entry.client}`} />}
    </section>
  );
}
