import { defineMessages, FormattedMessage, type MessageDescriptor } from 'react-intl';
import type { Device } from '../../../../shared/devices.ts';
import { StateBadge } from '../../components/Badges.tsx';
import { RelativeTime } from '../../components/time.tsx';
import type { Column } from '../../components/VirtualTable.tsx';

export const credentialsLabel = defineMessages({
  ACCESS_TOKEN: { id: 'devices.credentials.accessToken', defaultMessage: 'Access token' },
  MQTT_BASIC: { id: 'devices.credentials.mqttBasic', defaultMessage: 'MQTT basic' },
  X509_CERTIFICATE: { id: 'devices.credentials.x509', defaultMessage: 'X.509 certificate' },
} satisfies Record<NonNullable<Device['credentialsType']>, MessageDescriptor>);

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
    header: <FormattedMessage id="devices.colName" defaultMessage="Name" />,
    width: 'minmax(10rem, 1.6fr)',
    cell: (d) => <span className="device-name ellipsis">{d.name}</span>,
  },
  {
    id: 'ids',
    header: <FormattedMessage id="devices.colIds" defaultMessage="Serial · MAC" />,
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
  {
    id: 'profile',
    header: <FormattedMessage id="devices.colProfile" defaultMessage="Profile" />,
    width: 'minmax(8rem, 1fr)',
    priority: 7,
    cell: (d) => <span className="ellipsis">{d.profile}</span>,
  },
  {
    id: 'batch',
    header: <FormattedMessage id="devices.colBatch" defaultMessage="Batch" />,
    width: 'minmax(7rem, 1fr)',
    priority: 5,
    cell: (d) => (d.batch ? <span className="ellipsis">{d.batch}</span> : none),
  },
  { id: 'state', header: <FormattedMessage id="devices.colState" defaultMessage="State" />, width: '8.5rem', cell: (d) => <StateBadge state={d.state} /> },
  {
    id: 'credentialsType',
    header: <FormattedMessage id="devices.colCredentials" defaultMessage="Credentials" />,
    width: '9rem',
    priority: 6,
    cell: (d) => (d.credentialsType ? <FormattedMessage {...credentialsLabel[d.credentialsType]} /> : none),
  },
  {
    id: 'provisionedVia',
    header: <FormattedMessage id="devices.colVia" defaultMessage="Provisioned via" />,
    width: '10rem',
    priority: 4,
    cell: (d) => (d.provisionedVia ? <span className={`transport transport-${d.provisionedVia}`}>{d.provisionedVia.toUpperCase()}</span> : none),
  },
  {
    id: 'lastSeenAt',
    header: <FormattedMessage id="devices.colLastSeen" defaultMessage="Last seen" />,
    width: '8rem',
    priority: 3,
    cell: (d) => <RelativeTime iso={d.lastSeenAt} />,
  },
];
