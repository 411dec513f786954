import type { ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { useLocale } from './locale.ts';
import { messagesFor } from './messages.ts';

/**
 * All UI text goes through react-intl (FormatJS): `<FormattedMessage id="area.thing" defaultMessage="English" />` or
 * `useIntl().formatMessage({ id, defaultMessage })`, ICU plurals, and Intl dates and numbers for the chosen locale.
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const { locale } = useLocale();
  return (
    <IntlProvider
      locale={locale}
      defaultLocale="en"
      messages={messagesFor(locale)}
      // A message missing from a catalog falls back to its English default; that is for the pseudo-locale test to
      // find, not an error to print in the console.
      onError={(error) => {
        if (error.code !== 'MISSING_TRANSLATION') console.error(error);
      }}
    >
      {children}
    </IntlProvider>
  );
}
