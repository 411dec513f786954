import { type Dispatch, type SetStateAction, useCallback, useEffect, useState } from 'react';

/*
 * Work in progress that outlives the component showing it (issue 15: a click on another tab must not throw away an
 * import's fixes or a profile's unsaved edits). Kept in memory only, for this window's life: profile secrets and
 * device lists have no business in localStorage. What a reload or closing the window would lose is guarded by the
 * browser's own "Leave site?" question (beforeunload), asked only while some draft holds unsaved work.
 */

const drafts = new Map<string, unknown>();
const unsaved = new Set<string>();

let guarding = false;
function guardUnload(): void {
  if (guarding || typeof window === 'undefined') return;
  guarding = true;
  window.addEventListener('beforeunload', (event) => {
    if (unsaved.size === 0) return;
    // Both, for every browser engine: preventDefault (the standard) and returnValue (Chromium before 119, Electron).
    event.preventDefault();
    event.returnValue = '';
  });
}

/** Whether any draft holds work not saved yet (the keys, for a test or a status line). */
export const unsavedDrafts = (): string[] => [...unsaved];

export interface DraftRules<T> {
  /** Worth keeping for the next mount (a file read, a form changed). */
  keep: (value: T) => boolean;
  /** Would be lost for good by closing the window (fixes made, edits typed); defaults to `keep`. */
  unsaved?: (value: T) => boolean;
}

/**
 * `useState` whose value survives the component: the next mount with the same key starts where the last one left
 * off, as long as `keep` holds. While `unsaved` holds, closing or reloading the window asks first.
 */
export function useDraft<T>(key: string, initial: T | (() => T), rules: DraftRules<T>): [T, Dispatch<SetStateAction<T>>, () => void] {
  const read = (): T => (drafts.has(key) ? (drafts.get(key) as T) : initial instanceof Function ? initial() : initial);
  const [state, setState] = useState<{ key: string; value: T }>(() => ({ key, value: read() }));
  // Another key (another batch or profile in the same component): its own draft, read during render.
  const current = state.key === key ? state : { key, value: read() };
  if (current !== state) setState(current);

  const keep = rules.keep(current.value);
  const lose = (rules.unsaved ?? rules.keep)(current.value);
  useEffect(() => {
    guardUnload();
    if (keep) drafts.set(key, current.value);
    else drafts.delete(key);
    if (lose) unsaved.add(key);
    else unsaved.delete(key);
  }, [key, current.value, keep, lose]);

  const set: Dispatch<SetStateAction<T>> = useCallback(
    (next) => setState((s) => ({ key: s.key, value: next instanceof Function ? next(s.value) : next })),
    [],
  );
  const discard = useCallback(() => {
    drafts.delete(key);
    unsaved.delete(key);
  }, [key]);
  return [current.value, set, discard];
}
