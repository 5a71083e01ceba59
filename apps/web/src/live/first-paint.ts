/**
 * Time from clicking View / Interact to the session's screen painted in the terminal. The click
 * stores an absolute high-resolution time (so it survives the in-app navigation, even a reload);
 * the live page takes it once, when the first screen is on screen.
 */
const KEY = 'vigil.liveClickedAt';

const nowAbsolute = () => performance.timeOrigin + performance.now();

export function markLiveClick(): void {
  sessionStorage.setItem(KEY, String(nowAbsolute()));
}

/** Milliseconds since the click, or null when the page was not opened by a click (then forgets it). */
export function takeLiveClickElapsed(): number | null {
  const stored = Number(sessionStorage.getItem(KEY));
  sessionStorage.removeItem(KEY);
  if (!stored) return null;
  const elapsed = nowAbsolute() - stored;
  return elapsed >= 0 && elapsed < 60_000 ? elapsed : null;
}
