import { FormattedMessage, useIntl } from 'react-intl';
import { useEffect, useState } from 'react';
import type { StationCa } from '../../../../shared/station.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';

/** The station's own CA: what devices and browsers on the site LAN must trust to reach HTTPS and MQTTS. */
export function Certificate() {
  const { api } = useStation();
  const [ca, setCa] = useState<StationCa | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const intl = useIntl();

  useEffect(() => {
    api['station.ca']({}).then(setCa, (err: unknown) => setError(explain(err)));
  }, [api]);

  return (
    <section aria-labelledby="certificate-title" className="card">
      <div className="card-header">
        <h2 id="certificate-title">
          <FormattedMessage id="server.cert.title" defaultMessage="Station certificate" />
        </h2>
        {ca && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => downloadBlob('fieldstation-ca.pem', new Blob([ca.pem], { type: 'application/x-pem-file' }))}
          >
            <Icon name="download" size={14} /> <FormattedMessage id="server.cert.download" defaultMessage="Download CA certificate" />
          </button>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      {ca && (
        <>
          <p>
            <FormattedMessage
              id="server.cert.text"
              defaultMessage="HTTPS and MQTTS use a certificate signed by this station’s own CA. Install the CA certificate on devices (or pin its fingerprint) so they know they reach this station and nobody else on the site network."
            />
          </p>
          <dl className="data-dir">
            <dt>
              <FormattedMessage id="server.cert.fingerprint" defaultMessage="SHA-256 fingerprint" />
            </dt>
            <dd>
              <code className="fingerprint">{ca.fingerprint}</code>
              <CopyButton value={ca.fingerprint} what={intl.formatMessage({ id: 'server.cert.fingerprintWhat', defaultMessage: 'CA fingerprint' })} />
            </dd>
          </dl>
        </>
      )}
    </section>
  );
}
