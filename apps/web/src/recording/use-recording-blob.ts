import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { request } from '../api/client';

export const GUACAMOLE_RECORDING_TYPE = 'application/vnd.vigil.guacamole-recording';

/**
 * Fetches a Guacamole recording (with the bearer token: an <a> or a tunnel URL could not send it)
 * as a Blob, which Guacamole.SessionRecording reads in blocks and indexes by frame.
 * `generation` forces a fresh fetch (the live rewind's "load newer").
 */
export function useRecordingBlob(url: string | null, token: string, generation = 0) {
  const [blob, setBlob] = useState<Blob | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!url) return;
    const controller = new AbortController();
    setError(null);
    request(url, { token, accept: GUACAMOLE_RECORDING_TYPE, signal: controller.signal })
      .then((response) => response.blob())
      .then(
        (fetched) => {
          // a newer fetch replaced this one: its answer must not land after the newer one's
          if (!controller.signal.aborted) setBlob(fetched);
        },
        (e) => {
          if (!controller.signal.aborted) setError(`Could not load the recording: ${errorMessage(e)}`);
        },
      );
    return () => controller.abort();
  }, [url, token, generation]);

  return { blob, error };
}
