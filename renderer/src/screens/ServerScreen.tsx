import { FormattedMessage, useIntl } from 'react-intl';
import type { StationStatus } from '../../../shared/station.ts';
import { CopyButton } from '../components/CopyButton.tsx';
import { formatDateTime } from '../components/time.tsx';
import { Certificate } from './server/Certificate.tsx';
import { DeviceCounters } from './server/DeviceCounters.tsx';
import { Endpoints } from './server/Endpoints.tsx';
import { ProvisionFeed } from './server/ProvisionFeed.tsx';
import { Refused } from './server/Refused.tsx';

/** The default screen: is the station up, where do devices go, and what are they doing right now. */
export function ServerScreen({ status }: { status: StationStatus }) {
  const intl = useIntl();
  return (
    <section aria-labelledby="server-title" className="screen">
      <header className="page-header">
        <div>
          <h1 id="server-title">
            <FormattedMessage id="server.title" defaultMessage="Server" />
          </h1>
          <p className="page-subtitle">
            {status.startedAt ? (
              <FormattedMessage
                id="server.servingSince"
                defaultMessage="Serving since {time}"
                values={{ time: formatDateTime(status.startedAt) }}
              />
            ) : (
              <FormattedMessage id="server.notServing" defaultMessage="Not serving" />
            )}
            {' · '}
            <FormattedMessage id="server.version" defaultMessage="version {version}" values={{ version: status.version }} />
          </p>
        </div>
        <dl className="data-dir">
          <dt>
            <FormattedMessage id="server.dataDir" defaultMessage="Data directory" />
          </dt>
          <dd>
            <code>{status.dataDir}</code>
            <CopyButton value={status.dataDir} what={intl.formatMessage({ id: 'server.dataDirWhat', defaultMessage: 'data directory' })} />
          </dd>
        </dl>
      </header>
      <DeviceCounters status={status} />
      <Endpoints listeners={status.listeners} />
      <ProvisionFeed />
      {status.refused && <Refused refused={status.refused} />}
      <Certificate />
    </section>
  );
}
