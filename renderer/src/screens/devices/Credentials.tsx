import { useState } from 'react';
import type { Device } from '../../../../shared/devices.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Icon } from '../../components/Icon.tsx';

/** A device's credentials, masked until the technician presses Reveal (people read screens over shoulders). */
export function Credentials({ type, value }: { type: Device['credentialsType']; value: Device['credentialsValue'] }) {
  const [revealed, setRevealed] = useState(false);
  if (!type || value === null || value === undefined) {
    return <p className="muted">None yet: the device gets credentials when it provisions.</p>;
  }
  const fields: { label: string; value: string | null }[] =
    typeof value === 'string'
      ? [{ label: type === 'X509_CERTIFICATE' ? 'Certificate' : 'Access token', value }]
      : [
          { label: 'Client ID', value: value.clientId },
          { label: 'User name', value: value.userName },
          { label: 'Password', value: value.password },
        ];
  return (
    <div className="credentials">
      <dl className="facts">
        {fields.map((f) => (
          <div key={f.label} className="facts-row">
            <dt>{f.label}</dt>
            <dd>
              {f.value === null ? (
                <span className="muted">not set</span>
              ) : revealed ? (
                <span className="copy-field">
                  <code className="wrap secret">{f.value}</code>
                  <CopyButton value={f.value} what={f.label.toLowerCase()} />
                </span>
              ) : (
                <span className="masked" role="img" aria-label="hidden">
                  ••••••••••••
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" className="btn" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
        <Icon name={revealed ? 'eyeOff' : 'eye'} />
        {revealed ? 'Hide' : 'Reveal'}
      </button>
    </div>
  );
}
