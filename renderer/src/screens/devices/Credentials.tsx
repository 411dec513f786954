import { FormattedMessage, useIntl } from 'react-intl';
import { useState } from 'react';
import type { Device } from '../../../../shared/devices.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Icon } from '../../components/Icon.tsx';

/** A device's credentials, masked until the technician presses Reveal (people read screens over shoulders). */
export function Credentials({ type, value }: { type: Device['credentialsType']; value: Device['credentialsValue'] }) {
  const [revealed, setRevealed] = useState(false);
  const intl = useIntl();
  if (!type || value === null || value === undefined) {
    return <p className="muted"><FormattedMessage id="credentials.none" defaultMessage="None yet: the device gets credentials when it provisions." /></p>;
  }
  const fields: { label: string; value: string | null }[] =
    typeof value === 'string'
      ? [
          {
            label:
              type === 'X509_CERTIFICATE'
                ? intl.formatMessage({ id: 'credentials.certificate', defaultMessage: 'Certificate' })
                : intl.formatMessage({ id: 'credentials.accessToken', defaultMessage: 'Access token' }),
            value,
          },
        ]
      : [
          { label: intl.formatMessage({ id: 'credentials.clientId', defaultMessage: 'Client ID' }), value: value.clientId },
          { label: intl.formatMessage({ id: 'credentials.userName', defaultMessage: 'User name' }), value: value.userName },
          { label: intl.formatMessage({ id: 'credentials.password', defaultMessage: 'Password' }), value: value.password },
        ];
  return (
    <div className="credentials">
      <dl className="facts">
        {fields.map((f) => (
          <div key={f.label} className="facts-row">
            <dt>{f.label}</dt>
            <dd>
              {f.value === null ? (
                <span className="muted"><FormattedMessage id="credentials.notSet" defaultMessage="not set" /></span>
              ) : revealed ? (
                <span className="copy-field">
                  <code className="wrap secret">{f.value}</code>
                  <CopyButton value={f.value} what={f.label} />
                </span>
              ) : (
                <span className="masked" role="img" aria-label={intl.formatMessage({ id: 'token.hidden', defaultMessage: 'hidden' })}>
                  ••••••••••••
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" className="btn" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
        <Icon name={revealed ? 'eyeOff' : 'eye'} />
        {revealed ? <FormattedMessage id="common.hide" defaultMessage="Hide" /> : <FormattedMessage id="common.reveal" defaultMessage="Reveal" />}
      </button>
    </div>
  );
}
