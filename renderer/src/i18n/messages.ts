import type { MessageFormatElement } from 'react-intl';
import pseudo from 'virtual:pseudo-messages';
import type { Locale } from './locale.ts';

/**
 * Translations by message id. English needs none: the code's `defaultMessage` is the English text. German lives in
 * one JSON file per area under `de/` (so parallel work on different screens does not collide in one file). The
 * pseudo-locale en-XA is generated from the code's English at build time (scripts/pseudo-locale.mjs).
 */
const german = import.meta.glob<Record<string, string>>('./de/*.json', { eager: true, import: 'default' });
const germanMessages: Record<string, string> = Object.assign({}, ...Object.values(german));

export function messagesFor(locale: Locale): Record<string, string> | Record<string, MessageFormatElement[]> {
  if (locale === 'de') return germanMessages;
  if (locale === 'en-XA') return pseudo;
  return {};
}
