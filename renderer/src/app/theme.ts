import { useCallback, useEffect, useSyncExternalStore } from 'react';

/** `contrast`: black on white, strong borders and focus rings, for bright daylight and low vision. */
export type Theme = 'light' | 'dark' | 'contrast';
export const themes: readonly Theme[] = ['light', 'dark', 'contrast'];
const storageKey = 'fieldstation.theme';
const darkQuery = '(prefers-color-scheme: dark)';
const contrastQuery = '(prefers-contrast: more)';

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(storageKey);
    return themes.includes(value as Theme) ? (value as Theme) : null;
  } catch {
    return null;
  }
}

const listeners = new Set<() => void>();
let choice: Theme | null = stored();

/** The user's choice if they made one, else the system's (asking for more contrast wins over dark). */
export function effectiveTheme(): Theme {
  if (choice) return choice;
  if (window.matchMedia(contrastQuery).matches) return 'contrast';
  return window.matchMedia(darkQuery).matches ? 'dark' : 'light';
}

/** Sets `data-theme` on <html>; called once before the first render so the page never flashes the wrong colours. */
export function applyTheme(): void {
  const theme = effectiveTheme();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme === 'dark' ? 'dark' : 'light';
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const media = [window.matchMedia(darkQuery), window.matchMedia(contrastQuery)];
  for (const m of media) m.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    for (const m of media) m.removeEventListener('change', listener);
  };
}

/** The theme after `theme` in the cycle light → dark → high contrast → light (the `t` key and the top bar's button). */
export function nextTheme(theme: Theme): Theme {
  return themes[(themes.indexOf(theme) + 1) % themes.length]!;
}

export function useTheme(): { theme: Theme; choose: (theme: Theme) => void; cycle: () => void } {
  const theme = useSyncExternalStore(subscribe, effectiveTheme);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `theme` is what changed; applyTheme reads it again itself
  useEffect(applyTheme, [theme]);
  const choose = useCallback((next: Theme) => {
    choice = next;
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private mode or storage full: the choice lasts for this window only.
    }
    for (const listener of listeners) listener();
  }, []);
  const cycle = useCallback(() => choose(nextTheme(effectiveTheme())), [choose]);
  return { theme, choose, cycle };
}
