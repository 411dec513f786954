import { useId } from 'react';
import { FormattedMessage } from 'react-intl';
import { type Locale, locales, useLocale } from '../i18n/locale.ts';

/**
 * Each language is named in itself, so a technician who cannot read the current one still finds theirs. en-XA is the
 * pseudo-locale (accented, longer) that shows text nobody translated and layouts that do not stretch.
 */
const names: Record<Locale, string> = { en: 'English', de: 'Deutsch', 'en-XA': 'Pseudo (en-XA)' };

/** The UI language, remembered by the desktop app or the station (i18n/locale.ts), so any browser opens in it. */
export function LanguagePicker() {
  const { locale, setLocale } = useLocale();
  const id = useId();
  return (
    <div className="language-picker">
      <label htmlFor={id} className="visually-hidden">
        <FormattedMessage id="app.language" defaultMessage="Language" />
      </label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-language-picker>
        {locales.map((l) => (
          <option key={l} value={l} lang={l === 'en-XA' ? 'en' : l}>
            {names[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
