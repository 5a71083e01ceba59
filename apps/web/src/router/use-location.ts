import { useSyncExternalStore } from 'react';
import { currentLocation, subscribe } from './history';

export interface LocationInfo {
  pathname: string;
  search: URLSearchParams;
  href: string;
}

/** The current path and query; re-renders on navigation and back/forward. */
export function useLocation(): LocationInfo {
  const href = useSyncExternalStore(subscribe, currentLocation);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}
