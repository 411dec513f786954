import type { MessageFormatElement } from 'react-intl';

/**
 * Translations by message id. English needs none: the code's `defaultMessage` is the English text. German lives in
 * one JSON file per area under `de/` (so parallel work on different screens does not collide in one file). The
 * pseudo-locale en-XA is generated from the code's English at build time (scripts/pseudo-locale.mjs) and is a chunk
 * of its own, fetched only when someone chooses it.
 */
const german = import.meta.glob<Record<string, string>>('./de/*.json', { eager: true, import: 'default' });
const germanMessages: Record<string, string> = Object.assign({}, ...Object.values(german));
const none: Record<string, string> = {};
let pseudo: Record<string, MessageFormatElement[]> | null = null;

/** Fetches what `locale` needs before it can be shown (only en-XA needs anything). */
export async function loadMessages(locale: string): Promise<void> {
  if (locale === 'en-XA' && !pseudo) pseudo = (await import('virtual:pseudo-messages')).default;
}

export function messagesFor(locale: string): Record<string, string> | Record<string, MessageFormatElement[]> {
  if (locale === 'de') return germanMessages;
  if (locale === 'en-XA') return pseudo ?? none;
  return none;
}
