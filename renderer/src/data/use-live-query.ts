import { useEffect, useState, useSyncExternalStore } from 'react';
import { LiveQuery, type QuerySnapshot } from './live-query.ts';

/**
 * A LiveQuery owned by a component: created when `key` changes (what the fetcher reads, e.g. the batch name), read at
 * once, disposed with the component. `watch` subscribes it to whatever should make it read again (usually hub
 * events); it returns the unsubscribe. The fetcher and watch of the render that created it are the ones used.
 */
export function useLiveQuery<T>(
  fetcher: () => Promise<T>,
  watch: (schedule: () => void) => () => void,
  key: string | number | null,
): [QuerySnapshot<T>, LiveQuery<T>] {
  const [query, setQuery] = useState(() => new LiveQuery(fetcher));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what the fetcher reads
  useEffect(() => {
    const q = new LiveQuery(fetcher);
    setQuery(q);
    void q.load();
    const stop = watch(q.schedule);
    return () => {
      stop();
      q.dispose();
    };
  }, [key]);
  const snapshot = useSyncExternalStore(query.subscribe, query.getSnapshot);
  return [snapshot, query];
}

/**
 * A LiveQuery the station context owns and several screens show (one source, so two screens never disagree): read
 * when a screen showing it mounts, kept current by the context while anyone shows it.
 */
export function useSharedLiveQuery<T>(query: LiveQuery<T>): QuerySnapshot<T> {
  useEffect(() => {
    void query.load();
  }, [query]);
  return useSyncExternalStore(query.subscribe, query.getSnapshot);
}
