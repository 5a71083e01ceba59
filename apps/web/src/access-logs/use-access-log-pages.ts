import { queryString } from '../api/client';
import { useTokenPages } from '../audit/use-token-pages';
import { accessLogApi } from './access-log-api';

/**
 * Pages through the access log with the server's opaque nextToken (useTokenPages), plus the
 * total of every matching entry. The query names the page: the token never goes into history.
 */
export function useAccessLogPages(token: string, params: Record<string, string | undefined>, limit: number) {
  const query = queryString({ ...params, limit });
  const paging = useTokenPages(`access-logs${query}`, (nextToken) =>
    accessLogApi.search(token, nextToken ? `${query}&nextToken=${encodeURIComponent(nextToken)}` : query),
  );
  return {
    ...paging,
    /** every matching entry, not just this page's (null until the first answer) */
    total: paging.page?.total ?? null,
  };
}
