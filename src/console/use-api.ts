import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiFailure, callApi } from './api.ts';

export interface Loaded<T> {
  data?: T;
  error?: ApiFailure;
  loading: boolean;
  reload: () => void;
}

/** Reads a route whenever its path changes (undefined: nothing to read yet). */
export const useApi = <T>(path: string | undefined): Loaded<T> => useLoaded(path, () => callApi<T>(path!));

/** Loads with `load` whenever `key` changes (undefined: nothing to load yet); the newest load wins. */
export function useLoaded<T>(key: string | undefined, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({ loading: key !== undefined });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (key === undefined) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (err: unknown) =>
        current &&
        setState({
          loading: false,
          error:
            err instanceof ApiFailure ? err : new ApiFailure(0, 'NETWORK', 'the API could not be reached'),
        }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
