import { queryString, request, requestJson } from './client';
import type {
  AccessKeyView,
  AccessLogView,
  CreatedAccessKey,
  DesktopConnection,
  LoginResult,
  Me,
  Page,
  ReachableTarget,
  SessionColumnsResponse,
  SessionView,
} from './types';

/** Every HTTP call the console makes, in one place. */
export const api = {
  login: (username: string, password: string) =>
    requestJson<LoginResult>('/api/auth/login', { method: 'POST', body: { username, password } }),

  logout: (token: string) => request('/api/auth/logout', { method: 'POST', token }).then(() => undefined),

  me: (token: string) => requestJson<Me>('/api/me', { token }),

  sessionsPage: (token: string, nextToken?: string, signal?: AbortSignal) =>
    requestJson<Page<SessionView>>(`/api/sessions${queryString({ limit: 1000, nextToken })}`, { token, signal }),

  session: (token: string, id: string) => requestJson<SessionView>(`/api/sessions/${encodeURIComponent(id)}`, { token }),

  terminate: (token: string, id: string, reason: string) =>
    requestJson<AccessLogView>(`/api/sessions/${encodeURIComponent(id)}/terminate`, {
      method: 'POST',
      token,
      body: { reason },
    }),

  /** who is watching the caller's sessions now (then `session.viewers` carries the changes) */
  watchers: (token: string, signal?: AbortSignal) =>
    requestJson<{ items: { sessionId: string; viewers: { username: string; mode: 'view' | 'interact' }[] }[] }>('/api/live/watchers', {
      token,
      signal,
    }),

  sessionColumns: (token: string) => requestJson<SessionColumnsResponse>('/api/me/session-columns', { token }),

  saveSessionColumns: (token: string, columns: string[]) =>
    requestJson<{ columns: string[] }>('/api/me/session-columns', { method: 'PUT', token, body: { columns } }),

  accessLogs: (token: string, query: string) => requestJson<Page<AccessLogView>>(`/api/access-logs${query}`, { token }),

  accessLog: (token: string, id: string) =>
    requestJson<AccessLogView>(`/api/access-logs/${encodeURIComponent(id)}`, { token }),

  /** asciicast v2 text: an entry's `recordingUrl`, or a live session's recording so far */
  recording: (token: string, url: string, signal?: AbortSignal) =>
    request(url, { token, accept: 'application/x-asciicast', signal }).then((r) => r.text()),

  liveRecordingUrl: (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/recording`,

  verifyRecording: (token: string, recordingUrl: string) =>
    requestJson<{ ok: boolean; sha256: string | null }>(`${recordingUrl}/verify`, { token }),

  /** the caller's access keys; admins: everyone's, or one user's */
  accessKeys: (token: string, user?: string) => requestJson<{ items: AccessKeyView[] }>(`/api/access-keys${queryString({ user })}`, { token }),

  createAccessKey: (token: string, description?: string) =>
    requestJson<CreatedAccessKey>('/api/access-keys', { method: 'POST', token, body: description ? { description } : {} }),

  setAccessKeyActive: (token: string, id: string, active: boolean) =>
    requestJson<AccessKeyView>(`/api/access-keys/${encodeURIComponent(id)}`, { method: 'PATCH', token, body: { active } }),

  /** the targets the caller may reach */
  myTargets: (token: string) => requestJson<ReachableTarget[]>('/api/me/targets', { token }),

  /** an RDP/VNC target: the tunnel and token the browser opens it with (credentials stay on the gateway) */
  connectTarget: (token: string, name: string) =>
    requestJson<DesktopConnection>(`/api/targets/${encodeURIComponent(name)}/connect`, { method: 'POST', token }),

  deleteAccessKey: (token: string, id: string) =>
    request(`/api/access-keys/${encodeURIComponent(id)}`, { method: 'DELETE', token }).then(() => undefined),
};

/** All open sessions the caller may see, following nextToken (bounded, so a huge registry can't hang the page). */
export async function allOpenSessions(token: string, signal?: AbortSignal, maxPages = 20): Promise<SessionView[]> {
  const items: SessionView[] = [];
  let next: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await api.sessionsPage(token, next, signal);
    items.push(...result.items);
    next = result.nextToken;
    if (!next) break;
  }
  return items;
}
