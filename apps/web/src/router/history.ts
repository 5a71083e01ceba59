/** A minimal client-side router over the History API: no dependency, enough for a handful of pages. */

const CHANGE = 'vigil:navigate';

export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  const state = options.state ?? null;
  if (options.replace) window.history.replaceState(state, '', to);
  else window.history.pushState(state, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** Replaces history.state of the current entry without moving (pages keep e.g. paging tokens there). */
export function replaceHistoryState(state: unknown): void {
  window.history.replaceState(state, '', window.location.href);
}

export function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(CHANGE, listener);
  };
}

export function currentLocation(): string {
  return window.location.pathname + window.location.search;
}
