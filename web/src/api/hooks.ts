/** react-query hooks over the API; `useProbe` tells whether an endpoint other issues are building exists yet. */
import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { api, isMissingRoute } from './client.js';

export function useApi<T>(path: string | null, options: { refetchInterval?: number } = {}): UseQueryResult<T> {
  return useQuery<T>({
    queryKey: [path],
    queryFn: ({ signal }) => api<T>(path!, { signal }),
    enabled: path !== null,
    ...(options.refetchInterval ? { refetchInterval: options.refetchInterval } : {}),
  });
}

/**
 * 'yes' when the endpoint answers, 'no' when the server has no such route (re-checked every minute, so a page
 * lights up once the feature is deployed), 'unknown' while checking.
 */
export function useProbe(path: string): 'yes' | 'no' | 'unknown' {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['probe', path],
    queryFn: async ({ signal }) => {
      try {
        // The answer is the data useApi(path) asks for next: kept, so the page does not fetch it a second time.
        qc.setQueryData([path], await api(path, { signal }));
        return true;
      } catch (e) {
        if (isMissingRoute(e)) return false;
        return true; // the route exists (403, 400… are answers)
      }
    },
    refetchInterval: (q) => (q.state.data === false ? 60_000 : false),
    staleTime: 60_000,
  });
  return q.data === undefined ? 'unknown' : q.data ? 'yes' : 'no';
}
