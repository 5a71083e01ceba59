import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';

export interface AdminListState<T> {
  items: T[];
  loading: boolean;
  error: string | null;
  reload: () => Promise<void>;
}

/**
 * A list the administration pages show and reload after each change. Only the latest request's
 * answer is kept: a slow earlier answer arriving late must not put back rows just changed.
 */
export function useAdminList<T>(load: () => Promise<T[]>): AdminListState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const answer = await load();
      if (request !== latest.current) return;
      setItems(answer);
      setError(null);
    } catch (e) {
      if (request !== latest.current) return;
      setError(errorMessage(e));
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, [load]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, loading, error, reload };
}
