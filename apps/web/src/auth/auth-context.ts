import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

export interface Auth {
  token: string;
  me: Me;
  logout: () => Promise<void>;
}

export const AuthContext = createContext<Auth | null>(null);

/** The signed-in user; only used below the sign-in gate, so it is never null there. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside of a signed-in page');
  return auth;
}
