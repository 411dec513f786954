import { useCallback, useSyncExternalStore } from 'react';
import { loadMessages } from './messages.ts';

/**
 * The UI languages. `en` is the source language: every message's English text is its `defaultMessage` in the code.
 * `en-XA` is a pseudo-locale (longer, accented) that tests use to find text that is not translated and layouts that
 * do not stretch.
 */
export const locales = ['en', 'de', 'en-XA'] as const;
export type Locale = (typeof locales)[number];

const storageKey = 'fieldstation.locale';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

function stored(): Locale | null {
  try {
    const value = localStorage.getItem(storageKey);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

/** The browser's first language we have, else English. */
function fromBrowser(): Locale {
  // Outside a browser (unit tests under Node) there is no navigator: English.
  if (typeof navigator === 'undefined') return 'en';
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'de') return 'de';
    if (base === 'en') return 'en';
  }
  return 'en';
}

const listeners = new Set<() => void>();
const remembered = stored();
// A language whose messages must be fetched first shows once they are here (until then, English).
let choice: Locale | null = remembered === 'en-XA' ? null : remembered;
if (remembered === 'en-XA') void loadMessages(remembered).then(() => choose(remembered));

function choose(next: Locale): void {
  choice = next;
  for (const listener of listeners) listener();
}

export function currentLocale(): Locale {
  return choice ?? fromBrowser();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The chosen UI language, remembered in this browser profile. */
export function useLocale(): { locale: Locale; setLocale: (locale: Locale) => void } {
  const locale = useSyncExternalStore(subscribe, currentLocale);
  const setLocale = useCallback((next: Locale) => {
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private mode or storage full: the choice lasts for this window only.
    }
    void loadMessages(next).then(() => choose(next));
  }, []);
  return { locale, setLocale };
}
