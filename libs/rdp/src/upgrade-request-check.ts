import { originAllowed } from '@vigil/cluster';

/** The browser's screen, from the tunnel URL (guacamole-common-js puts it there); bounded, else the defaults. */
export interface DisplaySize {
  width: number;
  height: number;
  dpi: number;
}

export type UpgradeCheck =
  | { ok: true; token: string; display: DisplaySize }
  | { ok: false; status: number; message: string };

export interface UpgradeRequestLike {
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Longest request target accepted: a token and a few screen parameters fit in far less. */
export const MAX_TUNNEL_URL_LENGTH = 2048;

export const DEFAULT_DISPLAY: DisplaySize = { width: 1024, height: 768, dpi: 96 };

const BOUNDS: Record<keyof DisplaySize, [number, number]> = { width: [64, 8192], height: [64, 8192], dpi: [32, 960] };

/**
 * Whether a WebSocket upgrade for the tunnel may go on to the token check, from the request line
 * and headers only (pure). The path must be the tunnel's exactly; the `Origin` follows the same
 * rule as socket.io's handshakes (originAllowed of @vigil/cluster: VIGIL_ALLOWED_ORIGINS, else
 * the request's own Host); the query holds exactly one `token`. Every other parameter but the
 * screen size is ignored: guacamole-lite only ever sees a URL Vigil rebuilt, so `read-only` or
 * any connection setting in the query can't reach guacd.
 */
export function checkUpgradeRequest(request: UpgradeRequestLike, tunnelPath: string, allowedOrigins: readonly string[] | null): UpgradeCheck {
  const url = request.url ?? '';
  if (url.length > MAX_TUNNEL_URL_LENGTH) return { ok: false, status: 414, message: 'request URL too long' };
  if (request.method !== undefined && request.method !== 'GET') return { ok: false, status: 405, message: 'the tunnel takes GET upgrades only' };
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (path !== tunnelPath) return { ok: false, status: 404, message: 'no tunnel here' };
  const origin = request.headers.origin;
  if (Array.isArray(origin) || !originAllowed(origin, single(request.headers.host), allowedOrigins)) {
    return { ok: false, status: 403, message: 'origin not allowed' };
  }
  const upgrade = single(request.headers.upgrade);
  if (!upgrade || upgrade.toLowerCase() !== 'websocket') return { ok: false, status: 400, message: 'not a WebSocket upgrade' };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  } catch {
    return { ok: false, status: 400, message: 'malformed query' };
  }
  const tokens = params.getAll('token');
  if (tokens.length !== 1 || tokens[0].length === 0) return { ok: false, status: 401, message: 'exactly one token is required' };
  const display = { ...DEFAULT_DISPLAY };
  for (const key of Object.keys(BOUNDS) as (keyof DisplaySize)[]) {
    const values = params.getAll(key);
    if (values.length === 0) continue;
    const [min, max] = BOUNDS[key];
    const value = values.length === 1 && /^\d{1,5}$/.test(values[0]) ? Number(values[0]) : NaN;
    if (!(value >= min && value <= max)) return { ok: false, status: 400, message: `${key} must be an integer from ${min} to ${max}` };
    display[key] = value;
  }
  return { ok: true, token: tokens[0], display };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
