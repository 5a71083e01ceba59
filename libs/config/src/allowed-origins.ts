/**
 * VIGIL_ALLOWED_ORIGINS: the browser origins that may open socket.io connections, e.g.
 * `https://vigil.example.com,https://vigil-2.example.com`. Unset: only the origin the request
 * itself names in its Host header (the console served by this gateway). Each entry is a scheme and
 * host (and port), as a browser sends it in `Origin`; anything else is refused at boot.
 */
export function parseAllowedOrigins(raw: string | undefined): { value: string[] | null; problem?: string } {
  const text = (raw ?? '').trim();
  if (text === '') return { value: null };
  const origins: string[] = [];
  const bad: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    const origin = normalizeOrigin(entry);
    if (origin) origins.push(origin);
    else bad.push(entry);
  }
  if (bad.length > 0) {
    return {
      value: null,
      problem: `VIGIL_ALLOWED_ORIGINS must be a comma-separated list of origins like https://vigil.example.com (scheme, host, optional port; no path) (bad entries: ${bad.map((b) => `"${b}"`).join(', ')})`,
    };
  }
  return { value: origins };
}

/** `https://Vigil.example.com:443` → `https://vigil.example.com`; null when not an http(s) origin. */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return null;
  return url.origin;
}
