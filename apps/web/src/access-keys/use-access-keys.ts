import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { AccessKeyView } from '../api/types';

export interface AccessKeysState {
  items: AccessKeyView[];
  /** Whose keys `items` are (undefined: every user's, or the caller's own), once they arrived. */
  shownFor: string | undefined;
  loading: boolean;
  error: string | null;
  reload: () => Promise<void>;
}

/**
 * The keys the caller may manage: their own, or (admins) everyone's or one user's.
 * Only the answer to the latest request is shown: an earlier, slower answer (another user's keys)
 * arriving late must not replace it.
 */
export function useAccessKeys(token: string, user: string | undefined): AccessKeysState {
  const [items, setItems] = useState<AccessKeyView[]>([]);
  const [shownFor, setShownFor] = useState<string | undefined>(user);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const latestRequest = useRef(0);

  const reload = useCallback(async () => {
    const request = ++latestRequest.current;
    setLoading(true);
    try {
      const answer = await api.accessKeys(token, user);
      if (request !== latestRequest.current) return;
      setItems(answer.items);
      setShownFor(user);
      setError(null);
    } catch (e) {
      if (request !== latestRequest.current) return;
      setItems([]);
      setShownFor(user);
      setError(errorMessage(e));
    } finally {
      if (request === latestRequest.current) setLoading(false);
    }
  }, [token, user]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, shownFor, loading, error, reload };
}
