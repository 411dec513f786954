import { type ReactNode, useEffect } from 'react';
import { RawIntlProvider } from 'react-intl';
import { getIntl } from './intl.ts';
import { loadRememberedLocale, useLocale } from './locale.ts';

/**
 * All UI text goes through react-intl (FormatJS): `<FormattedMessage id="area.thing" defaultMessage="English" />` or
 * `useIntl().formatMessage({ id, defaultMessage })`, ICU plurals, and Intl dates and numbers for the chosen locale.
 * The provider hands out the same formatter code outside React uses (intl.ts), so both always speak one language.
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const { locale } = useLocale();
  useEffect(() => {
    void loadRememberedLocale();
  }, []);
  useEffect(() => {
    // Screen readers and hyphenation follow the page's language.
    document.documentElement.lang = locale;
  }, [locale]);
  return <RawIntlProvider value={getIntl()}>{children}</RawIntlProvider>;
}
