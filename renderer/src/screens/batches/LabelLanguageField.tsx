import { FormattedMessage, type IntlShape, useIntl } from 'react-intl';
import { type LabelLanguage, labelLanguages, labelWords } from '../../../../shared/label-words.ts';

/** A label language by name, in the UI's language ("German" in English, "Deutsch" in German). */
export function labelLanguageName(intl: IntlShape, language: LabelLanguage): string {
  switch (language) {
    case 'en':
      return intl.formatMessage({ id: 'labelLanguage.en', defaultMessage: 'English' });
    case 'de':
      return intl.formatMessage({ id: 'labelLanguage.de', defaultMessage: 'German' });
  }
}

/** The "Label language" select of a batch: which words its labels print around the name, serial and site. */
export function LabelLanguageField({ id, value, onChange }: { id: string; value: LabelLanguage; onChange: (language: LabelLanguage) => void }) {
  const intl = useIntl();
  const words = labelWords[value];
  return (
    <div className="field">
      <label htmlFor={id}>
        <FormattedMessage id="labelLanguage.label" defaultMessage="Label language" />
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as LabelLanguage)} aria-describedby={`${id}-hint`}>
        {labelLanguages.map((l) => (
          <option key={l} value={l}>
            {labelLanguageName(intl, l)}
          </option>
        ))}
      </select>
      <p className="field-hint" id={`${id}-hint`}>
        <FormattedMessage
          id="labelLanguage.hint"
          defaultMessage="The words printed on its labels: “{batch} …”, “{site} …”."
          // The printed words are the label's, in its language, not the UI's (shared/label-words.ts).
          values={{ batch: <span data-station-words>{words.batch}</span>, site: <span data-station-words>{words.site}</span> }}
        />
      </p>
    </div>
  );
}
