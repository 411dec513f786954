import { useCallback, useSyncExternalStore } from 'react';
import { type UiLocale, uiLocales } from '../../../shared/preferences.ts';
import { api } from '../api/client.ts';
import { desktopBridge } from '../app/desktop.ts';
import { loadMessages } from './messages.ts';

/**
 * The UI languages (shared/preferences.ts). `en` is the source language: every message's English text is its
 * `defaultMessage` in the code. `en-XA` is a pseudo-locale (longer, accented) that tests use to find text that is not
 * translated and layouts that do not stretch.
 */
export const locales = uiLocales;
export type Locale = UiLocale;

/*
 * Where the choice is kept (issue 12): the desktop app remembers it in electron-store (its bridge), a browser asks
 * the station (preferences.get/set), so a new browser profile or another computer opens in the same language.
 * localStorage is only a cache for the first paint; once the app's or the station's answer is in, that wins.
 */
const cacheKey = 'fieldstation.locale';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

function cached(): Locale | null {
  try {
    const value = localStorage.getItem(cacheKey);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

function cache(locale: Locale): void {
  try {
    localStorage.setItem(cacheKey, locale);
  } catch {
    // Private mode or storage full: the next start waits for the app's or the station's answer.
  }
}

async function readRemembered(): Promise<Locale | null> {
  const desktop = desktopBridge();
  if (desktop) {
    const reply = await desktop.getUiLocale();
    if (reply.ok) return reply.value;
  }
  return (await api['preferences.get']({})).locale;
}

async function remember(locale: Locale): Promise<void> {
  const desktop = desktopBridge();
  if (desktop && (await desktop.setUiLocale(locale)).ok) return;
  await api['preferences.set']({ locale });
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
const firstPaint = cached();
// A language whose messages must be fetched first shows once they are here (until then, English).
let choice: Locale | null = firstPaint === 'en-XA' ? null : firstPaint;
if (firstPaint === 'en-XA') void loadMessages(firstPaint).then(() => choose(firstPaint));

function choose(next: Locale): void {
  choice = next;
  for (const listener of listeners) listener();
}

async function show(next: Locale): Promise<void> {
  cache(next);
  await loadMessages(next);
  choose(next);
}

export function currentLocale(): Locale {
  return choice ?? fromBrowser();
}

let loading: Promise<void> | null = null;

/**
 * Once per page: the language the desktop app or the station remembers replaces the cached one. A choice made in
 * this browser before the station kept it is handed to the station instead of being lost.
 */
export function loadRememberedLocale(): Promise<void> {
  loading ??= readRemembered().then(
    async (remembered) => {
      if (remembered !== null) {
        if (remembered !== choice) await show(remembered);
        else cache(remembered);
      } else if (firstPaint !== null) await remember(firstPaint).catch(() => {});
    },
    // The station is not answering: the cached choice stands, and the app's own "not answering" notice says why.
    () => {},
  );
  return loading;
}

/**
 * Another window on the same station chose a language (the station's `preferences` event): this one follows. The
 * desktop app keeps its own choice in electron-store, so a browser elsewhere on the station does not change it.
 */
export function followStationLocale(locale: Locale | null): void {
  if (locale === null || locale === choice || desktopBridge()) return;
  void show(locale);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The chosen UI language, remembered by the desktop app or the station (and cached in this browser profile). */
export function useLocale(): { locale: Locale; setLocale: (locale: Locale) => void } {
  const locale = useSyncExternalStore(subscribe, currentLocale);
  const setLocale = useCallback((next: Locale) => {
    void show(next);
    // Not kept (the station went away): the choice still holds in this window and in this browser's cache.
    void remember(next).catch(() => {});
  }, []);
  return { locale, setLocale };
}
