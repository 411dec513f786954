import type { Device } from '../../../../shared/devices.ts';
import { StateBadge } from '../../components/Badges.tsx';
import { RelativeTime } from '../../components/time.tsx';
import type { Column } from '../../components/VirtualTable.tsx';

export const credentialsLabel: Record<NonNullable<Device['credentialsType']>, string> = {
  ACCESS_TOKEN: 'Access token',
  MQTT_BASIC: 'MQTT basic',
  X509_CERTIFICATE: 'X.509 certificate',
};

export const sortableColumns: ReadonlySet<string> = new Set([
  'name',
  'profile',
  'batch',
  'state',
  'credentialsType',
  'provisionedVia',
  'lastSeenAt',
]);

const none = <span className="muted">—</span>;

/** The Devices table's columns. A row opens its drawer on click, Enter or Space (see VirtualTable). */
export const deviceColumns: Column<Device>[] = [
  {
    id: 'name',
    header: 'Name',
    width: 'minmax(10rem, 1.6fr)',
    cell: (d) => <span className="device-name ellipsis">{d.name}</span>,
  },
  {
    id: 'ids',
    header: 'Serial · MAC',
    width: 'minmax(15rem, 1.6fr)',
    priority: 2,
    cell: (d) =>
      d.serial || d.mac ? (
        <span className="ellipsis ids">
          {d.serial && <code>{d.serial}</code>}
          {d.serial && d.mac && <span className="sep"> · </span>}
          {d.mac && <code>{d.mac}</code>}
        </span>
      ) : (
        none
      ),
  },
  { id: 'profile', header: 'Profile', width: 'minmax(8rem, 1fr)', priority: 7, cell: (d) => <span className="ellipsis">{d.profile}</span> },
  { id: 'batch', header: 'Batch', width: 'minmax(7rem, 1fr)', priority: 5, cell: (d) => (d.batch ? <span className="ellipsis">{d.batch}</span> : none) },
  { id: 'state', header: 'State', width: '8.5rem', cell: (d) => <StateBadge state={d.state} /> },
  {
    id: 'credentialsType',
    header: 'Credentials',
    width: '9rem',
    priority: 6,
    cell: (d) => (d.credentialsType ? credentialsLabel[d.credentialsType] : none),
  },
  {
    id: 'provisionedVia',
    header: 'Provisioned via',
    width: '10rem',
    priority: 4,
    cell: (d) => (d.provisionedVia ? <span className={`transport transport-${d.provisionedVia}`}>{d.provisionedVia.toUpperCase()}</span> : none),
  },
  { id: 'lastSeenAt', header: 'Last seen', width: '8rem', priority: 3, cell: (d) => <RelativeTime iso={d.lastSeenAt} /> },
];
