import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { eventRulesApi, type EventRule } from '../api/event-rules';

/** Every event rule (admins), newest state after each change. */
export function useEventRules(token: string) {
  const [items, setItems] = useState<EventRule[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setItems(await eventRulesApi.list(token));
      setError(null);
    } catch (e) {
      setItems([]);
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [token]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, loading, error, reload };
}
