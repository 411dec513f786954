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
  return (
    <section aria-labelledby="server-title" className="screen">
      <header className="page-header">
        <div>
          <h1 id="server-title">Server</h1>
          <p className="page-subtitle">
            {status.startedAt ? <>Serving since {formatDateTime(status.startedAt)}</> : 'Not serving'} · version{' '}
            {status.version}
          </p>
        </div>
        <dl className="data-dir">
          <dt>Data directory</dt>
          <dd>
            <code>{status.dataDir}</code>
            <CopyButton value={status.dataDir} what="data directory" />
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
