/**
 * What an identity provider tells us, whatever its format: a user signed in to a service
 * provider (an application, for WebSSO; a desktop application's credential injection, for
 * ESSO) within one SSO session, or the SSO session ended (every service provider's with it).
 */
export type SsoEvent =
  | {
      kind: 'login';
      /** the IdP's SSO session id: a logout names only this */
      ssoSession: string;
      user: string;
      /** where the user is: the browser's IP as the IdP saw it */
      device: string;
      serviceProvider: string;
      /** the account used at the service provider, when the IdP says (else the user) */
      accountName?: string;
      type: 'WebSSO' | 'ESSO';
      /** epoch ms, when the IdP says */
      at?: number;
    }
  | {
      kind: 'logout';
      ssoSession: string;
      /** set: only this service provider's session ended; absent: the whole SSO session */
      serviceProvider?: string;
      at?: number;
    };

export type Mapped = { ok: true; events: SsoEvent[] } | { ok: false; error: string };

/** Text fields end up in Vigil's UI and CSV: printable and bounded, as the agent API demands. */
export function text(value: unknown, max = 256): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= max && !/[\u0000-\u001f\u007f]/.test(trimmed) ? trimmed : null;
}

export function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (typeof value === 'string' && value.length <= 64) {
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return undefined;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
