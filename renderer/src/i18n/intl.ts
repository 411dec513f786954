import { createIntl, createIntlCache, type IntlShape } from 'react-intl';
import { currentLocale, type Locale } from './locale.ts';
import { messagesFor } from './messages.ts';

const cache = createIntlCache();
let made: { locale: Locale; messages: unknown; intl: IntlShape } | null = null;

/**
 * The formatter for the chosen language, one per language. Components read it through react-intl's context
 * (`useIntl`, `<FormattedMessage>`), so they re-render when the language changes; code outside React (error texts,
 * announcements, time and number formatting) calls this at the moment it needs the text.
 */
export function getIntl(): IntlShape {
  const locale = currentLocale();
  const messages = messagesFor(locale);
  if (made?.locale !== locale || made.messages !== messages) {
    const intl = createIntl(
      {
        locale,
        defaultLocale: 'en',
        messages,
        // A message missing from a catalog falls back to its English default; that is for the pseudo-locale test to
        // find, not an error to print in the console.
        onError: (error) => {
          if (error.code !== 'MISSING_TRANSLATION') console.error(error);
        },
      },
      cache,
    );
    made = { locale, messages, intl };
  }
  return made.intl;
}
