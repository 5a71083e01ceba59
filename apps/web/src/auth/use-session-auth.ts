import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import { setUnauthorizedListener } from '../api/client';
import type { Me } from '../api/types';
import { tokenStore } from './token-store';

export type AuthState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; token: string; me: Me };

/** Restores the stored token at start, signs in and out, and signs out when the API says 401. */
export function useSessionAuth() {
  const [state, setState] = useState<AuthState>(() => (tokenStore.get() ? { status: 'checking' } : { status: 'signed-out' }));

  useEffect(() => {
    setUnauthorizedListener(() => {
      tokenStore.clear();
      setState({ status: 'signed-out', notice: 'Your session expired. Please sign in again.' });
    });
    const token = tokenStore.get();
    if (!token) return;
    api.me(token).then(
      (me) => setState({ status: 'signed-in', token, me }),
      () => {
        tokenStore.clear();
        setState({ status: 'signed-out' });
      },
    );
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { accessToken } = await api.login(username, password);
    const me = await api.me(accessToken);
    tokenStore.set(accessToken);
    setState({ status: 'signed-in', token: accessToken, me });
  }, []);

  const logout = useCallback(async () => {
    const token = tokenStore.get();
    tokenStore.clear();
    setState({ status: 'signed-out' });
    if (token) await api.logout(token).catch(() => undefined);
  }, []);

  return { state, login, logout };
}
