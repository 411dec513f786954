import { z } from 'zod';

/**
 * The UI languages. `en` is the source language (each message's `defaultMessage`); `en-XA` is a pseudo-locale
 * (longer, accented) that finds untranslated text and layouts that do not stretch.
 */
export const uiLocales = ['en', 'de', 'en-XA'] as const;
export const UiLocale = z.enum(uiLocales);
export type UiLocale = z.infer<typeof UiLocale>;

/**
 * The station's UI preferences (headless: kept with the station, so a new browser or another computer on the
 * same station opens in the chosen language). `locale` null: nobody chose; the browser's language decides.
 */
export const UiPreferences = z.object({ locale: UiLocale.nullable() });
export type UiPreferences = z.infer<typeof UiPreferences>;

/** A change: only the preferences given are changed. */
export const UiPreferencesChange = UiPreferences.partial();
