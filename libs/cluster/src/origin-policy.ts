import { normalizeOrigin } from '@vigil/config';

/**
 * Whether a socket.io handshake's `Origin` may connect (cross-site WebSocket hijacking is the
 * threat: a page elsewhere opening a socket with the victim's browser).
 * - No `Origin`: not a browser page on another site (browsers send it on every WebSocket and
 *   cross-origin request), e.g. the CLI, an agent or a script: allowed, the token decides.
 * - An allow-list (VIGIL_ALLOWED_ORIGINS): exactly those origins.
 * - No list: the origin must name the host the request was sent to (its `Host`), i.e. the
 *   console served by this gateway, also behind a TLS-terminating proxy (schemes may differ).
 * `Origin: null` (sandboxed frames, files) and anything unparsable are refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | null): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  if (allowed) return allowed.includes(normalized);
  if (!host) return false;
  const originUrl = new URL(normalized);
  try {
    // the Host header in the origin's scheme, so default ports compare equal (example.com:443 = example.com)
    return new URL(`${originUrl.protocol}//${host}`).host === originUrl.host;
  } catch {
    return false;
  }
}
