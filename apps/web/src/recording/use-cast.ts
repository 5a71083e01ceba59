import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { parseCast, type Cast } from './asciicast';

/** Fetches (with the bearer token) and parses a recording; `generation` forces a fresh fetch. */
export function useCast(url: string | null, token: string, generation = 0) {
  const [cast, setCast] = useState<Cast | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!url) return;
    const controller = new AbortController();
    setError(null);
    setLoading(true);
    api.recording(token, url, controller.signal).then(
      (text) => {
        // a newer fetch replaced this one: its answer must not land after the newer one's
        if (controller.signal.aborted) return;
        try {
          setCast(parseCast(text));
        } catch (e) {
          setError(`The recording cannot be played: ${errorMessage(e)}`);
        }
        setLoading(false);
      },
      (e) => {
        if (controller.signal.aborted) return;
        setError(`Could not load the recording: ${errorMessage(e)}`);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [url, token, generation]);

  return { cast, error, loading };
}
