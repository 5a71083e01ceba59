/**
 * The zoom that makes a terminal of `naturalWidth` px fit `availableWidth` px: never above 1 (a
 * small session is not blown up), never below a floor where text would be unreadable anyway.
 */
export const MIN_TERMINAL_ZOOM = 0.35;

export function fitScale(naturalWidth: number, availableWidth: number): number {
  if (!(naturalWidth > 0) || !(availableWidth > 0)) return 1;
  return Math.max(MIN_TERMINAL_ZOOM, Math.min(1, availableWidth / naturalWidth));
}

export type TerminalSizing = 'fit' | 'actual';
const KEY = 'vigil.terminal-sizing';

/** The viewer's choice, kept per browser: fit to width (the default) or 1:1. */
export function storedSizing(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): TerminalSizing {
  try {
    return storage?.getItem(KEY) === 'actual' ? 'actual' : 'fit';
  } catch {
    return 'fit';
  }
}

export function storeSizing(sizing: TerminalSizing, storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage ?? null): void {
  try {
    storage?.setItem(KEY, sizing);
  } catch {
    // private mode: the choice lasts for the page only
  }
}
