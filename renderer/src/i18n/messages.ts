import type { Locale } from './locale.ts';

/**
 * Translations by message id. English needs none: the code's `defaultMessage` is the English text. German lives in
 * one JSON file per area under `de/` (so parallel work on different screens does not collide in one file).
 */
const german = import.meta.glob<Record<string, string>>('./de/*.json', { eager: true, import: 'default' });

export function messagesFor(locale: Locale): Record<string, string> {
  if (locale !== 'de') return {};
  return Object.assign({}, ...Object.values(german));
}
