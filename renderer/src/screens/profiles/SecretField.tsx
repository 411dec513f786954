import { FormattedMessage, useIntl } from 'react-intl';
import type { ReactNode } from 'react';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Icon } from '../../components/Icon.tsx';
import { randomToken } from './explain.ts';

/** A key or secret: monospace, with Generate (20 random alphanumerics) and Copy beside it. */
export function SecretField({
  label,
  hint,
  value,
  onChange,
  props,
  error,
}: {
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby': string };
  error: ReactNode;
}) {
  const intl = useIntl();
  // English writes the field's name in lower case inside a sentence; German keeps its nouns capitalised.
  const inSentence = intl.locale.startsWith('en') ? label.toLowerCase() : label;
  return (
    <div className="field">
      <label htmlFor={props.id}>{label}</label>
      <div className="input-group">
        <input
          {...props}
          className="mono"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="button" className="btn" onClick={() => onChange(randomToken())} aria-label={intl.formatMessage({ id: 'profiles.generateLabel', defaultMessage: 'Generate a random {what}' }, { what: inSentence })}>
          <Icon name="dice" />
          <FormattedMessage id="profiles.generate" defaultMessage="Generate" />
        </button>
        <CopyButton value={value} what={inSentence} />
      </div>
      <p className="field-hint" id={props.id + '-hint'}>
        {hint}
      </p>
      {error}
    </div>
  );
}
