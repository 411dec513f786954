import { useCallback, useEffect, useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const storageKey = 'fieldstation.theme';
const darkQuery = '(prefers-color-scheme: dark)';

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(storageKey);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

const listeners = new Set<() => void>();
let choice: Theme | null = stored();

/** The user's choice if they made one, else the system's. */
export function effectiveTheme(): Theme {
  return choice ?? (window.matchMedia(darkQuery).matches ? 'dark' : 'light');
}

/** Sets `data-theme` on <html>; called once before the first render so the page never flashes the wrong colours. */
export function applyTheme(): void {
  const theme = effectiveTheme();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const media = window.matchMedia(darkQuery);
  media.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', listener);
  };
}

export function useTheme(): { theme: Theme; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, effectiveTheme);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `theme` is what changed; applyTheme reads it again itself
  useEffect(applyTheme, [theme]);
  const toggle = useCallback(() => {
    choice = effectiveTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(storageKey, choice);
    } catch {
      // Private mode or storage full: the choice lasts for this window only.
    }
    for (const listener of listeners) listener();
  }, []);
  return { theme, toggle };
}
