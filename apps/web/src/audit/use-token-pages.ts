import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import type { Page } from '../api/types';
import { replaceHistoryState } from '../router/history';

/** history.state of a list page: the page tokens behind the current page, so Back restores it. */
interface SavedPaging {
  key: string;
  stack: string[];
}

function savedStack(key: string): string[] {
  const saved = window.history.state as SavedPaging | null;
  return saved && saved.key === key && Array.isArray(saved.stack) ? saved.stack : [];
}

/**
 * Keyset paging over any list the API serves with an opaque `nextToken`. `key` names the query
 * (filters and page size): a new key starts again at the first page. `stack` holds the token of
 * every page up to the current one, so Previous pops one; `reload` fetches the current page again.
 */
export function useTokenPages<P extends Page<unknown>>(key: string, fetchPage: (nextToken: string | undefined) => Promise<P>) {
  const [stack, setStack] = useState<string[]>(() => savedStack(key));
  const [stackKey, setStackKey] = useState(key);
  const [page, setPage] = useState<P | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  if (stackKey !== key) {
    setStackKey(key);
    setStack([]);
  }

  const current = stack.at(-1);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    fetchPage(current).then(
      (result) => {
        if (!live) return;
        setPage(result);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setPage(null);
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // fetchPage is a new closure every render; `key` names everything it depends on
  }, [key, current, generation]);

  useEffect(() => replaceHistoryState({ key, stack } satisfies SavedPaging), [key, stack]);

  const next = useCallback(() => {
    if (page?.nextToken) setStack((s) => [...s, page.nextToken!]);
  }, [page]);
  const previous = useCallback(() => setStack((s) => s.slice(0, -1)), []);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return {
    /** the current page as the server sent it (null while the first one loads, and after an error) */
    page,
    items: (page?.items ?? []) as P['items'],
    pageNumber: stack.length + 1,
    hasNext: Boolean(page?.nextToken),
    hasPrevious: stack.length > 0,
    next,
    previous,
    reload,
    loading,
    error,
  };
}
