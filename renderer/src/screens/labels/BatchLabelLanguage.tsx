import { useId, useState } from 'react';
import { useIntl } from 'react-intl';
import type { Batch } from '../../../../shared/batches.ts';
import type { LabelLanguage } from '../../../../shared/label-words.ts';
import { type Explained, explain } from '../../api/errors.ts';
import { useStation } from '../../app/station.tsx';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LabelLanguageField, labelLanguageName } from '../batches/LabelLanguageField.tsx';

/** The batch's label language, changed where its labels are previewed: the preview and the next print follow. */
export function BatchLabelLanguage({ batch }: { batch: Batch }) {
  const { api, batches } = useStation();
  const intl = useIntl();
  const id = useId();
  const [error, setError] = useState<Explained | null>(null);

  const change = async (language: LabelLanguage) => {
    setError(null);
    try {
      await api['batches.update']({ batch: batch.name, language });
      await batches.load();
      announce(
        intl.formatMessage(
          { id: 'labels.languageChanged', defaultMessage: 'Labels of {batch} now print in {language}' },
          { batch: batch.name, language: labelLanguageName(intl, language) },
        ),
      );
    } catch (err) {
      setError(explain(err));
    }
  };

  return (
    <section className="card" aria-label={intl.formatMessage({ id: 'labels.languageCard', defaultMessage: 'Words on the labels' })}>
      <LabelLanguageField id={`${id}-language`} value={batch.language} onChange={(language) => void change(language)} />
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
