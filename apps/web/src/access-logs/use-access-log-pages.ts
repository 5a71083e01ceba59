import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { queryString } from '../api/client';
import { replaceHistoryState } from '../router/history';
import { accessLogApi, type AccessLogPage } from './access-log-api';

/** history.state of the list page: the page tokens behind the current page, so Back restores it. */
interface SavedPaging {
  query: string;
  stack: string[];
}

function savedStack(query: string): string[] {
  const saved = window.history.state as SavedPaging | null;
  return saved && saved.query === query && Array.isArray(saved.stack) ? saved.stack : [];
}

/**
 * Pages through the access log with the server's opaque nextToken. `stack` holds the token of
 * every page up to the current one (the first page has none), so Previous pops one.
 */
export function useAccessLogPages(token: string, params: Record<string, string | undefined>, limit: number) {
  const query = queryString({ ...params, limit });
  const [stack, setStack] = useState<string[]>(() => savedStack(query));
  const [page, setPage] = useState<AccessLogPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [stackQuery, setStackQuery] = useState(query);

  if (stackQuery !== query) {
    // new search: back to the first page
    setStackQuery(query);
    setStack([]);
  }

  const current = stack.at(-1);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    const pageQuery = current ? `${query}&nextToken=${encodeURIComponent(current)}` : query;
    accessLogApi.search(token, pageQuery).then(
      (result) => {
        if (!live) return;
        setPage(result);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [token, query, current]);

  useEffect(() => replaceHistoryState({ query, stack } satisfies SavedPaging), [query, stack]);

  const next = useCallback(() => {
    if (page?.nextToken) setStack((s) => [...s, page.nextToken!]);
  }, [page]);
  const previous = useCallback(() => setStack((s) => s.slice(0, -1)), []);

  return {
    items: page?.items ?? [],
    /** every matching entry, not just this page's (null until the first answer) */
    total: page?.total ?? null,
    pageNumber: stack.length + 1,
    hasNext: Boolean(page?.nextToken),
    hasPrevious: stack.length > 0,
    next,
    previous,
    loading,
    error,
  };
}
