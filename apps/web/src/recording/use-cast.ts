import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { parseCast, type Cast } from './asciicast';

/** Fetches (with the bearer token) and parses a recording; `generation` forces a fresh fetch. */
export function useCast(url: string | null, token: string, generation = 0) {
  const [cast, setCast] = useState<Cast | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!url) return;
    const controller = new AbortController();
    setError(null);
    api.recording(token, url, controller.signal).then(
      (text) => {
        try {
          setCast(parseCast(text));
        } catch (e) {
          setError(`The recording cannot be played: ${errorMessage(e)}`);
        }
      },
      (e) => {
        if (!controller.signal.aborted) setError(`Could not load the recording: ${errorMessage(e)}`);
      },
    );
    return () => controller.abort();
  }, [url, token, generation]);

  return { cast, error };
}
