import type { AccessLogView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { GuacRecordingPlayer } from './GuacRecordingPlayer';
import { RecordingPlayer } from './RecordingPlayer';
import { useCast } from './use-cast';
import { useRecordingBlob } from './use-recording-blob';
import { VerifyBadge } from './VerifyBadge';
import { sessionTitle } from '../sessions/session-title';

type RecordedEntry = AccessLogView & { recordingUrl: string };

const labelOf = (entry: RecordedEntry) => `Recording of ${sessionTitle(entry)}`;

/** The access-log entry's recording: integrity check and the player of its format (terminal or desktop). */
export function RecordingSection({ entry }: { entry: RecordedEntry }) {
  const { token } = useAuth();
  return (
    <section className="card stack" aria-labelledby="recording-title">
      <h2 id="recording-title">Recording</h2>
      <VerifyBadge recordingUrl={entry.recordingUrl} token={token} />
      {entry.recordingFormat === 'guacamole' ? <DesktopRecording entry={entry} token={token} /> : <TerminalRecording entry={entry} token={token} />}
    </section>
  );
}

function TerminalRecording({ entry, token }: { entry: RecordedEntry; token: string }) {
  const { cast, error } = useCast(entry.recordingUrl, token);
  return (
    <>
      <ErrorBanner message={error} />
      {!cast && !error && <Loading />}
      {cast && <RecordingPlayer cast={cast} label={labelOf(entry)} sessionId={entry.id} />}
    </>
  );
}

/** RDP/VNC: guacd's recording, played with Guacamole.SessionRecording. */
function DesktopRecording({ entry, token }: { entry: RecordedEntry; token: string }) {
  const { blob, error } = useRecordingBlob(entry.recordingUrl, token);
  return (
    <>
      <ErrorBanner message={error} />
      {!blob && !error && <Loading />}
      {blob && <GuacRecordingPlayer recording={blob} label={`${labelOf(entry)} (desktop)`} />}
    </>
  );
}

function Loading() {
  return (
    <p className="muted" role="status">
      Loading the recording…
    </p>
  );
}
