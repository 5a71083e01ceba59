import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { AccessKeyView } from '../api/types';

export interface AccessKeysState {
  items: AccessKeyView[];
  loading: boolean;
  error: string | null;
  reload: () => Promise<void>;
}

/** The keys the caller may manage: their own, or (admins) everyone's or one user's. */
export function useAccessKeys(token: string, user: string | undefined): AccessKeysState {
  const [items, setItems] = useState<AccessKeyView[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await api.accessKeys(token, user)).items);
      setError(null);
    } catch (e) {
      setItems([]);
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [token, user]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, loading, error, reload };
}
