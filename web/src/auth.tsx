/** The signed-in principal (GET /auth/me), login/logout, and role checks for hiding what the API would refuse. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { Me, Role } from '../../common/api/auth.js';
import { api, ApiError, UNAUTHORIZED_EVENT } from './api/client.js';
import { clearPrefetched } from './api/prefetch.js';

interface AuthState {
  me: Me | null;
  loading: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  can(min: Role): boolean;
}

const Ctx = createContext<AuthState | null>(null);
const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const q = useQuery<Me | null>({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api<Me>('/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
  });
  useEffect(() => {
    const onUnauthorized = () => qc.setQueryData(['me'], null);
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [qc]);
  const me = q.data ?? null;
  const value: AuthState = {
    me,
    loading: q.isPending,
    async login(username, password) {
      const res = await api<Me>('/auth/login', { method: 'POST', body: { username, password } });
      clearPrefetched(); // answers fetched before signing in were refusals
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' }); // nothing cached from another user
      qc.setQueryData(['me'], res);
    },
    async logout() {
      try {
        await api('/auth/logout', { method: 'POST' });
      } finally {
        clearPrefetched();
        qc.setQueryData(['me'], null);
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      }
    },
    can: (min) => (me ? RANK[me.role] >= RANK[min] : false),
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
